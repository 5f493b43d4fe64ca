/**
 * Exactly once across a crash, with the real rollup (functions/rollup/apply.ts) and its per-shard marks
 * (docs/data-model.md, "Write protocols"): a run dies with some shards' batches applied to the counters
 * but not acknowledged and others not applied at all, and the next start comes two days later — past
 * the stream retention after which the rollup prunes marks. Redelivered on their original shards with
 * the crashed run's clock, every change counts once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { StreamBatchEvent } from '#shared/db/stream-event';
import { documentClient, dynamoClient, onDynamoClientCreated, tableName } from '#shared/db/client';
import { rollupStreamFilterPatterns } from '#shared/db/table';
import { ingestEvents } from '#shared/financing/ingest';
import { creditCodeCheckChar } from '#shared/reference/credit-code';
import { applyBatch } from '#functions/rollup/apply';
import { ChangeCapture } from '#local/change-capture';
import { reconcileRollups } from '#tools/rollups';
import { waitFor } from '#test/e2e/process-harness';
import { useTestStores } from './db-harness';

useTestStores();

const ENTERPRISES = 12;
const DAY_MS = 24 * 60 * 60 * 1000;
let dir = '';

afterAll(async () => {
  vi.useRealTimers();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function registrations() {
  return Array.from({ length: ENTERPRISES }, (_, i) => {
    const first17 = `91350203${String(700_000 + i).padStart(9, '0')}`;
    return {
      id: `twodays-${i}`,
      type: 'enterprise.registered',
      occurredAt: '2024-03-01T02:00:00.000Z',
      data: { enterpriseId: `twodays-ent-${i}`, name: `厦门两日测试${i}号有限公司`, creditCode: first17 + creditCodeCheckChar(first17), industry: 'I', districtCode: '350203' },
    };
  });
}

it('counts every change once when the next start comes two days after the crash', { timeout: 120_000 }, async () => {
  dir = await mkdtemp(join(tmpdir(), 'xyd-twodays-'));
  const log = join(dir, 'change-log.jsonl');
  const region = process.env.AWS_REGION ?? 'cn-north-1';
  const base = { tableName: tableName(), region, filterPatterns: rollupStreamFilterPatterns(), batchWindowMs: 20, shardCount: 4, log };

  // The crashed run, two days ago: every other shard's batch is applied, then nothing is acknowledged.
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  vi.setSystemTime(Date.now() - 2 * DAY_MS);
  // Every delivery fails after the handler ran, so nothing is ever acknowledged; the shards in even
  // positions (in order of first delivery) have their records applied, again and again (the marks
  // make that harmless), the others never.
  const shards: string[] = [];
  const seen = new Map<string, string>();
  const applied = new Set<string>();
  let applying = 0;
  let crashed = false;
  const crashing = new ChangeCapture({
    ...base,
    maxRetries: 100_000,
    handler: async (event: StreamBatchEvent) => {
      if (crashed) throw new Error('the process is gone');
      const shardId = event.shardId!;
      if (!shards.includes(shardId)) shards.push(shardId);
      for (const record of event.Records) seen.set(record.dynamodb!.SequenceNumber!, shardId);
      if (shards.indexOf(shardId) % 2 === 0) {
        applying += 1;
        try {
          await applyBatch(event);
          for (const record of event.Records) applied.add(record.dynamodb!.SequenceNumber!);
        } finally {
          applying -= 1;
        }
      }
      return { batchItemFailures: [{ itemIdentifier: event.Records[0]!.dynamodb!.SequenceNumber! }] };
    },
  });
  onDynamoClientCreated((client) => crashing.attach(client));
  dynamoClient();
  const answer = await ingestEvents(registrations());
  expect(answer.accepted).toHaveLength(ENTERPRISES);
  const settled = () =>
    seen.size === ENTERPRISES &&
    applying === 0 &&
    [...seen].every(([sequence, shardId]) => shards.indexOf(shardId) % 2 === 1 || applied.has(sequence));
  await waitFor('the even shards to be applied and the odd ones to be delivered', () => (settled() ? true : undefined), 60_000, 10);
  expect(shards.length).toBeGreaterThanOrEqual(2);
  const nation = async () =>
    (await documentClient().send(new GetCommand({ TableName: tableName(), Key: { pk: 'STAT#ROOT#all', sk: 'REGION#000000' }, ConsistentRead: true }))).Item;
  const before = (await nation())?.enterpriseCount as number;
  expect(before).toBeGreaterThan(0);
  expect(before).toBeLessThan(ENTERPRISES);
  crashed = true;
  await crashing.stop(0);

  // Two days later.
  vi.useRealTimers();
  // One record per batch: a shard's later records then come after other shards' first writes.
  const next = new ChangeCapture({ ...base, batchSize: 1, handler: (event) => applyBatch(event), recoveryHandler: (event, now) => applyBatch(event, now) });
  try {
    const summary = await next.recover(dynamoClient());
    expect(summary.redelivered).toBe(ENTERPRISES);
    expect(Date.now() - summary.lastChangeAt!.getTime()).toBeGreaterThan(DAY_MS);
    await next.drain(60_000);
  } finally {
    await next.stop();
  }
  expect((await nation())?.enterpriseCount).toBe(ENTERPRISES);
  expect((await reconcileRollups()).drifts).toEqual([]);
});
