/**
 * Who may see, change and audit which government account (DESIGN.md §1, manual §2.9–2.10). Pure
 * functions of the caller and the target; the domain enforces them on every read and write.
 *
 * - peer tier (账号管理): accounts of the caller's own level and region;
 * - subordinate tier (市级/省级账号管理): accounts of the level below inside the caller's region
 *   (province → its cities' accounts, national → province accounts; a city has none);
 * - audit: the level above in the same region decides on pending accounts; a pending national account
 *   is decided by a different national user, never its creator.
 */
import { NATION_CODE, type Caller, type Role } from '#shared/auth/caller';
import type { AccountRecord } from '#shared/db/accounts';
import { BadRequestError, ForbiddenError } from '#shared/http/errors';
import { findRegion, isWithin } from '#shared/reference/regions';

export type Tier = 'peer' | 'subordinate';

type Subject = Pick<Caller, 'accountId' | 'role' | 'provinceCode' | 'cityCode'>;
type Target = Pick<AccountRecord, 'id' | 'role' | 'provinceCode' | 'cityCode' | 'auditStatus' | 'createdBy'>;

/** The level below a role, if any. */
export function childRole(role: Role): Role | undefined {
  if (role === 'national') return 'province';
  if (role === 'province') return 'city';
  return undefined;
}

export interface AccountScope {
  role: Role;
  provinceCode?: string;
  cityCode?: string;
}

/** The accounts a tier lists for the caller. Throws 403 for a city caller's subordinate tier. */
export function tierScope(caller: Subject, tier: Tier): AccountScope {
  if (tier === 'peer') {
    if (caller.role === 'national') return { role: 'national' };
    if (caller.role === 'province') return { role: 'province', provinceCode: caller.provinceCode };
    return { role: 'city', provinceCode: caller.provinceCode, cityCode: caller.cityCode };
  }
  if (caller.role === 'national') return { role: 'province' };
  if (caller.role === 'province') return { role: 'city', provinceCode: caller.provinceCode };
  throw new ForbiddenError('市级用户没有下级账号', 'NO_SUBORDINATE_TIER');
}

/** The tier through which the caller administers the target, or undefined when it is out of scope. */
export function tierOf(caller: Subject, target: Target): Tier | undefined {
  if (target.role === caller.role) {
    if (caller.role === 'national') return 'peer';
    if (caller.role === 'province') return target.provinceCode === caller.provinceCode ? 'peer' : undefined;
    return target.cityCode === caller.cityCode ? 'peer' : undefined;
  }
  if (target.role === childRole(caller.role)) {
    if (caller.role === 'national') return 'subordinate';
    return target.provinceCode === caller.provinceCode ? 'subordinate' : undefined;
  }
  return undefined;
}

/** True when the caller may approve or reject the (pending) target. */
export function canAudit(caller: Subject, target: Target): boolean {
  if (target.id === caller.accountId) return false;
  if (target.role === 'city') return caller.role === 'province' && caller.provinceCode === target.provinceCode;
  if (target.role === 'province') return caller.role === 'national';
  return caller.role === 'national' && target.createdBy !== caller.accountId;
}

/**
 * Narrows a tier's scope by a region filter, which must lie inside the tier's scope (403 otherwise,
 * never an empty list). Accounts carry provinces and cities, so a district is not a valid filter.
 */
export function narrowScope(scope: AccountScope, regionCode: string | undefined): AccountScope {
  if (!regionCode) return scope;
  const region = findRegion(regionCode);
  if (!region || region.level === 'district') {
    throw new BadRequestError('INVALID_REGION', '地区须为省份或城市', [{ path: 'query.regionCode', message: '无效的地区' }]);
  }
  const root = scope.cityCode ?? scope.provinceCode ?? NATION_CODE;
  if (root !== NATION_CODE && !isWithin(regionCode, root)) throw new ForbiddenError('超出数据权限范围', 'OUT_OF_SCOPE');
  if (region.level === 'province') return { ...scope, provinceCode: region.code };
  return { ...scope, provinceCode: region.parentCode, cityCode: region.code };
}

/**
 * The region of a subordinate account being created: a province (national caller) or a city of the
 * caller's province (province caller).
 */
export function subordinateRegion(caller: Subject, regionCode: string | undefined): { provinceCode: string; cityCode?: string } {
  const region = regionCode ? findRegion(regionCode) : undefined;
  const problem = (message: string) =>
    new BadRequestError('INVALID_REGION', message, [{ path: 'body.regionCode', message }]);
  if (caller.role === 'national') {
    if (!region || region.level !== 'province') throw problem('请选择省份');
    return { provinceCode: region.code };
  }
  if (!region || region.level !== 'city') throw problem('请选择城市');
  if (region.parentCode !== caller.provinceCode) throw new ForbiddenError('只能为本省的城市添加账号', 'OUT_OF_SCOPE');
  return { provinceCode: caller.provinceCode, cityCode: region.code };
}
