/**
 * `npm start` serves the admin site from `site/dist`; this (re)builds it with Vite when it is missing
 * or older than its sources, so a fresh clone needs no separate build step.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SITE_ROOT = fileURLToPath(new URL('../site/', import.meta.url));

function newestChange(path: string): number {
  if (!existsSync(path)) return 0;
  return statSync(path).isDirectory() ? Math.max(0, ...readdirSync(path).map((name) => newestChange(join(path, name)))) : statSync(path).mtimeMs;
}

/** True when `site/dist` is missing or older than the site's sources (with `shared/contract/`, which the site imports). */
export function isSiteBuildStale(siteRoot = SITE_ROOT): boolean {
  const builtAt = newestChange(join(siteRoot, 'dist/index.html'));
  const sources = ['src', 'public', 'index.html', 'vite.config.ts', '../shared/contract'].map((name) => newestChange(join(siteRoot, name)));
  return builtAt === 0 || builtAt < Math.max(...sources);
}

/** Builds the site when it is stale; resolves to whether it built. */
export async function ensureSiteBuilt(onBuild: () => void = () => undefined, siteRoot = SITE_ROOT): Promise<boolean> {
  if (!existsSync(join(siteRoot, 'vite.config.ts')) || !isSiteBuildStale(siteRoot)) return false;
  onBuild();
  const { build } = await import('vite');
  await build({ configFile: join(siteRoot, 'vite.config.ts'), logLevel: 'warn' });
  return true;
}
