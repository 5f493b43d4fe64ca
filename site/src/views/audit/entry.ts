/**
 * How the 审计日志 page writes an entry's details (docs/console.md, "审计日志"): the fields of its
 * before and after as a list of 字段 / 变更前 / 变更后 in words, with region codes and institution
 * types named. The words come from shared/contract/audit.ts, which the server names actions with.
 */
import {
  AUDIT_ACTION_GROUPS,
  AUDIT_ACTION_NAMES,
  AUDIT_FIELD_NAMES,
  AUDIT_VALUE_NAMES,
  auditReasonText,
  auditTargetText,
  TARGET_TYPE_NAMES,
} from '../../../../shared/contract/audit';
import type { AuditEntry } from '../../api/audit';
import { institutionTypeList, regionName } from '../../api/reference';

/** Fields that hold a region code. */
const REGION_FIELDS = new Set(['provinceCode', 'cityCode', 'districtCode', 'region']);
/** Fields that hold the key of an uploaded file (meaningless to read). */
const FILE_FIELDS = new Set(['logoKey', 'avatarKey']);

/** Names looked up for codes (regions, institution types), filled by {@link resolveNames}. */
export type CodeNames = Map<string, string>;

export interface ChangeRow {
  field: string;
  label: string;
  before: string;
  after: string;
}

export const EMPTY = '—';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `action` filter an export noted: one action, or a whole group by its start. */
function actionText(value: string): string {
  const group = AUDIT_ACTION_GROUPS.find((entry) => entry.prefix === value);
  return group ? `${group.name}（全部）` : (AUDIT_ACTION_NAMES[value] ?? value);
}

/** One value of a field in words. */
export function fieldValue(field: string, value: unknown, names: CodeNames = new Map()): string {
  if (value === null || value === undefined || value === '') return EMPTY;
  if (Array.isArray(value)) return value.length === 0 ? EMPTY : value.map((item) => fieldValue(field, item, names)).join('；');
  if (isRecord(value)) {
    const parts = Object.entries(value)
      .filter(([, entry]) => entry !== null && entry !== undefined && entry !== '')
      .map(([key, entry]) => `${AUDIT_FIELD_NAMES[key] ?? key}：${fieldValue(key, entry, names)}`);
    return parts.length > 0 ? parts.join('，') : EMPTY;
  }
  if (typeof value === 'boolean') return value ? '是' : '否';
  const text = String(value);
  if (FILE_FIELDS.has(field)) return '已上传';
  if (REGION_FIELDS.has(field) || field === 'type') return names.get(`${field === 'type' ? 'type' : 'region'}:${text}`) ?? text;
  if (field === 'action') return actionText(text);
  if (field === 'target') return TARGET_TYPE_NAMES[text] ?? text;
  return AUDIT_VALUE_NAMES[field]?.[text] ?? text;
}

/** Every field the entry's before or after names, in the order they first appear. */
export function changeRows(entry: Pick<AuditEntry, 'before' | 'after'>, names: CodeNames = new Map()): ChangeRow[] {
  const before = entry.before ?? {};
  const after = entry.after ?? {};
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return fields.map((field) => ({
    field,
    label: AUDIT_FIELD_NAMES[field] ?? field,
    before: field in before ? fieldValue(field, before[field], names) : EMPTY,
    after: field in after ? fieldValue(field, after[field], names) : EMPTY,
  }));
}

/** Collects the region codes and institution types an entry's before and after hold. */
function codesOf(value: unknown, field: string, out: { regions: Set<string>; types: Set<string> }): void {
  if (Array.isArray(value)) value.forEach((item) => codesOf(item, field, out));
  else if (isRecord(value)) Object.entries(value).forEach(([key, entry]) => codesOf(entry, key, out));
  else if (typeof value === 'string' && value) {
    if (REGION_FIELDS.has(field)) out.regions.add(value);
    if (field === 'type') out.types.add(value);
  }
}

/** Looks up the names of the region codes and institution types in an entry (cached lists). */
export async function resolveNames(entry: Pick<AuditEntry, 'before' | 'after' | 'target'>): Promise<CodeNames> {
  const names: CodeNames = new Map();
  const codes = { regions: new Set<string>(), types: new Set<string>() };
  codesOf(entry.before, '', codes);
  codesOf(entry.after, '', codes);
  await Promise.all([...codes.regions].map(async (code) => names.set(`region:${code}`, await regionName(code))));
  // Only an institution's type is an institution type (an account has none).
  if (codes.types.size > 0 && entry.target.type === 'institution') {
    try {
      const types = await institutionTypeList();
      for (const type of types) names.set(`type:${type.code}`, type.name);
    } catch {
      // The codes stay as they are.
    }
  }
  return names;
}

/** The 操作人 of a row: the name, else the masked phone of a sign-in attempt. */
export function actorText(entry: AuditEntry): string {
  return entry.actor.name ?? entry.actor.phone ?? (entry.actor.accountId === null ? EMPTY : `ID ${entry.actor.accountId}`);
}

export function targetText(entry: AuditEntry): string {
  return auditTargetText(entry.target) || EMPTY;
}

export function reasonText(entry: AuditEntry): string {
  return auditReasonText(entry.reason) || EMPTY;
}
