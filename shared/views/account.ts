/** The API's view of an account (API.md "Accounts"): what the site shows, never the secrets. */
import type { AccountRecord } from '#shared/db/accounts';
import { findRegion, NATION_CODE } from '#shared/reference/regions';
import { ROLE_NAMES, type Caller, type Role } from '#shared/auth/caller';

export interface AccountView {
  id: number;
  phone: string;
  realName: string;
  gender: AccountRecord['gender'];
  unit: string;
  department: string | null;
  position: string | null;
  remark: string | null;
  role: Role;
  roleName: string;
  provinceCode: string;
  provinceName: string;
  cityCode: string | null;
  cityName: string | null;
  status: AccountRecord['status'];
  auditStatus: AccountRecord['auditStatus'];
  auditReason: string | null;
  hasPassword: boolean;
  /** The account that created this one (none for the bootstrap and demo accounts). */
  createdBy: number | null;
  /** Whether the caller may approve or reject it now. */
  canAudit: boolean;
  authorizationLetterUrl?: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** `13812341234` → `138****1234`. */
export function maskPhone(phone: string): string {
  return phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '****';
}

export function regionNames(provinceCode: string, cityCode?: string): { provinceName: string; cityName: string | null } {
  if (provinceCode === NATION_CODE) return { provinceName: '全国', cityName: null };
  return {
    provinceName: findRegion(provinceCode)?.name ?? provinceCode,
    cityName: cityCode ? (findRegion(cityCode)?.name ?? cityCode) : null,
  };
}

export interface AccountViewOptions {
  /** Show the full phone (the caller administers this account, or it is their own). */
  revealPhone: boolean;
  canAudit?: boolean;
  authorizationLetterUrl?: string;
}

export function presentAccount(account: AccountRecord, options: AccountViewOptions): AccountView {
  return {
    id: account.id,
    phone: options.revealPhone ? account.phone : maskPhone(account.phone),
    realName: account.realName,
    gender: account.gender,
    unit: account.unit,
    department: account.department ?? null,
    position: account.position ?? null,
    remark: account.remark ?? null,
    role: account.role,
    roleName: ROLE_NAMES[account.role],
    provinceCode: account.provinceCode,
    ...regionNames(account.provinceCode, account.cityCode),
    cityCode: account.cityCode ?? null,
    status: account.status,
    auditStatus: account.auditStatus,
    auditReason: account.auditReason ?? null,
    hasPassword: Boolean(account.passwordHash),
    createdBy: account.createdBy ?? null,
    canAudit: options.canAudit ?? false,
    ...(options.authorizationLetterUrl ? { authorizationLetterUrl: options.authorizationLetterUrl } : {}),
    createdAt: account.createdAt,
    updatedAt: account.updatedAt,
    version: account.version,
  };
}

/** The console's modules per role (DESIGN.md §1; API.md `modules`). */
export const MODULES_BY_ROLE: Record<Role, string[]> = {
  national: ['dashboard', 'regional-stats', 'institution-stats', 'dynamics', 'accounts', 'subordinate-accounts'],
  province: ['dashboard', 'regional-stats', 'institution-stats', 'subordinate-accounts', 'dynamics', 'accounts'],
  city: ['dashboard', 'regional-stats', 'institution-stats', 'institutions', 'dynamics', 'accounts'],
};

export function scopeOf(caller: Pick<Caller, 'role' | 'provinceCode' | 'cityCode'>) {
  return {
    level: caller.role,
    provinceCode: caller.role === 'national' ? null : caller.provinceCode,
    cityCode: caller.role === 'city' ? (caller.cityCode ?? null) : null,
  };
}
