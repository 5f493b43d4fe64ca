/**
 * Every deployed function, bundled with the options the CDK app uses (lib/bundling.ts), within its
 * budget: 500 KB minified, reports 1.5 MB (docs/architecture.md, "Cold start and bundles"). The sizes
 * are printed on every run and in the failure. Offline and quick: the local esbuild, in memory.
 * (`npm run bench -- cold-start` measures the module load times as well.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleBudget, bundleFunction, deployedFunctions, FUNCTION_BUNDLE, KB, type FunctionBundle } from '#lib/bundling';
import { FUNCTION_RUNTIME, functionBundling } from '#lib/constructs/node-function';

let bundles: FunctionBundle[];

const kb = (bytes: number) => `${(bytes / KB).toFixed(0)} KB`;

function sizeTable(): string {
  const rows = bundles.map((bundle) => {
    const budget = bundleBudget(bundle.name).bytes;
    return `  ${bundle.name.padEnd(14)} ${kb(bundle.bytes).padStart(8)}  budget ${kb(budget).padStart(8)}  ${bundle.bytes <= budget ? 'ok' : 'OVER'}`;
  });
  return ['function bundles (minified, KB = 1,024 bytes):', ...rows].join('\n');
}

/** The functions whose bundle holds a package. */
const holding = (pkg: string) => bundles.filter((bundle) => bundle.byPackage.has(pkg)).map((bundle) => bundle.name).sort();

beforeAll(async () => {
  bundles = await Promise.all(deployedFunctions().map((name) => bundleFunction(name)));
  console.log(sizeTable());
});

describe('function bundles', () => {
  it('bundles every deployed function: one per API module, the rollup and the SMS function', () => {
    expect(bundles.map((bundle) => bundle.name)).toEqual(expect.arrayContaining(['reference', 'docs', 'auth', 'reports', 'rollup', 'sms']));
  });

  it('keeps every bundle within its budget', () => {
    const over = bundles.filter((bundle) => bundle.bytes > bundleBudget(bundle.name).bytes);
    expect(over.map((bundle) => bundle.name), `over budget:\n${sizeTable()}`).toEqual([]);
  });

  it('bundles an AWS SDK client only into the functions that send its requests', () => {
    // Presigned URLs, upload policies and HEAD checks are signed without the S3 client, SMS requests are
    // published without the SNS client (shared/storage/s3.ts, shared/sms/publish.ts).
    expect(holding('@aws-sdk/client-s3')).toEqual(['reports']);
    expect(holding('@aws-sdk/client-sns')).toEqual([]);
    expect(holding('@aws-sdk/client-pinpoint-sms-voice-v2')).toEqual(['sms']);
    expect(holding('exceljs')).toEqual(['reports']);
    expect(holding('@aws-sdk/client-secrets-manager')).not.toContain('rollup');
    // The OpenAPI document is data: no function bundles the JSON-schema conversion's callers, the registry.
    expect(bundles.find((bundle) => bundle.name === 'docs')!.byPackage.has('functions/reports')).toBe(false);
  });

  it('carries the environment credentials only, not the rest of the SDK credential chain', () => {
    for (const pkg of ['@aws-sdk/credential-provider-node', '@aws-sdk/credential-provider-ini', '@aws-sdk/credential-provider-sso', '@aws-sdk/nested-clients']) {
      expect(holding(pkg), pkg).toEqual([]);
    }
  });

  it("bundles zod's Chinese messages (and its default English) and no other language", () => {
    for (const bundle of bundles) {
      const locales = [...bundle.inputs.keys()].filter((input) => input.includes('zod/v4/locales/')).map((input) => input.replace(/.*locales\//, ''));
      expect(locales.filter((file) => file !== 'en.js' && file !== 'zh-CN.js'), bundle.name).toEqual([]);
    }
    // The API functions answer validation errors in Chinese (shared/http/middleware.ts).
    expect([...bundles.find((bundle) => bundle.name === 'reference')!.inputs.keys()].some((input) => input.endsWith('zod/v4/locales/zh-CN.js'))).toBe(true);
  });
});

describe('the CDK app bundles with the same options', () => {
  it('maps every shared esbuild option onto NodejsFunction', () => {
    expect(functionBundling()).toMatchObject({
      target: FUNCTION_BUNDLE.target,
      mainFields: [...FUNCTION_BUNDLE.mainFields],
      minify: true,
      sourceMap: true,
      sourcesContent: false,
      keepNames: false,
      banner: FUNCTION_BUNDLE.banner,
      externalModules: [],
      esbuildArgs: { '--charset': 'utf8', ...Object.fromEntries(Object.entries(FUNCTION_BUNDLE.alias).map(([from, to]) => [`--alias:${from}`, to])) },
      bundleAwsSDK: true,
    });
  });

  it('targets the Node.js version of the functions’ runtime', () => {
    expect(FUNCTION_RUNTIME.name).toBe(`nodejs${FUNCTION_BUNDLE.target.replace('node', '')}.x`);
  });
});
