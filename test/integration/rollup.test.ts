/**
 * The rollup is exact under at-least-once delivery: random event histories, delivered in random
 * batches, with redeliveries cut differently from the first try and failures injected between counter
 * writes, always end with counters equal to a recomputation from the final base records.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PutCommand, UpdateCommand, DeleteCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { startLocalStack, type LocalStack } from '#local/stack';
import { dynamoClient, documentClient, tableName } from '#shared/db/client';
import { creditCodeCheckChar } from '#shared/reference/credit-code';
import { ingestEvents } from '#shared/financing/ingest';
import { rebuildRollups, reconcileRollups } from '#tools/rollups';
import { applyBatch } from '#functions/rollup/apply';
import { handler as rollupHandler } from '#functions/rollup/index';
import { recordDeltas } from '#shared/rollups/contributions';
import { marshall } from '@aws-sdk/util-dynamodb';

let stack: LocalStack;
/** Probability that a counter write fails (set per run). */
let counterWriteFailureRate = 0;
let counterWrites = 0;
let injectedWriteFailures = 0;

beforeAll(async () => {
  stack = await startLocalStack({ memory: true, port: 0, capture: { batchSize: 8, batchWindowMs: 2 } });
  dynamoClient().middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Key?: { pk?: { S?: string } } };
      // Every counter item: statistics (STAT…) and open demands (OPEN…, 督办).
      if (context.commandName === 'UpdateItemCommand' && /^(STAT|OPEN)/.test(input.Key?.pk?.S ?? '')) {
        counterWrites += 1;
        if (Math.random() < counterWriteFailureRate) {
          injectedWriteFailures += 1;
          throw Object.assign(new Error('injected throttling'), { name: 'ProvisionedThroughputExceededException' });
        }
      }
      return next(args);
    },
    { step: 'initialize', name: 'injectCounterWriteFailures' },
  );
});

afterAll(async () => {
  await stack?.stop();
});

const DISTRICTS = ['350203', '350206', '350102', '440106', '110105', '510104'];
const INSTITUTIONS = [
  { id: 9001, type: 'bank', districtCode: '350203', cityCode: '350200', provinceCode: '350000' },
  { id: 9002, type: 'guarantee', districtCode: '440106', cityCode: '440100', provinceCode: '440000' },
];

async function putInstitution(inst: (typeof INSTITUTIONS)[number], status: string, createdAt: string) {
  await documentClient().send(
    new PutCommand({
      TableName: tableName(),
      Item: { pk: `INSTITUTION#${inst.id}`, sk: 'INSTITUTION', entity: 'institution', ...inst, fullName: `机构${inst.id}`, status, createdAt, version: 1 },
    }),
  );
}

let serial = 0;
function creditCode(): string {
  serial += 1;
  const first17 = `91350203${String(serial).padStart(9, '0')}`;
  return first17 + creditCodeCheckChar(first17);
}

type Step = 'accept' | 'loan' | 'reject' | 'withdraw' | 'default';
interface OrderPlan {
  district: string;
  industry: string;
  amount: number;
  institution: number;
  startDay: number;
  steps: Step[];
  gaps: number[];
}
const orderArb: fc.Arbitrary<OrderPlan> = fc.record({
  district: fc.constantFrom(...DISTRICTS),
  industry: fc.constantFrom('A', 'C', 'I'),
  amount: fc.integer({ min: 1, max: 50_000_000 }),
  institution: fc.constantFrom(0, 1),
  startDay: fc.integer({ min: 0, max: 1400 }),
  steps: fc.constantFrom<Step[]>([], ['accept'], ['accept', 'loan'], ['accept', 'loan', 'default'], ['accept', 'reject'], ['withdraw'], ['accept', 'withdraw']),
  gaps: fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 3, maxLength: 3 }),
});

let run = 0;
function historyOf(orders: OrderPlan[]) {
  run += 1;
  const events: { id: string; type: string; occurredAt: string; data: Record<string, unknown> }[] = [];
  const start = Date.UTC(2023, 0, 1);
  const at = (day: number) => new Date(Math.min(start + day * 86_400_000 + 3_600_000, Date.now() - 60_000)).toISOString();
  orders.forEach((order, i) => {
    const enterpriseId = `r${run}-e${i}`;
    const orderId = `r${run}-o${i}`;
    let day = order.startDay;
    events.push({ id: `${orderId}-reg`, type: 'enterprise.registered', occurredAt: at(day), data: { enterpriseId, name: `企业${i}`, creditCode: creditCode(), industry: order.industry, districtCode: order.district } });
    events.push({ id: `${orderId}-sub`, type: 'order.submitted', occurredAt: at(day), data: { orderId, enterpriseId, requestedAmount: order.amount } });
    order.steps.forEach((step, s) => {
      day += order.gaps[s] ?? 1;
      const data: Record<string, unknown> = { orderId };
      if (step === 'accept') Object.assign(data, { institutionId: INSTITUTIONS[order.institution]!.id, intendedAmount: Math.floor(order.amount * 0.9) });
      if (step === 'loan') data.loanAmount = Math.max(1, Math.floor(order.amount * 0.8));
      const type: string = { accept: 'order.accepted', loan: 'order.loaned', reject: 'order.rejected', withdraw: 'order.withdrawn', default: 'order.defaulted' }[step];
      events.push({ id: `${orderId}-${s}`, type, occurredAt: at(day), data });
    });
  });
  return events;
}

describe('rollup exactness', () => {
  it('ends with counters equal to a recomputation, whatever the batching, redelivery and write failures', async () => {
    await putInstitution(INSTITUTIONS[0]!, 'enabled', '2022-05-01T00:00:00.000Z');
    await putInstitution(INSTITUTIONS[1]!, 'enabled', new Date(Date.now() - 5 * 86_400_000).toISOString());
    await fc.assert(
      fc.asyncProperty(
        fc.array(orderArb, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom<'throw' | 'partial'>('throw', 'partial'),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        fc.boolean(),
        async (orders, redeliveries, mode, failureRate, toggleInstitution) => {
          counterWriteFailureRate = failureRate;
          stack.capture.failNextDeliveries(redeliveries, mode);
          const events = historyOf(orders);
          // Send in a few requests, as the portals would, interleaved with an institution change.
          for (let i = 0; i < events.length; i += 10) await ingestEvents(events.slice(i, i + 10));
          if (toggleInstitution) {
            await documentClient().send(
              new UpdateCommand({
                TableName: tableName(),
                Key: { pk: `INSTITUTION#${INSTITUTIONS[1]!.id}`, sk: 'INSTITUTION' },
                UpdateExpression: 'SET #s = :s',
                ExpressionAttributeNames: { '#s': 'status' },
                ExpressionAttributeValues: { ':s': run % 2 === 0 ? 'disabled' : 'enabled' },
              }),
            );
          }
          await stack.capture.drain(60_000);
          counterWriteFailureRate = 0;
          const { drifts } = await reconcileRollups();
          expect(drifts).toEqual([]);
        },
      ),
      { numRuns: 12, seed: 20261127 },
    );
    // The runs really exercised redelivery, regrouping and failed writes.
    expect(stack.capture.deliveries.some((delivery) => delivery.attempt > 1)).toBe(true);
    expect(injectedWriteFailures).toBeGreaterThan(0);
  });

  it('counts an institution deleted after it was counted', async () => {
    await stack.capture.drain();
    await documentClient().send(new DeleteCommand({ TableName: tableName(), Key: { pk: `INSTITUTION#${INSTITUTIONS[0]!.id}`, sk: 'INSTITUTION' } }));
    await stack.capture.drain();
    expect((await reconcileRollups()).drifts).toEqual([]);
  });
});

describe('reconcile', () => {
  it('reports a counter that differs from the recomputation', async () => {
    await stack.capture.drain();
    await documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: { pk: 'STAT#ROOT#all', sk: 'REGION#000000' },
        UpdateExpression: 'ADD demandCount :one',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
    const { drifts } = await reconcileRollups();
    expect(drifts).toEqual([expect.objectContaining({ pk: 'STAT#ROOT#all', sk: 'REGION#000000', attribute: 'demandCount' })]);
    expect(drifts[0]!.stored).toBe((drifts[0]!.expected as number) + 1);
    await rebuildRollups();
    expect((await reconcileRollups()).drifts).toEqual([]);
  });
});

describe('rollup writes', () => {
  function record(seq: number, image: Record<string, unknown>): DynamoDBRecord {
    return {
      eventName: 'INSERT',
      dynamodb: { SequenceNumber: String(10n ** 22n + BigInt(seq)), NewImage: marshall(image) as never, Keys: marshall({ pk: image.pk, sk: image.sk }) as never },
    };
  }

  it('writes each distinct counter item once per batch, however many records touch it', async () => {
    const orders = Array.from({ length: 20 }, (_, i) => ({
      pk: `ORDER#w${i}`, sk: 'ORDER', entity: 'order', orderId: `w${i}`, industry: 'C', districtCode: i % 2 ? '350203' : '440106',
      requestedAmount: 1000 + i, status: 'submitted', submittedAt: `2022-0${1 + (i % 3)}-10T00:00:00.000Z`,
    }));
    const records = orders.map((order, i) => record(i + 1, order));
    const now = new Date();
    const distinct = new Set<string>();
    for (const order of orders) for (const entry of recordDeltas(undefined, order, now).nonEmpty()) distinct.add(`${entry.ref.pk}|${entry.ref.sk}`);

    const before = counterWrites;
    const result = await applyBatch({ Records: records, shardId: 'shardId-test-writes' }, now);
    expect(result.batchItemFailures).toEqual([]);
    expect(counterWrites - before).toBe(distinct.size);
    expect(distinct.size).toBeLessThan(records.length * 12);

    // The same batch again (a redelivery) writes nothing and changes nothing.
    const again = counterWrites;
    await applyBatch({ Records: records, shardId: 'shardId-test-writes' }, now);
    expect(counterWrites - again).toBe(0);
  });

  it('refuses a batch that does not name its shard', async () => {
    await expect(applyBatch({ Records: [] })).rejects.toThrow(/shardId/);
  });

  it('hands the tumbling window state back as received, on records and on the final empty invocation', async () => {
    const state = { note: 'kept' };
    const order = {
      pk: 'ORDER#tw1', sk: 'ORDER', entity: 'order', orderId: 'tw1', industry: 'C', districtCode: '350203',
      requestedAmount: 1200, status: 'submitted', submittedAt: '2022-05-10T00:00:00.000Z',
    };
    const window = { start: new Date().toISOString(), end: new Date(Date.now() + 1000).toISOString() };
    const withRecords = await rollupHandler({ Records: [record(500, order)], shardId: 'shardId-test-window', state, window });
    expect(withRecords).toEqual({ batchItemFailures: [], state });
    const final = await rollupHandler({ Records: [], shardId: 'shardId-test-window', state, window, isFinalInvokeForWindow: true });
    expect(final).toEqual({ batchItemFailures: [], state });
  });
});
