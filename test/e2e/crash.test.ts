/**
 * `npm start` on a data directory survives being killed (docs/architecture.md, "Local and cloud"): a
 * few rounds of streaming ingestion batches over HTTP and killing the whole process group (SIGKILL)
 * at a random moment, each followed by a restart that re-sends what was not acknowledged. Then every
 * acknowledged event is there (re-sending it reports a duplicate), the rollup backlog reaches 0
 * without any manual command, and `npm run rollups -- reconcile` finds no drift.
 *
 * The rounds are random; the seed is printed, and CRASH_SEED=<seed> repeats a run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { creditCodeCheckChar } from '#shared/reference/credit-code';
import { DEFAULT_INGEST_API_KEY } from '#local/stack';
import { runScript, startStackProcess, waitFor, type StackProcess } from './process-harness';

const ROUNDS = 3;
const SENDERS = 3;
/** Enterprises per batch; each comes with one order, so a batch holds twice as many events. */
const PER_BATCH = 20;
const AMOUNT = 990_000;

const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
/** mulberry32: a small seeded generator, so a failing run can be repeated. */
function random(): number {
  let t = (state += 0x6d2b79f5);
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
let state = seed;

interface Batch {
  n: number;
  events: { id: string; type: string; occurredAt: string; data: Record<string, unknown> }[];
  acknowledged: boolean;
}

const batches: Batch[] = [];
function nextBatch(): Batch {
  const n = batches.length;
  const events: Batch['events'] = [];
  const orders: Batch['events'] = [];
  for (let i = 0; i < PER_BATCH; i++) {
    const serial = n * PER_BATCH + i + 1;
    const first17 = `91350203${String(serial).padStart(9, '0')}`;
    const enterpriseId = `crash-ent-${serial}`;
    events.push({
      id: `crash-${serial}-registered`,
      type: 'enterprise.registered',
      occurredAt: '2024-03-01T02:00:00.000Z',
      data: { enterpriseId, name: `厦门崩溃测试${serial}号科技有限公司`, creditCode: first17 + creditCodeCheckChar(first17), industry: 'I', districtCode: '350203' },
    });
    orders.push({
      id: `crash-${serial}-submitted`,
      type: 'order.submitted',
      occurredAt: '2024-03-02T02:00:00.000Z',
      data: { orderId: `crash-ord-${serial}`, enterpriseId, requestedAmount: AMOUNT },
    });
  }
  const batch = { n, events: [...events, ...orders], acknowledged: false };
  batches.push(batch);
  return batch;
}

/** Sends a batch; true when the stack acknowledged every event of it (applied or already there). */
async function send(url: string, batch: Batch): Promise<boolean> {
  const response = await fetch(`${url}/api/ingest/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': DEFAULT_INGEST_API_KEY },
    body: JSON.stringify({ events: batch.events }),
  });
  const body = (await response.json()) as { accepted: string[]; duplicates: string[]; rejected: unknown[] };
  if (response.status !== 200) throw new Error(`batch ${batch.n}: ${response.status} ${JSON.stringify(body)}`);
  if (body.rejected.length > 0) throw new Error(`batch ${batch.n}: rejected ${JSON.stringify(body.rejected)}`);
  expect(body.accepted.length + body.duplicates.length).toBe(batch.events.length);
  return true;
}

async function pendingRecords(url: string): Promise<number> {
  const response = await fetch(`${url}/api/dev/rollup-status`);
  return ((await response.json()) as { pending: number }).pending;
}

/** What the start said it took over from the killed run, if anything. */
function recoveryNote(stack: StackProcess): string {
  const line = /上次运行未正常结束：(.*)/.exec(stack.output())?.[1];
  return line ? ` (${line})` : '';
}

let dataDir = '';
let running: StackProcess | undefined;

afterAll(async () => {
  running?.killGroup();
  if (running) await running.exited;
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

it(`keeps every acknowledged event and every count through ${ROUNDS} kills (seed ${seed})`, { timeout: 240_000 }, async () => {
  console.log(`[crash.test] seed ${seed} (CRASH_SEED=${seed} repeats this run)`);
  dataDir = await mkdtemp(join(tmpdir(), 'xyd-crash-'));
  const kills: string[] = [];

  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  for (let round = 1; round <= ROUNDS; round++) {
    running = await startStackProcess(dataDir);
    kills.push(`[${elapsed()}] started${recoveryNote(running)}`);
    const stack = running;
    // What the last kill left unacknowledged goes first, as a portal retrying would send it.
    for (const batch of batches.filter((b) => !b.acknowledged)) batch.acknowledged = await send(stack.url, batch);

    // The kill comes at a random moment once a random number of batches is through, with more in flight.
    const killAfterBatches = 1 + Math.floor(random() * 4);
    const killAfterMs = Math.floor(random() * 400);
    let killed = false;
    const senders = Array.from({ length: SENDERS }, async () => {
      while (!killed) {
        const batch = nextBatch();
        try {
          batch.acknowledged = await send(stack.url, batch);
        } catch (error) {
          if (!killed) throw error; // only the kill may cut a request short
        }
      }
    });
    const acknowledgedBefore = batches.filter((b) => b.acknowledged).length;
    await waitFor('acknowledged batches', () => (batches.filter((b) => b.acknowledged).length - acknowledgedBefore >= killAfterBatches ? true : undefined), 60_000, 5);
    await new Promise((resolve) => setTimeout(resolve, killAfterMs));
    killed = true;
    stack.killGroup();
    await Promise.all(senders);
    await stack.exited;
    running = undefined;
    const acknowledged = batches.filter((b) => b.acknowledged).length;
    kills.push(`round ${round}: killed ${killAfterMs} ms after ${killAfterBatches} acknowledged batches, ${acknowledged - acknowledgedBefore} acknowledged in all, ${batches.length - acknowledged} not`);
  }
  console.log(`[crash.test] ${kills.join('; ')}`);
  console.log(`[crash.test] ${elapsed()} restart`);

  running = await startStackProcess(dataDir);
  const { url } = running;
  console.log(`[crash.test] restarted${recoveryNote(running)}`);
  for (const batch of batches.filter((b) => !b.acknowledged)) batch.acknowledged = await send(url, batch);

  // Every acknowledged event is there: sent again, each one is a duplicate.
  for (const batch of batches) {
    const response = await fetch(`${url}/api/ingest/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': DEFAULT_INGEST_API_KEY },
      body: JSON.stringify({ events: batch.events }),
    });
    const body = (await response.json()) as { accepted: string[]; duplicates: string[] };
    expect({ batch: batch.n, accepted: body.accepted }).toEqual({ batch: batch.n, accepted: [] });
    expect(body.duplicates).toHaveLength(batch.events.length);
  }

  console.log(`[crash.test] ${elapsed()} checked ${batches.length} batches`);
  // The rollup catches up by itself.
  await waitFor('the rollup backlog to reach 0', async () => ((await pendingRecords(url)) === 0 ? true : undefined), 60_000, 200);

  // An orderly stop (SIGINT, as Ctrl-C), then the operator's check against a recomputation.
  process.kill(running.pid, 'SIGINT');
  expect(await running.exited).toEqual({ code: 0, signal: null });
  running = undefined;
  console.log(`[crash.test] ${elapsed()} stopped`);
  const reconcile = await runScript(['bin/admin.ts', 'rollups', 'reconcile', '--data-dir', dataDir]);
  expect(reconcile.output).toMatch(/差异 0 处/);
  expect(reconcile.code).toBe(0);
  expect(batches.length).toBeGreaterThan(ROUNDS);
  console.log(`[crash.test] ${elapsed()} reconciled: ${reconcile.output.trim().split('\n').at(-1)}`);
});
