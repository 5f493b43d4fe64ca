/**
 * Who may see, change and audit which government account (docs/architecture.md, "Roles and scopes", docs/console.md, "账号管理"). Pure
 * functions of the caller and the target; the domain enforces them on every read and write.
 *
 * - peer tier (账号管理): accounts of the caller's own level and region;
 * - subordinate tier (市级/省级账号管理): accounts of the level below inside the caller's region
 *   (province → its cities' accounts, national → province accounts; a city has none);
 * - audit: the level above in the same region decides on pending accounts; a pending national account
 *   is decided by a different national user, never its creator.
 */
import type { Caller, Role } from './caller';
import type { AccountRecord } from '#shared/db/accounts';
import { ForbiddenError } from '#shared/http/errors';
import { findRegion, NATION_CODE } from '#shared/reference/regions';
import { OutOfScopeError, RegionLevelError, resolveScope } from './scope';

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
 * Narrows a tier's scope by a region filter (a province or city), which must lie inside the tier's
 * scope: 403 OUT_OF_SCOPE otherwise, never an empty list; 400 for an unknown code or a district
 * (accounts carry provinces and cities only).
 */
export function narrowScope(scope: AccountScope, regionCode: string | undefined): AccountScope {
  if (!regionCode) return scope;
  // A tier's scope is rooted where its caller's is: the nation, a province or a city.
  const root: Pick<Caller, 'role' | 'provinceCode' | 'cityCode'> = {
    role: scope.cityCode ? 'city' : scope.provinceCode ? 'province' : 'national',
    provinceCode: scope.provinceCode ?? NATION_CODE,
    cityCode: scope.cityCode,
  };
  const region = resolveScope(root, regionCode, ['province', 'city'], 'query.regionCode');
  return { ...scope, provinceCode: region.provinceCode, ...(region.cityCode ? { cityCode: region.cityCode } : {}) };
}

/**
 * The region of a subordinate account being created: a province (national caller) or a city of the
 * caller's province (province caller).
 */
export function subordinateRegion(caller: Subject, regionCode: string | undefined): { provinceCode: string; cityCode?: string } {
  const region = regionCode ? findRegion(regionCode) : undefined;
  if (caller.role === 'national') {
    if (!region || region.level !== 'province') throw new RegionLevelError('body.regionCode', ['province']);
    return { provinceCode: region.code };
  }
  if (!region || region.level !== 'city') throw new RegionLevelError('body.regionCode', ['city']);
  if (region.parentCode !== caller.provinceCode) throw new OutOfScopeError('只能为本省的城市添加账号');
  return { provinceCode: caller.provinceCode, cityCode: region.code };
}
