/** Atomic id counters: one UpdateItem ADD per new id (or block of ids), so concurrent creates never share an id. */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from './client';
import { idCounterKey } from './keys';

/** The next numeric id of an entity (1, 2, 3, …). */
export async function nextId(entity: string): Promise<number> {
  return reserveIds(entity, 1);
}

/**
 * Reserves `count` consecutive ids of an entity with one UpdateItem: the first of them is returned,
 * the others follow it. For bulk creation that wants the ids of a serial run without running
 * serially (the demo data set, tools/demo/load.ts).
 */
export async function reserveIds(entity: string, count: number): Promise<number> {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`reserveIds: count must be a positive integer, got ${count}`);
  const result = await documentClient().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: idCounterKey(entity),
      UpdateExpression: 'SET entity = :entity ADD #value :count',
      ExpressionAttributeNames: { '#value': 'value' },
      ExpressionAttributeValues: { ':count': count, ':entity': 'counter' },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(result.Attributes?.value) - count + 1;
}
