/**
 * The demo data set of a fresh store, as `npm start` and `npm run demo-data` load it: the demo
 * accounts and, at the same time, the national data set bulk-loaded once per store, then the rollups
 * rebuilt.
 *
 * The bulk writes bypass the change capture, so the counters are rebuilt from the base records —
 * after the capture has delivered what it already holds (the demo accounts, say), or those records
 * would be counted twice.
 */
import type { LocalStack } from '#local/stack';
import { rebuildRollups } from '#tools/rollups';
import { throttledProgress, type Progress } from '#tools/store';
import { ensureDemoAccounts } from './accounts';
import { ensureDemoData, type EnsureDemoDataResult } from './load';

export interface DemoSetupOptions {
  /** Orders of the data set (default 20 000). */
  orders?: number;
  seed?: number;
  onProgress?: Progress;
  /** Writes made through the change capture that must be over before the rebuild drains it. */
  settledBeforeRebuild?: Promise<unknown>;
}

/** Loads the demo data set into the stack's store unless it is there already. */
export async function ensureDemoDataSet(stack: Pick<LocalStack, 'capture'>, options: DemoSetupOptions = {}): Promise<EnsureDemoDataResult> {
  const progress = options.onProgress ?? (() => undefined);
  return ensureDemoData({
    orders: options.orders,
    seed: options.seed,
    onProgress: progress,
    rebuild: async (precomputed, now) => {
      await options.settledBeforeRebuild;
      await stack.capture.drain(300_000);
      await rebuildRollups({ now, precomputed, progress: throttledProgress(progress) });
    },
  });
}

/**
 * `npm start`'s demo: the three demo accounts and the data set; returns the login lines to print. The
 * accounts are created while the data set is generated and loaded, and before its rebuild.
 */
export async function prepareDemo(stack: Pick<LocalStack, 'capture'>, options: DemoSetupOptions = {}): Promise<string[]> {
  const accounts = ensureDemoAccounts();
  const [lines, dataSet] = await Promise.allSettled([accounts, ensureDemoDataSet(stack, { ...options, settledBeforeRebuild: accounts })]);
  if (lines.status === 'rejected') throw lines.reason;
  if (dataSet.status === 'rejected') throw dataSet.reason;
  return lines.value;
}
