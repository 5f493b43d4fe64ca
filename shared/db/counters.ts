/** Atomic id counters: one UpdateItem ADD per new id, so concurrent creates never share an id. */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from './client';
import { idCounterKey } from './keys';

/** The next numeric id of an entity (1, 2, 3, …). */
export async function nextId(entity: string): Promise<number> {
  const result = await documentClient().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: idCounterKey(entity),
      UpdateExpression: 'SET entity = :entity ADD #value :one',
      ExpressionAttributeNames: { '#value': 'value' },
      ExpressionAttributeValues: { ':one': 1, ':entity': 'counter' },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(result.Attributes?.value);
}
