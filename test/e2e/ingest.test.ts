/**
 * Ingestion over HTTP on the local stack: authentication, exactly-once application, lifecycle order,
 * shuffled delivery and arbitrary input that must never produce a 500.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '#shared/db/client';
import { getFinancingItem } from '#shared/db/financing';
import { creditCodeCheckChar } from '#shared/reference/credit-code';
import { DEFAULT_INGEST_API_KEY } from '#local/stack';
import type { OrderItem } from '#shared/financing/model';
import { useLocalStack } from './harness';

const client = useLocalStack();
const KEY = { 'x-api-key': DEFAULT_INGEST_API_KEY };
const send = (events: unknown[], headers: Record<string, string> = KEY) =>
  client.request('POST', '/api/ingest/events', { body: { events }, headers });

const INSTITUTION_ID = 900001;

beforeAll(async () => {
  // The institution an order is accepted by; institutions are managed by city users, not ingested.
  await documentClient().send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        pk: `INSTITUTION#${INSTITUTION_ID}`, sk: 'INSTITUTION', entity: 'institution', id: INSTITUTION_ID, type: 'bank',
        fullName: '厦门测试银行', shortName: '测试银行', districtCode: '350203', cityCode: '350200', provinceCode: '350000',
        status: 'enabled', sortOrder: 0, specialistCount: 0, version: 1, createdAt: '2020-01-01T00:00:00.000Z', updatedAt: '2020-01-01T00:00:00.000Z',
      },
    }),
  );
});

function creditCode(serial: number): string {
  const first17 = `91350203${String(serial).padStart(9, '0')}`;
  return first17 + creditCodeCheckChar(first17);
}

let sequence = 0;
/** A full history of one order: enterprise, submission, acceptance, loan, default. */
function history(prefix: string) {
  sequence += 1;
  const enterpriseId = `${prefix}-ent-${sequence}`;
  const orderId = `${prefix}-ord-${sequence}`;
  const day = (n: number) => new Date(Date.UTC(2024, 0, 1 + n)).toISOString();
  return [
    { id: `${orderId}-1`, type: 'enterprise.registered', occurredAt: day(0), data: { enterpriseId, name: `厦门${prefix}科技有限公司`, creditCode: creditCode(sequence), industry: 'I', districtCode: '350203' } },
    { id: `${orderId}-2`, type: 'order.submitted', occurredAt: day(1), data: { orderId, enterpriseId, requestedAmount: 2_000_000 } },
    { id: `${orderId}-3`, type: 'order.accepted', occurredAt: day(3), data: { orderId, institutionId: INSTITUTION_ID, intendedAmount: 1_800_000 } },
    { id: `${orderId}-4`, type: 'order.loaned', occurredAt: day(10), data: { orderId, loanAmount: 1_500_000 } },
    { id: `${orderId}-5`, type: 'order.defaulted', occurredAt: day(200), data: { orderId } },
  ];
}

describe('ingestion', () => {
  it('refuses a request without the right API key', async () => {
    expect((await send(history('auth'), {})).status).toBe(401);
    expect((await send(history('auth'), { 'x-api-key': 'wrong' })).status).toBe(401);
  });

  it('applies a batch once; replaying it changes nothing and reports duplicates', async () => {
    const events = history('replay');
    const first = await send(events);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ accepted: events.map((e) => e.id), duplicates: [], rejected: [] });
    const orderId = (events[1]!.data as { orderId: string }).orderId;
    const before = await getFinancingItem<OrderItem>('order', orderId);
    expect(before).toMatchObject({ status: 'defaulted', loanAmount: 1_500_000, version: 4, institutionType: 'bank' });

    const second = await send(events);
    expect(second.body).toEqual({ accepted: [], duplicates: events.map((e) => e.id), rejected: [] });
    expect(await getFinancingItem<OrderItem>('order', orderId)).toEqual(before);
  });

  it('still applies the good events of a batch with bad ones', async () => {
    const events = history('mixed');
    const bad = [
      { id: 'bad-1', type: 'order.loaned', occurredAt: '2024-02-01T00:00:00Z', data: { orderId: 'nope', loanAmount: 1 } },
      { id: 'bad-2', type: 'enterprise.registered', occurredAt: '2024-02-01T00:00:00Z', data: { enterpriseId: 'x', name: 'x', creditCode: '91350203000000001A', industry: 'I', districtCode: '350203' } },
      { id: 'bad-3', type: 'order.submitted', occurredAt: '2099-01-01T00:00:00Z', data: { orderId: 'y', enterpriseId: 'x', requestedAmount: 1 } },
    ];
    const answer = await send([events[0], bad[0], events[1], bad[1], bad[2]]);
    expect(answer.body.accepted).toEqual([events[0]!.id, events[1]!.id]);
    expect(answer.body.rejected.map((r: { id: string; code: string }) => `${r.id}:${r.code}`)).toEqual([
      'bad-1:UNKNOWN_ORDER',
      'bad-2:INVALID_CREDIT_CODE',
      'bad-3:OCCURRED_IN_FUTURE',
    ]);
  });

  it('rejects a forbidden transition with INVALID_TRANSITION and changes nothing', async () => {
    const events = history('forbidden');
    await send(events.slice(0, 2));
    const orderId = (events[1]!.data as { orderId: string }).orderId;
    const before = await getFinancingItem<OrderItem>('order', orderId);
    const loanWithoutAcceptance = { ...events[3]!, id: 'forbidden-loan' };
    const answer = await send([loanWithoutAcceptance]);
    expect(answer.body.rejected).toEqual([{ id: 'forbidden-loan', code: 'INVALID_TRANSITION', message: expect.stringContaining('不能变为') }]);
    expect(await getFinancingItem<OrderItem>('order', orderId)).toEqual(before);
  });

  for (const seed of [1, 2, 3]) {
    it(`applies or clearly rejects a shuffled stream (seed ${seed}), and the rejected ones succeed once resent`, async () => {
      const histories = [history('shuffle'), history('shuffle'), history('shuffle')];
      const all = histories.flat();
      const shuffled = fc.sample(fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }), { numRuns: 1, seed })[0]!;
      const first = await send(shuffled);
      for (const rejection of first.body.rejected) {
        expect(['UNKNOWN_ENTERPRISE', 'UNKNOWN_ORDER', 'INVALID_TRANSITION']).toContain(rejection.code);
      }
      expect(first.body.accepted.length + first.body.rejected.length).toBe(all.length);

      // Resend the rejected ones in their original order, as a portal retrying would.
      let pending = all.filter((event) => first.body.rejected.some((r: { id: string }) => r.id === event.id));
      for (let round = 0; round < 5 && pending.length > 0; round += 1) {
        const retry = await send(pending);
        pending = pending.filter((event) => retry.body.rejected.some((r: { id: string }) => r.id === event.id));
      }
      expect(pending).toEqual([]);
      for (const events of histories) {
        const orderId = (events[1]!.data as { orderId: string }).orderId;
        expect(await getFinancingItem<OrderItem>('order', orderId)).toMatchObject({ status: 'defaulted', version: 4 });
      }
    });
  }

  it('answers a batch over 100 events or without events with 400', async () => {
    const many = Array.from({ length: 101 }, (_, i) => ({ id: `m${i}`, type: 'order.rejected', occurredAt: '2024-01-01T00:00:00Z', data: { orderId: 'x' } }));
    expect((await send(many)).status).toBe(400);
    expect((await send([])).status).toBe(400);
  });

  it('never answers arbitrary events with a 500', async () => {
    const types = fc.constantFrom('enterprise.registered', 'product.published', 'product.withdrawn', 'order.submitted', 'order.accepted', 'order.loaned', 'order.rejected', 'order.withdrawn', 'order.defaulted', 'other');
    const event = fc.record({
      id: fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.constant('')),
      type: types,
      occurredAt: fc.oneof(fc.date({ min: new Date('2018-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString()), fc.string()),
      data: fc.oneof(
        fc.record({
          orderId: fc.string({ maxLength: 70 }),
          enterpriseId: fc.string({ maxLength: 10 }),
          institutionId: fc.oneof(fc.integer(), fc.constant(INSTITUTION_ID), fc.string()),
          requestedAmount: fc.oneof(fc.integer(), fc.double(), fc.string()),
          loanAmount: fc.oneof(fc.integer({ min: -5, max: 1e13 }), fc.constant(null)),
          creditCode: fc.string({ maxLength: 20 }),
          districtCode: fc.oneof(fc.constant('350203'), fc.string({ maxLength: 8 })),
          industry: fc.string({ maxLength: 2 }),
          name: fc.string({ maxLength: 120 }),
        }, { requiredKeys: [] }),
        fc.anything(),
      ),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 5 }), async (events) => {
        const answer = await send(events);
        expect(answer.status).toBeLessThan(500);
        expect(answer.status === 200 || answer.status === 400).toBe(true);
      }),
      { numRuns: 60, seed: 7 },
    );
  });
});
