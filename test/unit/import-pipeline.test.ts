/**
 * The import pipeline (tools/import/pipeline.ts) keeps a file's meaning with several batches in
 * flight: no two batches in flight touch the same record where one writes it, each record's events
 * are sent in file order, outcomes come back in file order, and no more batches run than allowed.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { EventEnvelope } from '#shared/financing/model';
import type { IngestResult } from '#shared/financing/ingest';
import { creditCodeCheckChar } from '#shared/reference/credit-code';
import { IngestPipeline } from '#tools/import/pipeline';

const at = '2025-01-01T00:00:00.000Z';
const CREDIT_CODES = ['91350203MA2XY1234', '91350203MA2XY1235'].map((first17) => first17 + creditCodeCheckChar(first17));
/** Small key spaces so that events collide often. */
const eventArb = fc.oneof(
  fc.record({ kind: fc.constant('enterprise' as const), e: fc.nat(5) }),
  fc.record({ kind: fc.constant('submit' as const), o: fc.nat(8), e: fc.nat(5) }),
  fc.record({ kind: fc.constant('accept' as const), o: fc.nat(8), p: fc.option(fc.nat(3), { nil: undefined }) }),
  fc.record({ kind: fc.constant('publish' as const), p: fc.nat(3) }),
  fc.constant({ kind: 'junk' as const }),
);
type Spec = typeof eventArb extends fc.Arbitrary<infer T> ? T : never;

function envelope(spec: Spec, i: number): EventEnvelope {
  const id = `ev${i}`;
  switch (spec.kind) {
    case 'enterprise':
      return { id, type: 'enterprise.registered', occurredAt: at, data: { enterpriseId: `e${spec.e}`, name: 'x', creditCode: CREDIT_CODES[spec.e % 2]!, industry: 'C', districtCode: '350203' } };
    case 'submit':
      return { id, type: 'order.submitted', occurredAt: at, data: { orderId: `o${spec.o}`, enterpriseId: `e${spec.e}`, requestedAmount: 1 } };
    case 'accept':
      return { id, type: 'order.accepted', occurredAt: at, data: { orderId: `o${spec.o}`, institutionId: 1, intendedAmount: 1, ...(spec.p === undefined ? {} : { productId: `p${spec.p}` }) } };
    case 'publish':
      return { id, type: 'product.published', occurredAt: at, data: { productId: `p${spec.p}`, institutionId: 1 } };
    case 'junk':
      return { id, type: 'order.loaned', occurredAt: 'never', data: {} };
  }
}

/** The records an event writes and reads, as the pipeline must see them. */
function touches(event: EventEnvelope): { writes: string[]; reads: string[] } {
  const data = event.data as Record<string, string | undefined>;
  if (event.occurredAt === 'never') return { writes: [], reads: [] };
  // Registrations under one credit code see each other (数据质量), so they never run side by side.
  if (event.type === 'enterprise.registered') return { writes: [`enterprise#${data.enterpriseId}`, `credit-code#${data.creditCode}`], reads: [] };
  if (event.type === 'product.published') return { writes: [`product#${data.productId}`], reads: [] };
  if (event.type === 'order.submitted') return { writes: [`order#${data.orderId}`], reads: [`enterprise#${data.enterpriseId}`] };
  return { writes: [`order#${data.orderId}`], reads: data.productId ? [`product#${data.productId}`] : [] };
}

describe('import pipeline', () => {
  it('never lets batches in flight conflict, keeps each record in file order and answers in file order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArb, { minLength: 1, maxLength: 400 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 30 }),
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 20 }),
        async (specs, concurrency, batchSize, delays) => {
          const events = specs.map(envelope);
          const inFlight = new Set<EventEnvelope[]>();
          const sentOrder: string[] = [];
          let maxRunning = 0;
          let call = 0;
          const send = async (batch: EventEnvelope[]): Promise<IngestResult> => {
            for (const other of inFlight) {
              const mine = batch.map(touches);
              const theirs = other.map(touches);
              const writes = (list: typeof mine) => new Set(list.flatMap((t) => t.writes));
              const all = (list: typeof mine) => new Set(list.flatMap((t) => [...t.writes, ...t.reads]));
              for (const key of writes(mine)) expect(all(theirs).has(key), `write ${key} while in flight elsewhere`).toBe(false);
              for (const key of writes(theirs)) expect(all(mine).has(key), `touch ${key} written elsewhere`).toBe(false);
            }
            inFlight.add(batch);
            maxRunning = Math.max(maxRunning, inFlight.size);
            sentOrder.push(...batch.map((event) => event.id));
            await new Promise((resolve) => setTimeout(resolve, delays[call++ % delays.length]));
            inFlight.delete(batch);
            return { accepted: batch.map((event) => event.id), duplicates: [], rejected: [] };
          };
          const pipeline = new IngestPipeline<number>({ send, concurrency, batchSize });
          const handed: number[] = [];
          pipeline.onSettled = (tag) => {
            handed.push(tag);
          };
          for (const [i, event] of events.entries()) await pipeline.push(i, event);
          await pipeline.finish();

          expect(handed).toEqual(events.map((_, i) => i));
          expect(maxRunning).toBeLessThanOrEqual(concurrency);
          // Per record: the events touching it were sent in file order.
          const position = new Map(sentOrder.map((id, i) => [id, i]));
          const byRecord = new Map<string, number[]>();
          events.forEach((event, i) => {
            const { writes, reads } = touches(event);
            for (const key of [...writes, ...reads]) byRecord.set(key, [...(byRecord.get(key) ?? []), i]);
          });
          for (const [key, indexes] of byRecord) {
            const writers = indexes.filter((i) => touches(events[i]!).writes.includes(key));
            if (writers.length === 0) continue; // reads only: any order
            const sent = indexes.map((i) => position.get(events[i]!.id)!);
            expect([...sent].sort((a, b) => a - b), key).toEqual(sent);
          }
        },
      ),
      { numRuns: 60, seed: 20261129 },
    );
  });

  it('hands on known outcomes (rows that never became events) in file order too', async () => {
    const pipeline = new IngestPipeline<number>({ send: async (batch) => ({ accepted: batch.map((e) => e.id), duplicates: [], rejected: [] }), concurrency: 2, batchSize: 2 });
    const handed: [number, string][] = [];
    pipeline.onSettled = (tag, _event, outcome) => {
      handed.push([tag, typeof outcome === 'string' ? outcome : outcome.code]);
    };
    await pipeline.push(0, envelope({ kind: 'enterprise', e: 1 }, 0));
    await pipeline.settle(1, { id: 'bad' } as EventEnvelope, { code: 'INVALID_DATA', message: 'x' });
    await pipeline.push(2, envelope({ kind: 'submit', o: 1, e: 1 }, 2));
    await pipeline.finish();
    expect(handed).toEqual([[0, 'accepted'], [1, 'INVALID_DATA'], [2, 'accepted']]);
  });

  it('stops with the first failure of a batch', async () => {
    const pipeline = new IngestPipeline<number>({ send: async () => Promise.reject(new Error('store down')), concurrency: 2, batchSize: 1 });
    await expect(async () => {
      for (let i = 0; i < 50; i += 1) await pipeline.push(i, envelope({ kind: 'enterprise', e: i }, i));
      await pipeline.finish();
    }).rejects.toThrow('store down');
  });
});
