/**
 * How every Lambda function is bundled, in one place (docs/architecture.md, "Cold start and bundles").
 * The CDK app (lib/constructs/node-function.ts) turns these options into NodejsFunction's bundling;
 * the budget test (test/infra/bundles.test.ts) and the cold-start bench (bench/cold-start.ts) hand the
 * same options to esbuild's API, so what they measure is what is deployed. test/infra/stack.test.ts
 * checks that the synthesized assets are byte for byte the bundles built here.
 *
 * No AWS CDK import here: the bench and the test load this without the CDK; esbuild is loaded only
 * when {@link bundleFunction} runs.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { BuildOptions, Metafile } from 'esbuild';
import { API_MODULES } from '#functions/registry';

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
 * - no externals: the pinned AWS SDK is bundled, not the runtime's. Loading an SDK like the runtime's
 *   (the packages' CommonJS files from node_modules) took about twice as long as the bundled, trimmed
 *   one, and the version the tests ran against is the version deployed;
 * - the SDK's default credential chain is replaced by its first link (shared/aws/env-credentials.ts):
 *   Lambda's credentials are in the environment, and the rest of the chain is ≈ 90 KB per function;
 * - a source map is written next to each bundle (names and lines, not the sources: `sourcesContent`
 *   off), but not loaded at start: `--enable-source-maps` made the module load take 8–23 % more CPU
 *   (11–91 % with maps that carried the sources). Logged errors are mapped back to the TypeScript
 *   sources through it when they are logged (shared/observability/stack-trace.ts).
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

/** The entry of a function: `functions/<name>/index.ts`, exporting `handler`. */
export function functionEntry(name: string): string {
  return `functions/${name}/index.ts`;
}

/** Every function the stack deploys: one per API module, the stream's rollup consumer, the SMS function. */
export function deployedFunctions(): string[] {
  return [...API_MODULES.map((module) => module.name), 'rollup', 'sms'];
}

/** Sizes are in KB of 1,024 bytes, as esbuild prints them. */
export const KB = 1024;

/** What a function bundle may weigh, and how long loading it may take (`undefined`: no load budget). */
export interface BundleBudget {
  bytes: number;
  loadMs?: number;
}

/**
 * The budgets (docs/architecture.md, "Cold start and bundles"): every bundle at most 500 KB minified, its module load at most 100 ms (a
 * fresh process on the development machine, median of 5); reports, which carries the spreadsheet
 * writer, 1.5 MB and no load budget. test/infra/bundles.test.ts holds the sizes, `npm run bench --
 * cold-start` measures both.
 */
export function bundleBudget(name: string): BundleBudget {
  return name === 'reports' ? { bytes: 1536 * KB } : { bytes: 500 * KB, loadMs: 100 };
}

/** One function bundled with {@link FUNCTION_BUNDLE}. */
export interface FunctionBundle {
  name: string;
  /** Minified bundle size in bytes. */
  bytes: number;
  /** Source map size in bytes (written beside the bundle, not loaded at run time). */
  mapBytes: number;
  /** The bundle on disk, when an output directory was given. */
  file?: string;
  /** The bundle itself, when it was built in memory (no output directory). */
  code?: Uint8Array;
  /** Bytes in the bundle per input file that contributes any (tree-shaken files left out). */
  inputs: Map<string, number>;
  /** Bytes in the bundle per npm package (`zod`, `@aws-sdk/client-s3`) or per project folder (`shared/auth`). */
  byPackage: Map<string, number>;
  metafile: Metafile;
}

/** The package (or project folder) a bundled input file belongs to. */
export function packageOf(input: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return match ? match[1]! : input.split('/').slice(0, 2).join('/');
}

/**
 * Bundles one function exactly as the CDK app does, into `outdir/<name>/index.mjs` (with its map), or
 * in memory without `outdir`.
 */
export async function bundleFunction(name: string, outdir?: string): Promise<FunctionBundle> {
  const { build } = await import('esbuild');
  const outfile = join(outdir ?? join(PROJECT_ROOT, 'cdk.out', 'bundles'), name, BUNDLE_FILE);
  const result = await build({ ...functionBuildOptions(functionEntry(name), outfile), metafile: true, write: outdir !== undefined });
  const output = Object.values(result.metafile.outputs).find((entry) => entry.entryPoint);
  const map = Object.entries(result.metafile.outputs).find(([path]) => path.endsWith('.map'));
  if (!output) throw new Error(`bundling ${name}: esbuild wrote no bundle`);
  const inputs = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    if (bytesInOutput === 0) continue;
    inputs.set(input, bytesInOutput);
    byPackage.set(packageOf(input), (byPackage.get(packageOf(input)) ?? 0) + bytesInOutput);
  }
  return {
    name,
    bytes: output.bytes,
    mapBytes: map?.[1].bytes ?? 0,
    ...(outdir !== undefined ? { file: outfile } : {}),
    ...(result.outputFiles ? { code: result.outputFiles.find((file) => file.path === outfile)?.contents } : {}),
    inputs,
    byPackage,
    metafile: result.metafile,
  };
}
