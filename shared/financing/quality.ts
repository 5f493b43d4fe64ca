/**
 * 数据质量 rules (docs/data-model.md, "Data-quality warnings"): checks made while an event is applied
 * (shared/financing/model.ts, `applyEvent`). They flag, they never reject: the record is stored as the
 * event says, with a warning per rule that fired (`quality.<rule>` on the record). The rollup counts
 * the warnings per rule, region and month of the warning, and lists them (shared/rollups/quality.ts).
 *
 * A warning records when it was raised (the time the event was received), the event, the values that
 * made it fire and how often the rule fired on the record; a user may mark it checked (who, when, a
 * note), which a new firing of the same rule undoes.
 */

import { QUALITY_RULES, QUALITY_RULE_NAMES, type QualityRule } from '#shared/contract/supervision';

export { QUALITY_RULES, QUALITY_RULE_NAMES, type QualityRule };

/** What each rule checks, in the console's words. */
export const QUALITY_RULE_DESCRIPTIONS: Record<QualityRule, string> = {
  'loan-amount': '放款金额超过意向金额 50% 以上，或超过需求金额 100% 以上',
  'late-event': '事件在发生 30 天以后才报送',
  'credit-code-names': '同一统一社会信用代码以不同企业名称注册',
  'disabled-institution': '订单由已禁用的金融机构受理',
  'retired-district': '企业所在区县的行政区划代码已撤销',
};

/** A loan above the intended amount by more than this share is flagged (0.5: more than 150 %). */
export const LOAN_OVER_INTENDED = 0.5;
/** A loan above the requested amount by more than this share is flagged (1: more than 200 %). */
export const LOAN_OVER_REQUESTED = 1;
/** An event received more than this many days after it occurred is flagged. */
export const LATE_EVENT_DAYS = 30;

/** A value a warning shows: an amount in yuan, a time, a code or a name. */
export type QualityValue = string | number | null;

export interface QualityFlag {
  /** When the warning was raised: when the event that fired it was received (ISO-8601 UTC). */
  flaggedAt: string;
  /** The event that fired it. */
  eventId: string;
  values: Record<string, QualityValue>;
  /** How many events fired the rule on this record (the warning shows the latest). */
  occurrences: number;
  checkedAt?: string;
  checkedBy?: { accountId: number; name: string };
  checkNote?: string;
}

export type QualityFlags = Partial<Record<QualityRule, QualityFlag>>;

export function isQualityRule(value: string): value is QualityRule {
  return (QUALITY_RULES as readonly string[]).includes(value);
}

/** A warning firing: the rule and the values that made it fire. */
export interface Firing {
  rule: QualityRule;
  values: Record<string, QualityValue>;
}

/** The flags after some firings: each replaces the rule's earlier warning (unchecked again, one more occurrence). */
export function withFirings(current: QualityFlags | undefined, firings: readonly Firing[], eventId: string, flaggedAt: string): QualityFlags | undefined {
  if (firings.length === 0) return current;
  const next: QualityFlags = { ...current };
  for (const firing of firings) {
    next[firing.rule] = { flaggedAt, eventId, values: firing.values, occurrences: (current?.[firing.rule]?.occurrences ?? 0) + 1 };
  }
  return next;
}

/** 放款金额异常: the loan against the intended and the requested amount (integer yuan, no floats). */
export function loanAmountFiring(loanAmount: number, intendedAmount: number | undefined, requestedAmount: number): Firing | undefined {
  const overIntended = intendedAmount !== undefined && loanAmount * 2 > intendedAmount * (2 + 2 * LOAN_OVER_INTENDED);
  const overRequested = loanAmount > requestedAmount * (1 + LOAN_OVER_REQUESTED);
  if (!overIntended && !overRequested) return undefined;
  return { rule: 'loan-amount', values: { loanAmount, intendedAmount: intendedAmount ?? null, requestedAmount } };
}

const DAY_MS = 86_400_000;

/** 事件迟报: received more than {@link LATE_EVENT_DAYS} days after it occurred. */
export function lateEventFiring(eventType: string, occurredAt: string, receivedAt: string): Firing | undefined {
  const delay = Date.parse(receivedAt) - Date.parse(occurredAt);
  if (!(delay > LATE_EVENT_DAYS * DAY_MS)) return undefined;
  return { rule: 'late-event', values: { eventType, occurredAt, receivedAt, delayDays: Math.floor(delay / DAY_MS) } };
}

/** Names compared as the console shows them: full- and half-width alike, spaces collapsed. */
export function normalizeEnterpriseName(name: string): string {
  return name.normalize('NFKC').trim().replace(/\s+/g, ' ');
}

/** An enterprise already registered under a credit code. */
export interface CreditCodeHolder {
  enterpriseId: string;
  name: string;
}

/** 信用代码名称不一致: the code is held by other enterprises under other names (up to three shown). */
export function creditCodeFiring(creditCode: string, enterpriseId: string, name: string, holders: readonly CreditCodeHolder[]): Firing | undefined {
  const own = normalizeEnterpriseName(name);
  const others = holders.filter((holder) => holder.enterpriseId !== enterpriseId && normalizeEnterpriseName(holder.name) !== own);
  if (others.length === 0) return undefined;
  const names = [...new Set(others.map((holder) => holder.name))];
  return { rule: 'credit-code-names', values: { creditCode, name, otherNames: names.slice(0, 3).join('、'), otherCount: others.length } };
}
