/**
 * The hottest counter item at national peak (docs/capacity.md, "The hottest item"): a simulated
 * stream of 1,000 order events a second, spread over the nation's districts and several stream
 * shards, batched per shard as the event source mapping does in the cloud (up to 1,000 records or
 * the batching window, lib/constructs/rollup.ts), and applied by the real rollup handler to the
 * embedded store. Every counter write is counted per item and per simulated second; the figure is
 * the most writes one item takes in a second, against DynamoDB's 1,000 writes a second per
 * partition.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { report, startBenchStores } from './stores';

const RATE = Number(process.env.BENCH_HOT_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_HOT_SECONDS ?? 10);
const SHARDS = Number(process.env.BENCH_HOT_SHARDS ?? 8);
const BATCH_SIZE = 1000;
const WINDOW_SECONDS = Number(process.env.BENCH_HOT_WINDOW ?? 5);
const PARTITION_WRITES_PER_SECOND = 1000;

const DISTRICTS = ['350203', '350206', '350102', '440106', '440304', '110105', '310115', '320102', '330106', '370102', '420102', '510104', '610113', '500103', '120101'];
const INDUSTRIES = ['A', 'C', 'F', 'G', 'I', 'M'];

interface Timed {
  at: number;
  shard: number;
  record: DynamoDBRecord;
}

let sequence = 10n ** 24n;

/** The stream: each second RATE records (submissions and acceptances of fresh orders), in time order. */
function stream(start: number): Timed[] {
  const out: Timed[] = [];
  let seed = 11;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < RATE * SECONDS; i += 1) {
    const at = start + (i / RATE) * 1000;
    const orderId = `hot${i}`;
    const submitted = {
      pk: `ORDER#${orderId}`, sk: 'ORDER', entity: 'order', orderId, enterpriseId: `he${i}`, enterpriseName: '企业',
      industry: INDUSTRIES[Math.floor(random() * INDUSTRIES.length)], districtCode: DISTRICTS[Math.floor(random() * DISTRICTS.length)],
      requestedAmount: 100_000 + Math.floor(random() * 5_000_000), status: 'submitted', submittedAt: new Date(at).toISOString(),
    };
    sequence += 1n;
    out.push({
      at,
      // A record's shard follows its key, as DynamoDB's does.
      shard: i % SHARDS,
      record: {
        eventName: 'INSERT',
        dynamodb: { SequenceNumber: sequence.toString(), Keys: marshall({ pk: submitted.pk, sk: submitted.sk }) as never, NewImage: marshall(submitted) as never },
      },
    });
  }
  return out;
}

/** Batches per shard as the event source mapping forms them: full at BATCH_SIZE or after the window. */
function batches(records: Timed[]): { shard: number; closesAt: number; records: DynamoDBRecord[] }[] {
  const out: { shard: number; closesAt: number; records: DynamoDBRecord[] }[] = [];
  const open = new Map<number, { opened: number; records: DynamoDBRecord[] }>();
  const close = (shard: number, at: number) => {
    const batch = open.get(shard);
    if (batch && batch.records.length > 0) out.push({ shard, closesAt: at, records: batch.records });
    open.delete(shard);
  };
  for (const { at, shard, record } of records) {
    const batch = open.get(shard);
    if (batch && at - batch.opened >= WINDOW_SECONDS * 1000) close(shard, batch.opened + WINDOW_SECONDS * 1000);
    const current = open.get(shard) ?? { opened: at, records: [] };
    current.records.push(record);
    open.set(shard, current);
    if (current.records.length >= BATCH_SIZE) close(shard, at);
  }
  for (const [shard, batch] of [...open]) close(shard, batch.opened + WINDOW_SECONDS * 1000);
  return out.sort((a, b) => a.closesAt - b.closesAt);
}

async function main(): Promise<void> {
  const stores = await startBenchStores();
  const { applyBatch } = await import('#functions/rollup/apply');
  const { dynamoClient } = await import('#shared/db/client');

  let second = 0;
  const writes = new Map<string, number>(); // `${second}|${pk}|${sk}` → writes
  let counterWrites = 0;
  dynamoClient().middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Key?: { pk?: { S?: string }; sk?: { S?: string } } };
      if (context.commandName === 'UpdateItemCommand' && input.Key?.pk?.S?.startsWith('STAT')) {
        const key = `${second}|${input.Key.pk.S}|${input.Key.sk?.S}`;
        writes.set(key, (writes.get(key) ?? 0) + 1);
        counterWrites += 1;
      }
      return next(args);
    },
    { step: 'initialize', name: 'countCounterWrites' },
  );

  const start = Date.now() - (SECONDS + WINDOW_SECONDS + 5) * 1000;
  const all = stream(start);
  const formed = batches(all);
  const now = new Date();
  const started = performance.now();
  for (const batch of formed) {
    second = Math.floor((batch.closesAt - start) / 1000);
    await applyBatch({ Records: batch.records, shardId: `shardId-hot-${batch.shard}` }, now);
  }
  const applySeconds = (performance.now() - started) / 1000;

  let hottest = { key: '', writes: 0 };
  for (const [key, count] of writes) if (count > hottest.writes) hottest = { key, writes: count };
  const [, pk, sk] = hottest.key.split('|');
  report('hot-item', {
    eventsPerSecond: RATE,
    simulatedSeconds: SECONDS,
    shards: SHARDS,
    batchingWindowSeconds: WINDOW_SECONDS,
    batches: formed.length,
    counterWrites,
    counterWritesPerEvent: Number((counterWrites / all.length).toFixed(2)),
    hottestItem: `${pk} ${sk}`,
    hottestItemWritesPerSecond: hottest.writes,
    partitionLimitWritesPerSecond: PARTITION_WRITES_PER_SECOND,
    'goal ≤ 1/10 of the partition limit': hottest.writes <= PARTITION_WRITES_PER_SECOND / 10 ? 'pass' : 'FAIL',
    applySeconds: Number(applySeconds.toFixed(1)),
  });
  await stores.stop();
}

await main();
