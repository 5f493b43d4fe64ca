/**
 * The bulk path (fold in memory, BatchWriteItem, then a rollup rebuild) and the API path (every event
 * through ingestion, counters maintained from the stream) end with identical counter items (description
 * and counts; only the per-shard marks differ), feed, 数据质量 list and institution entries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalStack, type LocalStack } from '#local/stack';
import { recreateTable } from './db-harness';
import { bulkDocumentClient, tableName } from '#shared/db/client';
import { generateDemoData } from '#tools/demo/generate';
import { loadInBulk, loadThroughApi } from '#tools/demo/load';
import { rebuildRollups } from '#tools/rollups';
import { COUNTER_ENTITY, counterValues, MARK_PREFIX, MARK_TIME_PREFIX } from '#shared/rollups/counter-items';
import { DERIVED_ENTITIES } from '#shared/rollups/derived-items';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ memory: true, port: 0 });
});
afterAll(async () => {
  await stack?.stop();
});

/** Counter and feed items without the bookkeeping that legitimately differs (per-shard marks). */
async function derivedItems(): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await bulkDocumentClient().send(new ScanCommand({ TableName: tableName(), ConsistentRead: true, ExclusiveStartKey: startKey }));
    for (const item of page.Items ?? []) {
      if (![COUNTER_ENTITY, 'feed', ...DERIVED_ENTITIES].includes(item.entity as string)) continue;
      const isMark = (name: string) => name.startsWith(MARK_PREFIX) || name.startsWith(MARK_TIME_PREFIX);
      const kept = Object.fromEntries(Object.entries(item).filter(([name, value]) => !isMark(name) && value !== 0));
      // A counter item whose counts all went back to zero (docking, then loaned) means the same as none.
      if (item.entity === COUNTER_ENTITY && Object.keys(counterValues(kept)).length === 0) continue;
      items.push(kept);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items.sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
}

describe('demo data: bulk load and API path', () => {
  it('end with identical counter items: the stream path and the rebuild write the same items', async () => {
    // Recent enough that day counters and the feed are exercised too.
    const description = generateDemoData({ orders: 250, institutions: 10, seed: 3, now: new Date() });
    const api = await loadThroughApi(description);
    expect(api.rejected).toBe(0);
    await stack.capture.drain(120_000);
    const viaApi = await derivedItems();

    await recreateTable(process.env.DYNAMODB_ENDPOINT!, tableName());
    const bulk = await loadInBulk(description);
    expect(bulk.rejected).toBe(0);
    await stack.capture.drain(120_000); // the institutions created by the loader went through the capture
    await rebuildRollups();
    const viaBulk = await derivedItems();

    expect(viaApi.length).toBeGreaterThan(500);
    expect(viaApi.some((item) => item.entity === 'feed')).toBe(true);
    // The planted 数据质量 cases (tools/demo/generate.ts) and the waiting orders (督办) are counted alike.
    expect(viaApi.some((item) => item.entity === 'quality-flag')).toBe(true);
    expect(viaApi.some((item) => String(item.pk).startsWith('OPEN#'))).toBe(true);
    expect(viaApi.filter((item) => item.entity === 'institution-entry')).toHaveLength(2 * 10);
    expect(viaBulk).toEqual(viaApi);
  }, 300_000);
});
