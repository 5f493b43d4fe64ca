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


// ---- counters and audit ---------------------------------------------------------------------

export const idCounterKey = (entity: string): ItemKey => ({ pk: `COUNTER#${entity}`, sk: 'COUNTER' });

/** Audit entries are partitioned by China-time day and sorted by time. */
export const auditKey = (day: string, isoTime: string, uniqueSuffix: string): ItemKey => ({
  pk: `AUDIT#${day}`,
  sk: `${isoTime}#${uniqueSuffix}`,
});

// ---- financing data (enterprises, products, orders) -----------------------------------------

export type FinancingKind = 'enterprise' | 'product' | 'order';

/** `ENTERPRISE#<id>` / `PRODUCT#<id>` / `ORDER#<id>`, sort key the kind in capitals. */
export function financingKey(kind: FinancingKind, id: string): ItemKey {
  const name = kind.toUpperCase();
  return { pk: `${name}#${id}`, sk: name };
}

/**
 * The open-demand index (督办, docs/data-model.md, "Overdue demands"): an order carries these keys while
 * it waits — `submitted` (for an institution) or `docking` (for a decision) — and loses them with the
 * write that moves it on, so each index partition holds exactly the waiting orders of a region, oldest
 * first: gsi1 its province's, gsi2 its city's, gsi3 the nation's.
 */
export function openDemandIndexKeys(state: 'submitted' | 'docking', provinceCode: string, cityCode: string, openedAt: string, orderId: string) {
  const sort = `${openedAt}#${orderId}`;
  return {
    gsi1pk: `OPENP#${state}#${provinceCode}`,
    gsi1sk: sort,
    gsi2pk: `OPENC#${state}#${cityCode}`,
    gsi2sk: sort,
    gsi3pk: `OPENN#${state}`,
    gsi3sk: sort,
  };
}

/** The open-demand index partition of a region (nation, province or city) and its index. */
export function openDemandPartition(state: 'submitted' | 'docking', level: 'nation' | 'province' | 'city', code: string): { index: 'gsi1' | 'gsi2' | 'gsi3'; pk: string } {
  if (level === 'nation') return { index: 'gsi3', pk: `OPENN#${state}` };
  if (level === 'province') return { index: 'gsi1', pk: `OPENP#${state}#${code}` };
  return { index: 'gsi2', pk: `OPENC#${state}#${code}` };
}

/** Enterprises by credit code (gsi1): who already holds a code, for the 数据质量 rule at registration. */
export const creditCodeIndexKey = (creditCode: string, registeredAt: string, enterpriseId: string) => ({
  gsi1pk: `CREDITCODE#${creditCode}`,
  gsi1sk: `${registeredAt}#${enterpriseId}`,
});

// ---- institutions and specialists -----------------------------------------------------------

/** Sort orders are zero-padded to this width in the list index, so 0–999999 sort numerically. */
export const INSTITUTION_SORT_ORDER_WIDTH = 6;

/** The largest sort order the list index can hold. */
export const MAX_INSTITUTION_SORT_ORDER = 10 ** INSTITUTION_SORT_ORDER_WIDTH - 1;

/** An institution by id; its specialists share the partition. */
export const institutionKey = (id: number): ItemKey => ({ pk: `INSTITUTION#${id}`, sk: 'INSTITUTION' });

/** The list-index partition holding a province's institutions. */
export const institutionListPartition = (provinceCode: string): string => `INSTITUTIONS#${provinceCode}`;

/** The list-index sort-key prefix selecting one city's institutions inside its province partition. */
export const institutionCityPrefix = (cityCode: string): string => `${cityCode}#`;

/**
 * The list index of institutions: one partition per province, sorted by city, then sort order, then
 * id. A city reads `begins_with(<city>#)`, a province its whole partition, the nation one partition per
 * province. Throws `RangeError` for a sort order the padding cannot hold.
 */
export function institutionListIndexKey(provinceCode: string, cityCode: string, sortOrder: number, id: number) {
  if (!Number.isSafeInteger(sortOrder) || sortOrder < 0 || sortOrder > MAX_INSTITUTION_SORT_ORDER) {
    throw new RangeError(`sort order must be an integer in 0..${MAX_INSTITUTION_SORT_ORDER}: ${sortOrder}`);
  }
  return {
    gsi2pk: institutionListPartition(provinceCode),
    gsi2sk: `${cityCode}#${padId(sortOrder, INSTITUTION_SORT_ORDER_WIDTH)}#${padId(id)}`,
  };
}

/**
 * The form of a full name that uniqueness compares: Unicode NFKC (full-width and half-width forms such
 * as `（` and `(` are one character), trimmed, inner white space collapsed, Latin letters lower-cased.
 */
export function normalizeInstitutionName(fullName: string): string {
  return fullName.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** The guard that makes a full name unique within a city (put conditionally before the institution). */
export const institutionNameGuardKey = (cityCode: string, fullName: string): ItemKey => ({
  pk: `INSTNAME#${cityCode}#${normalizeInstitutionName(fullName)}`,
  sk: 'GUARD',
});

/** The sort-key prefix of the specialists in an institution's partition. */
export const SPECIALIST_SK_PREFIX = 'SPECIALIST#';

/** Specialists live in their institution's partition, after the institution item. */
export const specialistKey = (institutionId: number, id: number): ItemKey => ({
  pk: `INSTITUTION#${institutionId}`,
  sk: `${SPECIALIST_SK_PREFIX}${padId(id)}`,
});

/** The guard that makes a specialist's phone unique across all specialists (their portal login). */
export const specialistPhoneGuardKey = (phone: string): ItemKey => ({ pk: `SPECIALISTPHONE#${phone}`, sk: 'GUARD' });

// ---- rollup counters (statistics) -----------------------------------------------------------

/** The parent of the nation's own statistics item (the nation itself is `NATION_CODE`). */
export const STAT_ROOT = 'ROOT';

/** A statistics period: all time, a year `Y2024`, a month `M2024-03` (China time). */
export type StatPeriod = string;
export const ALL_TIME: StatPeriod = 'all';
export const yearPeriod = (year: number): StatPeriod => `Y${year}`;
export const monthPeriod = (year: number, month: number): StatPeriod => `M${year}-${String(month).padStart(2, '0')}`;

/**
 * A region's counters for a period live in its parent's partition, so that the children of a region
 * (rankings, heat map, overview) are one Query and the region's own total is one GetItem.
 */
export const regionStatKey = (parentCode: string, period: StatPeriod, regionCode: string): ItemKey => ({
  pk: `STAT#${parentCode}#${period}`,
  sk: `REGION#${regionCode}`,
});
export const REGION_STAT_SK_PREFIX = 'REGION#';

/** Trend index (gsi1) of a region's year items (`Y`) or of one year's month items (`M<year>`). */
export function regionTrendIndexKey(regionCode: string, period: StatPeriod) {
  if (period.startsWith('Y')) return { gsi1pk: `TREND#${regionCode}#Y`, gsi1sk: period.slice(1) };
  if (period.startsWith('M')) return { gsi1pk: `TREND#${regionCode}#M${period.slice(1, 5)}`, gsi1sk: period.slice(1) };
  return undefined;
}

/** Day counters of a region (nation, province, city): one partition per region, one item per day. */
export const dayStatKey = (regionCode: string, day: string): ItemKey => ({ pk: `STATD#${regionCode}`, sk: day });

/** The partition of the per-institution counters of a scope and period. */
export const institutionStatPartition = (scopeCode: string, period: StatPeriod): string => `STATI#${scopeCode}#${period}`;

/** Per-institution counters inside a scope (the enterprises' region) and period. */
export const institutionStatKey = (scopeCode: string, period: StatPeriod, institutionId: number): ItemKey => ({
  pk: institutionStatPartition(scopeCode, period),
  sk: `INST#${padId(institutionId)}`,
});
export const INSTITUTION_STAT_SK_PREFIX = 'INST#';

/**
 * Institution entries (机构数据统计's row names, shared/rollups/institution-entries.ts): every
 * institution in the nation's partition by id, and in its province's partition by city, then id.
 */
export const institutionEntryPartition = (regionCode: string): string => `INSTDIR#${regionCode}`;
export const nationInstitutionEntryKey = (nationCode: string, institutionId: number): ItemKey => ({
  pk: institutionEntryPartition(nationCode),
  sk: padId(institutionId),
});
export const provinceInstitutionEntryKey = (provinceCode: string, cityCode: string, institutionId: number): ItemKey => ({
  pk: institutionEntryPartition(provinceCode),
  sk: `${cityCode}#${padId(institutionId)}`,
});

/** Which generation of rollup items a store holds (shared/rollups/generation.ts). */
export const rollupGenerationKey: ItemKey = { pk: 'ROLLUPS', sk: 'GENERATION' };

// ---- open-demand counters (督办) ---------------------------------------------------------------

/**
 * Open-demand counters of a region's children, one partition per region and waiting state
 * (docs/data-model.md, "Overdue demands"): `T#<child>` all waiting orders, `D<day>#<child>` those that
 * started waiting on a day (recent days only), `C<day>#T#<child>` those that stopped waiting on a day
 * and `C<day>#<open day>#<child>` the same by the day they had started (both for the last few days).
 */
export const openCounterPartition = (parentCode: string, state: string): string => `OPEN#${parentCode}#${state}`;
export const openTotalKey = (parentCode: string, state: string, child: string): ItemKey => ({ pk: openCounterPartition(parentCode, state), sk: `T#${child}` });
export const openDayKey = (parentCode: string, state: string, day: string, child: string): ItemKey => ({ pk: openCounterPartition(parentCode, state), sk: `D${day}#${child}` });
export const closedTotalKey = (parentCode: string, state: string, closeDay: string, child: string): ItemKey => ({
  pk: openCounterPartition(parentCode, state),
  sk: `C${closeDay}#T#${child}`,
});
export const closedDayKey = (parentCode: string, state: string, closeDay: string, openDay: string, child: string): ItemKey => ({
  pk: openCounterPartition(parentCode, state),
  sk: `C${closeDay}#${openDay}#${child}`,
});

/** The same per institution for accepted orders inside a scope (the enterprises' nation, province or city). */
export const openInstitutionPartition = (scopeCode: string): string => `OPENI#${scopeCode}#docking`;
export const openInstitutionTotalKey = (scopeCode: string, institutionId: number): ItemKey => ({ pk: openInstitutionPartition(scopeCode), sk: `T#${padId(institutionId)}` });
export const openInstitutionDayKey = (scopeCode: string, day: string, institutionId: number): ItemKey => ({
  pk: openInstitutionPartition(scopeCode),
  sk: `D${day}#${padId(institutionId)}`,
});

// ---- 数据质量 warnings ----------------------------------------------------------------------------

/**
 * A 数据质量 warning in the list of a region (nation, province, city): all rules newest first in the
 * table partition, one rule in gsi3. Deterministic keys: the rollup rewrites the same item.
 */
export function qualityFlagKeys(regionCode: string, flaggedAt: string, rule: string, kind: string, id: string) {
  return {
    pk: `QFLAG#${regionCode}`,
    sk: `${flaggedAt}#${rule}#${kind}#${id}`,
    gsi3pk: `QFLAG#${regionCode}#${rule}`,
    gsi3sk: `${flaggedAt}#${kind}#${id}`,
  };
}

// ---- financing dynamics feed ----------------------------------------------------------------

export const FEED_KINDS = ['loan', 'demand', 'enterprise', 'institution'] as const;
export type FeedKind = (typeof FEED_KINDS)[number];

/**
 * A feed entry of a region (nation, province, city): all kinds newest first in the table partition,
 * one kind newest first in gsi3. Keys are deterministic, so writing an entry twice is harmless.
 */
export function feedKeys(regionCode: string, time: string, kind: FeedKind, id: string) {
  return {
    pk: `FEED#${regionCode}`,
    sk: `${time}#${kind}#${id}`,
    gsi3pk: `FEED#${regionCode}#${kind}`,
    gsi3sk: `${time}#${id}`,
  };
}
