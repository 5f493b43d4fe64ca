/** The account view of the API (functions/accounts/routes.ts) and what the pages show for it. */

export type Role = 'national' | 'province' | 'city';
export type Tier = 'peer' | 'subordinate';
export type Gender = 'male' | 'female';
export type Status = 'enabled' | 'disabled';
export type AuditStatus = 'pending' | 'approved' | 'rejected';

export interface AccountItem {
  id: number;
  phone: string;
  realName: string;
  gender: Gender;
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
  status: Status;
  auditStatus: AuditStatus;
  auditReason: string | null;
  hasPassword: boolean;
  authorizationLetterUrl?: string;
  /** Not in today's API view; used when present to hide 审核 on accounts the caller created. */
  createdBy?: number | null;
  /** Whether the signed-in user may approve or reject this account now. */
  canAudit?: boolean;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface AccountPage {
  items: AccountItem[];
  total: number;
  page: number;
  pageSize: number;
}

export type { Region } from '../../api/reference';

export const GENDER_NAMES: Record<Gender, string> = { male: '男', female: '女' };

export const STATUS_NAMES: Record<Status, string> = { enabled: '启用', disabled: '禁用' };

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

export const ROLE_NAMES: Record<Role, string> = { national: '国家级', province: '省级', city: '市级' };
