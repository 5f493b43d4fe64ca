/** The API's view of an account (docs/http-api.md, "Accounts"): what the site shows, never the secrets. */
import * as z from 'zod';
import type { AccountRecord } from '#shared/db/accounts';
import { genderSchema, statusSchema } from '#shared/http/schemas';
import { findRegion, NATION_CODE } from '#shared/reference/regions';
import { ROLE_NAMES, ROLES, type Caller, type Role } from '#shared/auth/caller';

/** The account as the API shows it (docs/http-api.md, "Accounts"). */
export const accountViewSchema = z.object({
  id: z.number().int(),
  /** Masked (`138****1234`) unless the caller administers the account or it is their own. */
  phone: z.string(),
  realName: z.string(),
  gender: genderSchema,
  unit: z.string(),
  department: z.string().nullable(),
  position: z.string().nullable(),
  remark: z.string().nullable(),
  role: z.enum(ROLES),
  roleName: z.string(),
  provinceCode: z.string(),
  provinceName: z.string(),
  cityCode: z.string().nullable(),
  cityName: z.string().nullable(),
  status: statusSchema,
  auditStatus: z.enum(['pending', 'approved', 'rejected']),
  auditReason: z.string().nullable(),
  hasPassword: z.boolean(),
  /** The account that created this one (none for the bootstrap and demo accounts). */
  createdBy: z.number().int().nullable(),
  /** Whether the caller may approve or reject it now. */
  canAudit: z.boolean(),
  authorizationLetterUrl: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});
export type AccountView = z.output<typeof accountViewSchema>;

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

/** The console's modules per role (docs/architecture.md, "Roles and scopes"; docs/http-api.md, "Auth" (`modules`)). */
export const MODULES_BY_ROLE: Record<Role, string[]> = {
  national: ['dashboard', 'regional-stats', 'institution-stats', 'supervision', 'data-quality', 'dynamics', 'accounts', 'subordinate-accounts', 'audit-log'],
  province: ['dashboard', 'regional-stats', 'institution-stats', 'supervision', 'data-quality', 'subordinate-accounts', 'dynamics', 'accounts', 'audit-log'],
  city: ['dashboard', 'regional-stats', 'institution-stats', 'supervision', 'data-quality', 'institutions', 'dynamics', 'accounts', 'audit-log'],
};

export function scopeOf(caller: Pick<Caller, 'role' | 'provinceCode' | 'cityCode'>) {
  return {
    level: caller.role,
    provinceCode: caller.role === 'national' ? null : caller.provinceCode,
    cityCode: caller.role === 'city' ? (caller.cityCode ?? null) : null,
  };
}
