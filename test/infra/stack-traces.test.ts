/**
 * Function bundles are minified and do not load their source map at start (lib/bundling.ts); a logged
 * error still names the TypeScript source and line (shared/observability/stack-trace.ts). Bundled
 * with the functions' options and run in a fresh process, without `--enable-source-maps`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { BUNDLE_FILE, functionBuildOptions, PROJECT_ROOT } from '#lib/bundling';

const dir = mkdtempSync(join(tmpdir(), 'xyd-stack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The 1-based line of `text` in a project file. */
function lineOf(file: string, text: string): number {
  return readFileSync(join(PROJECT_ROOT, file), 'utf8').split('\n').findIndex((line) => line.includes(text)) + 1;
}

describe('stack traces of a function bundle', () => {
  it('point at the TypeScript sources in the log, though the bundle is minified and loads no source map', async () => {
    const outfile = join(dir, 'fixture', BUNDLE_FILE);
    await build(functionBuildOptions('test/infra/fixtures/log-an-error.ts', outfile));
    // Powertools writes error lines to stderr.
    const run = spawnSync(process.execPath, [outfile], { env: { PATH: process.env.PATH, POWERTOOLS_LOG_LEVEL: 'INFO' }, encoding: 'utf8' });
    expect(run.status).toBe(0);
    const line = JSON.parse(run.stderr.trim().split('\n').at(-1)!) as { message: string; error: { message: string; stack: string } };
    expect(line.message).toBe('unhandled error');
    expect(line.error.message).toContain('TABLE_NAME');
    const thrownAt = lineOf('shared/config.ts', 'throw new Error(`configuration: environment variable');
    expect(line.error.stack).toContain(`shared/config.ts:${thrownAt}:`);
    expect(line.error.stack).toContain('test/infra/fixtures/log-an-error.ts:9:');
    expect(line.error.stack).not.toContain(`${BUNDLE_FILE}:1:`);
  });
});
