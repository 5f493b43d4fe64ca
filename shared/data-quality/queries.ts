/**
 * 数据质量 (docs/console.md, "数据质量"; docs/http-api.md, "数据质量"): the warnings of the caller's scope,
 * counted from the region items (one GetItem; the months of a year one Query; the children one Query)
 * and listed from the warning list (shared/db/quality.ts); and marking a warning checked. The API and
 * the export answer from these functions.
 */
import * as z from 'zod';
import type { Caller } from '#shared/auth/caller';
import { isInScope, OutOfScopeError, resolveScope, type ScopeRegion } from '#shared/auth/scope';
import { actorOf, writeAudit } from '#shared/db/audit';
import type { FinancingKind } from '#shared/db/keys';
import { getFinancingItem } from '#shared/db/financing';
import { markQualityChecked, queryQualityFlags } from '#shared/db/quality';
import { getChildCounters, getRegionCounters, getTrendCounters, type CounterItem } from '#shared/db/stats';
import { formatWan } from '#shared/contract/figures';
import type { FinancingItem } from '#shared/financing/model';
import { QUALITY_RULE_DESCRIPTIONS, QUALITY_RULE_NAMES, QUALITY_RULES, type QualityRule, type QualityValue } from '#shared/financing/quality';
import { ConflictError, NotFoundError, ValidationError, VersionConflictError } from '#shared/http/errors';
import { childRegions, findRegion, NATION_CODE } from '#shared/reference/regions';
import { qualityCheckedName, qualityCountName, qualityFlagItems } from '#shared/rollups/quality';
import { resolvePeriod } from '#shared/statistics/period';
import { chinaDateParts, chinaDayStart, chinaIsoDate, isCalendarDay } from '#shared/time';

/** The levels whose region items carry children and trends (a district's own figures are one item too). */
const PARENT_LEVELS = ['nation', 'province', 'city'] as const;

export const RECORD_KIND_NAMES: Record<FinancingKind, string> = { order: '订单', enterprise: '企业', product: '金融产品' };

const regionRef = (region: ScopeRegion) => ({ code: region.code, name: region.name, level: region.level });

export interface RuleCount {
  rule: QualityRule;
  name: string;
  description: string;
  count: number;
  checked: number;
  unchecked: number;
}

/** The counts by rule of a counter item. */
export function ruleCounts(item: CounterItem | undefined): RuleCount[] {
  return QUALITY_RULES.map((rule) => {
    const count = Number(item?.[qualityCountName(rule)] ?? 0);
    const checked = Number(item?.[qualityCheckedName(rule)] ?? 0);
    return { rule, name: QUALITY_RULE_NAMES[rule], description: QUALITY_RULE_DESCRIPTIONS[rule], count, checked, unchecked: count - checked };
  });
}

const totals = (rules: RuleCount[]) => ({
  count: rules.reduce((sum, rule) => sum + rule.count, 0),
  checked: rules.reduce((sum, rule) => sum + rule.checked, 0),
  unchecked: rules.reduce((sum, rule) => sum + rule.unchecked, 0),
});

/** Counts by rule of a region (any level inside the scope) in a period (warnings raised in it). One GetItem. */
export async function qualitySummary(caller: Caller, query: { region?: string; year?: number; month?: number }) {
  const region = resolveScope(caller, query.region);
  const period = resolvePeriod(query.year, query.month);
  const rules = ruleCounts(await getRegionCounters(region.code, period.key));
  return { region: regionRef(region), period: { year: period.year, month: period.month }, rules, total: totals(rules) };
}

/** The months of a year, counts by rule per month. One Query. */
export async function qualityTrend(caller: Caller, query: { region?: string; year?: number }, now: Date = new Date()) {
  const region = resolveScope(caller, query.region, PARENT_LEVELS);
  const year = query.year ?? chinaDateParts(now).year;
  const months = await getTrendCounters(region.code, { monthsOf: year });
  return {
    region: regionRef(region),
    year,
    months: Array.from({ length: 12 }, (_, i) => {
      const rules = ruleCounts(months.get(`${year}-${String(i + 1).padStart(2, '0')}`));
      return { month: i + 1, total: totals(rules).count, byRule: Object.fromEntries(rules.map((rule) => [rule.rule, rule.count])) as Record<QualityRule, number> };
    }),
  };
}

/** The children of a region with their counts by rule. One Query. */
export async function qualityRegions(caller: Caller, query: { region?: string; year?: number; month?: number }) {
  const region = resolveScope(caller, query.region, PARENT_LEVELS);
  const period = resolvePeriod(query.year, query.month);
  const counters = await getChildCounters(region.code, period.key);
  const children = region.code === NATION_CODE ? childRegions() : childRegions(region.code);
  const rows = children.map((child) => {
    const rules = ruleCounts(counters.get(child.code));
    return { code: child.code, name: child.name, level: child.level, ...totals(rules), byRule: Object.fromEntries(rules.map((rule) => [rule.rule, rule.count])) as Record<QualityRule, number> };
  });
  rows.sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
  return { region: regionRef(region), period: { year: period.year, month: period.month }, rows };
}

// ---- the warnings ------------------------------------------------------------------------------

const valueSchema = z.union([z.string(), z.number(), z.null()]);

/** A warning as the API shows it (docs/http-api.md, "数据质量"). */
export const warningViewSchema = z.object({
  rule: z.enum(QUALITY_RULES),
  ruleName: z.string(),
  recordKind: z.enum(['order', 'enterprise', 'product']),
  recordKindName: z.string(),
  recordId: z.string(),
  name: z.string(),
  regionCode: z.string(),
  regionName: z.string(),
  flaggedAt: z.string(),
  eventId: z.string(),
  values: z.record(z.string(), valueSchema),
  /** The values in words: 放款金额 180.00 万元，意向金额 100.00 万元 …. */
  detail: z.string(),
  occurrences: z.number().int(),
  checked: z.boolean(),
  checkedAt: z.string().nullable(),
  checkedBy: z.object({ accountId: z.number().int(), name: z.string() }).nullable(),
  checkNote: z.string().nullable(),
  /** The record's version, to send back when marking the warning checked. */
  version: z.number().int(),
});
export type WarningView = z.output<typeof warningViewSchema>;

const EVENT_TYPE_NAMES: Record<string, string> = {
  'enterprise.registered': '企业注册',
  'product.published': '产品发布',
  'product.withdrawn': '产品下架',
  'order.submitted': '需求提交',
  'order.accepted': '订单受理',
  'order.loaned': '放款',
  'order.rejected': '拒绝',
  'order.withdrawn': '撤回',
  'order.defaulted': '坏账',
};

const wan = (value: QualityValue) => (typeof value === 'number' ? `${formatWan(value)} 万元` : '—');
const day = (value: QualityValue) => (typeof value === 'string' ? chinaIsoDate(value) : '—');

/** A warning's values in words, per rule. */
export function warningDetail(rule: QualityRule, values: Record<string, QualityValue>): string {
  switch (rule) {
    case 'loan-amount':
      return `放款金额 ${wan(values.loanAmount ?? null)}，意向金额 ${wan(values.intendedAmount ?? null)}，需求金额 ${wan(values.requestedAmount ?? null)}`;
    case 'late-event':
      return `${EVENT_TYPE_NAMES[String(values.eventType)] ?? String(values.eventType)}事件发生于 ${day(values.occurredAt ?? null)}，${day(values.receivedAt ?? null)} 才报送（迟 ${String(values.delayDays)} 天）`;
    case 'credit-code-names':
      return `信用代码 ${String(values.creditCode)} 已以「${String(values.otherNames)}」${Number(values.otherCount) > 1 ? `等 ${String(values.otherCount)} 个名称` : ''}注册`;
    case 'disabled-institution':
      return `受理机构「${String(values.institutionName)}」（ID ${String(values.institutionId)}）已禁用`;
    case 'retired-district':
      return `报送的区县代码 ${String(values.reportedDistrictCode)}（${String(values.reportedDistrictName)}）已撤销，计入 ${String(values.districtCode)}（${String(values.districtName)}）`;
  }
}

function placeName(districtCode: string): string {
  const district = findRegion(districtCode);
  const city = district?.parentCode ? findRegion(district.parentCode) : undefined;
  const province = city?.parentCode ? findRegion(city.parentCode) : undefined;
  return [province?.name, city && city.name !== province?.name ? city.name : undefined, district?.name].filter(Boolean).join(' ');
}

/** A list item (shared/rollups/quality.ts) as the API shows it. */
export function presentWarning(item: Record<string, unknown>): WarningView {
  const rule = item.rule as QualityRule;
  const values = (item.values ?? {}) as Record<string, QualityValue>;
  const kind = item.recordKind as FinancingKind;
  const checkedBy = item.checkedBy as { accountId: number; name: string } | undefined;
  return {
    rule,
    ruleName: QUALITY_RULE_NAMES[rule],
    recordKind: kind,
    recordKindName: RECORD_KIND_NAMES[kind],
    recordId: String(item.recordId),
    name: String(item.name ?? ''),
    regionCode: String(item.districtCode),
    regionName: placeName(String(item.districtCode)),
    flaggedAt: String(item.flaggedAt),
    eventId: String(item.eventId),
    values,
    detail: warningDetail(rule, values),
    occurrences: Number(item.occurrences ?? 1),
    checked: Boolean(item.checkedAt),
    checkedAt: item.checkedAt ? String(item.checkedAt) : null,
    checkedBy: checkedBy ? { accountId: Number(checkedBy.accountId), name: String(checkedBy.name) } : null,
    checkNote: item.checkNote ? String(item.checkNote) : null,
    version: Number(item.recordVersion ?? 0),
  };
}

const dayStart = (isoDate: string) => chinaDayStart(Number(isoDate.slice(0, 4)), Number(isoDate.slice(5, 7)), Number(isoDate.slice(8, 10)));

export interface WarningListQuery {
  region?: string;
  rule?: QualityRule;
  status?: 'checked' | 'unchecked';
  /** China days, inclusive (warnings raised in them); everything by default. */
  from?: string;
  to?: string;
  cursor?: string;
  limit: number;
}

/** One page of the warnings of a region (any level inside the scope), newest first. */
export async function qualityWarnings(caller: Caller, query: WarningListQuery, now: Date = new Date(), root = 'query') {
  const region = resolveScope(caller, query.region, undefined, `${root}.region`);
  const from = query.from ?? '2000-01-01';
  const to = query.to ?? chinaIsoDate(now);
  for (const [name, value] of [['from', from], ['to', to]] as const) {
    if (!isCalendarDay(value)) throw new ValidationError([{ path: `${root}.${name}`, message: '须为有效日期 yyyy-mm-dd' }]);
  }
  if (from > to) throw new ValidationError([{ path: `${root}.from`, message: '开始日期须不晚于结束日期' }]);
  const page = await queryQualityFlags({
    regionCode: region.level === 'district' ? region.cityCode! : region.code,
    ...(region.level === 'district' ? { districtCode: region.code } : {}),
    ...(query.rule ? { rule: query.rule } : {}),
    ...(query.status ? { status: query.status } : {}),
    from: dayStart(from).toISOString(),
    to: new Date(dayStart(to).getTime() + 86_400_000 - 1).toISOString(),
    limit: query.limit,
    ...(query.cursor ? { cursor: query.cursor } : {}),
  });
  return { region: regionRef(region), items: page.items.map(presentWarning), nextCursor: page.nextCursor ?? null, queries: page.queries };
}

/** 409 ALREADY_CHECKED: someone marked the warning checked already. */
export class AlreadyCheckedError extends ConflictError {
  constructor(by: string | undefined, at: string | undefined) {
    super('ALREADY_CHECKED', `该预警已由${by ?? '他人'}于 ${at ? chinaIsoDate(at) : ''} 标记为已核查`, { checkedBy: by ?? null, checkedAt: at ?? null });
  }
}

/** The warning of a record as the list shows it (built from the record itself, right after a write). */
function warningOf(record: FinancingItem, rule: QualityRule): WarningView {
  const item = qualityFlagItems(record as unknown as Record<string, unknown>).find((candidate) => candidate.rule === rule && String(candidate.pk) === `QFLAG#${NATION_CODE}`);
  return presentWarning(item!);
}

/**
 * Marks a warning checked (who, when, an optional note), audited. The record must lie inside the
 * caller's scope (403 OUT_OF_SCOPE); a record or warning that does not exist is 404; a stale
 * `version` is 409 VERSION_CONFLICT; a warning already checked is 409 ALREADY_CHECKED.
 */
export async function checkWarning(
  caller: Caller,
  input: { kind: FinancingKind; id: string; rule: QualityRule; version: number; note?: string },
  sourceIp: string,
  now: Date = new Date(),
): Promise<WarningView> {
  const record = await getFinancingItem(input.kind, input.id);
  // The scope first: outside it, whether a record carries a warning is not the caller's to learn.
  if (record && !isInScope(caller, record.districtCode)) throw new OutOfScopeError();
  if (!record?.quality?.[input.rule]) throw new NotFoundError('预警不存在', 'WARNING_NOT_FOUND');
  const result = await markQualityChecked(input.kind, input.id, input.rule, input.version, {
    at: now.toISOString(),
    by: { accountId: caller.accountId, name: caller.realName },
    ...(input.note ? { note: input.note } : {}),
  });
  if ('reason' in result) {
    if (result.reason === 'missing') throw new NotFoundError('预警不存在', 'WARNING_NOT_FOUND');
    if (result.reason === 'stale') throw new VersionConflictError(result.version);
    const flag = result.record.quality?.[input.rule];
    throw new AlreadyCheckedError(flag?.checkedBy?.name, flag?.checkedAt);
  }
  await writeAudit(
    {
      action: 'quality.check',
      outcome: 'success',
      actor: actorOf(caller),
      sourceIp,
      targetType: input.kind,
      targetId: input.id,
      after: { rule: input.rule, ...(input.note ? { note: input.note } : {}) },
    },
    now,
  );
  return warningOf(result.record, input.rule);
}
