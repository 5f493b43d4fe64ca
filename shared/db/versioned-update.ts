/**
 * The one optimistic-locking update of the project (accounts, institutions, specialists): apply a
 * change set only if the stored version is still the one the caller read, and bump the version in
 * the same write. A stale version is a 409 naming the stored version, a vanished item a 404 — never
 * a lost update (docs/data-model.md, "Write protocols").
 */
import { ConditionalCheckFailedException, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { VersionConflictError } from '#shared/http/errors';
import { documentClient, tableName } from './client';
import { changeClauses } from './expressions';
import type { ItemKey } from './keys';

export const isConditionFailure = (error: unknown): error is ConditionalCheckFailedException =>
  error instanceof ConditionalCheckFailedException || (error as Error | undefined)?.name === 'ConditionalCheckFailedException';

/** The item under `key` (consistent read), or undefined. */
export async function getItemConsistent(key: ItemKey): Promise<Record<string, unknown> | undefined> {
  const result = await documentClient().send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }));
  return result.Item;
}

/**
 * The item a refused conditional write hands back (ReturnValuesOnConditionCheckFailure). The document
 * client leaves it in attribute-value form, so it is unmarshalled here.
 */
export function storedItemOf(error: ConditionalCheckFailedException): Record<string, unknown> | undefined {
  const item = (error as { Item?: Record<string, unknown> }).Item;
  if (!item) return undefined;
  const isMarshalled = Object.values(item).every((value) => typeof value === 'object' && value !== null && Object.keys(value).length === 1);
  return isMarshalled ? unmarshall(item as Record<string, AttributeValue>) : item;
}

export interface VersionedUpdate {
  key: ItemKey;
  /** The version the change was computed from. */
  expectedVersion: number;
  /** Attribute → new value; `''` and `null` remove the attribute, `undefined` leaves it alone. */
  changes: Record<string, unknown>;
  /** Attributes to add to besides `version` (e.g. `tokenVersion: 1` revokes sessions in the same write). */
  increments?: Record<string, number>;
  now?: Date;
  /** The error for a vanished item (404 of the entity). */
  notFound: () => Error;
}

/**
 * Applies the update and returns the item as stored afterwards.
 * @throws VersionConflictError 409 when the stored version differs (it names the stored version).
 * @throws the `notFound()` error when the item is gone.
 */
export async function updateIfVersion(update: VersionedUpdate): Promise<Record<string, unknown>> {
  const names: Record<string, string> = { '#version': 'version', '#updatedAt': 'updatedAt' };
  const values: Record<string, unknown> = { ':expected': update.expectedVersion, ':one': 1, ':now': (update.now ?? new Date()).toISOString() };
  const { sets, removes } = changeClauses(update.changes, names, values);
  sets.unshift('#updatedAt = :now');
  const adds = ['#version :one'];
  for (const [name, amount] of Object.entries(update.increments ?? {})) {
    names[`#${name}`] = name;
    values[`:inc_${name}`] = amount;
    adds.push(`#${name} :inc_${name}`);
  }
  try {
    const result = await documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: update.key,
        UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''} ADD ${adds.join(', ')}`,
        ConditionExpression: 'attribute_exists(pk) AND #version = :expected',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
        // DynamoDB hands back the stored item with the refusal; the local stand-in does not, so
        // the fallback below reads it.
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return result.Attributes ?? {};
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const stored = storedItemOf(error) ?? (await getItemConsistent(update.key));
    if (!stored) throw update.notFound();
    throw new VersionConflictError(Number(stored.version));
  }
}
