/**
 * Loading a demo description into the table.
 *
 * Institutions and specialists are always created through the institutions repository (ids, guards
 * and counters as the console makes them). The financing events then take one of two paths that end
 * in the same records:
 * - {@link loadThroughApi}: `ingestEvents` in batches of 100 (several in flight, tools/import/pipeline.ts), exactly what `POST /ingest/events` does
 *   (slow; the equivalence test uses it on a small set);
 * - {@link loadInBulk}: the same `validateEvent` + `applyEvent` folded in memory, then the final items
 *   written with BatchWriteItem through the bulk client, whose writes the local change capture does
 *   not see — the caller rebuilds the rollups afterwards.
 *
 * Both assume the events' enterprises, products and orders do not exist yet (demo ids are unique to
 * their seed); the bulk path would overwrite them.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ingestEvents } from '#shared/financing/ingest';
import {
  applyEvent,
  eventNeeds,
  eventTarget,
  validateEvent,
  type EnterpriseItem,
  type EventEnvelope,
  type FinancingItem,
  type InstitutionRef,
  type ProductItem,
  type Rejection,
} from '#shared/financing/model';
import { batchWriteItems } from '#shared/db/batch';
import { bulkDocumentClient, tableName } from '#shared/db/client';
import { financingRecord, getInstitutionRef } from '#shared/db/financing';
import { createInstitution, InstitutionNameTakenError, queryInstitutions } from '#shared/db/institutions';
import { createSpecialist, SpecialistPhoneTakenError } from '#shared/db/specialists';
import { reserveIds } from '#shared/db/counters';
import { IngestPipeline, type SendBatch } from '#tools/import/pipeline';
import { ContributionCollector, type PrecomputedCounters } from '#tools/rollups';
import type { CreditCodeHolder } from '#shared/financing/quality';
import { demoReceivedAt, type DemoDescription, type InstitutionSeed } from './generate';
import { demoLogoKey, uploadDemoLogos } from './logos';

/** Progress lines for people (Chinese). */
export type Progress = (message: string) => void;

/** The account id recorded as creator of demo institutions and specialists: none (the loader). */
export const DEMO_CREATOR = 0;

/** Items per BatchWriteItem request (the DynamoDB limit) and requests in flight. */
const WRITE_BATCH = 25;
const WRITE_CONCURRENCY = 6;
/** Institutions created side by side (each one's specialists one after the other). */
const INSTITUTION_CONCURRENCY = 8;

/** What a load did. */
export interface LoadReport {
  institutions: number;
  /** Institutions that already existed (same full name in the same city) and were reused. */
  institutionsReused: number;
  specialists: number;
  events: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** The first few rejections, for diagnosis (a generated set has none). */
  rejections: ({ id: string } & Rejection)[];
  orders: number;
  elapsedMs: number;
  ordersPerSecond: number;
}

/** What the bulk load did, with its phases. */
export interface BulkLoadReport extends LoadReport {
  /** Items written (enterprises, products and orders). */
  itemsWritten: number;
  institutionsMs: number;
  foldMs: number;
  writeMs: number;
}

const MAX_KEPT_REJECTIONS = 20;
const seconds = (ms: number) => (ms / 1000).toFixed(1);

/** A throttle for progress lines: at most one every `intervalMs`, plus the last. */
function throttled(progress: Progress, intervalMs = 1000): (message: string, force?: boolean) => void {
  let last = 0;
  return (message, force = false) => {
    const now = Date.now();
    if (force || now - last >= intervalMs) {
      last = now;
      progress(message);
    }
  };
}

// ---- institutions ---------------------------------------------------------------------------

/** Institution seed id → the id the store gave it (equal on an empty store). */
export type InstitutionIdMap = Map<number, number>;

async function existingInstitutionId(seed: InstitutionSeed): Promise<number | undefined> {
  const found = await queryInstitutions({ provinceCode: seed.provinceCode, cityCode: seed.cityCode, name: seed.fullName });
  return found.find((record) => record.fullName === seed.fullName)?.id;
}

/**
 * Creates the description's institutions (in order, so their ids are deterministic) and their
 * specialists through the repository, each at its historical creation time. An institution whose
 * name the city already has (an interrupted earlier load) is reused, and its specialists are only
 * added when their phones are free.
 */
export async function createDemoInstitutions(
  description: DemoDescription,
  progress: Progress = () => undefined,
): Promise<{ ids: InstitutionIdMap; created: number; reused: number; specialists: number }> {
  const ids: InstitutionIdMap = new Map();
  const report = throttled(progress);
  let created = 0;
  let reused = 0;
  let specialists = 0;
  const seeds = description.institutions;
  // The ids a serial run would give, reserved at once, so that several institutions (each with its
  // specialists, one after the other) can be created side by side and still get the same ids.
  const specialistCount = seeds.reduce((sum, seed) => sum + seed.specialists.length, 0);
  const firstInstitutionId = seeds.length > 0 ? await reserveIds('institution', seeds.length) : 0;
  const firstSpecialistId = specialistCount > 0 ? await reserveIds('specialist', specialistCount) : 0;
  const specialistOffsets: number[] = [];
  seeds.reduce((offset, seed) => (specialistOffsets.push(offset), offset + seed.specialists.length), 0);

  const createOne = async (index: number): Promise<void> => {
    const seed = seeds[index]!;
    let id: number;
    try {
      const record = await createInstitution(
        {
          type: seed.type,
          ...(seed.parentName ? { parentName: seed.parentName } : {}),
          fullName: seed.fullName,
          shortName: seed.shortName,
          logoKey: demoLogoKey(seed.type),
          districtCode: seed.districtCode,
          cityCode: seed.cityCode,
          provinceCode: seed.provinceCode,
          address: seed.address,
          sortOrder: seed.sortOrder,
          intro: seed.intro,
          status: seed.status,
          createdBy: DEMO_CREATOR,
        },
        new Date(seed.createdAt),
        firstInstitutionId + index,
      );
      id = record.id;
      created += 1;
    } catch (error) {
      const existing = error instanceof InstitutionNameTakenError ? await existingInstitutionId(seed) : undefined;
      if (existing === undefined) throw error;
      id = existing;
      reused += 1;
    }
    ids.set(seed.id, id);
    for (const [i, specialist] of seed.specialists.entries()) {
      try {
        await createSpecialist(
          id,
          {
            phone: specialist.phone,
            realName: specialist.realName,
            gender: specialist.gender,
            department: specialist.department,
            position: specialist.position,
            status: specialist.status,
            createdBy: DEMO_CREATOR,
          },
          new Date(specialist.createdAt),
          firstSpecialistId + specialistOffsets[index]! + i,
        );
        specialists += 1;
      } catch (error) {
        if (!(error instanceof SpecialistPhoneTakenError)) throw error;
      }
    }
    report(`已创建金融机构 ${ids.size}/${seeds.length} 家`);
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(INSTITUTION_CONCURRENCY, seeds.length) }, async () => {
      while (next < seeds.length) await createOne(next++);
    }),
  );
  report(`已创建金融机构 ${ids.size} 家（新建 ${created}，沿用 ${reused}），专管员 ${specialists} 名`, true);
  return { ids, created, reused, specialists };
}

/** The event with its institution id translated to the store's id (the same object when unchanged). */
export function withStoreInstitutionId(envelope: EventEnvelope, ids: InstitutionIdMap): EventEnvelope {
  const data = envelope.data as { institutionId?: unknown } | null;
  if (!data || typeof data.institutionId !== 'number') return envelope;
  const id = ids.get(data.institutionId);
  return id === undefined || id === data.institutionId ? envelope : { ...envelope, data: { ...data, institutionId: id } };
}

// ---- the API path ---------------------------------------------------------------------------

/**
 * Loads a description the way the portals would: institutions through the repository, then every
 * event through `ingestEvents` in batches of 100, in order.
 */
export async function loadThroughApi(
  description: DemoDescription,
  options: { onProgress?: Progress; concurrency?: number; send?: SendBatch } = {},
): Promise<LoadReport> {
  const progress = options.onProgress ?? (() => undefined);
  const report = throttled(progress);
  const started = performance.now();
  const institutions = await createDemoInstitutions(description, progress);
  const result = { accepted: 0, duplicates: 0, rejected: 0, rejections: [] as ({ id: string } & Rejection)[] };
  const { events } = description;
  const receivedAt = demoReceivedAt(description);
  const pipeline = new IngestPipeline<null>({
    send: options.send ?? ((batch) => ingestEvents(batch, new Date(), { receivedAt })),
    concurrency: options.concurrency ?? 4,
  });
  pipeline.onSettled = (_tag, event, outcome) => {
    if (outcome === 'accepted') result.accepted += 1;
    else if (outcome === 'duplicate') result.duplicates += 1;
    else {
      result.rejected += 1;
      if (result.rejections.length < MAX_KEPT_REJECTIONS) result.rejections.push({ id: event.id, ...outcome });
    }
    report(`已提交事件 ${pipeline.done + 1}/${events.length} 条`);
  };
  for (const event of events) await pipeline.push(null, withStoreInstitutionId(event, institutions.ids));
  await pipeline.finish();
  const elapsedMs = performance.now() - started;
  const orders = description.counts.orders;
  return {
    institutions: institutions.ids.size,
    institutionsReused: institutions.reused,
    specialists: institutions.specialists,
    events: events.length,
    ...result,
    orders,
    elapsedMs,
    ordersPerSecond: orders / (elapsedMs / 1000),
  };
}

// ---- the bulk path --------------------------------------------------------------------------

const itemKey = (kind: string, id: string) => `${kind}#${id}`;

/**
 * Folds the events into final items with the same validation and reducer as the API. The context of
 * each event is what the API would read at that moment: the items folded so far and the institutions
 * as stored (read once each with the API's own `getInstitutionRef`).
 */
async function foldEvents(
  events: EventEnvelope[],
  ids: InstitutionIdMap,
  now: Date,
  receivedAt: (event: { id: string; occurredAt: string }) => string,
): Promise<{ items: Map<string, FinancingItem>; orders: number; accepted: number; duplicates: number; rejected: number; rejections: ({ id: string } & Rejection)[] }> {
  const items = new Map<string, FinancingItem>();
  const institutions = new Map<number, InstitutionRef | undefined>();
  /** The enterprises folded so far per credit code (what the API's credit-code index would hold). */
  const holders = new Map<string, CreditCodeHolder[]>();
  const institutionRef = async (id: number) => {
    if (!institutions.has(id)) institutions.set(id, await getInstitutionRef(id));
    return institutions.get(id);
  };
  let accepted = 0;
  let duplicates = 0;
  let orders = 0;
  const rejections: ({ id: string } & Rejection)[] = [];
  let rejected = 0;
  const reject = (id: string, rejection: Rejection) => {
    rejected += 1;
    if (rejections.length < MAX_KEPT_REJECTIONS) rejections.push({ id, code: rejection.code, message: rejection.message });
  };
  for (const envelope of events) {
    const event = validateEvent(withStoreInstitutionId(envelope, ids), now);
    if ('code' in event) {
      reject(envelope.id, event);
      continue;
    }
    const target = eventTarget(event);
    const key = itemKey(target.kind, target.id);
    const needs = eventNeeds(event);
    const result = applyEvent(items.get(key), event, {
      enterprise: needs.enterpriseId ? (items.get(itemKey('enterprise', needs.enterpriseId)) as EnterpriseItem | undefined) : undefined,
      institution: needs.institutionId ? await institutionRef(needs.institutionId) : undefined,
      product: needs.productId ? (items.get(itemKey('product', needs.productId)) as ProductItem | undefined) : undefined,
      ...(event.type === 'enterprise.registered' ? { creditCodeHolders: holders.get(event.data.creditCode) ?? [] } : {}),
      receivedAt: receivedAt(event),
    });
    if (result.outcome === 'applied') {
      if (result.item.entity === 'order' && !items.has(key)) orders += 1;
      if (result.item.entity === 'enterprise' && !items.has(key)) {
        holders.set(result.item.creditCode, [...(holders.get(result.item.creditCode) ?? []), { enterpriseId: result.item.enterpriseId, name: result.item.name }]);
      }
      items.set(key, result.item);
      accepted += 1;
    } else if (result.outcome === 'duplicate') {
      duplicates += 1;
    } else {
      reject(envelope.id, result);
    }
  }
  return { items, orders, accepted, duplicates, rejected, rejections };
}


/** One BatchWriteItem of put requests through the bulk client (not captured as stream records). */
async function writeBatch(records: Record<string, unknown>[]): Promise<void> {
  await batchWriteItems(records.map((Item) => ({ PutRequest: { Item } })), { client: bulkDocumentClient() });
}

/**
 * Writes the stored form of every item, enterprises and products first, then orders, 25 per request
 * with several requests in flight. The records are built per request, never all at once; each
 * request's records are handed to `onRecords` too.
 */
async function writeItems(
  items: Map<string, FinancingItem>,
  orders: number,
  progress: Progress,
  onRecords: (records: Record<string, unknown>[]) => void = () => undefined,
  writtenBefore = 0,
): Promise<number> {
  const report = throttled(progress);
  let written = 0;
  let ordersWritten = 0;
  function* batches(): Generator<FinancingItem[]> {
    for (const pass of [false, true]) {
      let batch: FinancingItem[] = [];
      for (const item of items.values()) {
        if ((item.entity === 'order') !== pass) continue;
        batch.push(item);
        if (batch.length === WRITE_BATCH) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    }
  }
  const source = batches();
  const worker = async () => {
    for (let next = source.next(); !next.done; next = source.next()) {
      const batch = next.value;
      const records = batch.map(financingRecord);
      onRecords(records);
      await writeBatch(records);
      written += batch.length;
      ordersWritten += batch.filter((item) => item.entity === 'order').length;
      report(ordersWritten > 0 ? `已写入 ${ordersWritten}/${orders} 笔订单` : `已写入企业与产品 ${written}/${items.size - orders} 条`);
    }
  };
  await Promise.all(Array.from({ length: WRITE_CONCURRENCY }, worker));
  if (orders > 0) report(`已写入 ${ordersWritten}/${orders} 笔订单（共 ${writtenBefore + written} 条记录）`, true);
  return written;
}

/**
 * Loads a description fast: institutions through the repository, then the events folded in memory
 * with the API's reducer and the final items written in bulk (not seen by the local change capture;
 * rebuild the rollups afterwards). Holds the final items in memory, nothing more per event.
 * `onRecords` gets the stored form of the bulk-written items, a request's worth at a time.
 * Throws when the store refuses writes after all retries.
 */
export async function loadInBulk(
  description: DemoDescription,
  options: { onProgress?: Progress; now?: Date; onRecords?: (records: Record<string, unknown>[]) => void } = {},
): Promise<BulkLoadReport> {
  const progress = options.onProgress ?? (() => undefined);
  const now = options.now ?? new Date();
  const started = performance.now();
  // Enterprises need no institution, and no other event changes them: folded from their own events
  // (in order, so with the same outcome as in the full fold below), they are written while the
  // institutions are created one after the other.
  const early = await foldEvents(
    description.events.filter((event) => event.type === 'enterprise.registered'),
    new Map(),
    now,
    demoReceivedAt(description),
  );
  const [institutions, earlyWritten] = await Promise.all([
    createDemoInstitutions(description, progress),
    writeItems(early.items, 0, progress, options.onRecords),
  ]);
  const institutionsDone = performance.now();

  const folded = await foldEvents(description.events, institutions.ids, now, demoReceivedAt(description));
  const { orders } = folded;
  const foldDone = performance.now();
  progress(`已计算 ${folded.items.size} 条记录（${description.events.length} 个事件，${seconds(foldDone - institutionsDone)} 秒）`);

  for (const key of early.items.keys()) folded.items.delete(key); // written already, identical
  const itemsWritten = earlyWritten + (await writeItems(folded.items, orders, progress, options.onRecords, earlyWritten));
  const writeDone = performance.now();
  const elapsedMs = writeDone - started;
  return {
    institutions: institutions.ids.size,
    institutionsReused: institutions.reused,
    specialists: institutions.specialists,
    events: description.events.length,
    accepted: folded.accepted,
    duplicates: folded.duplicates,
    rejected: folded.rejected,
    rejections: folded.rejections,
    orders,
    itemsWritten,
    elapsedMs,
    ordersPerSecond: orders / (elapsedMs / 1000),
    institutionsMs: institutionsDone - started,
    foldMs: foldDone - institutionsDone,
    writeMs: writeDone - foldDone,
  };
}

/** The marker written once the demo data (and its rollups) are complete. */
export const DEMO_MARKER_KEY = { pk: 'DEMO#LOADED', sk: 'DEMO' } as const;

/** The marker item, or undefined when no demo data set has been completed in this table. */
export async function readDemoMarker(): Promise<Record<string, unknown> | undefined> {
  const result = await bulkDocumentClient().send(new GetCommand({ TableName: tableName(), Key: DEMO_MARKER_KEY, ConsistentRead: true }));
  return result.Item;
}

// ---- a worker thread for the bulk load ------------------------------------------------------

/** What {@link generateAndLoadInWorker} asks its worker to do. */
export interface WorkerRequest {
  orders: number;
  seed: number;
  /** ISO time; the current time when absent. */
  now?: string;
}

/** What the worker reports back. */
export type WorkerMessage =
  | { type: 'generated'; counts: DemoDescription['counts']; now: string; generateMs: number }
  | { type: 'progress'; message: string }
  | { type: 'records'; records: Record<string, unknown>[] }
  | { type: 'done'; load: BulkLoadReport }
  | { type: 'failed'; message: string };

/**
 * The worker's bootstrap: the entry is TypeScript, so it is loaded through tsx's API (loader flags in
 * a worker's `execArgv` do not reach its ESM loader on Node 20), whoever started this process.
 */
function workerBootstrap(): string {
  // The ESM build of `tsx/esm/api` (require.resolve would give the CommonJS one).
  const tsxApi = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const entry = new URL('./load-worker.ts', import.meta.url).href;
  return `import(${JSON.stringify(tsxApi)}).then(({ tsImport }) => tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}))`;
}

/**
 * Generates and bulk-loads a description in a worker thread, while this thread computes the counter
 * contributions of the items it writes (as of `collectAt`), for the rebuild that follows. The worker
 * has its own clients, so its writes (institutions included) are not captured: the caller rebuilds the
 * rollups. Rejects when the worker fails.
 */
export function generateAndLoadInWorker(
  request: WorkerRequest,
  progress: Progress,
  collectAt: Date = new Date(),
): Promise<{ counts: DemoDescription['counts']; generateMs: number; load: BulkLoadReport; precomputed: PrecomputedCounters }> {
  const collector = new ContributionCollector(collectAt);
  return new Promise((resolvePromise, rejectPromise) => {
    const worker = new Worker(workerBootstrap(), { eval: true, workerData: request });
    let generated: Extract<WorkerMessage, { type: 'generated' }> | undefined;
    let settled = false;
    const settle = (action: () => void) => {
      if (settled) return;
      settled = true;
      action();
      void worker.terminate();
    };
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'generated') {
        generated = message;
        const { counts } = message;
        progress(
          `已生成 ${counts.institutions} 家金融机构、${counts.enterprises} 家企业、${counts.products} 个金融产品、${counts.orders} 笔订单（${counts.events} 个事件，${seconds(message.generateMs)} 秒，每秒 ${Math.round(counts.orders / (message.generateMs / 1000))} 笔）`,
        );
      } else if (message.type === 'progress') {
        progress(message.message);
      } else if (message.type === 'records') {
        collector.add(message.records);
      } else if (message.type === 'done') {
        settle(() => resolvePromise({ counts: generated!.counts, generateMs: generated!.generateMs, load: message.load, precomputed: collector.result() }));
      } else {
        settle(() => rejectPromise(new Error(`demo data worker failed: ${message.message}`)));
      }
    });
    worker.on('error', (error) => settle(() => rejectPromise(error)));
    worker.on('exit', (code) => settle(() => rejectPromise(new Error(`demo data worker exited with code ${code} before finishing`))));
  });
}

// ---- demo data on a fresh store -------------------------------------------------------------

export interface EnsureDemoDataOptions {
  /** Orders to generate (default 20 000). */
  orders?: number;
  seed?: number;
  now?: Date;
  /**
   * Rebuilds the rollup counters after the bulk write (the bulk writes bypass the stream), given the
   * contributions of the bulk-written items, computed as of `now` while they were written.
   */
  rebuild: (precomputed: PrecomputedCounters | undefined, now: Date) => Promise<void>;
  /** Where progress lines go (default: nowhere). */
  onProgress?: Progress;
}

export interface EnsureDemoDataResult {
  /** False when the store already had the demo data. */
  loaded: boolean;
  generateMs?: number;
  /** Orders generated per second (generation alone). */
  generatedOrdersPerSecond?: number;
  load?: BulkLoadReport;
  rebuildMs?: number;
}

/**
 * Fills a store that has no demo data yet: puts the demo logos into the uploads bucket, generates
 * and bulk-loads the description in a worker thread ({@link generateAndLoadInWorker}), calls
 * `rebuild`, and finally writes the {@link DEMO_MARKER_KEY} marker, so an interrupted run is simply
 * run again (institutions are reused by name, items overwritten with the same content). Throws when
 * the worker fails or any generated event is rejected.
 */
export async function ensureDemoData(options: EnsureDemoDataOptions): Promise<EnsureDemoDataResult> {
  const progress = options.onProgress ?? (() => undefined);
  if (await readDemoMarker()) return { loaded: false };
  const orders = options.orders ?? 20_000;
  const seed = options.seed ?? 1;
  const now = options.now ?? new Date();

  progress(`正在生成演示数据（${orders} 笔订单，种子 ${seed}）…`);
  const logos = uploadDemoLogos();
  const loading = generateAndLoadInWorker({ orders, seed, now: options.now?.toISOString() }, progress, now);
  // Both run to their end before either outcome counts.
  const [logosDone, loaded] = await Promise.allSettled([logos, loading]);
  if (logosDone.status === 'rejected') throw logosDone.reason;
  if (loaded.status === 'rejected') throw loaded.reason;
  const { counts, generateMs, load, precomputed } = loaded.value;
  const generatedOrdersPerSecond = counts.orders / (generateMs / 1000);
  if (load.rejected > 0) {
    throw new Error(`demo data: ${load.rejected} events rejected, e.g. ${JSON.stringify(load.rejections.slice(0, 3))}`);
  }
  progress(`演示数据已写入：${load.itemsWritten} 条记录，${seconds(load.elapsedMs)} 秒（每秒 ${Math.round(load.ordersPerSecond)} 笔订单）`);

  progress('正在重建统计汇总…');
  const rebuildStarted = performance.now();
  await options.rebuild(precomputed, now);
  const rebuildMs = performance.now() - rebuildStarted;

  await bulkDocumentClient().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...DEMO_MARKER_KEY, entity: 'demo-marker', seed, orders, counts, loadedAt: new Date().toISOString() },
    }),
  );
  return { loaded: true, generateMs, generatedOrdersPerSecond, load, rebuildMs };
}
