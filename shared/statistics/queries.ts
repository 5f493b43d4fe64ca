/**
 * The statistics of 数据中心, 区域数据统计 and 机构数据统计, read from rollup counters only
 * (docs/data-model.md, "Counters"): a summary, an industry or type breakdown is one item; children,
 * trends and institutions are one Query each. The statistics API and the reports both answer from
 * these functions, so a report always shows what the screens show.
 */
import type { Caller } from '#shared/auth/caller';
import { resolveScope, type ScopeLevel, type ScopeRegion } from '#shared/auth/scope';
import { ALL_TIME, INSTITUTION_STAT_SK_PREFIX, institutionStatKey, institutionStatPartition, type StatPeriod } from '#shared/db/keys';
import {
  getChildCounters,
  getInstitutionCounters,
  getInstitutionEntries,
  getRegionCounters,
  getTrendCounters,
  queryInstitutionEntries,
  queryRankIndex,
  rankIndexesReady,
  type CounterItem,
} from '#shared/db/stats';
import type { InstitutionEntry } from '#shared/rollups/institution-entries';
import { batchGetItems } from '#shared/db/batch';
import { INSTITUTION_RANK_COLUMNS, type InstitutionRankColumn } from '#shared/db/table';
import { childRegions, NATION_CODE } from '#shared/reference/regions';
import { industryName } from '#shared/reference/industries';
import { institutionTypeName, type InstitutionTypeCode } from '#shared/reference/institution-types';
import { chinaDateParts } from '#shared/time';
import { ValidationError } from '#shared/http/errors';
import { logger } from '#shared/http/logger';
import { industrySplit, metricsOf, typeSplit, type MetricName, type Metrics } from './metrics';
import { comparisonPeriods, resolvePeriod, type PeriodQuery, type StatsPeriod } from './period';

/** The levels whose children, trends and splits the counters hold (districts carry no splits). */
export const STATS_PARENT_LEVELS: readonly ScopeLevel[] = ['nation', 'province', 'city'];

/** What the API shows of a region. */
export interface RegionRef {
  code: string;
  name: string;
  level: ScopeLevel;
}

export const regionRef = (region: ScopeRegion): RegionRef => ({ code: region.code, name: region.name, level: region.level });

export type { PeriodQuery };


export async function summary(caller: Caller, query: PeriodQuery) {
  const region = resolveScope(caller, query.region);
  const period = resolvePeriod(query.year, query.month);
  const item = await getRegionCounters(region.code, period.key);
  return { region: regionRef(region), period: { year: period.year, month: period.month }, metrics: metricsOf(item, { hasIndustrySplit: region.level !== 'district' }) };
}

const periodRef = (period: StatsPeriod) => ({ year: period.year, month: period.month });

/**
 * The summary with what its cards need to say what a figure counts (docs/console.md, "Figures"):
 * the all-time figures beside the chosen period's, and the figures of the compared periods (同比,
 * 环比). At most four GetItems, one per distinct period.
 */
export async function summaryWithComparison(caller: Caller, query: PeriodQuery, now: Date = new Date()) {
  const region = resolveScope(caller, query.region);
  const period = resolvePeriod(query.year, query.month);
  const plan = comparisonPeriods(period, now);
  const keys = [...new Set([period.key, ALL_TIME, plan.basis.key, plan.yearOnYear.key, ...(plan.monthOnMonth ? [plan.monthOnMonth.key] : [])])];
  const items = new Map(await Promise.all(keys.map(async (key) => [key, await getRegionCounters(region.code, key)] as const)));
  const metrics = (key: string) => metricsOf(items.get(key) ?? {}, { hasIndustrySplit: region.level !== 'district' });
  return {
    region: regionRef(region),
    period: periodRef(period),
    metrics: metrics(period.key),
    cumulative: metrics(ALL_TIME),
    comparison: {
      basis: periodRef(plan.basis),
      current: metrics(plan.basis.key),
      yearOnYear: { period: periodRef(plan.yearOnYear), metrics: metrics(plan.yearOnYear.key) },
      monthOnMonth: plan.monthOnMonth ? { period: periodRef(plan.monthOnMonth), metrics: metrics(plan.monthOnMonth.key) } : null,
    },
  };
}

const TREND_FIELDS = ['demandCount', 'demandAmount', 'loanCount', 'loanAmount'] as const;
const trendPoint = (item: CounterItem | undefined) =>
  Object.fromEntries(TREND_FIELDS.map((name) => [name, Number(item?.[name] ?? 0)])) as Record<(typeof TREND_FIELDS)[number], number>;

export async function trend(
  caller: Caller,
  query: { region?: string; from?: number; to?: number; granularity: 'year' | 'month'; year?: number },
) {
  const region = resolveScope(caller, query.region, STATS_PARENT_LEVELS);
  if (query.granularity === 'month') {
    const year = query.year ?? chinaDateParts(new Date()).year;
    const months = await getTrendCounters(region.code, { monthsOf: year });
    return Array.from({ length: 12 }, (_, i) => {
      const month = i + 1;
      return { year, month, ...trendPoint(months.get(`${year}-${String(month).padStart(2, '0')}`)) };
    });
  }
  const currentYear = chinaDateParts(new Date()).year;
  const to = query.to ?? Math.max(currentYear, query.from ?? currentYear);
  const from = query.from ?? to - 7;
  if (from > to || to - from > 30) {
    throw new ValidationError([{ path: 'query.from', message: 'from 须不晚于 to，且跨度不超过 30 年' }]);
  }
  const years = await getTrendCounters(region.code, { years: [from, to] });
  return Array.from({ length: to - from + 1 }, (_, i) => ({ year: from + i, ...trendPoint(years.get(String(from + i))) }));
}

export interface RegionRow {
  code: string;
  name: string;
  level: string;
  opened: boolean | null;
  openedAt: string | null;
  metrics: Metrics;
}

export function sortRows<T>(rows: T[], value: (row: T) => number | string | null, order: 'asc' | 'desc'): T[] {
  const direction = order === 'asc' ? 1 : -1;
  return rows.sort((a, b) => {
    const left = value(a);
    const right = value(b);
    if (left === right) return 0;
    if (left === null) return 1; // no value sorts last either way
    if (right === null) return -1;
    return (left < right ? -1 : 1) * direction;
  });
}

/** The children of a region (provinces, cities or districts) with their metrics and 开通情况. */
export async function regionRows(
  caller: Caller,
  query: PeriodQuery & { sort?: MetricName | 'code'; order?: 'asc' | 'desc' },
): Promise<{ region: ScopeRegion; period: StatsPeriod; rows: RegionRow[] }> {
  const region = resolveScope(caller, query.region, STATS_PARENT_LEVELS);
  const period = resolvePeriod(query.year, query.month);
  const [counters, allTime] = await Promise.all([
    getChildCounters(region.code, period.key),
    period.key === ALL_TIME ? undefined : getChildCounters(region.code, ALL_TIME),
  ]);
  const opening = allTime ?? counters;
  const children = region.code === NATION_CODE ? childRegions() : childRegions(region.code);
  const rows = children.map((child): RegionRow => {
    const item = counters.get(child.code) ?? {};
    const openedItem = opening.get(child.code);
    const canOpen = child.level !== 'district';
    return {
      code: child.code,
      name: child.name,
      level: child.level,
      opened: canOpen ? Number(openedItem?.approvedAccounts ?? 0) > 0 : null,
      openedAt: canOpen && Number(openedItem?.approvedAccounts ?? 0) > 0 ? String(openedItem?.openedAt ?? '') || null : null,
      metrics: metricsOf(item, { hasIndustrySplit: child.level !== 'district' }),
    };
  });
  const sort = query.sort ?? 'loanAmount';
  sortRows(rows, (row) => (sort === 'code' ? row.code : row.metrics[sort]), query.order ?? (sort === 'code' ? 'asc' : 'desc'));
  return { region, period, rows };
}

export async function industries(caller: Caller, query: PeriodQuery) {
  const region = resolveScope(caller, query.region, STATS_PARENT_LEVELS);
  const period = resolvePeriod(query.year, query.month);
  const item = await getRegionCounters(region.code, period.key);
  return industrySplit(item).map((row) => ({ ...row, name: industryName(row.code)! }));
}

export async function institutionTypes(caller: Caller, query: PeriodQuery) {
  const region = resolveScope(caller, query.region, STATS_PARENT_LEVELS);
  const period = resolvePeriod(query.year, query.month);
  const item = await getRegionCounters(region.code, period.key);
  return typeSplit(item).map((row) => ({ ...row, name: institutionTypeName(row.type)! }));
}

/** The columns of 机构数据统计, each with a rank index (shared/db/table.ts). */
export const INSTITUTION_COLUMNS = INSTITUTION_RANK_COLUMNS;
export type InstitutionColumn = InstitutionRankColumn;

export interface InstitutionRow extends Record<InstitutionColumn, number> {
  institutionId: number;
  name: string;
  shortName: string;
  type: string;
  typeName: string;
  logoKey: string | null;
  provinceCode: string | null;
  cityCode: string | null;
}

/** The entries of the institutions located in a region (the nation: all of them); one Query. */
function institutionsIn(region: ScopeRegion, type: InstitutionTypeCode | undefined): Promise<InstitutionEntry[]> {
  return queryInstitutionEntries(region.level === 'nation' ? {} : { provinceCode: region.provinceCode!, cityCode: region.cityCode, districtCode: region.districtCode }, type);
}

/**
 * What the region of 机构数据统计 means (docs/console.md, "机构数据统计"):
 * - `enterprise` (服务企业所在地): the institutions that served the region's enterprises, wherever
 *   they are, and those located in the region; each column counts the orders of the region's
 *   enterprises only;
 * - `institution` (机构所在地): the enabled institutions located in the region (the institutions
 *   数据中心's 金融机构数 counts); each column counts all their orders, wherever the enterprise is.
 */
export const REGION_BASES = ['enterprise', 'institution'] as const;
export type RegionBasis = (typeof REGION_BASES)[number];

/** The nation-wide counters of some institutions in a period: BatchGetItem, 100 keys a call. */
async function nationCountersOf(ids: readonly number[], period: StatPeriod): Promise<Map<number, CounterItem>> {
  const items = await batchGetItems(ids.map((id) => ({ ...institutionStatKey(NATION_CODE, period, id) })));
  return new Map(items.map((item) => [Number(String(item.sk).slice(INSTITUTION_STAT_SK_PREFIX.length)), item]));
}

function institutionRow(institution: InstitutionEntry, item: CounterItem): InstitutionRow {
  return {
    institutionId: institution.id,
    name: institution.fullName,
    shortName: institution.shortName,
    type: institution.type,
    typeName: institutionTypeName(institution.type) ?? institution.type,
    logoKey: institution.logoKey || null,
    provinceCode: institution.provinceCode,
    cityCode: institution.cityCode,
    ...(Object.fromEntries(INSTITUTION_COLUMNS.map((name) => [name, Number(item[name] ?? 0)])) as Record<InstitutionColumn, number>),
  };
}

/**
 * Every institution of the region with its order metrics, before sorting and paging, in the region
 * basis asked for (`enterprise` by default; see {@link REGION_BASES}).
 */
export async function institutionRows(caller: Caller, query: InstitutionQuery) {
  const region = resolveScope(caller, query.region, STATS_PARENT_LEVELS);
  const period = resolvePeriod(query.year, query.month);
  return { region, period, rows: await allInstitutionRows(region, period, query) };
}

export type InstitutionQuery = PeriodQuery & { type?: InstitutionTypeCode; regionBasis?: RegionBasis };

async function allInstitutionRows(region: ScopeRegion, period: StatsPeriod, query: InstitutionQuery): Promise<InstitutionRow[]> {
  if (query.regionBasis === 'institution') {
    const located = (await institutionsIn(region, query.type)).filter((institution) => institution.status === 'enabled');
    // The nation's counters are one Query; a province's or city's institutions are read by key.
    const counters =
      region.level === 'nation' ? await getInstitutionCounters(NATION_CODE, period.key) : await nationCountersOf(located.map((institution) => institution.id), period.key);
    return located.map((institution) => institutionRow(institution, counters.get(institution.id) ?? {}));
  }
  const [counters, located] = await Promise.all([getInstitutionCounters(region.code, period.key), institutionsIn(region, query.type)]);
  const byId = new Map(located.map((institution) => [institution.id, institution]));
  // Institutions located elsewhere that accepted orders of this scope's enterprises.
  const outsiders = await getInstitutionEntries([...counters.keys()].filter((id) => !byId.has(id)));
  for (const institution of outsiders.values()) {
    if (!query.type || institution.type === query.type) byId.set(institution.id, institution);
  }
  return [...byId.values()].map((institution) => institutionRow(institution, counters.get(institution.id) ?? {}));
}

/** Index entries read at most for one answer before reading all rows instead (a page far down). */
const MAX_RANK_READS = 2_000;

/**
 * The institutions of the nation's first `limit` rows by a column, largest first, ties by id (the
 * order of {@link sortInstitutionRows}), from the column's rank index: entries are read down the
 * index (and the tie at the edge to its end) and their institutions' entries checked for the basis
 * and type; the result is the entries of the rows, in order. Undefined when the rows with a value
 * do not fill `limit` (the rest have none and come in id order) or when filling it would take more
 * than {@link MAX_RANK_READS} index entries: then all rows must be read.
 */
async function leadingNationEntries(
  period: StatsPeriod,
  query: InstitutionQuery,
  column: InstitutionColumn,
  limit: number,
): Promise<InstitutionEntry[] | undefined> {
  const accepted: { entry: InstitutionEntry; value: number }[] = [];
  let read = 0;
  let nextKey: Record<string, unknown> | undefined;
  const pageLimit = Math.min(MAX_RANK_READS, Math.max(2 * limit, 50));
  for (;;) {
    let page: Awaited<ReturnType<typeof queryRankIndex>>;
    try {
      page = await queryRankIndex(institutionStatPartition(NATION_CODE, period.key), column, pageLimit, nextKey);
    } catch (error) {
      // The index is not built yet or still backfilling (lib/environments.ts, `rankIndexes`): all rows.
      if ((error as Error).name !== 'ValidationException') throw error;
      logger.warn('statistics: rank index unavailable; reading all rows', { column, error: error as Error });
      return undefined;
    }
    read += page.entries.length;
    const entries = await getInstitutionEntries(page.entries.map((entry) => entry.institutionId));
    for (const { institutionId, value } of page.entries) {
      const entry = entries.get(institutionId);
      if (!entry || (query.type && entry.type !== query.type) || (query.regionBasis === 'institution' && entry.status !== 'enabled')) continue;
      accepted.push({ entry, value });
    }
    nextKey = page.nextKey;
    const edge = accepted[limit - 1]?.value;
    const last = page.entries.at(-1)?.value;
    // Full once the tie at the edge is read to its end (the index orders equal values arbitrarily).
    if (edge !== undefined && (last === undefined || last < edge || !nextKey)) break;
    if (!nextKey) return undefined;
    if (read >= MAX_RANK_READS) return undefined;
  }
  accepted.sort((a, b) => b.value - a.value || a.entry.id - b.entry.id);
  return accepted.slice(0, limit).map(({ entry }) => entry);
}

/** How many rows the nation has in a basis and type: counted by the rollup (shared/rollups/contributions.ts). */
async function nationRowCount(query: InstitutionQuery): Promise<number> {
  const metric = query.regionBasis === 'institution' ? 'institutionCount' : 'listedInstitutionCount';
  const item = await getRegionCounters(NATION_CODE, ALL_TIME);
  return Number(item[query.type ? `t_${query.type}_${metric}` : metric] ?? 0);
}

/**
 * The first `limit` rows of 机构数据统计 in the order asked, and how many rows there are. The nation
 * sorted by a column, largest first, is read from the rank index and the nation's counts when the
 * rows with a value fill the answer (docs/data-model.md, "Rank indexes"); every other answer reads
 * all rows of the region, sorts and cuts.
 */
export async function leadingInstitutionRows(
  caller: Caller,
  query: InstitutionQuery,
  sorts: readonly { column: InstitutionColumn | 'name'; order?: 'asc' | 'desc' }[],
  limit: number,
): Promise<{ region: ScopeRegion; period: StatsPeriod; total: number; rows: InstitutionRow[][]; fromIndex: boolean }> {
  const region = resolveScope(caller, query.region, STATS_PARENT_LEVELS);
  const period = resolvePeriod(query.year, query.month);
  const byColumnDescending = sorts.every(({ column, order }) => column !== 'name' && (order ?? 'desc') === 'desc');
  if (region.level === 'nation' && byColumnDescending && (await rankIndexesReady())) {
    const [total, ...leading] = await Promise.all([
      nationRowCount(query),
      ...sorts.map(({ column }) => leadingNationEntries(period, query, column as InstitutionColumn, limit)),
    ]);
    if (leading.every((entries) => entries !== undefined)) {
      // The counters of every row shown, in one read however many columns rank them.
      const lists = leading as InstitutionEntry[][];
      const counters = await nationCountersOf([...new Set(lists.flat().map((entry) => entry.id))], period.key);
      const rows = lists.map((entries) => entries.map((entry) => institutionRow(entry, counters.get(entry.id) ?? {})));
      return { region, period, total: total as number, rows, fromIndex: true };
    }
  }
  const all = await allInstitutionRows(region, period, query);
  return {
    region,
    period,
    total: all.length,
    rows: sorts.map(({ column, order }) => sortInstitutionRows([...all], column, order).slice(0, limit)),
    fromIndex: false,
  };
}

/**
 * Sorts institution rows by a column, largest first (or as asked), ties in id order, so that the
 * overview's pages and the rankings list institutions in the same order.
 */
export function sortInstitutionRows(rows: InstitutionRow[], column: InstitutionColumn | 'name', order?: 'asc' | 'desc'): InstitutionRow[] {
  rows.sort((a, b) => a.institutionId - b.institutionId);
  return sortRows(rows, (row) => (column === 'name' ? row.name : row[column]), order ?? (column === 'name' ? 'asc' : 'desc'));
}
