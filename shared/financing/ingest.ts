/**
 * Ingestion of the portals' events (docs/api.md, "Ingestion"): each event is validated, applied at most
 * once and in lifecycle order; a batch with bad events still applies the good ones. Events of one
 * batch are applied in the order given, so an order can be submitted and accepted in one batch.
 */
import { countMetric } from '#shared/observability/metrics';
import { getFinancingItem, getInstitutionRef, putFinancingItem, StaleRecordError } from '#shared/db/financing';
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

export interface IngestResult {
  accepted: string[];
  duplicates: string[];
  rejected: ({ id: string } & Rejection)[];
}

/** Two writers racing on one record: re-read and re-apply a few times before giving up. */
const MAX_ATTEMPTS = 5;

async function loadContext(event: ValidEvent): Promise<EventContext> {
  const needs = eventNeeds(event);
  const [enterprise, institution, product] = await Promise.all([
    needs.enterpriseId ? getFinancingItem<EnterpriseItem>('enterprise', needs.enterpriseId) : undefined,
    needs.institutionId ? getInstitutionRef(needs.institutionId) : undefined,
    needs.productId ? getFinancingItem<ProductItem>('product', needs.productId) : undefined,
  ]);
  return { enterprise, institution, product };
}

/** Applies one valid event; returns the outcome without throwing for business rejections. */
export async function ingestEvent(event: ValidEvent): Promise<'applied' | 'duplicate' | Rejection> {
  const target = eventTarget(event);
  const context = await loadContext(event);
  for (let attempt = 1; ; attempt += 1) {
    const current = await getFinancingItem<FinancingItem>(target.kind, target.id);
    const result = applyEvent(current, event, context);
    if (result.outcome === 'duplicate') return 'duplicate';
    if (result.outcome === 'rejected') return { code: result.code, message: result.message };
    try {
      await putFinancingItem(result.item, current?.version ?? 0);
      return 'applied';
    } catch (error) {
      if (!(error instanceof StaleRecordError)) throw error;
      // Still contended after several tries: report this event, keep the batch's other answers.
      if (attempt >= MAX_ATTEMPTS) return { code: 'CONCURRENT_UPDATE', message: '记录正被同时修改，请稍后重发该事件' };
    }
  }
}

export async function ingestEvents(envelopes: EventEnvelope[], now: Date = new Date()): Promise<IngestResult> {
  const result: IngestResult = { accepted: [], duplicates: [], rejected: [] };
  for (const envelope of envelopes) {
    const event = validateEvent(envelope, now);
    if ('code' in event) {
      result.rejected.push({ id: envelope.id, ...event });
      continue;
    }
    const outcome = await ingestEvent(event);
    if (outcome === 'applied') result.accepted.push(envelope.id);
    else if (outcome === 'duplicate') result.duplicates.push(envelope.id);
    else result.rejected.push({ id: envelope.id, ...outcome });
  }
  countMetric('EventsIngested', result.accepted.length);
  countMetric('EventsDuplicate', result.duplicates.length);
  countMetric('EventsRejected', result.rejected.length);
  return result;
}
