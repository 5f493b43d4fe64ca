/**
 * The 审计日志 view of an audit entry (docs/http-api.md, "Audit log"): who, from where, did what to what,
 * with what result — in Chinese for the console and the export. Phones are masked unless the viewer
 * administers the person they belong to (a city user its institutions' specialists).
 */
import * as z from 'zod';
import type { Caller } from '#shared/auth/caller';
import { ROLE_NAMES } from '#shared/auth/caller';
import { maskPhonesIn } from '#shared/http/logger';
import { findRegion } from '#shared/reference/regions';
import { AUDIT_ACTION_NAMES, TARGET_TYPE_NAMES } from '#shared/contract/audit';

// The Chinese names live in shared/contract/audit.ts, which the admin site shares.
export { AUDIT_ACTION_NAMES, TARGET_TYPE_NAMES };

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
