/**
 * The two 督办 rules (docs/data-model.md, "Overdue demands"), as pure functions of China days:
 *
 * - 待受理超时 (`acceptance`): a demand still waiting for an institution once the configured number
 *   of working days (default 3) after its submission day have all passed. Submitted on a Monday, it
 *   has Tuesday to Thursday and is overdue from Friday 00:00; over a holiday the days off do not
 *   count and make-up working days (调休) do.
 * - 对接超时 (`decision`): an accepted demand with neither a loan nor a rejection once the configured
 *   number of days (default 30) after its acceptance day have all passed.
 *
 * Both reduce to a cutoff: on a given day, a demand is overdue exactly when the day it entered its
 * state (submission or acceptance) is before the rule's cutoff day. That is what lets the counters
 * stay per day (shared/rollups/open-demands.ts): overdue = open − open on the days from the cutoff on.
 */
import { addDays, nthWorkdayBefore, workdaysBetween } from '#shared/calendar';
import type { OverdueThresholds } from '#shared/config';
import { dayNumber } from '#shared/calendar';
import { OVERDUE_RULES, OVERDUE_RULE_NAMES, type OverdueRule } from '#shared/contract/supervision';

export { OVERDUE_RULES, OVERDUE_RULE_NAMES, type OverdueRule };

/** The order status a rule watches: waiting for acceptance, or accepted and waiting for a decision. */
export type OpenState = 'submitted' | 'docking';
export const RULE_STATE: Record<OverdueRule, OpenState> = { acceptance: 'submitted', decision: 'docking' };

/** The first day (`yyyymmdd`) whose open demands are not yet overdue on `today`. */
export function overdueCutoff(rule: OverdueRule, today: string, thresholds: OverdueThresholds): string {
  return rule === 'acceptance' ? nthWorkdayBefore(today, thresholds.acceptanceWorkdays) : addDays(today, -thresholds.decisionDays);
}

/** True when a demand that entered its state on `openDay` is overdue on `today`. */
export function isOverdue(rule: OverdueRule, openDay: string, today: string, thresholds: OverdueThresholds): boolean {
  return openDay < overdueCutoff(rule, today, thresholds);
}

/** How long a demand has waited by `today`: whole working days and whole days after its open day. */
export function waited(openDay: string, today: string): { workdays: number; days: number } {
  return { workdays: workdaysBetween(openDay, today), days: Math.max(0, dayNumber(today) - dayNumber(openDay) - 1) };
}
