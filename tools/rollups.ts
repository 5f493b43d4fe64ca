/**
 * Rebuild and reconcile of the rollup counters from the base records (admin jobs, never on a request
 * path, so they may Scan). Both read every base record page by page and hold only the counters in
 * memory, whose number depends on regions, periods and institutions, not on the number of orders.
 *
 * Rebuild replaces every counter item and must run while nothing else writes base records (locally
 * after a bulk load; in the cloud with the stream's event source mapping disabled). Reconcile only
 * reads and reports every difference.
 */
import { ScanCommand, type AttributeValue, type ScanCommandOutput } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { batchWriteItems, type WriteRequest } from '#shared/db/batch';
import { bulkDocumentClient, bulkDynamoClient, tableName } from '#shared/db/client';
import { ROLLUP_SOURCE_ENTITIES } from '#shared/db/table';
import { feedEntries, feedItems } from '#shared/rollups/feed';
import { addContributions, DeltaAccumulator, firstDayInWindow, type CounterDelta } from '#shared/rollups/contributions';
import { COUNTER_ENTITY, counterItem, isBookkeepingAttribute } from '#shared/rollups/counter-items';
import { isOutsideOpenWindow } from '#shared/rollups/open-demands';
import { ROLLUP_GENERATION } from '#shared/rollups/generation';
import { recordRollupGeneration, storedRollupGeneration } from '#shared/db/stats';
import { DERIVED_ENTITIES, derivedItemId, derivedItems, isDerivedEntity } from '#shared/rollups/derived-items';
import type { Progress } from './store';

const SCAN_SEGMENTS = 4;

/** Every item matching the filter, page by page, from parallel scan segments. */
async function scan(
  filter: { expression: string; names?: Record<string, string>; values?: Record<string, AttributeValue> },
  onPage: (items: Record<string, unknown>[]) => void,
): Promise<void> {
  await Promise.all(
    Array.from({ length: SCAN_SEGMENTS }, async (_, segment) => {
      let startKey: Record<string, AttributeValue> | undefined;
      do {
        const page: ScanCommandOutput = await bulkDynamoClient().send(
          new ScanCommand({
            TableName: tableName(),
            Segment: segment,
            TotalSegments: SCAN_SEGMENTS,
            FilterExpression: filter.expression,
            ExpressionAttributeNames: filter.names,
            ExpressionAttributeValues: filter.values,
            ExclusiveStartKey: startKey,
          }),
        );
        onPage((page.Items ?? []).map((item) => unmarshall(item)));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    }),
  );
}

/**
 * Contributions (counters and feed entries) of base records computed before the rebuild, by whoever
 * wrote those records and had them at hand (the demo bulk load computes them while its writes are in
 * flight): the rebuild then skips them when its scan comes across them instead of computing them again.
 */
export interface PrecomputedCounters {
  /** `pk|sk` of the base records covered, exactly as they are stored. */
  keys: Set<string>;
  counters: Map<string, CounterDelta>;
  feed: Record<string, unknown>[];
  /** The derived items of those records (数据质量 list, institution entries). */
  derived: Record<string, unknown>[];
}

/** Collects {@link PrecomputedCounters} of records as they are written. */
export class ContributionCollector {
  private readonly acc = new DeltaAccumulator();
  private readonly keys = new Set<string>();
  private readonly feed: Record<string, unknown>[] = [];
  private readonly derived: Record<string, unknown>[] = [];

  constructor(private readonly now: Date) {}

  /** Adds stored base records (the form written to the table). */
  add(records: readonly Record<string, unknown>[]): void {
    for (const record of records) {
      this.keys.add(`${String(record.pk)}|${String(record.sk)}`);
      addContributions(record, this.acc, 1, this.now);
      for (const entry of feedEntries(undefined, record)) this.feed.push(...feedItems(entry, this.now));
      this.derived.push(...derivedItems(record));
    }
  }

  result(): PrecomputedCounters {
    return { keys: this.keys, counters: this.acc.items, feed: this.feed, derived: this.derived };
  }
}

/**
 * The counters as they should be, from every base record, and the counter items stored now — both from
 * ONE pass over the table (a Scan reads every item whatever its filter, so two would cost double).
 * Records covered by `precomputed` are not computed again.
 */
export async function computeCounters(
  now: Date,
  progress: Progress = () => undefined,
  onItem: (item: Record<string, unknown>) => void = () => undefined,
  precomputed?: PrecomputedCounters,
): Promise<{ computed: Map<string, CounterDelta>; stored: Record<string, unknown>[]; derived: { computed: Map<string, Record<string, unknown>>; stored: Record<string, unknown>[] } }> {
  const acc = new DeltaAccumulator();
  if (precomputed) {
    for (const { ref, values, firsts } of precomputed.counters.values()) {
      acc.add(ref, Object.fromEntries(values), 1);
      for (const [name, value] of firsts) acc.first(ref, name, value);
    }
  }
  const stored: Record<string, unknown>[] = [];
  const derived = { computed: new Map<string, Record<string, unknown>>(), stored: [] as Record<string, unknown>[] };
  for (const item of precomputed?.derived ?? []) derived.computed.set(derivedItemId(item), item);
  let seen = 0;
  const values: Record<string, AttributeValue> = { ':stat': { S: COUNTER_ENTITY } };
  DERIVED_ENTITIES.forEach((entity, i) => (values[`:d${i}`] = { S: entity }));
  ROLLUP_SOURCE_ENTITIES.forEach((entity, i) => (values[`:e${i}`] = { S: entity }));
  await scan(
    { expression: `#entity IN (${Object.keys(values).join(', ')})`, names: { '#entity': 'entity' }, values },
    (items) => {
      for (const item of items) {
        if (item.entity === COUNTER_ENTITY) {
          stored.push(item);
          continue;
        }
        if (isDerivedEntity(item.entity)) {
          derived.stored.push(item);
          continue;
        }
        seen += 1;
        if (precomputed?.keys.has(`${String(item.pk)}|${String(item.sk)}`)) continue;
        addContributions(item, acc, 1, now);
        for (const derivedItem of derivedItems(item)) derived.computed.set(derivedItemId(derivedItem), derivedItem);
        onItem(item);
      }
      if (items.length > 0) progress(`已读取 ${seen} 条基础记录`);
    },
  );
  const computed = new Map<string, CounterDelta>();
  for (const entry of acc.nonEmpty()) computed.set(`${entry.ref.pk}|${entry.ref.sk}`, entry);
  return { computed, stored, derived };
}

/** Puts or deletes in calls of 25, several in flight, with a progress line now and then. */
async function writeAll(requests: WriteRequest[], progress: Progress, label: string): Promise<void> {
  await batchWriteItems(requests, {
    client: bulkDocumentClient(),
    concurrency: 8,
    onProgress: (done, total) => {
      if (done % 5000 < 25 || done === total) progress(`${label} ${done}/${total}`);
    },
  });
}

/**
 * Replaces every counter item by one recomputed from the base records. `precomputed` must have been
 * computed with the same `now`.
 */
export async function rebuildRollups(
  options: { now?: Date; progress?: Progress; precomputed?: PrecomputedCounters } = {},
): Promise<{ baseCounters: number; removed: number }> {
  const now = options.now ?? new Date();
  const progress = options.progress ?? (() => undefined);
  const feed: Record<string, unknown>[] = [...(options.precomputed?.feed ?? [])];
  const { computed, stored, derived } = await computeCounters(
    now,
    progress,
    (item) => {
      for (const entry of feedEntries(undefined, item)) feed.push(...feedItems(entry, now));
    },
    options.precomputed,
  );
  const stale = [...stored.filter((item) => !computed.has(`${item.pk}|${item.sk}`)), ...derived.stored.filter((item) => !derived.computed.has(derivedItemId(item)))];
  await writeAll(stale.map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } })), progress, '已清除旧汇总');
  await writeAll([...computed.values()].map((entry) => ({ PutRequest: { Item: counterItem(entry) } })), progress, '已写入汇总');
  await writeAll(feed.map((item) => ({ PutRequest: { Item: item } })), progress, '已写入融资动态');
  await writeAll([...derived.computed.values()].map((item) => ({ PutRequest: { Item: item } })), progress, '已写入数据质量预警与机构名录');
  await recordRollupGeneration(now);
  return { baseCounters: computed.size, removed: stale.length };
}


/**
 * Rebuilds the rollups if an older generation wrote them (see {@link ROLLUP_GENERATION}): the number
 * of counter items rebuilt, undefined if the store was current. Like every rebuild it must run while
 * nothing else writes base records.
 */
export async function upgradeRollups(options: { now?: Date; progress?: Progress } = {}): Promise<number | undefined> {
  if ((await storedRollupGeneration()) >= ROLLUP_GENERATION) return undefined;
  return (await rebuildRollups(options)).baseCounters;
}

export interface Drift {
  pk: string;
  sk: string;
  attribute: string;
  stored: number | string | null;
  expected: number | string | null;
}

/** A copy with object keys sorted at every level, so that two items compare by content. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])]));
  return value;
}

/** Compares stored counters with a recomputation; returns every difference. */
export async function reconcileRollups(options: { now?: Date; progress?: Progress } = {}): Promise<{ checked: number; drifts: Drift[] }> {
  const now = options.now ?? new Date();
  const { computed, stored, derived } = await computeCounters(now, options.progress);
  const firstDay = firstDayInWindow(now);
  const drifts: Drift[] = [];
  const seen = new Set<string>();
  for (const item of stored) {
    const id = `${item.pk}|${item.sk}`;
    seen.add(id);
    // Day items outside the window are expiring housekeeping, not counters anyone reads.
    if (item.kind === 'day' && String(item.day) < firstDay) continue;
    if (isOutsideOpenWindow(item, now)) continue;
    const expected = computed.get(id);
    const names = new Set([...Object.keys(item).filter((name) => !isBookkeepingAttribute(name)), ...(expected ? [...expected.values.keys(), ...expected.firsts.keys()] : [])]);
    for (const name of names) {
      const want = expected?.values.get(name) ?? expected?.firsts.get(name) ?? (typeof item[name] === 'string' ? null : 0);
      const have = (item[name] as number | string | undefined) ?? (typeof want === 'string' ? null : 0);
      // A region stays opened from its first approved account on, even if that account is gone later.
      if (name === 'openedAt' && typeof have === 'string' && (want === null || have <= String(want))) continue;
      if (have !== want) drifts.push({ pk: String(item.pk), sk: String(item.sk), attribute: name, stored: have, expected: want });
    }
  }
  for (const [id, entry] of computed) {
    if (seen.has(id)) continue;
    for (const [name, value] of [...entry.values, ...entry.firsts]) {
      drifts.push({ pk: entry.ref.pk, sk: entry.ref.sk, attribute: name, stored: null, expected: value });
    }
  }
  // The 数据质量 list and the institution entries: exactly the items the records give, each as the record says.
  const storedDerived = new Map(derived.stored.map((item) => [derivedItemId(item), item]));
  for (const [id, item] of storedDerived) {
    const expected = derived.computed.get(id);
    const have = JSON.stringify(sortedKeys(item));
    const want = expected ? JSON.stringify(sortedKeys(expected)) : null;
    if (have !== want) drifts.push({ pk: String(item.pk), sk: String(item.sk), attribute: 'item', stored: have, expected: want });
  }
  for (const [id, item] of derived.computed) {
    if (!storedDerived.has(id)) drifts.push({ pk: String(item.pk), sk: String(item.sk), attribute: 'item', stored: null, expected: JSON.stringify(sortedKeys(item)) });
  }
  return { checked: stored.length + derived.stored.length, drifts };
}
