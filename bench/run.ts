/**
 * `npm run bench`: every benchmark in its own process (clean memory, its own embedded stores), then
 * one table of the figures and the ratios measured side by side in this run. Timings on a shared
 * machine are noisy: compare the ratios, not the absolute numbers, across runs.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SECTIONS = ['ingest', 'sign-in', 'api-overhead', 'hot-item', 'rollup-throughput', 'statistics-latency', 'report-export', 'demo-load', 'start-up'];

interface Result {
  section: string;
  [key: string]: number | string;
}

function run(section: string): Promise<Result[]> {
  const file = fileURLToPath(new URL(`./${section}.ts`, import.meta.url));
  if (!existsSync(file)) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
    const results: Result[] = [];
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (line.startsWith('BENCH ')) results.push(JSON.parse(line.slice(6)) as Result);
        else if (line.trim()) console.log(`  [${section}] ${line}`);
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(results) : reject(new Error(`${section} exited with ${code}`))));
  });
}

const only = process.argv.slice(2);
const all: Result[] = [];
for (const section of SECTIONS.filter((name) => only.length === 0 || only.includes(name))) {
  console.log(`▶ ${section}`);
  const started = performance.now();
  all.push(...(await run(section)));
  console.log(`  (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
console.log('\n结果 / results');
for (const result of all) {
  const { section, ...values } = result;
  console.log(`\n${section}`);
  for (const [name, value] of Object.entries(values)) console.log(`  ${name.padEnd(34)} ${value}`);
}
