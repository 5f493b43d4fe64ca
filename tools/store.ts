/**
 * Where an operator command runs: against the cloud table named by the environment (TABLE_NAME and
 * the other variables of `shared/config.ts`, AWS credentials from the usual chain), or against a
 * local data directory, whose embedded stores it then starts itself (with the change capture feeding
 * the rollups) and stops at the end.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { LocalStack } from '#local/stack';

/** Progress lines for people (Chinese). */
export type Progress = (message: string) => void;

/** At most one line every `intervalMs` (a long job's progress would otherwise flood the terminal). */
export function throttledProgress(print: Progress = (line) => console.log(line), intervalMs = 2000): Progress {
  let last = 0;
  return (line) => {
    if (Date.now() - last < intervalMs) return;
    last = Date.now();
    print(line);
  };
}

/**
 * Fails with a clear message when another process (npm start) holds the data directory's LevelDB
 * store: dynalite would otherwise crash on its first request with "Database is closed". Probes with
 * the LevelDB binding dynalite itself uses.
 */
export async function assertDataDirFree(dataDir: string): Promise<void> {
  const store = join(dataDir, 'dynamo');
  if (!existsSync(store)) return;
  const dynaliteRequire = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const { Level } = dynaliteRequire('level') as { Level: new (path: string) => { open(): Promise<void>; close(): Promise<void> } };
  const db = new Level(store);
  try {
    await db.open();
  } catch (error) {
    const cause = String((error as { cause?: Error }).cause?.message ?? (error as Error).message);
    if (/lock/i.test(cause)) throw new Error(`数据目录 ${dataDir} 正被其他进程使用（npm start 是否正在运行？请先停止它，或用 --data-dir 指定其他目录）`);
    throw error;
  }
  await db.close();
}

export interface StoreOptions {
  /** The local data directory (default `DATA_DIR` or `.data/`). */
  dataDir?: string;
  /** Keep nothing on disk (benchmarks). */
  memory?: boolean;
}

/**
 * Starts the local stack's stores on the data directory (HTTP on a free port, change capture and
 * rollup handler attached), runs `work`, waits for the captured changes to reach the rollups, stops.
 * dynalite keeps its LevelDB store open in one process only, so this refuses a directory `npm start`
 * is using.
 */
export async function withLocalStack<T>(options: StoreOptions, work: (stack: LocalStack) => Promise<T>): Promise<T> {
  if (!options.memory) await assertDataDirFree(resolve(options.dataDir ?? process.env.DATA_DIR ?? '.data'));
  const { startLocalStack } = await import('#local/stack');
  // What a crashed `npm start` left in the change log is rolled up first, and said so.
  const stack = await startLocalStack({ port: 0, memory: options.memory, dataDir: options.dataDir, onProgress: (line) => console.log(line) });
  try {
    const result = await work(stack);
    await stack.capture.drain(300_000);
    return result;
  } finally {
    await stack.stop();
  }
}

/**
 * Runs `work` against the cloud table when TABLE_NAME is set and no data directory was named,
 * otherwise against the local data directory.
 */
export async function againstStore<T>(options: StoreOptions, work: () => Promise<T>): Promise<T> {
  if (process.env.TABLE_NAME && !options.dataDir && !options.memory) return work();
  return withLocalStack(options, () => work());
}
