/**
 * The open-demand counters behind 督办 (docs/data-model.md, "Overdue demands"), as a pure function of
 * an order record, like every other counter (shared/rollups/contributions.ts): the stream adds
 * contributions(new) − contributions(old), the rebuild adds every record's, reconcile compares.
 *
 * A demand is overdue when the day it started waiting is before a cutoff that moves with the calendar
 * (shared/supervision/rules.ts), so no event marks the moment it becomes overdue. The counters
 * therefore hold what does not move — how many orders wait, and on which day each started — and the
 * reader subtracts: overdue = waiting − waiting since the cutoff day. Per parent region and state
 * (`submitted`: waiting for an institution; `docking`: waiting for a decision), for each child:
 *
 * - `T#<child>` every waiting order (count, requested amount);
 * - `D<day>#<child>` the waiting orders that started on `day`, for the last {@link OPEN_DAY_WINDOW_DAYS}
 *   days only (the cutoffs never reach further back: shared/config.ts caps the thresholds);
 * - `C<day>#T#<child>` and `C<day>#<start day>#<child>` the orders that stopped waiting on `day`, for the
 *   last {@link CLOSED_WINDOW_DAYS} days: with them the reader also knows yesterday's figure (the
 *   cards' change since yesterday) without any snapshot;
 *
 * and per institution inside each scope (the enterprise's nation, province and city) the accepted
 * orders waiting for a decision, `T#<institution>` and `D<day>#<institution>`.
 */
import { closedDayKey, closedTotalKey, openDayKey, openInstitutionDayKey, openInstitutionTotalKey, openTotalKey } from '#shared/db/keys';
import { chinaDateParts, chinaDay, chinaDayStart } from '#shared/time';
import type { CounterRef, DeltaAccumulator } from './contributions';
import { regionChain } from './region-chain';

/** Start days are kept this far back; the 督办 thresholds stay well inside it. */
export const OPEN_DAY_WINDOW_DAYS = 120;
/** Stop days are kept this far back; the reader needs today's only. */
export const CLOSED_WINDOW_DAYS = 7;
/** Housekeeping: windowed items expire this long after they leave their window. */
const EXPIRY_MARGIN_DAYS = 30;

const DAY_MS = 86_400_000;

type Item = Record<string, unknown>;
const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The first `yyyymmdd` day inside a window of `days` days ending today (China time). */
export function windowStart(now: Date, days: number): string {
  const { year, month, day } = chinaDateParts(now);
  return chinaDay(new Date(chinaDayStart(year, month, day).getTime() - days * DAY_MS));
}

function expiry(day: string, windowDays: number): number {
  const start = chinaDayStart(Number(day.slice(0, 4)), Number(day.slice(4, 6)), Number(day.slice(6, 8)));
  return Math.floor(start.getTime() / 1000) + (windowDays + EXPIRY_MARGIN_DAYS) * 86_400;
}

/** When an order started waiting in a state and, once it no longer waits there, when it stopped. */
export interface WaitingSpan {
  state: 'submitted' | 'docking';
  openedAt: string;
  closedAt?: string;
}

/** The spans of an order: waiting for acceptance from submission, waiting for a decision from acceptance. */
export function waitingSpans(order: Item): WaitingSpan[] {
  const spans: WaitingSpan[] = [];
  const status = order.status;
  const submittedAt = str(order.submittedAt);
  const acceptedAt = str(order.acceptedAt);
  if (submittedAt) {
    // Left `submitted` by acceptance or withdrawal.
    const closedAt = status === 'submitted' ? undefined : (acceptedAt ?? str(order.withdrawnAt));
    spans.push({ state: 'submitted', openedAt: submittedAt, ...(closedAt ? { closedAt } : {}) });
  }
  if (acceptedAt) {
    const closedAt = status === 'docking' ? undefined : (str(order.loanedAt) ?? str(order.rejectedAt) ?? str(order.withdrawnAt));
    spans.push({ state: 'docking', openedAt: acceptedAt, ...(closedAt ? { closedAt } : {}) });
  }
  // A span that ended without a recorded time (not a state the lifecycle produces) is not counted.
  return spans.filter((span) => span.closedAt !== undefined || (span.state === 'submitted' ? status === 'submitted' : status === 'docking'));
}

/** Adds `sign` × an order's open-demand contributions. */
export function openDemandContributions(order: Item, acc: DeltaAccumulator, sign: 1 | -1, now: Date): void {
  const districtCode = String(order.districtCode);
  const amount = Number(order.requestedAmount ?? 0);
  const openWindow = windowStart(now, OPEN_DAY_WINDOW_DAYS);
  const closedWindow = windowStart(now, CLOSED_WINDOW_DAYS);
  const pairs = regionChain(districtCode).slice(1); // (nation → province), (province → city), (city → district)
  const institutionId = order.institutionId === undefined ? undefined : Number(order.institutionId);
  const scopes = regionChain(districtCode).slice(0, 3).map((level) => level.code);
  for (const span of waitingSpans(order)) {
    const openDay = chinaDay(span.openedAt);
    const recentStart = openDay >= openWindow;
    for (const level of pairs) {
      const ref = (key: { pk: string; sk: string }, day?: string, ttl?: number): CounterRef => ({ ...key, kind: 'open', regionCode: level.code, ...(day ? { day } : {}), ...(ttl ? { ttl } : {}) });
      if (span.closedAt === undefined) {
        acc.add(ref(openTotalKey(level.parent, span.state, level.code)), { count: 1, amount }, sign);
        if (recentStart) acc.add(ref(openDayKey(level.parent, span.state, openDay, level.code), openDay, expiry(openDay, OPEN_DAY_WINDOW_DAYS)), { count: 1, amount }, sign);
      } else {
        const closeDay = chinaDay(span.closedAt);
        if (closeDay < closedWindow) continue;
        const ttl = expiry(closeDay, CLOSED_WINDOW_DAYS);
        acc.add(ref(closedTotalKey(level.parent, span.state, closeDay, level.code), closeDay, ttl), { count: 1 }, sign);
        if (recentStart) acc.add(ref(closedDayKey(level.parent, span.state, closeDay, openDay, level.code), closeDay, ttl), { count: 1 }, sign);
      }
    }
    if (span.state === 'docking' && span.closedAt === undefined && institutionId !== undefined) {
      for (const scope of scopes) {
        const ref = (key: { pk: string; sk: string }, day?: string): CounterRef => ({
          ...key,
          kind: 'open-institution',
          regionCode: scope,
          ...(day ? { day, ttl: expiry(day, OPEN_DAY_WINDOW_DAYS) } : {}),
        });
        acc.add(ref(openInstitutionTotalKey(scope, institutionId)), { count: 1, amount }, sign);
        if (recentStart) acc.add(ref(openInstitutionDayKey(scope, openDay, institutionId), openDay), { count: 1, amount }, sign);
      }
    }
  }
}

/**
 * True for a windowed item the rollup no longer maintains at `now` (reconcile skips them; readers
 * never look that far back): a start day before the open window, a stop day before the closed one.
 */
export function isOutsideOpenWindow(item: Item, now: Date): boolean {
  if (item.kind !== 'open' && item.kind !== 'open-institution') return false;
  const sk = String(item.sk);
  if (sk.startsWith('D')) return sk.slice(1, 9) < windowStart(now, OPEN_DAY_WINDOW_DAYS);
  if (sk.startsWith('C')) {
    if (sk.slice(1, 9) < windowStart(now, CLOSED_WINDOW_DAYS)) return true;
    const openDay = sk.slice(10, 18);
    return /^\d{8}$/.test(openDay) && openDay < windowStart(now, OPEN_DAY_WINDOW_DAYS);
  }
  return false;
}
