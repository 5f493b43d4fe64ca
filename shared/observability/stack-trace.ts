/**
 * Readable stack traces without loading source maps at start. A function bundle is one minified file
 * (`index.mjs`) with its source map written beside it (lib/bundling.ts); Node's
 * `--enable-source-maps` would parse that map in every cold start, a tenth to a third of the module
 * load (docs/architecture.md, "Cold start and bundles"). Instead, a stack that is logged has its
 * bundle positions mapped to the TypeScript sources here, reading the map on the first logged error
 * of the instance. Run from source (locally, in tests) there is no map and stacks stay as they are.
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/** This module's file: inside a bundle, the bundle itself. */
const BUNDLE_FILE = fileURLToPath(import.meta.url);
const BUNDLE_URL = import.meta.url;

let map: SourceMap | null | undefined;

function bundleMap(): SourceMap | null {
  if (map === undefined) {
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${BUNDLE_FILE}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]);
    } catch {
      map = null;
    }
  }
  return map;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const FRAME = new RegExp(`(?:${escape(BUNDLE_URL)}|${escape(BUNDLE_FILE)}):(\\d+):(\\d+)`, 'g');

/**
 * The stack with each position in the bundle replaced by its source position
 * (`file:///var/task/index.mjs:1:48213` → `shared/http/middleware.ts:212:11`); unchanged when the
 * bundle has no map or the stack does not point into it.
 */
export function readableStack(stack: string): string {
  if (!stack.includes(BUNDLE_FILE)) return stack;
  const sourceMap = bundleMap();
  if (!sourceMap) return stack;
  return stack.replace(FRAME, (position, line: string, column: string) => {
    const entry = sourceMap.findEntry(Number(line) - 1, Number(column) - 1) as Partial<{ originalSource: string; originalLine: number; originalColumn: number }>;
    if (!entry.originalSource || entry.originalLine === undefined || entry.originalColumn === undefined) return position;
    // Sources are relative to the bundle's build directory: keep the path from the project root on.
    const source = entry.originalSource.replace(/^(?:\.\.\/)+/, '').replace(/^.*?\/(node_modules|shared|functions)\//, '$1/');
    return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}
