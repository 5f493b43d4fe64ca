/**
 * The 审计日志 view of an audit entry (docs/api.md, "Audit log"): who, from where, did what to what,
 * with what result — in Chinese for the console and the export. Phones are masked unless the viewer
 * administers the person they belong to (a city user its institutions' specialists).
 */
import { z } from 'zod';
import type { Caller } from '#shared/auth/caller';
import { ROLE_NAMES } from '#shared/auth/caller';
import { maskPhonesIn } from '#shared/http/logger';
import { findRegion } from '#shared/reference/regions';

/** The actions the log records, with their Chinese names. */
export const AUDIT_ACTION_NAMES: Readonly<Record<string, string>> = {
  'auth.login': '登录',
  'auth.logout': '退出登录',
  'auth.lockout': '登录限制',
  'auth.sms': '发送短信验证码',
  'auth.password-change': '修改密码',
  'account.bootstrap': '初始化国家级账号',
  'account.create': '添加账号',
  'account.update': '编辑账号',
  'account.enable': '启用账号',
  'account.disable': '禁用账号',
  'account.delete': '删除账号',
  'account.batch-delete': '批量删除账号',
  'account.approve': '审核通过账号',
  'account.reject': '驳回账号',
  'institution.create': '添加金融机构',
  'institution.update': '编辑金融机构',
  'institution.enable': '启用金融机构',
  'institution.disable': '禁用金融机构',
  'institution.delete': '删除金融机构',
  'specialist.create': '添加专管员',
  'specialist.update': '编辑专管员',
  'specialist.enable': '启用专管员',
  'specialist.disable': '禁用专管员',
  'specialist.delete': '删除专管员',
  'report.export': '导出报表',
  'quality.check': '核查数据质量预警',
};

export const TARGET_TYPE_NAMES: Readonly<Record<string, string>> = {
  account: '账号',
  institution: '金融机构',
  specialist: '专管员',
  report: '报表',
  order: '订单',
  enterprise: '企业',
  product: '金融产品',
};

export const auditEntryViewSchema = z.object({
  id: z.string(),
  time: z.string(),
  action: z.string(),
  actionName: z.string(),
  result: z.enum(['success', 'failure']),
  actor: z.object({
    accountId: z.number().int().nullable(),
    name: z.string().nullable(),
    role: z.string().nullable(),
    roleName: z.string().nullable(),
    regionName: z.string().nullable(),
    phone: z.string().nullable(),
  }),
  sourceIp: z.string().nullable(),
  target: z.object({ type: z.string().nullable(), typeName: z.string().nullable(), id: z.string().nullable() }),
  reason: z.string().nullable(),
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
});
export type AuditEntryView = z.output<typeof auditEntryViewSchema>;

function maskDeep(value: unknown): unknown {
  if (typeof value === 'string') return maskPhonesIn(value);
  if (Array.isArray(value)) return value.map(maskDeep);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, maskDeep(entry)]));
  return value;
}

/** Whether the viewer administers what the entry names (and so may see its phones in full). */
function administers(viewer: Pick<Caller, 'role' | 'cityCode'> | null, item: Record<string, unknown>): boolean {
  return viewer !== null && viewer.role === 'city' && item.targetType === 'specialist' && item.actorCityCode === viewer.cityCode;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** An entry as `viewer` may see it; a null viewer (a file leaving the console) sees every phone masked. */
export function presentAuditEntry(item: Record<string, unknown>, viewer: Pick<Caller, 'role' | 'cityCode'> | null): AuditEntryView {
  const reveal = administers(viewer, item);
  const shown = (value: unknown) => (reveal ? value : maskDeep(value));
  const role = text(item.actorRole);
  const region = text(item.actorCityCode) ?? (role && role !== 'national' ? text(item.actorProvinceCode) : null);
  const action = String(item.action);
  return {
    id: String(item.sk),
    time: String(item.time),
    action,
    actionName: AUDIT_ACTION_NAMES[action] ?? action,
    result: item.outcome === 'failure' ? 'failure' : 'success',
    actor: {
      accountId: typeof item.actorAccountId === 'number' ? item.actorAccountId : null,
      name: text(item.actorName),
      role,
      roleName: role ? (ROLE_NAMES[role as keyof typeof ROLE_NAMES] ?? role) : null,
      regionName: role === 'national' ? '全国' : region ? (findRegion(region)?.name ?? region) : null,
      phone: text(item.actorPhoneMasked),
    },
    sourceIp: text(item.sourceIp),
    target: {
      type: text(item.targetType),
      typeName: text(item.targetType) ? (TARGET_TYPE_NAMES[String(item.targetType)] ?? String(item.targetType)) : null,
      id: text(item.targetId) ?? (typeof item.targetId === 'number' ? String(item.targetId) : null),
    },
    reason: text(item.reason) ? String(shown(item.reason)) : null,
    before: item.before ? (shown(item.before) as Record<string, unknown>) : null,
    after: item.after ? (shown(item.after) as Record<string, unknown>) : null,
  };
}
