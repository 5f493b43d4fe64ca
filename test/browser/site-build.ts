/**
 * Builds site/dist for the browser tests when it is missing or older than the site's sources (the
 * site, and shared/contract/ which it imports), so the tests never drive a stale build. Test files run
 * in parallel processes, so the build holds a lock directory: a second file waits for the first one's
 * build instead of emptying site/dist under it.
 */
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isSiteBuildStale } from '#local/site-build';

const SITE = new URL('../../site/', import.meta.url).pathname;
const LOCK = join(SITE, '.build-lock');
const STALE_LOCK_MS = 10 * 60_000;

/** True when site/dist is missing or older than a source it is built from (local/site-build.ts decides). */
export const isSiteStale = (): boolean => isSiteBuildStale(SITE);

export async function ensureSiteBuilt(): Promise<void> {
  const deadline = Date.now() + 5 * 60_000;
  while (existsSync(LOCK) || isSiteStale()) {
    try {
      mkdirSync(LOCK);
    } catch {
      // Another test file is building: wait for it (a lock left by a killed run is cleared).
      if (existsSync(LOCK) && Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error('timed out waiting for another process to build site/dist');
      await sleep(500);
      continue;
    }
    try {
      if (!isSiteStale()) return;
      const { build } = await import('vite');
      // vitest sets NODE_ENV=test, which would bundle Vue's development build.
      const nodeEnv = process.env.NODE_ENV;
      process.env.NODE_ENV = 'production';
      try {
        await build({ configFile: join(SITE, 'vite.config.ts'), mode: 'production', logLevel: 'warn' });
      } finally {
        process.env.NODE_ENV = nodeEnv;
      }
    } finally {
      rmSync(LOCK, { recursive: true, force: true });
    }
  }
}
