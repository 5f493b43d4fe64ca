/**
 * Cold start: every deployed function bundled exactly as the CDK app bundles it (lib/bundling.ts),
 * its size, and what it takes a fresh Node.js process to load it (`await import(bundle)`: parse, link
 * and run the module's top level, as Lambda's init does), without and with `--enable-source-maps`.
 * Median of 5 fresh processes each (`BENCH_COLD_START_RUNS`), the two variants alternating. Budgets
 * (`bundleBudget` in lib/bundling.ts): 500 KB and 100 ms per function, reports 1.5 MB and no load budget.
 *
 * The load budget is held to the CPU time the process spends in the import (all its threads). The
 * wall-clock time is printed too, but on a shared machine it mostly measures the wait for a CPU: at a
 * load average of 8 on 2 CPUs the wall-clock median of the same bundle ranged over 90–140 ms between
 * two runs, the CPU median over 58–60 ms. On an idle machine the two agree within a few ms. These are
 * figures of this machine, not of Lambda; compare them with each other and across runs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleBudget, bundleFunction, deployedFunctions, KB } from '#lib/bundling';
import { report } from './stores';

const RUNS = Number(process.env.BENCH_COLD_START_RUNS ?? 5);

interface Load {
  /** Wall-clock milliseconds of the import. */
  wallMs: number;
  /** CPU milliseconds of the process during the import (all its threads). */
  cpuMs: number;
}

/** Loads a bundle in a fresh process, as a Lambda init would, and times the import. */
function load(file: string, sourceMaps: boolean): Load {
  const script = `const c = process.cpuUsage(); const t = performance.now(); await import(${JSON.stringify(file)}); const u = process.cpuUsage(c); console.log(JSON.stringify({ wallMs: performance.now() - t, cpuMs: (u.user + u.system) / 1000 }));`;
  const child = spawnSync(process.execPath, [...(sourceMaps ? ['--enable-source-maps'] : []), '--input-type=module', '-e', script], {
    // What a function has at init: a region, no configuration read yet, no loader of ours.
    env: { PATH: process.env.PATH, AWS_REGION: 'cn-north-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`loading ${file} failed:\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Load;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const verdict = (ok: boolean) => (ok ? 'pass' : 'FAIL');

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'xyd-cold-start-'));
  try {
    const names = deployedFunctions();
    const bundles = await Promise.all(names.map((name) => bundleFunction(name, dir)));
    console.log(`${cpus().length} CPUs (${cpus()[0]?.model.trim()}), load average ${loadavg()[0]!.toFixed(1)}, Node.js ${process.version}, median of ${RUNS} fresh processes`);
    const header = ['function', 'bundle', 'budget', '', 'load cpu', 'budget', '', 'wall', '+maps cpu', '+maps wall'];
    const widths = [13, 8, 9, 4, 9, 9, 4, 8, 10, 11];
    const row = (cells: string[]) => cells.map((cell, index) => (index === 0 ? cell.padEnd(widths[index]!) : cell.padStart(widths[index]!))).join(' ');
    console.log(row(header));
    for (const bundle of bundles) {
      const without: Load[] = [];
      const withMaps: Load[] = [];
      for (let run = 0; run < RUNS; run += 1) {
        without.push(load(bundle.file!, false));
        withMaps.push(load(bundle.file!, true));
      }
      const budget = bundleBudget(bundle.name);
      const bundleKB = Math.round(bundle.bytes / KB);
      const loadCpuMs = Math.round(median(without.map((entry) => entry.cpuMs)));
      const loadWallMs = Math.round(median(without.map((entry) => entry.wallMs)));
      const sourceMapsCpuMs = Math.round(median(withMaps.map((entry) => entry.cpuMs)));
      const sourceMapsWallMs = Math.round(median(withMaps.map((entry) => entry.wallMs)));
      const bundleOk = bundle.bytes <= budget.bytes;
      const loadOk = budget.loadMs === undefined || loadCpuMs <= budget.loadMs;
      console.log(
        row([
          bundle.name,
          `${bundleKB} KB`,
          `≤ ${budget.bytes / KB} KB`,
          verdict(bundleOk),
          `${loadCpuMs} ms`,
          budget.loadMs === undefined ? '—' : `≤ ${budget.loadMs} ms`,
          budget.loadMs === undefined ? '' : verdict(loadOk),
          `${loadWallMs} ms`,
          `${sourceMapsCpuMs} ms`,
          `${sourceMapsWallMs} ms`,
        ]),
      );
      report('cold-start', {
        function: bundle.name,
        bundleKB,
        bundleBudgetKB: budget.bytes / KB,
        bundle: verdict(bundleOk),
        sourceMapKB: Math.round(bundle.mapBytes / KB),
        loadCpuMs,
        loadBudgetMs: budget.loadMs ?? '—',
        load: budget.loadMs === undefined ? '—' : verdict(loadOk),
        loadWallMs,
        withSourceMapsCpuMs: sourceMapsCpuMs,
        withSourceMapsWallMs: sourceMapsWallMs,
        sourceMapsCostPercent: Math.round(((sourceMapsCpuMs - loadCpuMs) / loadCpuMs) * 100),
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
