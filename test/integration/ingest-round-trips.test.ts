/**
 * A batch costs a handful of sequential DynamoDB round trips whatever its size and mix: one round of
 * reads, one of enterprise and product writes, one of order writes (shared/financing/ingest.ts).
 * Counted with a client middleware (tools/round-trips.ts), on dynalite without change capture.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '#shared/db/client';
import { ingestEvents } from '#shared/financing/ingest';
import { creditCodeCheckChar } from '#shared/reference/credit-code';
import { measureRoundTrips } from '#tools/round-trips';
import { useTestStores } from './db-harness';

useTestStores();

const INSTITUTION_ID = 880001;
type Envelope = { id: string; type: string; occurredAt: string; data: Record<string, unknown> };

beforeAll(async () => {
  await documentClient().send(new PutCommand({
    TableName: tableName(),
    Item: {
      pk: `INSTITUTION#${INSTITUTION_ID}`, sk: 'INSTITUTION', entity: 'institution', id: INSTITUTION_ID, type: 'bank', fullName: '往返测试银行',
      districtCode: '350203', cityCode: '350200', provinceCode: '350000', status: 'enabled', version: 1,
    },
  }));
});

let serial = 0;
const at = () => new Date(Date.UTC(2025, 0, 1) + serial * 1000).toISOString();
function creditCode(): string {
  const first17 = `91350203${String(serial).padStart(9, '0')}`;
  return first17 + creditCodeCheckChar(first17);
}
const registered = (enterpriseId: string): Envelope => {
  serial += 1;
  return { id: `${enterpriseId}-r`, type: 'enterprise.registered', occurredAt: at(), data: { enterpriseId, name: `企业${enterpriseId}`, creditCode: creditCode(), industry: 'C', districtCode: '350203' } };
};
const published = (productId: string): Envelope => ({ id: `${productId}-p`, type: 'product.published', occurredAt: at(), data: { productId, institutionId: INSTITUTION_ID, name: '贷款产品' } });
const submitted = (orderId: string, enterpriseId: string): Envelope => ({ id: `${orderId}-s`, type: 'order.submitted', occurredAt: at(), data: { orderId, enterpriseId, requestedAmount: 500_000 } });
const accepted = (orderId: string, productId?: string): Envelope => ({
  id: `${orderId}-a`, type: 'order.accepted', occurredAt: at(), data: { orderId, institutionId: INSTITUTION_ID, intendedAmount: 400_000, ...(productId ? { productId } : {}) },
});
const loaned = (orderId: string): Envelope => ({ id: `${orderId}-l`, type: 'order.loaned', occurredAt: at(), data: { orderId, loanAmount: 300_000 } });

/** A batch of `size` events: enterprises, a product, orders submitted, accepted with the product and loaned, all new. */
function mixedBatch(prefix: string, size: number): Envelope[] {
  const events: Envelope[] = [published(`${prefix}-p`)];
  for (let i = 0; events.length < size; i += 1) {
    const enterprise = `${prefix}-e${i}`;
    const order = `${prefix}-o${i}`;
    events.push(registered(enterprise), submitted(order, enterprise), accepted(order, `${prefix}-p`), loaned(order));
  }
  return events.slice(0, size);
}

async function measure(events: Envelope[]) {
  const { result, roundTrips } = await measureRoundTrips(() => ingestEvents(events));
  return { result, roundTrips };
}

describe('ingestion round trips', () => {
  it('applies a mixed batch of 100 in at most 6 sequential round trips, the same as a batch of 10', async () => {
    const small = await measure(mixedBatch('rt10', 10));
    const large = await measure(mixedBatch('rt100', 100));
    expect(small.result.rejected).toEqual([]);
    expect(large.result.rejected).toEqual([]);
    expect(large.result.accepted).toHaveLength(100);
    expect(large.roundTrips.sequential).toBeLessThanOrEqual(6);
    expect(large.roundTrips.sequential).toBe(small.roundTrips.sequential);
    // One conditional write per record, however many of its events the batch holds.
    expect(large.roundTrips.byCommand.PutItemCommand).toBe(1 + 25 + 25);
  });

  it('reads 100 records and their context in one round of BatchGetItems', async () => {
    await ingestEvents(Array.from({ length: 100 }, (_, i) => registered(`rr-e${i}`)));
    const orders = Array.from({ length: 100 }, (_, i) => submitted(`rr-o${i}`, `rr-e${i}`));
    const { result, roundTrips } = await measure(orders);
    expect(result.accepted).toHaveLength(100);
    // 200 keys: two BatchGetItems side by side, then 100 writes side by side.
    expect(roundTrips.byCommand.BatchGetItemCommand).toBe(2);
    expect(roundTrips.sequential).toBe(2);
    const transitions = await measure(orders.map((event) => accepted(String(event.data.orderId))));
    expect(transitions.result.accepted).toHaveLength(100);
    expect(transitions.roundTrips.sequential).toBe(2);
  });

  it('costs nothing but the read for a replayed batch', async () => {
    const batch = mixedBatch('rtdup', 40);
    await ingestEvents(batch);
    const { result, roundTrips } = await measure(batch);
    expect(result.duplicates).toHaveLength(40);
    expect(roundTrips.byCommand.PutItemCommand).toBeUndefined();
    expect(roundTrips.sequential).toBe(1);
  });
});
