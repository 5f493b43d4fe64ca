/** 账号管理 and 市级/省级账号管理 (docs/http-api.md, "Accounts"). */
import { call, type Answer, type BodyOf, type QueryOf } from './client';
import type { CaptchaFields } from './auth';

export type AccountItem = Answer<'getAccount'>;
export type AccountPage = Answer<'listAccounts'>;
export type AccountQuery = QueryOf<'listAccounts'>;
export type Role = AccountItem['role'];
export type Gender = AccountItem['gender'];
export type Status = AccountItem['status'];
export type AuditStatus = AccountItem['auditStatus'];
export type Tier = NonNullable<AccountQuery['tier']>;

export const accountsApi = {
  list: (query: AccountQuery) => call('listAccounts', { query }),
  get: (id: number) => call('getAccount', { params: { id } }),
  create: (body: BodyOf<'createAccount'>) => call('createAccount', { body }),
  update: (id: number, body: BodyOf<'updateAccount'>) => call('updateAccount', { params: { id }, body }),
  remove: (id: number) => call('deleteAccount', { params: { id } }),
  removeMany: (ids: number[]) => call('batchDeleteAccounts', { body: { ids } }),
  audit: (id: number, body: BodyOf<'auditAccount'>) => call('auditAccount', { params: { id }, body }),
  /** The bind code for a phone being added as an account (needs the session). */
  requestBindCode: (phone: string, check: CaptchaFields = {}) => call('requestSmsCode', { body: { phone, purpose: 'bind', ...check } }),
};

export const GENDER_NAMES: Record<Gender, string> = { male: '男', female: '女' };
export const STATUS_NAMES: Record<Status, string> = { enabled: '启用', disabled: '禁用' };
export const ROLE_NAMES: Record<Role, string> = { national: '国家级', province: '省级', city: '市级' };
export const AUDIT_STATUS: Record<AuditStatus, { label: string; tag: 'warning' | 'success' | 'danger' }> = {
  pending: { label: '待审核', tag: 'warning' },
  approved: { label: '审核通过', tag: 'success' },
  rejected: { label: '审核未通过', tag: 'danger' },
};

/** The level below a role, whose accounts the subordinate tier manages. */
export function childRole(role: Role): Role | undefined {
  if (role === 'national') return 'province';
  if (role === 'province') return 'city';
  return undefined;
}
