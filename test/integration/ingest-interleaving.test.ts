/**
 * Exactly once under concurrency: a valid history S is sent as N concurrent requests carrying
 * overlapping batches (prefixes of S, some identical, some with events repeated inside the batch and
 * invalid events mixed in), then once more whole. Whatever the interleaving, the stored records equal
 * applying S one event at a time (folded in memory with the model's own reducer), every event of S
 * was accepted exactly once over all answers, and the counters equal a recomputation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalStack, DEFAULT_INGEST_API_KEY, type LocalStack } from '#local/stack';
import { documentClient, tableName } from '#shared/db/client';
import { financingRefKey, getFinancingItem } from '#shared/db/financing';
import { applyEvent, eventNeeds, eventTarget, validateEvent, type EventEnvelope, type FinancingItem, type InstitutionRef } from '#shared/financing/model';
import { creditCodeCheckChar } from '#shared/reference/credit-code';
import { reconcileRollups } from '#tools/rollups';

let stack: LocalStack;

const INSTITUTIONS: InstitutionRef[] = [
  { id: 770001, type: 'bank', fullName: '并发测试银行', districtCode: '350203', cityCode: '350200', provinceCode: '350000', status: 'enabled' },
  { id: 770002, type: 'guarantee', fullName: '并发测试担保', districtCode: '440106', cityCode: '440100', provinceCode: '440000', status: 'enabled' },
];

beforeAll(async () => {
  stack = await startLocalStack({ memory: true, port: 0, capture: { batchSize: 20, batchWindowMs: 2 } });
  for (const institution of INSTITUTIONS) {
    await documentClient().send(
      new PutCommand({ TableName: tableName(), Item: { pk: `INSTITUTION#${institution.id}`, sk: 'INSTITUTION', entity: 'institution', ...institution, version: 1, createdAt: '2020-01-01T00:00:00.000Z' } }),
    );
  }
});

afterAll(async () => {
  await stack?.stop();
});

type Step = 'accept' | 'acceptWithProduct' | 'loan' | 'reject' | 'withdraw' | 'default';
interface Story {
  enterprise: number;
  district: string;
  amount: number;
  institution: number;
  steps: Step[];
}

const storyArb: fc.Arbitrary<Story> = fc.record({
  enterprise: fc.integer({ min: 0, max: 5 }),
  district: fc.constantFrom('350203', '350102', '440106', '110105'),
  amount: fc.integer({ min: 1, max: 90_000_000 }),
  institution: fc.constantFrom(0, 1),
  steps: fc.constantFrom<Step[]>([], ['accept'], ['acceptWithProduct', 'loan'], ['accept', 'loan', 'default'], ['accept', 'reject'], ['withdraw'], ['accept', 'withdraw']),
});

let run = 0;
let serial = 0;

/** A history valid in its order: products, then per story its enterprise (once), order and steps, the stories interleaved. */
function historyOf(stories: Story[], order: number[]): EventEnvelope[] {
  run += 1;
  const prefix = `iv${run}`;
  const at = (n: number) => new Date(Date.UTC(2024, 0, 1) + n * 3_600_000).toISOString();
  const product = (k: number) => `${prefix}-p${k}`;
  const events: EventEnvelope[] = INSTITUTIONS.map((institution, k) => ({
    id: `${product(k)}-pub`, type: 'product.published', occurredAt: at(0), data: { productId: product(k), institutionId: institution.id, name: `产品${k}` },
  }));
  const queues = stories.map((story, i) => {
    const enterpriseId = `${prefix}-e${story.enterprise}`;
    const orderId = `${prefix}-o${i}`;
    const queue: EventEnvelope[] = [];
    queue.push({ id: `${orderId}-sub`, type: 'order.submitted', occurredAt: at(i + 1), data: { orderId, enterpriseId, requestedAmount: story.amount } });
    story.steps.forEach((step, s) => {
      const data: Record<string, unknown> = { orderId };
      if (step === 'accept' || step === 'acceptWithProduct') {
        Object.assign(data, { institutionId: INSTITUTIONS[story.institution]!.id, intendedAmount: Math.floor(story.amount / 2) });
        if (step === 'acceptWithProduct') data.productId = product(story.institution);
      }
      if (step === 'loan') data.loanAmount = Math.max(1, Math.floor(story.amount / 3));
      const type = { accept: 'order.accepted', acceptWithProduct: 'order.accepted', loan: 'order.loaned', reject: 'order.rejected', withdraw: 'order.withdrawn', default: 'order.defaulted' }[step];
      queue.push({ id: `${orderId}-${s}`, type, occurredAt: at(i + 2 + s), data });
    });
    return { story, enterpriseId, queue };
  });
  const registered = new Set<string>();
  for (const pick of order) {
    const open = queues.filter((entry) => entry.queue.length > 0);
    if (open.length === 0) break;
    const entry = open[pick % open.length]!;
    if (!registered.has(entry.enterpriseId)) {
      registered.add(entry.enterpriseId);
      serial += 1;
      const first17 = `91350203${String(serial).padStart(9, '0')}`;
      events.push({
        id: `${entry.enterpriseId}-reg`, type: 'enterprise.registered', occurredAt: at(0),
        data: { enterpriseId: entry.enterpriseId, name: `企业${entry.enterpriseId}`, creditCode: first17 + creditCodeCheckChar(first17), industry: 'C', districtCode: entry.story.district },
      });
    }
    events.push(entry.queue.shift()!);
  }
  for (const entry of queues) events.push(...entry.queue);
  return events;
}

/**
 * A record with the receipt times of its 数据质量 warnings blanked: a warning is dated by whichever
 * request applied its event, which differs from run to run (the rest of the warning does not).
 */
function withoutReceiptTimes(item: FinancingItem | undefined): unknown {
  if (!item?.quality) return item;
  const quality = Object.fromEntries(
    Object.entries(item.quality).map(([rule, flag]) => {
      const { receivedAt: _r, delayDays: _d, ...values } = flag!.values;
      return [rule, { ...flag, flaggedAt: 'received', values }];
    }),
  );
  return { ...item, quality };
}

/** S applied one event at a time, in memory, with the model's reducer: the expected records. */
function foldOneByOne(events: EventEnvelope[]): Map<string, FinancingItem> {
  const items = new Map<string, FinancingItem>();
  const institutions = new Map(INSTITUTIONS.map((institution) => [institution.id, institution]));
  for (const envelope of events) {
    const event = validateEvent(envelope, new Date());
    if ('code' in event) throw new Error(`the history holds an invalid event: ${event.code}`);
    const target = eventTarget(event);
    const key = financingRefKey(target.kind, target.id);
    const needs = eventNeeds(event);
    const result = applyEvent(items.get(key), event, {
      enterprise: needs.enterpriseId ? (items.get(financingRefKey('enterprise', needs.enterpriseId)) as never) : undefined,
      product: needs.productId ? (items.get(financingRefKey('product', needs.productId)) as never) : undefined,
      institution: needs.institutionId ? institutions.get(needs.institutionId) : undefined,
      receivedAt: new Date().toISOString(),
    });
    if (result.outcome !== 'applied') throw new Error(`the history is not valid in its order: ${envelope.id} ${JSON.stringify(result)}`);
    items.set(key, result.item);
  }
  return items;
}

interface Answer {
  accepted: string[];
  duplicates: string[];
  rejected: { id: string; code: string }[];
}

async function send(events: unknown[]): Promise<Answer> {
  const response = await fetch(`${stack.url}/api/ingest/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': DEFAULT_INGEST_API_KEY },
    body: JSON.stringify({ events }),
  });
  if (response.status !== 200) throw new Error(`ingest answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as Answer;
}

const requestArb = fc.record({
  /** The prefix carried, as a share of S. */
  share: fc.double({ min: 0.05, max: 1, noNaN: true }),
  /** Positions (as shares of the prefix) whose event is repeated later in the same batch. */
  repeats: fc.array(fc.double({ min: 0, max: 0.999, noNaN: true }), { maxLength: 3 }),
  /** Invalid events mixed in. */
  garbage: fc.integer({ min: 0, max: 2 }),
  /** Send the same request this many times at once. */
  copies: fc.integer({ min: 1, max: 2 }),
});

describe('concurrent overlapping batches', () => {
  it('end with the records of applying the events one by one, each event accepted exactly once, counters exact', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(storyArb, { minLength: 1, maxLength: 14 }),
        fc.array(fc.nat(), { minLength: 60, maxLength: 60 }),
        fc.array(requestArb, { minLength: 2, maxLength: 4 }),
        async (stories, order, requests) => {
          const history = historyOf(stories, order).slice(0, 95);
          const expected = foldOneByOne(history);
          const batches = requests.flatMap((request, r) => {
            const prefix = history.slice(0, Math.max(1, Math.ceil(history.length * request.share)));
            const batch: unknown[] = [...prefix];
            for (const share of request.repeats) batch.push(prefix[Math.floor(share * prefix.length)]!);
            for (let g = 0; g < request.garbage; g += 1) batch.splice(g * 7 % (batch.length + 1), 0, { id: `junk-${run}-${r}-${g}`, type: 'order.loaned', occurredAt: 'soon', data: {} });
            return Array.from({ length: request.copies }, () => batch.slice(0, 100));
          });
          const answers = await Promise.all(batches.map(send));
          answers.push(await send(history));

          const acceptedTimes = new Map<string, number>();
          for (const answer of answers) for (const id of answer.accepted) acceptedTimes.set(id, (acceptedTimes.get(id) ?? 0) + 1);
          for (const event of history) expect(acceptedTimes.get(event.id), event.id).toBe(1);
          expect([...acceptedTimes.keys()].filter((id) => id.startsWith('junk-'))).toEqual([]);

          for (const [key, item] of expected) {
            const [kind, ...id] = key.split('#');
            expect(withoutReceiptTimes(await getFinancingItem(kind as never, id.join('#'))), key).toEqual(withoutReceiptTimes(item));
          }
        },
      ),
      { numRuns: 25, seed: 20261129 },
    );
    await stack.capture.drain(120_000);
    expect((await reconcileRollups()).drifts).toEqual([]);
  }, 600_000);
});
