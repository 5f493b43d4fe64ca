/**
 * How every Lambda function is bundled, in one place (docs/architecture.md, "Cold start and bundles").
 * The CDK app (lib/constructs/node-function.ts) turns these options into NodejsFunction's bundling;
 * the budget test (test/infra/bundles.test.ts) and the cold-start bench (bench/cold-start.ts) hand the
 * same options to esbuild's API, so what they measure is what is deployed. test/infra/stack.test.ts
 * checks that the synthesized assets are byte for byte the bundles built here.
 *
 * No AWS CDK import here: the bench and the test load this without the CDK.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';

/** The project root (package.json, package-lock.json); function entries are resolved against it. */
export const PROJECT_ROOT = fileURLToPath(new URL('../', import.meta.url));

/**
 * esbuild emits ESM, but some bundled dependencies still call `require()` for Node built-ins; this
 * gives the bundle a real `require` bound to the module's own URL.
 */
const ESM_REQUIRE_BANNER = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/**
 * The esbuild options of every function bundle. Each one is a decision measured by
 * `npm run bench -- cold-start` (the figures are in docs/architecture.md):
 *
 * - ESM, `module` before `main`: the SDK's and zod's ES builds, which esbuild can trim (tree shaking);
 * - minified, and `charset: utf8`: Chinese text (the region names, the messages) as UTF-8 rather
 *   than `\uXXXX` escapes, 40 KB less where the region table is bundled;
 * - no externals: the pinned AWS SDK is bundled, not the runtime's. Loading the runtime's copy (many
 *   unminified CommonJS files) took twice as long as the bundled, trimmed one, and the version the
 *   tests ran against is the version deployed;
 * - the SDK's default credential chain is replaced by its first link (shared/aws/env-credentials.ts):
 *   Lambda's credentials are in the environment, and the rest of the chain is ≈ 90 KB per function;
 * - a source map is written next to each bundle (names and lines, not the sources: `sourcesContent`
 *   off), but not loaded at start: `--enable-source-maps` cost 10–40 % of the module load. Logged
 *   errors are mapped back to the TypeScript sources through it when they are logged
 *   (shared/observability/stack-trace.ts).
 */
export const FUNCTION_BUNDLE = {
  platform: 'node',
  format: 'esm',
  /** The Node.js major version of the functions' runtime (lib/constructs/node-function.ts). */
  target: 'node22',
  mainFields: ['module', 'main'],
  minify: true,
  charset: 'utf8',
  sourcemap: true,
  sourcesContent: false,
  keepNames: false,
  banner: ESM_REQUIRE_BANNER,
  external: [] as string[],
  alias: { '@aws-sdk/credential-provider-node': join(PROJECT_ROOT, 'shared/aws/env-credentials.ts') } as Record<string, string>,
} as const;

/** The file name NodejsFunction gives an ESM bundle (`index.mjs`, with `index.mjs.map` beside it). */
export const BUNDLE_FILE = 'index.mjs';

/**
 * esbuild's options for one function: `entry` relative to the project root
 * (`functions/reference/index.ts`), written to `outfile` (or kept in memory with `write: false`).
 */
export function functionBuildOptions(entry: string, outfile: string): BuildOptions {
  const { banner, ...options } = FUNCTION_BUNDLE;
  return {
    ...options,
    mainFields: [...options.mainFields],
    external: [...options.external],
    alias: { ...options.alias },
    banner: { js: banner },
    entryPoints: [join(PROJECT_ROOT, entry)],
    outfile,
    bundle: true,
    absWorkingDir: PROJECT_ROOT,
    logLevel: 'warning',
  };
}
