/**
 * `npm run bench`: every benchmark in its own process (clean memory, its own embedded stores), then
 * one table of the figures and the ratios measured side by side in this run. Timings on a shared
 * machine are noisy: compare the ratios, not the absolute numbers, across runs.
 * `npm run bench -- <section> …` runs only those sections. The results are also written as JSON to
 * `.bench/` (ignored by git): `latest.json` and one file per run.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const SECTIONS = ['ingest', 'sign-in', 'api-overhead', 'hot-item', 'rollup-throughput', 'statistics-latency', 'institution-reads', 'report-export', 'demo-load', 'start-up', 'cold-start'];

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

/** Several results of one section (one per function, say) as one table; a single one as a list. */
function print(section: string, results: Result[]): void {
  console.log(`\n${section}`);
  if (results.length === 1) {
    const { section: _section, ...values } = results[0]!;
    for (const [name, value] of Object.entries(values)) console.log(`  ${name.padEnd(34)} ${value}`);
    return;
  }
  const columns = [...new Set(results.flatMap((result) => Object.keys(result).filter((name) => name !== 'section')))];
  const widths = columns.map((name) => Math.max(name.length, ...results.map((result) => String(result[name] ?? '').length)));
  const line = (cells: string[]) => `  ${cells.map((cell, index) => (index === 0 ? cell.padEnd(widths[index]!) : cell.padStart(widths[index]!))).join('  ')}`;
  console.log(line(columns));
  for (const result of results) console.log(line(columns.map((name) => String(result[name] ?? ''))));
}

const only = process.argv.slice(2);
const unknown = only.filter((name) => !SECTIONS.includes(name));
if (unknown.length > 0) throw new Error(`unknown bench section ${unknown.join(', ')} (sections: ${SECTIONS.join(', ')})`);
const startedAt = new Date();
const all: Result[] = [];
const timings: Record<string, number> = {};
for (const section of SECTIONS.filter((name) => only.length === 0 || only.includes(name))) {
  console.log(`▶ ${section}`);
  const started = performance.now();
  all.push(...(await run(section)));
  timings[section] = Number(((performance.now() - started) / 1000).toFixed(1));
  console.log(`  (${timings[section]} s)`);
}
console.log('\n结果 / results');
for (const section of [...new Set(all.map((result) => result.section))]) {
  print(
    section,
    all.filter((result) => result.section === section),
  );
}

const benchDir = fileURLToPath(new URL('../.bench/', import.meta.url));
mkdirSync(benchDir, { recursive: true });
const json = `${JSON.stringify(
  {
    startedAt: startedAt.toISOString(),
    sections: Object.keys(timings),
    secondsPerSection: timings,
    machine: { cpus: cpus().length, model: cpus()[0]?.model.trim(), loadAverage: loadavg()[0], node: process.version },
    results: all,
  },
  null,
  2,
)}\n`;
const runFile = `${benchDir}${startedAt.toISOString().replace(/[:.]/g, '-')}.json`;
writeFileSync(runFile, json);
writeFileSync(`${benchDir}latest.json`, json);
console.log(`\n${runFile}`);
