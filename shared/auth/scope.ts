/**
 * Data scope (docs/architecture.md, "Roles and scopes"): a national user sees the country, a province
 * user their province, a city user their city. A request may narrow its region inside the caller's
 * scope, never widen it: a region outside answers 403, not an empty result. Every module checks
 * regions through {@link resolveScope}, so one case always answers with one code:
 *
 * | case                                   | status | code            |
 * |----------------------------------------|--------|-----------------|
 * | the code is no region at all           | 400    | UNKNOWN_REGION  |
 * | a region of a level the call cannot use| 400    | INVALID_REGION  |
 * | a region outside the caller's scope    | 403    | OUT_OF_SCOPE    |
 */
import { BadRequestError, ForbiddenError } from '#shared/http/errors';
import { findRegion, isWithin, NATION_CODE, NATION_NAME, regionPath, type RegionLevel } from '#shared/reference/regions';
import type { Caller } from './caller';

/** The levels a scope region can have: the nation, then the GB/T 2260 levels. */
export type ScopeLevel = 'nation' | RegionLevel;
export const ALL_SCOPE_LEVELS: readonly ScopeLevel[] = ['nation', 'province', 'city', 'district'];

/** A region a request is about, with the codes of its enclosing province and city. */
export interface ScopeRegion {
  code: string;
  name: string;
  level: ScopeLevel;
  /** Absent for the nation. */
  provinceCode?: string;
  /** Set for cities and districts. */
  cityCode?: string;
  /** Set for districts. */
  districtCode?: string;
}

const LEVEL_NAMES: Record<ScopeLevel, string> = { nation: '全国', province: '省份', city: '城市', district: '区县' };

/** 400 UNKNOWN_REGION: the code names no region. */
export class UnknownRegionError extends BadRequestError {
  constructor(field: string) {
    super('UNKNOWN_REGION', '行政区划代码不存在', [{ path: field, message: '未知的地区' }]);
  }
}

/** 400 INVALID_REGION: a real region, but of a level this call does not take. */
export class RegionLevelError extends BadRequestError {
  constructor(field: string, allowed: readonly ScopeLevel[]) {
    const wanted = allowed.map((level) => LEVEL_NAMES[level]).join('、');
    super('INVALID_REGION', `地区须为${wanted}`, [{ path: field, message: `须为${wanted}` }]);
  }
}

/** 403 OUT_OF_SCOPE: the region lies outside the caller's data scope. */
export class OutOfScopeError extends ForbiddenError {
  constructor(message = '超出数据权限范围') {
    super(message, 'OUT_OF_SCOPE');
  }
}

type Scoped = Pick<Caller, 'role' | 'provinceCode' | 'cityCode'>;

/** The region code a caller's scope is rooted at: the nation, their province or their city. */
export function scopeRoot(caller: Scoped): string {
  if (caller.role === 'national') return NATION_CODE;
  if (caller.role === 'province') return caller.provinceCode;
  return caller.cityCode ?? caller.provinceCode;
}

/** True when `regionCode` (the nation included) lies inside the caller's scope. */
export function isInScope(caller: Scoped, regionCode: string): boolean {
  const root = scopeRoot(caller);
  if (root === NATION_CODE) return true;
  return regionCode !== NATION_CODE && isWithin(regionCode, root);
}

/** The region of a code (the nation included). Throws {@link UnknownRegionError}. */
export function regionOf(code: string, field = 'query.region'): ScopeRegion {
  if (code === NATION_CODE) return { code, name: NATION_NAME, level: 'nation' };
  const region = findRegion(code);
  if (!region) throw new UnknownRegionError(field);
  const [province, city, district] = regionPath(code);
  return {
    code: region.code,
    name: region.name,
    level: region.level,
    ...(province ? { provinceCode: province.code } : {}),
    ...(city ? { cityCode: city.code } : {}),
    ...(district ? { districtCode: district.code } : {}),
  };
}

/**
 * The region a request is about: `regionCode`, or the caller's own scope when it is absent. Checks,
 * in this order, that the code exists, that its level is one of `allowedLevels`, and that it lies
 * inside the caller's scope. `field` names the request field in error details.
 *
 * @throws UnknownRegionError 400 UNKNOWN_REGION
 * @throws RegionLevelError 400 INVALID_REGION
 * @throws OutOfScopeError 403 OUT_OF_SCOPE
 */
export function resolveScope(
  caller: Scoped,
  regionCode: string | undefined,
  allowedLevels: readonly ScopeLevel[] = ALL_SCOPE_LEVELS,
  field = 'query.region',
): ScopeRegion {
  const region = regionOf(regionCode ?? scopeRoot(caller), field);
  if (!allowedLevels.includes(region.level)) throw new RegionLevelError(field, allowedLevels);
  if (!isInScope(caller, region.code)) throw new OutOfScopeError();
  return region;
}
