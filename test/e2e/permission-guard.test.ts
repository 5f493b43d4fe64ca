/**
 * The local stack holds each module to the table prefixes it declares (local/permission-guard.ts), as
 * IAM does in the cloud: a write outside them is refused, inside them it goes through, and the local
 * runtime's own work (outside any module) is not checked. Every other end-to-end test runs under the
 * same guard, so a module writing an undeclared kind of item fails them.
 */
import { describe, expect, it } from 'vitest';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '#shared/db/client';
import type { ApiModule } from '#shared/http/route';
import { API_MODULES } from '#functions/registry';
import { runAsModule } from '#local/permission-guard';
import { useLocalStack } from './harness';

useLocalStack();

const ingestLike: ApiModule = { name: 'ingest-like', routes: [], permissions: { table: { read: true, write: ['ORDER#'] } } };
const readOnly: ApiModule = { name: 'docs-like', routes: [], permissions: {} };
const put = (pk: string) => documentClient().send(new PutCommand({ TableName: tableName(), Item: { pk, sk: 'GUARD', entity: 'test' } }));

describe('local permission guard', () => {
  it('refuses a write outside the declared prefixes and lets one inside through', async () => {
    await expect(runAsModule(ingestLike, () => put('ACCOUNT#13800000000'))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(runAsModule(ingestLike, () => put('ORDER#guard-1'))).resolves.toBeTruthy();
    const stored = await documentClient().send(new GetCommand({ TableName: tableName(), Key: { pk: 'ACCOUNT#13800000000', sk: 'GUARD' } }));
    expect(stored.Item).toBeUndefined();
  });

  it('refuses reads to a module that declares none', async () => {
    await expect(runAsModule(readOnly, () => documentClient().send(new GetCommand({ TableName: tableName(), Key: { pk: 'ORDER#guard-1', sk: 'GUARD' } })))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });

  it('does not check work outside any module', async () => {
    await expect(put('ANYTHING#guard')).resolves.toBeTruthy();
  });

  it('knows the declared prefixes of every deployed module', () => {
    for (const module of API_MODULES) expect(module.permissions, module.name).toBeDefined();
  });
});
