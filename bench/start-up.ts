/**
 * `npm start` as people run it: the first start on an empty data directory (demo data set generated,
 * loaded and rolled up), an orderly stop, a restart on the same directory, and a restart after the
 * process group was killed while ingestion events were streaming in (what a crash costs). Each start
 * is timed from spawning the process to its "ready" line; the CPU seconds of the stack and its
 * stand-ins are given too, which a busy machine inflates far less than the elapsed time.
 *
 * BENCH_START_ORDERS sets the size of the demo data set (default: `npm start`'s, 20,000 orders).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { creditCodeCheckChar } from '#shared/reference/credit-code';
import { report } from './stores';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const ORDERS = process.env.BENCH_START_ORDERS;

/** CPU seconds of this process's ended (and waited for) descendants (Linux; NaN elsewhere). */
function childrenCpuSeconds(): number {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return Number.NaN;
  }
}

interface Started {
  child: ChildProcess;
  url: string;
  seconds: number;
  lines: string[];
  exited: Promise<number | null>;
}

async function start(dataDir: string): Promise<Started> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts'], {
    cwd: REPO,
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', SKIP_SITE_BUILD: '1', ...(ORDERS ? { DEMO_ORDERS: ORDERS } : {}) },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        lines.push(`${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s  ${line}`);
        const ready = /已启动: (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
        if (ready) resolve(ready[1]!);
      }
    });
    void exited.then((code) => reject(new Error(`npm start exited with ${code} before it was ready:\n${lines.join('\n')}`)));
  });
  return { child, url, seconds: (performance.now() - started) / 1000, lines, exited };
}

async function stop(stack: Started): Promise<number> {
  const started = performance.now();
  process.kill(stack.child.pid!, 'SIGINT');
  const code = await stack.exited;
  if (code !== 0) throw new Error(`npm start exited with ${code} on Ctrl-C`);
  return (performance.now() - started) / 1000;
}

let serial = 0;
function ingest(url: string): Promise<boolean> {
  const events = [];
  for (let i = 0; i < 50; i++) {
    serial += 1;
    const first17 = `91110105${String(800_000 + serial).padStart(9, '0')}`;
    events.push({
      id: `bench-${serial}`,
      type: 'enterprise.registered',
      occurredAt: '2025-06-01T02:00:00.000Z',
      data: { enterpriseId: `bench-ent-${serial}`, name: `北京基准测试${serial}号有限公司`, creditCode: first17 + creditCodeCheckChar(first17), industry: 'I', districtCode: '110105' },
    });
  }
  return fetch(`${url}/api/ingest/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': process.env.INGEST_API_KEY || 'local-ingest-key' },
    body: JSON.stringify({ events }),
  }).then(
    (response) => response.status === 200,
    () => false,
  );
}

/** Streams ingestion batches, then kills the process group while three more are in flight. */
async function streamAndKill(stack: Started, batches: number): Promise<number> {
  let acknowledged = 0;
  for (let n = 0; n < batches; n++) if (await ingest(stack.url)) acknowledged += 1;
  const inFlight = [ingest(stack.url), ingest(stack.url), ingest(stack.url)];
  if (await Promise.race(inFlight)) acknowledged += 1;
  process.kill(-stack.child.pid!, 'SIGKILL');
  await stack.exited;
  await Promise.all(inFlight);
  return acknowledged;
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'xyd-bench-start-'));
  try {
    let cpu = childrenCpuSeconds();
    const first = await start(dataDir);
    for (const line of first.lines) console.log(line);
    const stopSeconds = await stop(first);
    const firstCpu = childrenCpuSeconds() - cpu;

    cpu = childrenCpuSeconds();
    const again = await start(dataDir);
    await stop(again);
    const restartCpu = childrenCpuSeconds() - cpu;

    const doomed = await start(dataDir);
    const acknowledged = await streamAndKill(doomed, 6);
    cpu = childrenCpuSeconds();
    const afterCrash = await start(dataDir);
    const recovered = afterCrash.lines.find((line) => line.includes('上次运行未正常结束')) ?? '';
    console.log(`after the kill (${acknowledged} batches acknowledged): ${recovered.trim() || 'nothing left to redeliver'}`);
    await stop(afterCrash);
    const crashCpu = childrenCpuSeconds() - cpu;

    const cpuFigure = (seconds: number) => (Number.isFinite(seconds) ? Number(seconds.toFixed(1)) : 'n/a');
    report('start-up', {
      demoOrders: ORDERS ? Number(ORDERS) : 20_000,
      firstStartSeconds: Number(first.seconds.toFixed(1)),
      firstStartCpuSeconds: cpuFigure(firstCpu),
      stopSeconds: Number(stopSeconds.toFixed(2)),
      restartSeconds: Number(again.seconds.toFixed(2)),
      restartCpuSeconds: cpuFigure(restartCpu),
      restartAfterKillSeconds: Number(afterCrash.seconds.toFixed(2)),
      restartAfterKillCpuSeconds: cpuFigure(crashCpu),
      restartAfterKillRedelivered: Number(/补发 (\d+) 条/.exec(recovered)?.[1] ?? 0),
    });
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
