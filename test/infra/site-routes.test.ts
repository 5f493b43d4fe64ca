/**
 * In the China regions every client-side route of the admin site is served from a copy of
 * index.html (lib/constructs/site.ts, SPA_PATHS): the list must name every route of the site's router.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SPA_PATHS } from '#lib/constructs/site';

describe('the site routes the China distribution serves', () => {
  it('are exactly the router’s static paths', () => {
    const router = readFileSync(new URL('../../site/src/router.ts', import.meta.url), 'utf8');
    const paths = [...router.matchAll(/path:\s*'([^']*)'/g)]
      .map((match) => match[1]!.replace(/^\//, ''))
      .filter((path) => path !== '' && !path.includes(':'));
    expect([...SPA_PATHS].sort()).toEqual([...new Set(paths)].sort());
  });
});
