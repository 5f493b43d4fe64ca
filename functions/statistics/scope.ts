/**
 * The region and period a statistics request is about. The region defaults to the caller's own and
 * must lie inside it: a wider region is refused with 403, never answered with an empty result.
 */
import { scopeRegionCode, type Caller } from '#shared/auth/caller';
import { BadRequestError, ForbiddenError } from '#shared/http/errors';
import { ALL_TIME, monthPeriod, NATION_REGION, yearPeriod, type StatPeriod } from '#shared/db/keys';
import { findRegion, isWithin, type RegionLevel } from '#shared/reference/regions';

export interface StatsRegion {
  code: string;
  name: string;
  level: 'nation' | RegionLevel;
}

export function regionOf(code: string): StatsRegion {
  if (code === NATION_REGION) return { code, name: '全国', level: 'nation' };
  const region = findRegion(code);
  if (!region) throw new BadRequestError('UNKNOWN_REGION', '行政区划代码不存在', [{ path: 'query.region', message: '未知的地区' }]);
  return { code: region.code, name: region.name, level: region.level };
}

/** The requested region, checked against the caller's scope. */
export function resolveRegion(caller: Caller, requested: string | undefined, allowed: readonly StatsRegion['level'][] = ['nation', 'province', 'city', 'district']): StatsRegion {
  const root = scopeRegionCode(caller);
  const code = requested ?? root;
  const region = regionOf(code);
  if (root !== NATION_REGION && !isWithin(code, root)) throw new ForbiddenError('超出数据权限范围', 'OUT_OF_SCOPE');
  if (!allowed.includes(region.level)) {
    throw new BadRequestError('INVALID_REGION', '该统计不支持此级别的地区', [{ path: 'query.region', message: `须为 ${allowed.join('/')}` }]);
  }
  return region;
}

export interface StatsPeriod {
  year: number | null;
  month: number | null;
  key: StatPeriod;
}

export function resolvePeriod(year: number | undefined, month: number | undefined): StatsPeriod {
  if (month !== undefined && year === undefined) {
    throw new BadRequestError('VALIDATION_FAILED', '请求参数不正确', [{ path: 'query.month', message: '按月统计须同时指定年份' }]);
  }
  if (year === undefined) return { year: null, month: null, key: ALL_TIME };
  if (month === undefined) return { year, month: null, key: yearPeriod(year) };
  return { year, month, key: monthPeriod(year, month) };
}
