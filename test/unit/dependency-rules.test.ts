/**
 * The folder dependency rules of eslint.config.js hold: each forbidden arrow (docs/architecture.md)
 * fails lint, by subpath import, by relative path and by dynamic import, and the allowed ones pass.
 */
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';

const eslint = new ESLint({ cwd: fileURLToPath(new URL('../..', import.meta.url)) });

async function importErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport {};\n`, { filePath });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === 'no-restricted-imports' || message.ruleId === 'no-restricted-syntax')
    .map((message) => message.message);
}

const forbidden: [file: string, code: string][] = [
  ['shared/db/example.ts', "import { routes } from '#functions/accounts/routes';"],
  ['shared/db/example.ts', "import { routes } from '../../functions/accounts/routes';"],
  ['shared/auth/example.ts', "import { XinyidaiStack } from '#lib/stack';"],
  ['shared/auth/example.ts', "import { startLocalStack } from '#local/stack';"],
  ['shared/auth/example.ts', "import { rebuildRollups } from '#tools/rollups';"],
  ['shared/auth/example.ts', "const tools = await import('#tools/rollups');"],
  ['functions/reports/example.ts', "import { institutionTable } from '#functions/statistics/domain';"],
  ['functions/reports/example.ts', "import { institutionTable } from '../statistics/domain';"],
  ['functions/reports/example.ts', "import { startLocalStack } from '#local/stack';"],
  ['functions/reports/example.ts', "import { rebuildRollups } from '../../tools/rollups';"],
  ['functions/reports/example.ts', "import { XinyidaiStack } from '#lib/stack';"],
  ['lib/constructs/example.ts', "import { startLocalStack } from '#local/stack';"],
  ['lib/constructs/example.ts', "import { rebuildRollups } from '../../tools/rollups';"],
  ['local/example.ts', "import { rebuildRollups } from '#tools/rollups';"],
  ['local/example.ts', "import { XinyidaiStack } from '#lib/stack';"],
  ['site/src/api/example.ts', "import { routes } from '../../../functions/accounts/routes';"],
  ['site/src/api/example.ts', "import { NATION_CODE } from '../../../shared/reference/regions';"],
  ['site/src/api/example.ts', "import { yuanToWanText } from '../../../shared/money';"],
  ['site/src/api/example.ts', "const money = await import('../../../shared/money');"],
  ['site/src/api/example.ts', "import { PHONE_PATTERN } from '#shared/contract/rules';"],
  // shared/contract/ is imported by the site: it imports nothing, not even other shared/ modules.
  ['shared/contract/example.ts', "import { yuanToWanText } from '#shared/money';"],
  ['shared/contract/example.ts', "import { yuanToWanText } from '../money';"],
  ['shared/contract/example.ts', "import { z } from 'zod';"],
  ['shared/contract/example.ts', "const money = await import('./figures');"],
];

const allowed: [file: string, code: string][] = [
  ['functions/reports/example.ts', "import { resolveScope } from '#shared/auth/scope';"],
  ['functions/reports/example.ts', "import { exportReport } from './domain';"],
  ['functions/registry.ts', "import { routes } from './accounts/routes';"],
  ['functions/docs/example.ts', "const registry = await import('../registry');"],
  ['lib/constructs/example.ts', "import { API_MODULES } from '#functions/registry';"],
  ['local/example.ts', "import { handler } from '#functions/rollup/index';"],
  ['tools/example.ts', "import { startLocalStack } from '#local/stack';"],
  ['shared/db/example.ts', "import { findRegion } from '#shared/reference/regions';"],
  // The narrow exception: the site may import the pure modules of shared/contract/.
  ['site/src/utils/example.ts', "import { formatWan } from '../../../shared/contract/figures';"],
  ['site/src/components/example.ts', "import { PHONE_PATTERN } from '../../../shared/contract/rules';"],
  ['shared/contract/example.ts', "import { formatWan } from './figures';"],
  ['shared/http/example.ts', "import { PHONE_PATTERN } from '#shared/contract/rules';"],
];

describe('folder dependency rules', () => {
  it.each(forbidden)('refuses in %s: %s', async (file, code) => {
    expect((await importErrors(file, code)).length).toBeGreaterThan(0);
  });

  it.each(allowed)('allows in %s: %s', async (file, code) => {
    expect(await importErrors(file, code)).toEqual([]);
  });
});
