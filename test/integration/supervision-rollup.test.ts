/**
 * The 督办 and 数据质量 derived data are exact under at-least-once delivery, as the statistics counters
 * are (test/integration/rollup.test.ts): random recent histories — orders waiting, accepted, decided
 * today or weeks ago, loans far above intent, events sent late — delivered in random batches, with
 * redeliveries cut differently, failures injected into the open-demand counter writes and the
 * warning-list writes, and warnings marked checked while the stream runs, always end with
 * - counters and warning lists equal to a recomputation from the final records (reconcile), and
 * - the overdue figures the API reads (now and yesterday, per province) equal to evaluating every
 *   stored order on its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalStack, type LocalStack } from '#local/stack';
import { bulkDocumentClient, documentClient, dynamoClient, tableName } from '#shared/db/client';
import { creditCodeCheckChar } from '#shared/reference/credit-code';
import { ingestEvents } from '#shared/financing/ingest';
import { markQualityChecked } from '#shared/db/quality';
import { getFinancingItem } from '#shared/db/financing';
import { overdueThresholds } from '#shared/config';
import { isOverdue } from '#shared/supervision/rules';
import { supervisionRegions } from '#shared/supervision/queries';
import { addDays } from '#shared/calendar';
import { chinaDay, chinaDayStart } from '#shared/time';
import { reconcileRollups } from '#tools/rollups';
import type { Caller } from '#shared/auth/caller';
import type { OrderItem } from '#shared/financing/model';

let stack: LocalStack;
let failureRate = 0;
let injected = 0;

beforeAll(async () => {
  stack = await startLocalStack({ memory: true, port: 0, capture: { batchSize: 6, batchWindowMs: 2 } });
  dynamoClient().middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Key?: { pk?: { S?: string } }; RequestItems?: Record<string, { PutRequest?: { Item?: { pk?: { S?: string } } } }[]> };
      const openWrite = context.commandName === 'UpdateItemCommand' && /^OPEN/.test(input.Key?.pk?.S ?? '');
      const listWrite = context.commandName === 'BatchWriteItemCommand' && JSON.stringify(input.RequestItems ?? {}).includes('QFLAG#');
      if ((openWrite || listWrite) && Math.random() < failureRate) {
        injected += 1;
        throw Object.assign(new Error('injected throttling'), { name: 'ProvisionedThroughputExceededException' });
      }
      return next(args);
    },
    { step: 'initialize', name: 'injectSupervisionWriteFailures' },
  );
  for (const [id, districtCode, cityCode, provinceCode, status] of [
    [9101, '350203', '350200', '350000', 'enabled'],
    [9102, '440106', '440100', '440000', 'disabled'],
  ] as const) {
    await documentClient().send(
      new PutCommand({
        TableName: tableName(),
        Item: { pk: `INSTITUTION#${id}`, sk: 'INSTITUTION', entity: 'institution', id, type: 'bank', fullName: `督办机构${id}`, districtCode, cityCode, provinceCode, status, createdAt: '2020-01-01T00:00:00.000Z', version: 1 },
      }),
    );
  }
});

afterAll(async () => {
  await stack?.stop();
});

type Step = 'accept' | 'acceptDisabled' | 'loan' | 'bigLoan' | 'reject' | 'withdraw';
interface Plan {
  district: string;
  amount: number;
  /** Minutes before now the order was submitted (up to 50 days). */
  startMinutes: number;
  steps: Step[];
  /** Minutes between steps. */
  gaps: number[];
  /** Send the last event this many days late (0: on time). */
  lateDays: number;
}

const MINUTE = 60_000;
const planArb: fc.Arbitrary<Plan> = fc.record({
  district: fc.constantFrom('350203', '350206', '350102', '440106', '110105'),
  amount: fc.integer({ min: 1, max: 900 }).map((n) => n * 10_000),
  startMinutes: fc.integer({ min: 10, max: 50 * 24 * 60 }),
  steps: fc.constantFrom<Step[]>([], ['accept'], ['acceptDisabled'], ['accept', 'loan'], ['accept', 'bigLoan'], ['accept', 'reject'], ['withdraw'], ['accept', 'withdraw']),
  gaps: fc.array(fc.integer({ min: 1, max: 20 * 24 * 60 }), { minLength: 2, maxLength: 2 }),
  lateDays: fc.constantFrom(0, 0, 0, 35),
});

let run = 0;
let serial = 0;

/** The events of a history, each with when it is sent (a late one: after the others). */
function historyOf(plans: Plan[], now: number) {
  run += 1;
  const onTime: Record<string, unknown>[] = [];
  const late: Record<string, unknown>[] = [];
  plans.forEach((plan, i) => {
    serial += 1;
    const first17 = `91350203${String(800_000_000 + serial).padStart(9, '0')}`;
    const enterpriseId = `sr${run}-e${i}`;
    const orderId = `sr${run}-o${i}`;
    let at = now - plan.startMinutes * MINUTE;
    const iso = (time: number) => new Date(Math.min(time, now - MINUTE)).toISOString();
    onTime.push({ id: `${orderId}-r`, type: 'enterprise.registered', occurredAt: iso(at - MINUTE), data: { enterpriseId, name: `督办企业${serial}`, creditCode: first17 + creditCodeCheckChar(first17), industry: 'C', districtCode: plan.district } });
    onTime.push({ id: `${orderId}-s`, type: 'order.submitted', occurredAt: iso(at), data: { orderId, enterpriseId, requestedAmount: plan.amount } });
    plan.steps.forEach((step, s) => {
      at += plan.gaps[s]! * MINUTE;
      if (at >= now - MINUTE) return;
      const data: Record<string, unknown> = { orderId };
      if (step === 'accept' || step === 'acceptDisabled') Object.assign(data, { institutionId: step === 'accept' ? 9101 : 9102, intendedAmount: plan.amount / 2 });
      if (step === 'loan' || step === 'bigLoan') data.loanAmount = step === 'loan' ? plan.amount / 2 : plan.amount * 3;
      const type = { accept: 'order.accepted', acceptDisabled: 'order.accepted', loan: 'order.loaned', bigLoan: 'order.loaned', reject: 'order.rejected', withdraw: 'order.withdrawn' }[step];
      const event = { id: `${orderId}-${s}`, type, occurredAt: iso(at), data };
      if (s === plan.steps.length - 1 && plan.lateDays > 0) late.push(event);
      else onTime.push(event);
    });
  });
  return { onTime, late };
}

const NATIONAL: Caller = { accountId: 1, realName: '测试', phone: '13800000001', role: 'national', provinceCode: '000000', sessionId: 's' };

/** Every stored order, read with a Scan (a test may). */
async function storedOrders(): Promise<OrderItem[]> {
  const orders: OrderItem[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await bulkDocumentClient().send(new ScanCommand({ TableName: tableName(), ConsistentRead: true, ExclusiveStartKey: startKey, FilterExpression: 'entity = :order', ExpressionAttributeValues: { ':order': 'order' } }));
    orders.push(...((page.Items ?? []) as OrderItem[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return orders;
}

/** The overdue figures of each province and rule, evaluating every order on its own (now and at the end of yesterday). */
function recompute(orders: OrderItem[], now: Date) {
  const thresholds = overdueThresholds();
  const today = chinaDay(now);
  const endOfYesterday = chinaDayStart(Number(today.slice(0, 4)), Number(today.slice(4, 6)), Number(today.slice(6, 8))).getTime() - 1;
  const figures = new Map<string, { overdue: number; yesterday: number; waiting: number }>();
  for (const order of orders) {
    for (const rule of ['acceptance', 'decision'] as const) {
      const since = rule === 'acceptance' ? order.submittedAt : order.acceptedAt;
      if (!since) continue;
      const stoppedAt = rule === 'acceptance' ? (order.acceptedAt ?? order.withdrawnAt) : (order.loanedAt ?? order.rejectedAt ?? order.withdrawnAt);
      const waitingNow = rule === 'acceptance' ? order.status === 'submitted' : order.status === 'docking';
      const waitingYesterday = Date.parse(since) <= endOfYesterday && !(stoppedAt && Date.parse(stoppedAt) <= endOfYesterday);
      const key = `${order.provinceCode}|${rule}`;
      const entry = figures.get(key) ?? { overdue: 0, yesterday: 0, waiting: 0 };
      if (waitingNow) entry.waiting += 1;
      if (waitingNow && isOverdue(rule, chinaDay(since), today, thresholds)) entry.overdue += 1;
      if (waitingYesterday && isOverdue(rule, chinaDay(since), addDays(today, -1), thresholds)) entry.yesterday += 1;
      figures.set(key, entry);
    }
  }
  return figures;
}

describe('督办 and 数据质量 derived data under redelivery and failures', () => {
  it('end equal to a recomputation from the records, whatever the batching, redelivery, write failures and checks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(planArb, { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom<'throw' | 'partial'>('throw', 'partial'),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        fc.array(fc.nat(), { maxLength: 3 }),
        async (plans, redeliveries, mode, rate, checks) => {
          failureRate = rate;
          stack.capture.failNextDeliveries(redeliveries, mode);
          const now = Date.now();
          const { onTime, late } = historyOf(plans, now);
          for (let i = 0; i < onTime.length; i += 7) await ingestEvents(onTime.slice(i, i + 7) as never);
          // Late events: received now, dated weeks after they occurred (事件迟报 on records already counted).
          if (late.length > 0) await ingestEvents(late as never, new Date(), { receivedAt: (event) => new Date(Date.parse(event.occurredAt) + 35 * 86_400_000).toISOString() });
          // Some warnings checked while the stream is still running.
          const orders = plans.map((_, i) => `sr${run}-o${i}`);
          for (const pick of checks) {
            const order = await getFinancingItem<OrderItem>('order', orders[pick % orders.length]!);
            const rule = order?.quality && (Object.keys(order.quality)[0] as never);
            if (order && rule) await markQualityChecked('order', order.orderId, rule, order.version, { at: new Date().toISOString(), by: { accountId: 1, name: '测试' } });
          }
          await stack.capture.drain(60_000);
          failureRate = 0;
          const { drifts } = await reconcileRollups();
          expect(drifts).toEqual([]);

          const at = new Date();
          const expected = recompute(await storedOrders(), at);
          const answer = await supervisionRegions(NATIONAL, {}, at);
          for (const row of answer.rows) {
            for (const rule of ['acceptance', 'decision'] as const) {
              const want = expected.get(`${row.code}|${rule}`) ?? { overdue: 0, yesterday: 0, waiting: 0 };
              expect({ overdue: row[rule].overdue, yesterday: row[rule].yesterday, waiting: row[rule].waiting }, `${row.code} ${rule}`).toEqual(want);
            }
          }
        },
      ),
      { numRuns: 12, seed: 20261128 },
    );
    expect(stack.capture.deliveries.some((delivery) => delivery.attempt > 1)).toBe(true);
    expect(injected).toBeGreaterThan(0);
  }, 300_000);
});
