/**
 * Pure key builders: the only place that knows how items are keyed (see the access-pattern table in
 * `table.ts`). Every builder returns plain strings; nothing here touches the network.
 */
import type { Role } from '#shared/auth/caller';

/** Numeric ids are zero-padded in sort keys so that string order equals numeric order. */
export function padId(id: number, width = 10): string {
  if (!Number.isSafeInteger(id) || id < 0) throw new RangeError(`id must be a non-negative integer: ${id}`);
  return String(id).padStart(width, '0');
}

export interface ItemKey {
  pk: string;
  sk: string;
}

// ---- accounts -------------------------------------------------------------------------------

export const accountKey = (phone: string): ItemKey => ({ pk: `ACCOUNT#${phone}`, sk: 'ACCOUNT' });

export const accountIdIndexKey = (id: number) => ({ gsi1pk: `ACCOUNTID#${id}`, gsi1sk: 'ACCOUNT' });

/**
 * Accounts are listed by role, then narrowed by province and city with begins_with on the sort key:
 * `<province>#<city or ->#<id>`. National accounts use province `000000`.
 */
export function accountScopeIndexKey(role: Role, provinceCode: string, cityCode: string | undefined, id: number) {
  return { gsi2pk: `ACCOUNTS#${role}`, gsi2sk: `${provinceCode}#${cityCode ?? '-'}#${padId(id)}` };
}

/** The sort-key prefix selecting the accounts of a role inside a province (and city). */
export function accountScopePrefix(provinceCode?: string, cityCode?: string): string {
  if (!provinceCode) return '';
  return cityCode ? `${provinceCode}#${cityCode}#` : `${provinceCode}#`;
}

export const sessionKey = (phone: string, sessionId: string): ItemKey => ({
  pk: `ACCOUNT#${phone}`,
  sk: `SESSION#${sessionId}`,
});

export const SESSION_SK_PREFIX = 'SESSION#';

// ---- sign-in state --------------------------------------------------------------------------

export const smsCodeKey = (phone: string, purpose: string): ItemKey => ({ pk: `SMS#${phone}`, sk: purpose });

/** Daily counters for rate limits; `day` is the China-time date `yyyymmdd`. */
export const rateKey = (kind: string, subject: string, day: string): ItemKey => ({
  pk: `RATE#${kind}#${subject}`,
  sk: day,
});

/** Password failures are tracked per phone whether or not an account exists (no enumeration). */
export const loginFailureKey = (phone: string): ItemKey => ({ pk: `LOGINFAIL#${phone}`, sk: 'LOGINFAIL' });

// ---- counters and audit ---------------------------------------------------------------------

export const idCounterKey = (entity: string): ItemKey => ({ pk: `COUNTER#${entity}`, sk: 'COUNTER' });

/** Audit entries are partitioned by China-time day and sorted by time. */
export const auditKey = (day: string, isoTime: string, uniqueSuffix: string): ItemKey => ({
  pk: `AUDIT#${day}`,
  sk: `${isoTime}#${uniqueSuffix}`,
});
