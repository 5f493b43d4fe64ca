/**
 * A kept local table built before some index existed gets every index of the definition and keeps
 * every item (local/table-upgrade.ts), also when the upgrade was cut short after saving the items.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand, DynamoDBClient, PutItemCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { ensureTable, LOCAL_CREDENTIALS, startDynamo, type RunningServer } from '#local/embedded-servers';
import { missingIndexes, TABLE_UPGRADE_FILE } from '#local/table-upgrade';
import { createTableInput } from '#shared/db/table';

const REGION = 'cn-north-1';
let dynamo: RunningServer;
let client: DynamoDBClient;
let workDir: string;

beforeAll(async () => {
  dynamo = await startDynamo();
  client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: REGION, credentials: LOCAL_CREDENTIALS });
  workDir = await mkdtemp(join(tmpdir(), 'xyd-table-upgrade-'));
});
afterAll(async () => {
  client?.destroy();
  await dynamo?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

async function until(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** The table as an earlier version created it: the first three indexes only. */
async function oldTable(name: string): Promise<void> {
  const input = createTableInput(name);
  const indexes = input.GlobalSecondaryIndexes.slice(0, 3);
  const keyNames = new Set(['pk', 'sk', ...indexes.flatMap((index) => index.KeySchema.map((key) => key.AttributeName))]);
  await client.send(
    new CreateTableCommand({ ...input, GlobalSecondaryIndexes: indexes, AttributeDefinitions: input.AttributeDefinitions.filter((d) => keyNames.has(d.AttributeName)) }),
  );
}

const items: Record<string, AttributeValue>[] = Array.from({ length: 60 }, (_, i) => ({
  pk: { S: `STATI#000000#all` },
  sk: { S: `INST#${String(i).padStart(10, '0')}` },
  entity: { S: 'stat' },
  loanAmount: { N: String(1000 * i) },
  names: { M: { full: { S: `机构${i}` } } },
}));

async function scanAll(name: string) {
  const result = await client.send(new ScanCommand({ TableName: name, ConsistentRead: true }));
  return (result.Items ?? []).sort((a, b) => a.sk!.S!.localeCompare(b.sk!.S!));
}

describe('local table upgrade', () => {
  it('adds the missing indexes and keeps every item', async () => {
    await oldTable('upgrade-a');
    for (const item of items) await client.send(new PutItemCommand({ TableName: 'upgrade-a', Item: item }));
    expect((await missingIndexes(client, 'upgrade-a')).length).toBeGreaterThan(0);
    const lines: string[] = [];
    await ensureTable(dynamo.endpoint, 'upgrade-a', REGION, { upgradeIn: workDir, progress: (line) => lines.push(line) });
    expect(await missingIndexes(client, 'upgrade-a')).toEqual([]);
    expect(await scanAll('upgrade-a')).toEqual(items);
    expect(lines.at(-1)).toContain('60 条数据已写回');
    expect(await readdir(workDir)).toEqual([]);
    // Current now: nothing happens.
    await ensureTable(dynamo.endpoint, 'upgrade-a', REGION, { upgradeIn: workDir, progress: (line) => lines.push(line) });
    expect(lines).toHaveLength(2);
  });

  it('finishes an upgrade cut short after the items were saved, whether or not the table was dropped', async () => {
    const saved = items.map((item) => `${JSON.stringify(item)}\n`).join('');
    // Cut short before the drop: the old table still stands, with or without its items.
    await oldTable('upgrade-b');
    await writeFile(join(workDir, TABLE_UPGRADE_FILE), saved);
    await ensureTable(dynamo.endpoint, 'upgrade-b', REGION, { upgradeIn: workDir });
    expect(await missingIndexes(client, 'upgrade-b')).toEqual([]);
    expect(await scanAll('upgrade-b')).toEqual(items);

    // Cut short after the drop: no table at all.
    await client.send(new DeleteTableCommand({ TableName: 'upgrade-b' }));
    await until(() => client.send(new DescribeTableCommand({ TableName: 'upgrade-b' })).then(() => false, () => true));
    await writeFile(join(workDir, TABLE_UPGRADE_FILE), saved);
    await ensureTable(dynamo.endpoint, 'upgrade-b', REGION, { upgradeIn: workDir });
    const { Table } = await client.send(new DescribeTableCommand({ TableName: 'upgrade-b' }));
    expect(Table?.GlobalSecondaryIndexes).toHaveLength(createTableInput('upgrade-b').GlobalSecondaryIndexes.length);
    expect(await scanAll('upgrade-b')).toEqual(items);
    expect(await readdir(workDir)).toEqual([]);
  });
});
