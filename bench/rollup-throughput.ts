/**
 * Rollup throughput: the batch-aggregating handler (one conditional UpdateItem per distinct counter
 * item per batch) against the naive way (one UpdateItem per counter per record), on the same store,
 * with the same synthetic order lifecycle records. Also the write amplification of one order event.
 */
import { UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { report, startBenchStores } from './stores';

const ORDERS = Number(process.env.BENCH_ROLLUP_ORDERS ?? 600);
const DISTRICTS = ['350203', '350206', '350102', '350104', '440106', '440104', '320102', '330106', '110105', '510104', '370102', '420102'];
const TYPES = ['bank', 'guarantee', 'microloan'];
const INDUSTRIES = ['A', 'C', 'F', 'I', 'M'];

let sequence = 10n ** 23n;
/**
 * A live stream carries the changes of the moment: the orders here are submitted over the last 30
 * days, accepted and loaned days later, and the records are in event-time order, as a stream is.
 */
function records(prefix: string): DynamoDBRecord[] {
  const timed: { at: number; record: Omit<DynamoDBRecord, 'dynamodb'> & { dynamodb: NonNullable<DynamoDBRecord['dynamodb']> } }[] = [];
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < ORDERS; i += 1) {
    const submittedAt = new Date(Date.now() - 40 * 86_400_000 + random() * 30 * 86_400_000);
    const base = {
      pk: `ORDER#${prefix}${i}`, sk: 'ORDER', entity: 'order', orderId: `${prefix}${i}`, enterpriseId: 'e', enterpriseName: '企业',
      industry: INDUSTRIES[i % INDUSTRIES.length], districtCode: DISTRICTS[Math.floor(random() * DISTRICTS.length)],
      requestedAmount: 100_000 + Math.floor(random() * 5_000_000), submittedAt: submittedAt.toISOString(), status: 'submitted',
    };
    const acceptedAt = submittedAt.getTime() + (1 + random() * 4) * 86_400_000;
    const loanedAt = acceptedAt + (1 + random() * 5) * 86_400_000;
    const accepted = { ...base, status: 'docking', acceptedAt: new Date(acceptedAt).toISOString(), institutionId: 1 + (i % 40), institutionType: TYPES[i % 3], intendedAmount: base.requestedAmount };
    const loaned = { ...accepted, status: 'loaned', loanedAt: new Date(loanedAt).toISOString(), loanAmount: base.requestedAmount };
    for (const [oldImage, newImage, at] of [[undefined, base, submittedAt.getTime()], [base, accepted, acceptedAt], [accepted, loaned, loanedAt]] as const) {
      timed.push({ at, record: {
        eventName: oldImage ? 'MODIFY' : 'INSERT',
        dynamodb: {
          SequenceNumber: '',
          Keys: marshall({ pk: base.pk, sk: base.sk }) as never,
          NewImage: marshall(newImage) as never,
          ...(oldImage ? { OldImage: marshall(oldImage) as never } : {}),
        },
      } });
    }
  }
  return timed
    .sort((a, b) => a.at - b.at)
    .map(({ record }) => {
      sequence += 1n;
      record.dynamodb.SequenceNumber = sequence.toString();
      return record;
    });
}

async function main(): Promise<void> {
  const stores = await startBenchStores();
  const { applyBatch, rollupStats } = await import('#functions/rollup/apply');
  const { recordDeltas } = await import('#shared/rollups/contributions');
  const { dynamoClient, tableName } = await import('#shared/db/client');
  const { unmarshall } = await import('@aws-sdk/util-dynamodb');
  const now = new Date();

  // Write amplification: counter items one record touches.
  const aggregatedRecords = records('a');
  const touched = aggregatedRecords.map((record) =>
    recordDeltas(
      record.dynamodb?.OldImage ? unmarshall(record.dynamodb.OldImage as Record<string, AttributeValue>) : undefined,
      unmarshall(record.dynamodb!.NewImage as Record<string, AttributeValue>),
      now,
    ).nonEmpty().length,
  );
  const perEvent = touched.reduce((a, b) => a + b, 0) / touched.length;

  const batched = async (batchSize: number, prefix: string) => {
    const input = records(prefix);
    const before = { ...rollupStats };
    const start = performance.now();
    for (let i = 0; i < input.length; i += batchSize) {
      await applyBatch({ Records: input.slice(i, i + batchSize), shardId: `shardId-bench-${prefix}` }, now);
    }
    const seconds = (performance.now() - start) / 1000;
    const writes = rollupStats.counterWrites - before.counterWrites;
    const batches = rollupStats.batches - before.batches;
    return { rate: input.length / seconds, writes, writesPerBatch: writes / batches };
  };
  const small = await batched(100, 'a');
  const large = await batched(1000, 'b');

  const rawRecords = records('r');
  const started = performance.now();
  let rawWrites = 0;
  for (const record of rawRecords) {
    const deltas = recordDeltas(
      record.dynamodb?.OldImage ? unmarshall(record.dynamodb.OldImage as Record<string, AttributeValue>) : undefined,
      unmarshall(record.dynamodb!.NewImage as Record<string, AttributeValue>),
      now,
    ).nonEmpty();
    for (const delta of deltas) {
      const names: Record<string, string> = {};
      const values: Record<string, AttributeValue> = {};
      const adds: string[] = [];
      [...delta.values].forEach(([name, value], i) => {
        names[`#a${i}`] = name;
        values[`:a${i}`] = { N: String(value) };
        adds.push(`#a${i} :a${i}`);
      });
      await dynamoClient().send(
        new UpdateItemCommand({
          TableName: tableName(),
          Key: { pk: { S: `RAW${delta.ref.pk}` }, sk: { S: delta.ref.sk } },
          UpdateExpression: `ADD ${adds.join(', ')}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      rawWrites += 1;
    }
  }
  const rawSeconds = (performance.now() - started) / 1000;

  const rawRate = rawRecords.length / rawSeconds;
  report('rollup', {
    records: aggregatedRecords.length,
    counterItemsPerOrderEvent: Number(perEvent.toFixed(2)),
    rawRecordsPerSecond: Math.round(rawRate),
    rawWrites,
    batch100RecordsPerSecond: Math.round(small.rate),
    batch100Writes: small.writes,
    batch100WritesPerBatch: Math.round(small.writesPerBatch),
    batch100Speedup: Number((small.rate / rawRate).toFixed(1)),
    batch1000RecordsPerSecond: Math.round(large.rate),
    batch1000Writes: large.writes,
    batch1000WritesPerBatch: Math.round(large.writesPerBatch),
    batch1000Speedup: Number((large.rate / rawRate).toFixed(1)),
  });
  await stores.stop();
}

await main();
