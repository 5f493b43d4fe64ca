/**
 * The two demo loaders against real dynalite: the API path (`ingestEvents`) and the bulk path (fold in
 * memory, BatchWriteItem) must leave exactly the same records; institution ids are remapped on a
 * store that already has institutions; `ensureDemoData` loads once and marks the store.
 */
import { describe, expect, it } from 'vitest';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { recreateTable, useTestStores } from './db-harness';
import { bulkDocumentClient, tableName } from '#shared/db/client';
import { getInstitution } from '#shared/db/institutions';
import { querySpecialists } from '#shared/db/specialists';
import { getFinancingItem } from '#shared/db/financing';
import { generateDemoData } from '#tools/demo/generate';
import { ensureDemoData, loadInBulk, loadThroughApi, readDemoMarker } from '#tools/demo/load';
import type { OrderItem } from '#shared/financing/model';

const stores = useTestStores({ s3: true });
const NOW = new Date('2026-05-20T04:00:00Z');

/** Every item of the table (a Scan is fine in a test), sorted by key. */
async function snapshot(): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await bulkDocumentClient().send(new ScanCommand({ TableName: tableName(), ConsistentRead: true, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items.sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
}

const FINANCING = new Set(['enterprise', 'product', 'order']);

describe('demo data loaders', () => {
  const description = generateDemoData({ orders: 300, institutions: 12, seed: 5, now: NOW });

  it('leave identical records through the API and in bulk', async () => {
    const api = await loadThroughApi(description);
    expect(api).toMatchObject({ events: description.events.length, accepted: description.events.length, duplicates: 0, rejected: 0 });
    const viaApi = await snapshot();

    await recreateTable(stores.dynamoEndpoint, tableName());
    const bulk = await loadInBulk(description);
    expect(bulk).toMatchObject({ events: description.events.length, accepted: description.events.length, rejected: 0, orders: 300 });
    expect(bulk.ordersPerSecond).toBeGreaterThan(0);
    const viaBulk = await snapshot();

    const financing = (items: Record<string, unknown>[]) => items.filter((item) => FINANCING.has(String(item.entity)));
    expect(financing(viaApi).length).toBe(description.counts.enterprises + description.counts.products + description.counts.orders);
    expect(financing(viaBulk)).toEqual(financing(viaApi));

    // Institutions: same ids, names and creation times (guard tokens are random, so not compared).
    const institutions = (items: Record<string, unknown>[]) =>
      items.filter((item) => item.entity === 'institution').map(({ id, fullName, createdAt, specialistCount }) => ({ id, fullName, createdAt, specialistCount }));
    expect(institutions(viaBulk)).toEqual(institutions(viaApi));
    expect(institutions(viaApi)).toHaveLength(12);
    // Created side by side, yet with the ids a serial run gives: institutions and specialists in the
    // description's order.
    const byId = (items: Record<string, unknown>[]) => [...items].sort((a, b) => Number(a.id) - Number(b.id));
    expect(byId(institutions(viaApi)).map(({ id, fullName }) => [id, fullName])).toEqual(description.institutions.map((seed, i) => [i + 1, seed.fullName]));
    const specialists = byId(viaApi.filter((item) => item.entity === 'specialist'));
    expect(specialists.map(({ id, phone }) => [id, phone])).toEqual(description.institutions.flatMap((seed) => seed.specialists).map((specialist, i) => [i + 1, specialist.phone]));
    // The counters of the two paths are compared in demo-counters.test.ts (it needs the change capture).
  });

  it('map the description’s institution ids onto the ids the store hands out', async () => {
    // The table already holds the 12 institutions of the previous test.
    const second = generateDemoData({ orders: 60, institutions: 12, seed: 6, now: NOW, idPrefix: 'demo-6b' });
    const report = await loadInBulk(second);
    expect(report.rejected).toBe(0);
    expect(report.institutions).toBe(12);

    const accepted = second.events.find((event) => event.type === 'order.accepted')!;
    const { orderId, institutionId: seedId } = accepted.data as { orderId: string; institutionId: number };
    const order = (await getFinancingItem<OrderItem>('order', orderId))!;
    const seed = second.institutions.find((candidate) => candidate.id === seedId)!;
    const stored = (await getInstitution(order.institutionId!))!;
    expect(stored.fullName).toBe(seed.fullName);
    expect(order.institutionName).toBe(seed.fullName);
    expect(order.institutionId).not.toBe(seedId);
    expect(await querySpecialists(stored.id)).toHaveLength(seed.specialists.length);
  });

  it('fill a fresh store once, rebuild after the load, and mark the store', async () => {
    await recreateTable(stores.dynamoEndpoint, tableName());
    const rebuilt: string[] = [];
    const lines: string[] = [];
    const first = await ensureDemoData({
      orders: 120,
      seed: 9,
      now: NOW,
      rebuild: async () => {
        rebuilt.push((await readDemoMarker()) ? 'after marker' : 'before marker');
      },
      onProgress: (line) => lines.push(line),
    });
    expect(first.loaded).toBe(true);
    expect(first.load?.orders).toBe(120);
    expect(rebuilt).toEqual(['before marker']);
    expect(await readDemoMarker()).toMatchObject({ seed: 9, orders: 120 });
    expect(lines[0]).toMatch(/^正在生成演示数据/);
    expect(lines.some((line) => /^已写入 120\/120 笔订单/.test(line))).toBe(true);

    const second = await ensureDemoData({ orders: 120, seed: 9, now: NOW, rebuild: async () => void rebuilt.push('again') });
    expect(second.loaded).toBe(false);
    expect(rebuilt).toEqual(['before marker']);
  });
});
