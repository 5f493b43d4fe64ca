/**
 * `npm start` as people stop it and as it fails (docs/operations.md, "The local stack"): Ctrl-C lets
 * requests in progress finish, drains and exits 0, and the next start finds nothing left to do; a
 * second Ctrl-C exits at once; when the DynamoDB stand-in's process dies, the stack says so and stops
 * instead of answering 500s.
 */
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { creditCodeCheckChar } from '#shared/reference/credit-code';
import { CHANGE_LOG_FILE, DEFAULT_INGEST_API_KEY } from '#local/stack';
import { childPids, commandLine, startStackProcess, waitFor, type StackProcess } from './process-harness';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function stackOnFreshDir(): Promise<{ stack: StackProcess; dataDir: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'xyd-stop-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const stack = await startStackProcess(dataDir);
  cleanups.push(async () => {
    stack.killGroup();
    await stack.exited;
  });
  return { stack, dataDir };
}

let serial = 0;
/** 50 enterprises and their orders: a batch that keeps the server busy for a while. */
function batch(): { id: string; type: string; occurredAt: string; data: Record<string, unknown> }[] {
  const enterprises = [];
  const orders = [];
  for (let i = 0; i < 50; i++) {
    serial += 1;
    const first17 = `91350203${String(500_000 + serial).padStart(9, '0')}`;
    enterprises.push({
      id: `stop-${serial}-registered`,
      type: 'enterprise.registered',
      occurredAt: '2024-05-01T02:00:00.000Z',
      data: { enterpriseId: `stop-ent-${serial}`, name: `厦门停止测试${serial}号有限公司`, creditCode: first17 + creditCodeCheckChar(first17), industry: 'C', districtCode: '350203' },
    });
    orders.push({ id: `stop-${serial}-submitted`, type: 'order.submitted', occurredAt: '2024-05-02T02:00:00.000Z', data: { orderId: `stop-ord-${serial}`, enterpriseId: `stop-ent-${serial}`, requestedAmount: 500_000 } });
  }
  return [...enterprises, ...orders];
}

function ingest(url: string, events: unknown[]): Promise<Response> {
  return fetch(`${url}/api/ingest/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': DEFAULT_INGEST_API_KEY },
    body: JSON.stringify({ events }),
  });
}

/** Waits until the server has begun writing (the change log holds the first intent). */
async function writing(dataDir: string): Promise<void> {
  const log = join(dataDir, CHANGE_LOG_FILE);
  await waitFor('the server to start writing', () => (statSync(log, { throwIfNoEntry: false })?.size ? true : undefined), 30_000, 2);
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it('Ctrl-C lets the request in progress finish and exits 0; the next start has nothing left to do', { timeout: 180_000 }, async () => {
  const { stack, dataDir } = await stackOnFreshDir();
  const events = batch();
  const answer = ingest(stack.url, events);
  await writing(dataDir);
  process.kill(stack.pid, 'SIGINT');
  const response = await answer;
  expect(response.status).toBe(200);
  expect(((await response.json()) as { accepted: string[] }).accepted).toHaveLength(events.length);
  expect({ exit: await stack.exited, output: stack.output() }).toEqual({ exit: { code: 0, signal: null }, output: expect.stringContaining('已停止') });

  const again = await startStackProcess(dataDir);
  cleanups.push(async () => {
    again.killGroup();
    await again.exited;
  });
  // Normally the stop has rolled everything up; on a very busy machine what the stop's 10 s did not
  // cover is rolled up by this start instead. Either way nothing is pending once it answers.
  expect(((await (await fetch(`${again.url}/api/dev/rollup-status`)).json()) as { pending: number }).pending).toBe(0);
  const replay = (await (await ingest(again.url, events)).json()) as { duplicates: string[] };
  expect(replay.duplicates).toHaveLength(events.length);
});

it('a second Ctrl-C exits at once, stand-ins included', { timeout: 180_000 }, async () => {
  const { stack, dataDir } = await stackOnFreshDir();
  const standIns = await childPids(stack.pid);
  expect(standIns.length).toBeGreaterThanOrEqual(2);
  // Requests in progress make the orderly stop wait for them.
  const answers = [ingest(stack.url, batch()), ingest(stack.url, batch()), ingest(stack.url, batch())].map((p) => p.catch(() => undefined));
  await writing(dataDir);
  process.kill(stack.pid, 'SIGINT');
  await waitFor('the stack to begin stopping', () => (stack.output().includes('正在停止') ? true : undefined), 30_000, 2);
  process.kill(stack.pid, 'SIGINT');
  expect(await stack.exited).toEqual({ code: 130, signal: null });
  expect(stack.output()).toContain('立即退出');
  await Promise.all(answers);
  await waitFor('the stand-ins to end', () => (standIns.every((pid) => !isAlive(pid)) ? true : undefined), 30_000);
});

it('stops and says so when the DynamoDB stand-in dies', { timeout: 180_000 }, async () => {
  const { stack } = await stackOnFreshDir();
  const children = await childPids(stack.pid);
  const lines = await Promise.all(children.map(async (pid) => ({ pid, command: await commandLine(pid) })));
  const dynamo = lines.find((child) => child.command.includes('dynalite-process.cjs'));
  const others = lines.filter((child) => child !== dynamo).map((child) => child.pid);
  expect(dynamo).toBeDefined();
  process.kill(dynamo!.pid, 'SIGKILL');
  expect((await stack.exited).code).toBe(1);
  expect(stack.output()).toMatch(/本地 DynamoDB 替身（dynalite）进程意外退出（信号 SIGKILL），服务无法继续，已停止/);
  await waitFor('the other stand-ins to end', () => (others.every((pid) => !isAlive(pid)) ? true : undefined), 30_000);
});
