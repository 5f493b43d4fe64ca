/**
 * Ingestion of the portals' events (docs/http-api.md, "Ingestion"), a batch at a time: each event is
 * validated, applied at most once and in lifecycle order; a batch with bad events still applies the
 * good ones, and every event keeps its own answer. The outcome is the one applying the events one by
 * one in batch order would give (an enterprise registered, its order submitted and accepted in one
 * batch works); the cost is a handful of round trips whatever the batch holds (docs/data-model.md,
 * "Write protocols"):
 *
 * 1. one round of BatchGetItems reads every record the batch targets and everything it needs to know
 *    (enterprises, products, institutions);
 * 2. enterprise and product events are applied per record in batch order and the changed records
 *    written in parallel, each conditional on the version it was computed from;
 * 3. order events are applied the same way, each seeing the enterprise and product as they stood at
 *    its place in the batch, and written in parallel.
 *
 * Orders come after enterprises and products because they read them; nothing reads an order. A write
 * that finds its record changed re-reads only that record and re-applies only its events; after a
 * few such tries its events answer `CONCURRENT_UPDATE`.
 */
import { countMetric } from '#shared/observability/metrics';
import { financingRefKey, putFinancingItem, readCreditCodeHolders, readFinancing, StaleRecordError, type FinancingReads } from '#shared/db/financing';
import type { FinancingKind } from '#shared/db/keys';
import {
  applyEvent,
  eventNeeds,
  eventTarget,
  validateEvent,
  type EnterpriseItem,
  type EventContext,
  type EventEnvelope,
  type FinancingItem,
  type ProductItem,
  type Rejection,
  type ValidEvent,
} from './model';
import type { CreditCodeHolder } from './quality';

export interface IngestResult {
  accepted: string[];
  duplicates: string[];
  rejected: ({ id: string } & Rejection)[];
}

type Outcome = 'applied' | 'duplicate' | Rejection;

/** Two writers racing on one record: re-read and re-apply a few times before giving up. */
const MAX_ATTEMPTS = 5;

const CONCURRENT_UPDATE: Rejection = { code: 'CONCURRENT_UPDATE', message: '记录正被同时修改，请稍后重发该事件' };

/** The events of one record in batch order, the state they are applied to and what came of them. */
interface RecordPlan {
  kind: FinancingKind;
  id: string;
  key: string;
  events: { index: number; event: ValidEvent }[];
  /** The stored record the events are applied to (undefined: not stored yet). */
  base: FinancingItem | undefined;
  /** The record after each applied event, in batch order. */
  history: { index: number; state: FinancingItem }[];
  outcomes: Map<number, Outcome>;
}

/** Which records and institutions a batch reads. */
function readsOf(events: { index: number; event: ValidEvent }[]) {
  const records = new Map<string, { kind: FinancingKind; id: string }>();
  const institutions = new Set<number>();
  for (const { event } of events) {
    const target = eventTarget(event);
    records.set(financingRefKey(target.kind, target.id), target);
    const needs = eventNeeds(event);
    if (needs.enterpriseId) records.set(financingRefKey('enterprise', needs.enterpriseId), { kind: 'enterprise', id: needs.enterpriseId });
    if (needs.productId) records.set(financingRefKey('product', needs.productId), { kind: 'product', id: needs.productId });
    if (needs.institutionId) institutions.add(needs.institutionId);
  }
  return { records: [...records.values()], institutions: [...institutions] };
}

/** The record as it stands just before batch position `index`. */
function stateAt(plan: RecordPlan, index: number): FinancingItem | undefined {
  let state = plan.base;
  for (const entry of plan.history) {
    if (entry.index >= index) break;
    state = entry.state;
  }
  return state;
}

/** Applies a plan's events to its base, in order. Pure. */
function fold(plan: RecordPlan, contextAt: (event: ValidEvent, index: number) => EventContext): void {
  let state = plan.base;
  plan.history = [];
  plan.outcomes = new Map();
  for (const { index, event } of plan.events) {
    const result = applyEvent(state, event, contextAt(event, index));
    if (result.outcome === 'applied') {
      state = result.item;
      plan.history.push({ index, state });
      plan.outcomes.set(index, 'applied');
    } else if (result.outcome === 'duplicate') {
      plan.outcomes.set(index, 'duplicate');
    } else {
      plan.outcomes.set(index, { code: result.code, message: result.message });
    }
  }
}

/**
 * Folds and writes the plans of one layer: all changed records in parallel, each conditional on its
 * base version; the conflicted ones re-read (together) and re-folded, up to {@link MAX_ATTEMPTS}.
 */
async function applyLayer(plans: RecordPlan[], contextAt: (event: ValidEvent, index: number) => EventContext): Promise<void> {
  for (const plan of plans) fold(plan, contextAt);
  let pending = plans.filter((plan) => plan.history.length > 0);
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    const settled = await Promise.allSettled(pending.map((plan) => putFinancingItem(plan.history.at(-1)!.state, plan.base?.version ?? 0)));
    const failure = settled.find((result) => result.status === 'rejected' && !(result.reason instanceof StaleRecordError));
    if (failure) throw (failure as PromiseRejectedResult).reason;
    const conflicted = pending.filter((_, i) => settled[i]!.status === 'rejected');
    if (conflicted.length === 0) return;
    if (attempt >= MAX_ATTEMPTS) {
      // Still contended: these events answer CONCURRENT_UPDATE; the batch's other answers stand.
      for (const plan of conflicted) {
        for (const [index, outcome] of plan.outcomes) if (outcome === 'applied') plan.outcomes.set(index, CONCURRENT_UPDATE);
        plan.history = [];
      }
      return;
    }
    const fresh = await readFinancing(conflicted.map(({ kind, id }) => ({ kind, id })), []);
    for (const plan of conflicted) {
      plan.base = fresh.records.get(plan.key);
      fold(plan, contextAt);
    }
    pending = conflicted.filter((plan) => plan.history.length > 0);
  }
}

export interface IngestOptions {
  /**
   * When each event was received (ISO-8601); `now` by default. Bulk loads of history say when it
   * arrived (the demo data) or that it arrived as it occurred (an import of history), so that the
   * 数据质量 warning 事件迟报 means what it says (docs/operations.md, "Demo data and imports").
   */
  receivedAt?: (event: ValidEvent) => string;
}

/** Applies a batch of events; see the file's comment. Throws only when the store fails (never for bad events). */
export async function ingestEvents(envelopes: EventEnvelope[], now: Date = new Date(), options: IngestOptions = {}): Promise<IngestResult> {
  const receivedAt = options.receivedAt ?? (() => now.toISOString());
  const outcomes: Outcome[] = new Array(envelopes.length);
  const valid: { index: number; event: ValidEvent }[] = [];
  envelopes.forEach((envelope, index) => {
    const event = validateEvent(envelope, now);
    if ('code' in event) outcomes[index] = event;
    else valid.push({ index, event });
  });

  if (valid.length > 0) {
    const needed = readsOf(valid);
    // The credit-code index is read in the same round as the records (数据质量, shared/financing/quality.ts).
    const registrations = valid.filter(({ event }) => event.type === 'enterprise.registered');
    const codes = registrations.map(({ event }) => (event.data as { creditCode: string }).creditCode);
    const [reads, storedHolders]: [FinancingReads, Map<string, CreditCodeHolder[]>] = await Promise.all([
      readFinancing(needed.records, needed.institutions),
      codes.length > 0 ? readCreditCodeHolders(codes) : Promise.resolve(new Map<string, CreditCodeHolder[]>()),
    ]);
    const plans = new Map<string, RecordPlan>();
    for (const entry of valid) {
      const target = eventTarget(entry.event);
      const key = financingRefKey(target.kind, target.id);
      let plan = plans.get(key);
      if (!plan) {
        plan = { ...target, key, events: [], base: reads.records.get(key), history: [], outcomes: new Map() };
        plans.set(key, plan);
      }
      plan.events.push(entry);
    }
    /** A record as the event at `index` would have found it, applying the batch one event at a time. */
    const recordAt = <T extends FinancingItem>(kind: FinancingKind, id: string, index: number): T | undefined => {
      const key = financingRefKey(kind, id);
      const plan = plans.get(key);
      return (plan ? stateAt(plan, index) : reads.records.get(key)) as T | undefined;
    };
    /** The holders of a credit code as registration `index` finds them: stored, or registered earlier in the batch. */
    const holdersAt = (creditCode: string, index: number): CreditCodeHolder[] => {
      const holders = new Map((storedHolders.get(creditCode) ?? []).map((holder) => [holder.enterpriseId, holder]));
      for (const { event } of registrations) {
        const data = event.data as { enterpriseId: string; creditCode: string };
        if (data.creditCode !== creditCode || holders.has(data.enterpriseId)) continue;
        const earlier = recordAt<EnterpriseItem>('enterprise', data.enterpriseId, index);
        if (earlier) holders.set(earlier.enterpriseId, { enterpriseId: earlier.enterpriseId, name: earlier.name });
      }
      return [...holders.values()];
    };
    const contextAt = (event: ValidEvent, index: number): EventContext => {
      const needs = eventNeeds(event);
      return {
        ...(needs.enterpriseId ? { enterprise: recordAt<EnterpriseItem>('enterprise', needs.enterpriseId, index) } : {}),
        ...(needs.productId ? { product: recordAt<ProductItem>('product', needs.productId, index) } : {}),
        ...(needs.institutionId ? { institution: reads.institutions.get(needs.institutionId) } : {}),
        ...(event.type === 'enterprise.registered' ? { creditCodeHolders: holdersAt(event.data.creditCode, index) } : {}),
        receivedAt: receivedAt(event),
      };
    };
    const all = [...plans.values()];
    await applyLayer(all.filter((plan) => plan.kind !== 'order'), contextAt);
    await applyLayer(all.filter((plan) => plan.kind === 'order'), contextAt);
    for (const plan of all) for (const [index, outcome] of plan.outcomes) outcomes[index] = outcome;
  }

  const result: IngestResult = { accepted: [], duplicates: [], rejected: [] };
  envelopes.forEach((envelope, index) => {
    const outcome = outcomes[index]!;
    if (outcome === 'applied') result.accepted.push(envelope.id);
    else if (outcome === 'duplicate') result.duplicates.push(envelope.id);
    else result.rejected.push({ id: envelope.id, ...outcome });
  });
  countMetric('EventsIngested', result.accepted.length);
  countMetric('EventsDuplicate', result.duplicates.length);
  countMetric('EventsRejected', result.rejected.length);
  return result;
}
