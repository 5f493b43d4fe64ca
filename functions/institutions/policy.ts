/**
 * Who may see and manage which institution (docs/architecture.md, "Roles and scopes", docs/console.md, "机构管理"). Pure functions of the caller
 * and the target; the domain applies them on every read and write.
 *
 * - read (list, get): national everywhere, a province inside itself, a city inside itself;
 * - manage (add, edit, enable/disable, delete, specialists): only a user of the institution's own city
 *   (the routes refuse other roles with 403; another city's institution answers 404).
 */
import type { Caller } from '#shared/auth/caller';
import { OutOfScopeError, RegionLevelError, resolveScope, UnknownRegionError } from '#shared/auth/scope';
import { findRegion } from '#shared/reference/regions';
import type { InstitutionRecord } from '#shared/db/institutions';

type Subject = Pick<Caller, 'role' | 'provinceCode' | 'cityCode'>;
type Placed = Pick<InstitutionRecord, 'provinceCode' | 'cityCode'>;

/** True when the caller's scope contains the institution. */
export function canReadInstitution(caller: Subject, institution: Placed): boolean {
  if (caller.role === 'national') return true;
  if (caller.role === 'province') return institution.provinceCode === caller.provinceCode;
  return caller.cityCode !== undefined && institution.cityCode === caller.cityCode;
}

/** True when the caller administers the institution: a user of its own city. */
export function canManageInstitution(caller: Subject, institution: Placed): boolean {
  return caller.role === 'city' && caller.cityCode !== undefined && institution.cityCode === caller.cityCode;
}

/** Which part of the country a list reads: everything, a province, a city, or a district of it. */
export interface ListScope {
  /** Absent: the whole country (one query per province). */
  provinceCode?: string;
  cityCode?: string;
  districtCode?: string;
}

/** The caller's own scope. */
export function ownScope(caller: Subject): ListScope {
  if (caller.role === 'national') return {};
  if (caller.role === 'province') return { provinceCode: caller.provinceCode };
  return { provinceCode: caller.provinceCode, ...(caller.cityCode ? { cityCode: caller.cityCode } : {}) };
}

/**
 * Narrows the caller's scope to `regionCode` (the nation, a province, city or district), which must
 * lie inside it: 400 UNKNOWN_REGION for an unknown code, 403 OUT_OF_SCOPE for one outside the scope
 * (never an empty list).
 */
export function listScope(caller: Subject, regionCode: string | undefined): ListScope {
  if (!regionCode) return ownScope(caller);
  const region = resolveScope(caller, regionCode, undefined, 'query.regionCode');
  return {
    ...(region.provinceCode ? { provinceCode: region.provinceCode } : {}),
    ...(region.cityCode ? { cityCode: region.cityCode } : {}),
    ...(region.districtCode ? { districtCode: region.districtCode } : {}),
  };
}

/**
 * Where a city user may place an institution (所在区域): a district of their own city. 400
 * UNKNOWN_REGION / INVALID_REGION for an unknown code or one that is not a district, 403 OUT_OF_SCOPE for a district of another city. Returns the district, city and province.
 */
export function institutionPlace(
  caller: Subject,
  districtCode: string,
): { districtCode: string; cityCode: string; provinceCode: string } {
  const region = findRegion(districtCode);
  if (!region) throw new UnknownRegionError('body.districtCode');
  if (region.level !== 'district') throw new RegionLevelError('body.districtCode', ['district']);
  if (caller.role !== 'city' || !caller.cityCode || region.parentCode !== caller.cityCode) {
    throw new OutOfScopeError('所在区域须为本市的区县');
  }
  return { districtCode, cityCode: caller.cityCode, provinceCode: caller.provinceCode };
}

/** List order (docs/console.md, "机构管理"): sort order, then id. */
export function bySortOrderThenId(a: { sortOrder: number; id: number }, b: { sortOrder: number; id: number }): number {
  return a.sortOrder - b.sortOrder || a.id - b.id;
}

/** Fuzzy specialist search (docs/console.md, "机构管理"): part of the phone or of the real name. */
export function matchesKeyword(specialist: { phone: string; realName: string }, keyword: string | undefined): boolean {
  const wanted = keyword?.trim();
  if (!wanted) return true;
  return specialist.phone.includes(wanted) || specialist.realName.includes(wanted);
}

/** One page of an already filtered and sorted list. */
export function pageOf<T>(all: readonly T[], page: number, pageSize: number): T[] {
  const start = (page - 1) * pageSize;
  return all.slice(start, start + pageSize);
}
