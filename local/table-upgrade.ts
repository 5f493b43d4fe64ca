/**
 * A kept local table whose indexes are older than `TABLE_DEFINITION` (shared/db/table.ts) gets them:
 * dynalite cannot add an index to a table, so the table is rebuilt around its items.
 *
 * Crash-safe in three steps: every item is saved to `<work dir>/table-upgrade.jsonl` (written beside
 * and renamed into place once complete); the table is dropped and created with every index; the saved
 * items are written back and the file deleted. A start that finds the file finishes from step two, so
 * a crash at any point loses nothing.
 */
import { createReadStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  ScanCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { BATCH_WRITE_LIMIT, untilProcessed } from '#shared/db/batch';
import { createTableInput } from '#shared/db/table';

export const TABLE_UPGRADE_FILE = 'table-upgrade.jsonl';
const WRITE_BATCH = BATCH_WRITE_LIMIT;
const WRITES_IN_FLIGHT = 8;

type Item = Record<string, AttributeValue>;

const exists = (path: string) => stat(path).then(
  () => true,
  () => false,
);

/** True when an upgrade saved the items and has not finished writing them back. */
export const upgradePending = (workDir: string): Promise<boolean> => exists(join(workDir, TABLE_UPGRADE_FILE));

/** The indexes the definition has and the table lacks (none: nothing to do). */
export async function missingIndexes(client: DynamoDBClient, tableName: string): Promise<string[]> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  return createTableInput(tableName)
    .GlobalSecondaryIndexes.map((index) => index.IndexName)
    .filter((name) => !present.has(name));
}

async function saveItems(client: DynamoDBClient, tableName: string, file: string): Promise<number> {
  const partial = `${file}.part`;
  const handle = await open(partial, 'w');
  let count = 0;
  try {
    let startKey: Item | undefined;
    do {
      const page = await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: startKey }));
      const lines = (page.Items ?? []).map((item) => `${JSON.stringify(item)}\n`).join('');
      if (lines) await handle.write(lines);
      count += page.Items?.length ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(partial, file);
  return count;
}

/** The table's status, or undefined when there is none. */
export async function tableStatus(client: DynamoDBClient, tableName: string): Promise<string | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table?.TableStatus;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

async function until(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 20));
}

async function recreateTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DeleteTableCommand({ TableName: tableName }));
  } catch (error) {
    // Gone already, or being deleted (a crash right after the drop).
    if ((error as Error).name !== 'ResourceNotFoundException' && (error as Error).name !== 'ResourceInUseException') throw error;
  }
  await until(async () => (await tableStatus(client, tableName)) === undefined);
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  await until(async () => (await tableStatus(client, tableName)) === 'ACTIVE');
}

async function writeBatch(client: DynamoDBClient, tableName: string, items: Item[]): Promise<void> {
  await untilProcessed(
    'BatchWriteItem',
    items.map((item) => ({ PutRequest: { Item: item } })),
    async (pending) => (await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }))).UnprocessedItems?.[tableName] as typeof pending,
  );
}

async function loadItems(client: DynamoDBClient, tableName: string, file: string): Promise<number> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  const inFlight = new Set<Promise<void>>();
  let batch: Item[] = [];
  let count = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const write = writeBatch(client, tableName, batch).finally(() => inFlight.delete(write));
    inFlight.add(write);
    batch = [];
    if (inFlight.size >= WRITES_IN_FLIGHT) await Promise.race(inFlight);
  };
  for await (const line of lines) {
    if (!line) continue;
    batch.push(JSON.parse(line) as Item);
    count += 1;
    if (batch.length === WRITE_BATCH) await flush();
  }
  await flush();
  await Promise.all(inFlight);
  return count;
}

/**
 * Gives the table every index of the definition, keeping its items (see the file's comment); finishes
 * an upgrade a crash interrupted. Returns the number of items carried over, or undefined if the table
 * was current.
 */
export async function upgradeTable(
  client: DynamoDBClient,
  tableName: string,
  workDir: string,
  progress: (line: string) => void = () => undefined,
): Promise<number | undefined> {
  const file = join(workDir, TABLE_UPGRADE_FILE);
  if (!(await upgradePending(workDir))) {
    const missing = await missingIndexes(client, tableName);
    if (missing.length === 0) return undefined;
    progress(`正在为本地数据表增加索引（${missing.join('、')}）：先保存全部数据…`);
    await saveItems(client, tableName, file);
  }
  await recreateTable(client, tableName);
  const count = await loadItems(client, tableName, file);
  await rm(file);
  progress(`本地数据表已升级，${count} 条数据已写回`);
  return count;
}
