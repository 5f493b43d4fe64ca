/**
 * The demo load computes the counter contributions of the items it bulk-writes while they are being
 * written, and the rebuild that follows takes them instead of computing them again from its scan
 * (tools/rollups.ts, `PrecomputedCounters`). The result must be exactly what a plain rebuild writes,
 * also when the store already holds other base records.
 */
import { expect, it } from 'vitest';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { bulkDocumentClient, tableName } from '#shared/db/client';
import { ingestEvents } from '#shared/financing/ingest';
import { creditCodeCheckChar } from '#shared/reference/credit-code';
import { ensureDemoData } from '#tools/demo/load';
import { rebuildRollups, reconcileRollups } from '#tools/rollups';
import { useTestStores } from './db-harness';

useTestStores({ s3: true });
const NOW = new Date('2026-05-20T04:00:00Z');

/** Counter and feed items, without the marks' bookkeeping, sorted by key. */
async function rollupItems(): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await bulkDocumentClient().send(new ScanCommand({ TableName: tableName(), ConsistentRead: true, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []).filter((item) => item.entity === 'stat' || String(item.pk).startsWith('FEED#')));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items.sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
}

it('the rebuild after a demo load writes what a plain rebuild writes', { timeout: 120_000 }, async () => {
  // A base record that is not part of the demo data set.
  const first17 = '913502039990000001'.slice(0, 17);
  const answer = await ingestEvents(
    [
      {
        id: 'before-demo-1',
        type: 'enterprise.registered',
        occurredAt: '2026-05-01T02:00:00.000Z',
        data: { enterpriseId: 'before-demo', name: '厦门先来科技有限公司', creditCode: first17 + creditCodeCheckChar(first17), industry: 'I', districtCode: '350203' },
      },
    ],
    NOW,
  );
  expect(answer.accepted).toEqual(['before-demo-1']);

  let covered = 0;
  const result = await ensureDemoData({
    orders: 150,
    seed: 4,
    now: NOW,
    rebuild: async (precomputed, now) => {
      covered = precomputed?.keys.size ?? 0;
      await rebuildRollups({ now, precomputed });
    },
  });
  expect(result.loaded).toBe(true);
  expect(covered).toBe(result.load!.itemsWritten);
  const withPrecomputed = await rollupItems();
  expect(withPrecomputed.length).toBeGreaterThan(100);

  await rebuildRollups({ now: NOW });
  expect(await rollupItems()).toEqual(withPrecomputed);
  expect((await reconcileRollups({ now: NOW })).drifts).toEqual([]);
});
