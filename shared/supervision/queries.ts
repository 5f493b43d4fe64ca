/**
 * 督办 (docs/console.md, "督办"; docs/http-api.md, "督办"): overdue demands of the caller's scope, from the
 * open-demand counters and index only (shared/db/supervision.ts). The supervision API and the report
 * export answer from these functions, so a file always holds what the page lists.
 *
 * Counts: overdue = waiting − waiting since the rule's cutoff day (shared/supervision/rules.ts);
 * yesterday's figure adds back the orders that stopped waiting today, so the change since yesterday is
 * exact without any snapshot.
 */
import type { Caller } from '#shared/auth/caller';
import { resolveScope, type ScopeRegion } from '#shared/auth/scope';
import { addDays, calendarYears, isYearCovered } from '#shared/calendar';
import { overdueThresholds, type OverdueThresholds } from '#shared/config';
import { getInstitutions } from '#shared/db/institutions';
import { queryOverdueDemands, readOpenCounters, readOpenInstitutionCounters, type ChildCounters, type Figures } from '#shared/db/supervision';
import { childRegions, findRegion, NATION_CODE } from '#shared/reference/regions';
import { institutionTypeName } from '#shared/reference/institution-types';
import { chinaDay, chinaDayStart } from '#shared/time';
import { ValidationError } from '#shared/http/errors';
import { OVERDUE_RULES, OVERDUE_RULE_NAMES, overdueCutoff, RULE_STATE, waited, type OverdueRule } from './rules';

/** The levels whose children the counters hold (a district has none). */
export const SUPERVISION_LEVELS = ['nation', 'province', 'city'] as const;

const isoDay = (day: string) => `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}`;
const dayStartIso = (day: string) => chinaDayStart(Number(day.slice(0, 4)), Number(day.slice(4, 6)), Number(day.slice(6, 8))).toISOString();

/** The rules' cutoffs on a day and the day before. */
export interface RulePlan {
  rule: OverdueRule;
  /** The first start day not overdue today, and yesterday. */
  cutoff: string;
  cutoffYesterday: string;
}

function plans(today: string, thresholds: OverdueThresholds): Record<OverdueRule, RulePlan> {
  const yesterday = addDays(today, -1);
  return Object.fromEntries(
    OVERDUE_RULES.map((rule) => [rule, { rule, cutoff: overdueCutoff(rule, today, thresholds), cutoffYesterday: overdueCutoff(rule, yesterday, thresholds) }]),
  ) as Record<OverdueRule, RulePlan>;
}

/** What the page says about the rules: the thresholds, today's cutoffs, whether the calendar covers today. */
function basis(today: string, thresholds: OverdueThresholds, rulePlans: Record<OverdueRule, RulePlan>) {
  const year = Number(today.slice(0, 4));
  return {
    today: isoDay(today),
    calendar: { years: calendarYears(), coversToday: isYearCovered(year) },
    rules: OVERDUE_RULES.map((rule) => ({
      rule,
      name: OVERDUE_RULE_NAMES[rule],
      threshold: rule === 'acceptance' ? thresholds.acceptanceWorkdays : thresholds.decisionDays,
      unit: rule === 'acceptance' ? ('workdays' as const) : ('days' as const),
      /** Demands that started waiting before this day are overdue today. */
      overdueBefore: isoDay(rulePlans[rule].cutoff),
    })),
  };
}

export interface RuleFigures {
  /** Overdue now: count and requested amount. */
  overdue: number;
  overdueAmount: number;
  /** Overdue at the end of yesterday. */
  yesterday: number;
  change: number;
  /** Waiting now, overdue or not. */
  waiting: number;
  waitingAmount: number;
}

const sumSince = (since: Map<string, Figures>, from: string): Figures => {
  const total = { count: 0, amount: 0 };
  for (const [day, figures] of since) {
    if (day < from) continue;
    total.count += figures.count;
    total.amount += figures.amount;
  }
  return total;
};

/** A child's figures of a rule from its counters (see the file's comment). */
function ruleFigures(counters: ChildCounters | undefined, plan: RulePlan): RuleFigures {
  if (!counters) return { overdue: 0, overdueAmount: 0, yesterday: 0, change: 0, waiting: 0, waitingAmount: 0 };
  const recent = sumSince(counters.since, plan.cutoff);
  const recentYesterday = sumSince(counters.since, plan.cutoffYesterday).count;
  let stoppedRecent = 0;
  for (const [day, count] of counters.closedTodayByStart) if (day >= plan.cutoffYesterday) stoppedRecent += count;
  const overdue = counters.waiting.count - recent.count;
  const yesterday = counters.waiting.count - recentYesterday + (counters.closedToday - stoppedRecent);
  return {
    overdue,
    overdueAmount: counters.waiting.amount - recent.amount,
    yesterday,
    change: overdue - yesterday,
    waiting: counters.waiting.count,
    waitingAmount: counters.waiting.amount,
  };
}

const addFigures = (a: RuleFigures, b: RuleFigures): RuleFigures => ({
  overdue: a.overdue + b.overdue,
  overdueAmount: a.overdueAmount + b.overdueAmount,
  yesterday: a.yesterday + b.yesterday,
  change: a.change + b.change,
  waiting: a.waiting + b.waiting,
  waitingAmount: a.waitingAmount + b.waitingAmount,
});
const ZERO: RuleFigures = { overdue: 0, overdueAmount: 0, yesterday: 0, change: 0, waiting: 0, waitingAmount: 0 };

export interface SupervisionRow {
  code: string;
  name: string;
  level: string;
  acceptance: RuleFigures;
  decision: RuleFigures;
  /** Both rules. */
  total: { overdue: number; overdueAmount: number; change: number };
}

const totalOf = (acceptance: RuleFigures, decision: RuleFigures) => ({
  overdue: acceptance.overdue + decision.overdue,
  overdueAmount: acceptance.overdueAmount + decision.overdueAmount,
  change: acceptance.change + decision.change,
});

const regionRef = (region: ScopeRegion) => ({ code: region.code, name: region.name, level: region.level });

/**
 * The region's figures and each child's: four Queries side by side (two per rule), whatever the
 * number of orders. The region's own figures are the sum of its children's.
 */
export async function supervisionRegions(caller: Caller, query: { region?: string }, now: Date = new Date()) {
  const region = resolveScope(caller, query.region, SUPERVISION_LEVELS);
  const thresholds = overdueThresholds();
  const today = chinaDay(now);
  const rulePlans = plans(today, thresholds);
  const [acceptance, decision] = await Promise.all(
    OVERDUE_RULES.map((rule) => readOpenCounters(region.code, RULE_STATE[rule], rulePlans[rule].cutoffYesterday, today)),
  );
  const children = region.code === NATION_CODE ? childRegions() : childRegions(region.code);
  const rows: SupervisionRow[] = children.map((child) => {
    const a = ruleFigures(acceptance!.get(child.code), rulePlans.acceptance);
    const d = ruleFigures(decision!.get(child.code), rulePlans.decision);
    return { code: child.code, name: child.name, level: child.level, acceptance: a, decision: d, total: totalOf(a, d) };
  });
  const own = { acceptance: rows.reduce((sum, row) => addFigures(sum, row.acceptance), ZERO), decision: rows.reduce((sum, row) => addFigures(sum, row.decision), ZERO) };
  rows.sort((a, b) => b.total.overdue - a.total.overdue || a.code.localeCompare(b.code));
  return { region: regionRef(region), basis: basis(today, thresholds, rulePlans), ...own, total: totalOf(own.acceptance, own.decision), rows };
}

/** The cards of 数据中心: the region's figures without the children (the same four Queries). */
export async function supervisionSummary(caller: Caller, query: { region?: string }, now: Date = new Date()) {
  const { rows: _rows, ...summary } = await supervisionRegions(caller, query, now);
  return summary;
}

/** The institutions with the most overdue demands (对接超时) of the region's enterprises: one Query and one BatchGetItem. */
export async function overdueInstitutions(caller: Caller, query: { region?: string; top: number }, now: Date = new Date()) {
  const region = resolveScope(caller, query.region, SUPERVISION_LEVELS);
  const thresholds = overdueThresholds();
  const today = chinaDay(now);
  const cutoff = overdueCutoff('decision', today, thresholds);
  const counters = await readOpenInstitutionCounters(region.code, cutoff);
  const ranked = [...counters.entries()]
    .map(([institutionId, entry]) => {
      const recent = sumSince(entry.since, cutoff);
      return { institutionId, overdue: entry.waiting.count - recent.count, overdueAmount: entry.waiting.amount - recent.amount, waiting: entry.waiting.count };
    })
    .filter((row) => row.overdue > 0)
    .sort((a, b) => b.overdue - a.overdue || b.overdueAmount - a.overdueAmount || a.institutionId - b.institutionId);
  const top = ranked.slice(0, query.top);
  const institutions = await getInstitutions(top.map((row) => row.institutionId));
  return {
    region: regionRef(region),
    total: ranked.length,
    items: top.map((row) => {
      const institution = institutions.get(row.institutionId);
      return {
        ...row,
        name: institution?.fullName ?? `机构 ${row.institutionId}`,
        type: institution?.type ?? null,
        typeName: institution ? (institutionTypeName(institution.type) ?? institution.type) : null,
        regionName: institution ? [findRegion(institution.provinceCode)?.name, findRegion(institution.cityCode)?.name].filter(Boolean).join(' ') : null,
      };
    }),
  };
}

export interface OverdueListQuery {
  region?: string;
  rule: OverdueRule;
  keyword?: string;
  institutionId?: number;
  order: 'asc' | 'desc';
  cursor?: string;
  limit: number;
}

/** A row of the overdue list (docs/http-api.md, "督办"). */
export interface OverdueDemandRow {
  orderId: string;
  enterpriseName: string;
  regionCode: string;
  regionName: string;
  requestedAmount: number;
  submittedAt: string;
  acceptedAt: string | null;
  institutionId: number | null;
  institutionName: string | null;
  /** When it started waiting under the rule (submission or acceptance). */
  waitingSince: string;
  waitingWorkdays: number;
  waitingDays: number;
}

function placeName(districtCode: string): string {
  const district = findRegion(districtCode);
  const city = district?.parentCode ? findRegion(district.parentCode) : undefined;
  const province = city?.parentCode ? findRegion(city.parentCode) : undefined;
  return [province?.name, city && city.name !== province?.name ? city.name : undefined, district?.name].filter(Boolean).join(' ');
}

/** One page of the overdue demands of a region (any level inside the caller's scope) under one rule. */
export async function overdueDemands(caller: Caller, query: OverdueListQuery, now: Date = new Date(), field = 'query.region') {
  const region = resolveScope(caller, query.region, undefined, field);
  if (query.rule === 'acceptance' && query.institutionId !== undefined) {
    // A demand waiting for acceptance has no institution yet.
    throw new ValidationError([{ path: field.replace(/region$/, 'institutionId'), message: '受理机构仅适用于对接超时' }]);
  }
  const thresholds = overdueThresholds();
  const today = chinaDay(now);
  const cutoff = overdueCutoff(query.rule, today, thresholds);
  const level = region.level === 'district' ? 'city' : region.level;
  const page = await queryOverdueDemands({
    state: RULE_STATE[query.rule],
    level,
    code: region.level === 'district' ? region.cityCode! : region.code,
    ...(region.level === 'district' ? { districtCode: region.code } : {}),
    before: dayStartIso(cutoff),
    ...(query.keyword ? { keyword: query.keyword } : {}),
    ...(query.institutionId !== undefined ? { institutionId: query.institutionId } : {}),
    order: query.order,
    limit: query.limit,
    ...(query.cursor ? { cursor: query.cursor } : {}),
  });
  const items: OverdueDemandRow[] = page.items.map((item) => {
    const waitingSince = String(query.rule === 'acceptance' ? item.submittedAt : item.acceptedAt);
    const wait = waited(chinaDay(waitingSince), today);
    return {
      orderId: String(item.orderId),
      enterpriseName: String(item.enterpriseName ?? ''),
      regionCode: String(item.districtCode),
      regionName: placeName(String(item.districtCode)),
      requestedAmount: Number(item.requestedAmount ?? 0),
      submittedAt: String(item.submittedAt),
      acceptedAt: item.acceptedAt ? String(item.acceptedAt) : null,
      institutionId: item.institutionId === undefined ? null : Number(item.institutionId),
      institutionName: item.institutionName ? String(item.institutionName) : null,
      waitingSince,
      waitingWorkdays: wait.workdays,
      waitingDays: wait.days,
    };
  });
  return { region: regionRef(region), rule: query.rule, overdueBefore: isoDay(cutoff), items, nextCursor: page.nextCursor ?? null, queries: page.queries };
}
