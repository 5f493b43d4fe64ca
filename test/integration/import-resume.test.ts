/**
 * A long import with several batches in flight, interrupted and run again (tools/import/import-file.ts):
 * the file's events end applied exactly as one uninterrupted run in file order would leave them, the
 * second run starts from the saved point, and the error file lists every bad row once, in row order.
 * A store that fails mid-import leaves a resume point too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useTestStores } from './db-harness';
import { financingRefKey, getFinancingItem } from '#shared/db/financing';
import { getInstitutionRef } from '#shared/db/financing';
import { applyEvent, eventNeeds, eventTarget, validateEvent, type EventEnvelope, type FinancingItem, type InstitutionRef } from '#shared/financing/model';
import { ingestEvents } from '#shared/financing/ingest';
import type { CreditCodeHolder } from '#shared/financing/quality';
import { createDemoInstitutions, withStoreInstitutionId } from '#tools/demo/load';
import { generateDemoData } from '#tools/demo/generate';
import { errorFilePath, importEventsFile, resumeFilePath } from '#tools/import/import-file';
import { writeImportFile } from '#tools/import/write';

useTestStores();

let dir = '';
let events: EventEnvelope[] = [];
let againEvents: EventEnvelope[] = [];
const BAD_ROWS = new Set([5, 700, 1400]);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'xyd-resume-'));
  const description = generateDemoData({ orders: 400, institutions: 6, enterprises: 150, seed: 11, idPrefix: 'resume' });
  const { ids } = await createDemoInstitutions(description);
  events = description.events.map((event) => withStoreInstitutionId(event, ids));
  // Bad rows: an order loaned that was never submitted, at three places in the file.
  for (const index of [...BAD_ROWS].sort((a, b) => a - b)) {
    events.splice(Math.min(index, events.length), 0, { id: `resume-bad-${index}`, type: 'order.loaned', occurredAt: '2024-05-01T00:00:00.000Z', data: { orderId: `no-such-${index}`, loanAmount: 1 } });
  }
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The events applied one at a time in memory: what the store must hold afterwards. */
async function expectedRecords(list: EventEnvelope[]): Promise<Map<string, FinancingItem>> {
  const items = new Map<string, FinancingItem>();
  const institutions = new Map<number, InstitutionRef | undefined>();
  const holders = new Map<string, CreditCodeHolder[]>();
  for (const envelope of list) {
    const event = validateEvent(envelope, new Date());
    if ('code' in event) continue;
    const needs = eventNeeds(event);
    if (needs.institutionId && !institutions.has(needs.institutionId)) institutions.set(needs.institutionId, await getInstitutionRef(needs.institutionId));
    const target = eventTarget(event);
    const key = financingRefKey(target.kind, target.id);
    const result = applyEvent(items.get(key), event, {
      enterprise: needs.enterpriseId ? (items.get(financingRefKey('enterprise', needs.enterpriseId)) as never) : undefined,
      product: needs.productId ? (items.get(financingRefKey('product', needs.productId)) as never) : undefined,
      institution: needs.institutionId ? institutions.get(needs.institutionId) : undefined,
      ...(event.type === 'enterprise.registered' ? { creditCodeHolders: holders.get(event.data.creditCode) ?? [] } : {}),
      // The import takes a history as received when it happened (tools/import/import-file.ts).
      receivedAt: event.occurredAt,
    });
    if (result.outcome !== 'applied') continue;
    if (result.item.entity === 'enterprise' && !items.has(key)) {
      holders.set(result.item.creditCode, [...(holders.get(result.item.creditCode) ?? []), { enterpriseId: result.item.enterpriseId, name: result.item.name }]);
    }
    items.set(key, result.item);
  }
  return items;
}

describe('an interrupted import', () => {
  it('resumes from its saved point and ends as one run in file order would', async () => {
    const file = join(dir, 'history.csv');
    await writeImportFile(file, events);
    const stop = new AbortController();
    const lines: string[] = [];
    // Two batches in flight, stopped a fifth of the way in: far from the end, whatever the timing.
    const first = await importEventsFile(file, {
      concurrency: 2,
      signal: stop.signal,
      progressIntervalMs: 0,
      onProgress: (line) => {
        lines.push(line);
        if (/^已处理 (\d[\d,]*)\//.test(line) && Number(line.match(/^已处理 ([\d,]+)/)![1]!.replace(/,/g, '')) >= 300) stop.abort();
      },
    });
    expect(first.interrupted).toBe(true);
    expect(existsSync(resumeFilePath(file))).toBe(true);
    expect(lines.some((line) => /每秒 [\d,]+ 行，预计剩余/.test(line))).toBe(true);
    expect(lines.at(-1)).toMatch(/^已中断/);
    const saved = JSON.parse(await readFile(resumeFilePath(file), 'utf8')) as { rowsDone: number };
    expect(saved.rowsDone).toBeGreaterThanOrEqual(300);
    expect(saved.rowsDone).toBeLessThan(events.length);

    const second = await importEventsFile(file, { concurrency: 6 });
    expect(second.interrupted).toBe(false);
    expect(second.resumedAfterRow).toBe(saved.rowsDone);
    expect(existsSync(resumeFilePath(file))).toBe(false);
    // Over both runs: every good row applied once (some of the first run's last ones again as duplicates), the bad ones rejected.
    expect(second.rejected).toBe(BAD_ROWS.size);
    expect(second.accepted + second.duplicates).toBe(events.length - BAD_ROWS.size);
    expect(second.accepted).toBeGreaterThan(events.length - BAD_ROWS.size - 6 * 100 - saved.rowsDone);

    const errors = (await readFile(errorFilePath(file), 'utf8')).replace(/^\ufeff/, '').trim().split(/\r\n/);
    expect(errors.slice(1).map((line) => line.split(',')[1])).toEqual([...BAD_ROWS].sort((a, b) => a - b).map((index) => `resume-bad-${index}`));

    for (const [key, item] of await expectedRecords(events)) {
      const [kind, ...id] = key.split('#');
      expect(await getFinancingItem(kind as never, id.join('#')), key).toEqual(item);
    }
  });

  it('keeps a resume point when the store fails, and goes on from it', async () => {
    const file = join(dir, 'again.csv');
    const description = generateDemoData({ orders: 150, institutions: 6, enterprises: 60, seed: 12, idPrefix: 'again' });
    const { ids } = await createDemoInstitutions(description);
    againEvents = description.events.map((event) => withStoreInstitutionId(event, ids));
    await writeImportFile(file, againEvents);
    let batches = 0;
    await expect(
      importEventsFile(file, {
        concurrency: 2,
        send: async (batch) => {
          batches += 1;
          if (batches > 5) throw new Error('connection reset');
          return ingestEvents(batch);
        },
      }),
    ).rejects.toThrow('connection reset');
    const saved = JSON.parse(await readFile(resumeFilePath(file), 'utf8')) as { rowsDone: number };
    expect(saved.rowsDone).toBeGreaterThan(0);
    const report = await importEventsFile(file);
    expect(report.resumedAfterRow).toBe(saved.rowsDone);
    expect(report.rejected).toBe(0);
    expect(report.accepted + report.duplicates).toBe(againEvents.length);
    expect(existsSync(resumeFilePath(file))).toBe(false);
  });

  it('starts over when the file changed or when asked to', async () => {
    const file = join(dir, 'again.csv');
    const report = await importEventsFile(file, { restart: true });
    expect(report.resumedAfterRow).toBe(0);
    expect(report.accepted).toBe(0);
    expect(report.duplicates).toBe(againEvents.length);
  });
});
