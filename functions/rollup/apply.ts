/**
 * Applies a stream batch to the counters, exactly once in effect (docs/data-model.md, "Write protocols").
 *
 * Lambda delivers at least once and, after a failure, restarts at the first failed record with a
 * batch that may be cut differently. So each counter item keeps, per shard, the sequence number of
 * the last record applied to it (`wm_<shardId>`, compared as a big integer). For a batch the handler
 * sums the deltas of the records after each item's mark and writes delta and new mark in ONE
 * UpdateItem, conditional on the mark being unchanged; each distinct item is written once per batch,
 * so the hottest key (the nation's all-time item) costs one write per batch, not per record.
 * Marks older than the stream's 24-hour retention (plus a margin) are pruned on the way.
 */
import { ConditionalCheckFailedException, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { batchGetRawItems, batchWriteItems, type WriteRequest } from '#shared/db/batch';
import { dynamoClient, tableName } from '#shared/db/client';
import type { StreamBatchEvent, StreamBatchResponse } from '#shared/db/stream-event';
import { logger } from '#shared/http/logger';
import { DeltaAccumulator, recordDeltas, type CounterDelta } from '#shared/rollups/contributions';
import { counterDescription, markAttribute, markTimeAttribute, MARK_TIME_PREFIX } from '#shared/rollups/counter-items';
import { feedEntries, feedItems } from '#shared/rollups/feed';
import { derivedItemId, derivedItems } from '#shared/rollups/derived-items';

/** Stream records live 24 hours; a mark untouched for longer can never be needed again. */
const MARK_RETENTION_MS = 25 * 60 * 60 * 1000;
const WRITE_CONCURRENCY = 16;
const CONDITION_RETRIES = 5;

interface PreparedRecord {
  index: number;
  sequence: bigint;
  sequenceText: string;
  deltas: CounterDelta[];
  feed: Record<string, unknown>[];
  /** Derived items to write and to remove (the 数据质量 list and institution entries, shared/rollups/derived-items.ts). */
  derived: { puts: Record<string, unknown>[]; deletes: { pk: string; sk: string }[] };
}

export interface BatchStats {
  records: number;
  counterWrites: number;
  skippedAlreadyApplied: number;
}

/** Observability for tests and the bench; reset by whoever reads it. */
export const rollupStats = { batches: 0, records: 0, counterWrites: 0 };

function prepare(record: DynamoDBRecord, index: number, now: Date): PreparedRecord {
  const stream = record.dynamodb;
  const sequenceText = stream?.SequenceNumber;
  if (!sequenceText || !/^\d+$/.test(sequenceText)) throw new Error('stream record without a sequence number');
  const image = (value: unknown) => (value ? unmarshall(value as Record<string, AttributeValue>) : undefined);
  const oldImage = image(stream.OldImage);
  const newImage = image(stream.NewImage);
  const acc = recordDeltas(oldImage, newImage, now, new DeltaAccumulator());
  const feed = feedEntries(oldImage, newImage).flatMap((entry) => feedItems(entry, now));
  return { index, sequence: BigInt(sequenceText), sequenceText, deltas: acc.nonEmpty(), feed, derived: derivedChanges(oldImage, newImage) };
}

/** The derived items of the new image that differ from the old one's, and the old ones that are gone. */
function derivedChanges(oldImage: Record<string, unknown> | undefined, newImage: Record<string, unknown> | undefined): PreparedRecord['derived'] {
  const before = new Map(derivedItems(oldImage).map((item) => [derivedItemId(item), item]));
  const after = derivedItems(newImage);
  const kept = new Set(after.map(derivedItemId));
  return {
    puts: after.filter((item) => JSON.stringify(before.get(derivedItemId(item))) !== JSON.stringify(item)),
    deletes: [...before.entries()].filter(([id]) => !kept.has(id)).map(([, item]) => ({ pk: String(item.pk), sk: String(item.sk) })),
  };
}

/**
 * The derived item writes of a batch (数据质量 list, institution entries): per item the last thing
 * the batch's records say about it (a put or a delete), in record order. Deterministic keys and contents make a retry rewrite the same.
 */
async function writeDerived(records: PreparedRecord[]): Promise<void> {
  const last = new Map<string, WriteRequest>();
  for (const record of records) {
    for (const key of record.derived.deletes) last.set(`${key.pk}|${key.sk}`, { DeleteRequest: { Key: key } });
    for (const item of record.derived.puts) last.set(derivedItemId(item), { PutRequest: { Item: item } });
  }
  await batchWriteItems([...last.values()]);
}

interface ItemWork {
  id: string;
  delta: CounterDelta;
  /** The records of this batch that touch the item, in order, with their share of the delta. */
  contributions: { record: PreparedRecord; values: Map<string, number>; firsts: Map<string, string> }[];
}

function collect(records: PreparedRecord[]): Map<string, ItemWork> {
  const work = new Map<string, ItemWork>();
  for (const record of records) {
    for (const delta of record.deltas) {
      const id = `${delta.ref.pk}|${delta.ref.sk}`;
      let entry = work.get(id);
      if (!entry) {
        entry = { id, delta, contributions: [] };
        work.set(id, entry);
      }
      entry.contributions.push({ record, values: delta.values, firsts: delta.firsts });
    }
  }
  return work;
}

async function readItems(keys: { pk: string; sk: string }[]): Promise<Map<string, Record<string, AttributeValue>>> {
  const items = await batchGetRawItems(dynamoClient(), keys.map((key) => ({ pk: { S: key.pk }, sk: { S: key.sk } })), { consistentRead: true });
  return new Map(items.map((item) => [`${item.pk?.S}|${item.sk?.S}`, item]));
}

function markOf(item: Record<string, AttributeValue> | undefined, attribute: string): bigint | undefined {
  const value = item?.[attribute]?.N;
  return value === undefined ? undefined : BigInt(value);
}

/**
 * One conditional UpdateItem: the deltas of the records after the item's mark, the new mark, and the
 * pruning of expired marks. Returns false when there was nothing to apply.
 */
async function writeItem(work: ItemWork, shardId: string, stored: Record<string, AttributeValue> | undefined, now: Date): Promise<boolean> {
  const markName = markAttribute(shardId);
  const markTimeName = markTimeAttribute(shardId);
  const mark = markOf(stored, markName);
  const fresh = work.contributions.filter((c) => mark === undefined || c.record.sequence > mark);
  if (fresh.length === 0) return false;

  const sums = new Map<string, number>();
  const firsts = new Map<string, string>();
  for (const contribution of fresh) {
    for (const [name, value] of contribution.values) sums.set(name, (sums.get(name) ?? 0) + value);
    for (const [name, value] of contribution.firsts) if (!firsts.has(name) || value < firsts.get(name)!) firsts.set(name, value);
  }
  const newMark = fresh.reduce((max, c) => (c.record.sequence > max ? c.record.sequence : max), fresh[0]!.record.sequence);

  const names: Record<string, string> = { '#mark': markName, '#markTime': markTimeName };
  const values: Record<string, AttributeValue> = {
    ':mark': { N: newMark.toString() },
    ':now': { N: String(now.getTime()) },
  };
  const sets = ['#mark = :mark', '#markTime = :now'];
  const adds: string[] = [];
  const removes: string[] = [];
  let n = 0;
  const ref = work.delta.ref;
  for (const [name, value] of Object.entries(counterDescription(ref))) {
    n += 1;
    names[`#a${n}`] = name;
    values[`:a${n}`] = typeof value === 'number' ? { N: String(value) } : { S: value };
    sets.push(`#a${n} = :a${n}`);
  }
  for (const [name, value] of sums) {
    if (value === 0) continue;
    n += 1;
    names[`#a${n}`] = name;
    values[`:a${n}`] = { N: String(value) };
    adds.push(`#a${n} :a${n}`);
  }
  for (const [name, value] of firsts) {
    n += 1;
    names[`#a${n}`] = name;
    values[`:a${n}`] = { S: value };
    sets.push(`#a${n} = if_not_exists(#a${n}, :a${n})`);
  }
  for (const [attribute, value] of Object.entries(stored ?? {})) {
    if (!attribute.startsWith(MARK_TIME_PREFIX) || attribute === markTimeName) continue;
    if (now.getTime() - Number(value.N) <= MARK_RETENTION_MS) continue;
    const shard = attribute.slice(MARK_TIME_PREFIX.length);
    n += 1;
    names[`#a${n}`] = attribute;
    names[`#b${n}`] = markAttribute(shard);
    removes.push(`#a${n}`, `#b${n}`);
  }
  if (mark !== undefined) values[':expected'] = { N: mark.toString() };
  await dynamoClient().send(
    new UpdateItemCommand({
      TableName: tableName(),
      Key: { pk: { S: ref.pk }, sk: { S: ref.sk } },
      UpdateExpression: `SET ${sets.join(', ')}${adds.length ? ` ADD ${adds.join(', ')}` : ''}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
      ConditionExpression: mark === undefined ? 'attribute_not_exists(#mark)' : '#mark = :expected',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }),
  );
  return true;
}

async function applyItem(work: ItemWork, shardId: string, stored: Record<string, AttributeValue> | undefined, now: Date): Promise<boolean> {
  let current = stored;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await writeItem(work, shardId, current, now);
    } catch (error) {
      // Another invocation of the same shard moved the mark (e.g. a timed-out try still running):
      // re-read and apply only what is still missing.
      if (!(error instanceof ConditionalCheckFailedException) || attempt >= CONDITION_RETRIES) throw error;
      current = (await readItems([work.delta.ref])).get(work.id);
    }
  }
}

/** Feed entries are plain idempotent puts (deterministic keys): a retry rewrites the same items. */
async function writeFeed(items: Record<string, unknown>[]): Promise<void> {
  await batchWriteItems(items.map((Item) => ({ PutRequest: { Item } })));
}

async function runLimited<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await task(item);
    }
  });
  await Promise.all(workers);
}

/** The stream handler's work: returns the first record to retry from, if any. */
export async function applyBatch(event: StreamBatchEvent, now: Date = new Date()): Promise<StreamBatchResponse> {
  const shardId = event.shardId;
  if (!shardId) {
    // Without the shard the per-shard marks cannot work; the event source mapping must use a tumbling window.
    throw new Error('rollup: the stream event names no shardId (configure a tumbling window on the event source)');
  }
  const prepared: PreparedRecord[] = [];
  let firstFailure: number | undefined;
  for (const [index, record] of event.Records.entries()) {
    try {
      prepared.push(prepare(record, index, now));
    } catch (error) {
      logger.error('rollup: cannot derive counters from a record', {
        error: error as Error,
        sequenceNumber: record.dynamodb?.SequenceNumber,
        keys: record.dynamodb?.Keys,
      });
      firstFailure = index;
      break; // records after a poison record wait for its retry (order per shard matters)
    }
  }

  const work = [...collect(prepared).values()];
  const stored = await readItems(work.map((entry) => entry.delta.ref));
  let writes = 0;
  await runLimited(work, WRITE_CONCURRENCY, async (entry) => {
    try {
      if (await applyItem(entry, shardId, stored.get(entry.id), now)) writes += 1;
    } catch (error) {
      logger.warn('rollup: counter write failed; the batch will be retried from its first record', {
        error: error as Error,
        item: entry.id,
      });
      const earliest = entry.contributions[0]!.record.index;
      firstFailure = firstFailure === undefined ? earliest : Math.min(firstFailure, earliest);
    }
  });
  const feedRecords = prepared.filter((record) => record.feed.length > 0);
  if (feedRecords.length > 0) {
    try {
      await writeFeed(feedRecords.flatMap((record) => record.feed));
    } catch (error) {
      logger.warn('rollup: feed write failed; the batch will be retried', { error: error as Error });
      const earliest = feedRecords[0]!.index;
      firstFailure = firstFailure === undefined ? earliest : Math.min(firstFailure, earliest);
    }
  }
  const derivedRecords = prepared.filter((record) => record.derived.puts.length > 0 || record.derived.deletes.length > 0);
  if (derivedRecords.length > 0) {
    try {
      await writeDerived(derivedRecords);
    } catch (error) {
      logger.warn('rollup: derived item write failed; the batch will be retried', { error: error as Error });
      const earliest = derivedRecords[0]!.index;
      firstFailure = firstFailure === undefined ? earliest : Math.min(firstFailure, earliest);
    }
  }
  rollupStats.batches += 1;
  rollupStats.records += event.Records.length;
  rollupStats.counterWrites += writes;
  const failed = firstFailure === undefined ? undefined : event.Records[firstFailure]?.dynamodb?.SequenceNumber;
  return { batchItemFailures: failed ? [{ itemIdentifier: failed }] : [], ...(event.state ? { state: event.state } : {}) };
}
