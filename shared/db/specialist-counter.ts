/**
 * The specialist counter on each institution item (docs/data-model.md, "Write protocols"). A
 * specialist create raises it (conditional on the institution existing) *before* it writes the
 * specialist; a delete lowers it *after* the specialist is gone; the institution is deleted only when
 * it is 0. So the counter is never lower than the number of specialists: a failure between the steps
 * leaves it too high, which only blocks the delete, and the reconcile (`tools/specialists.ts`)
 * repairs it.
 *
 * Every step that is about to change the counter (a raise, or the start of a specialist delete)
 * stamps `specialistCountChangedAt` first. The reconcile lowers a counter only when that stamp is
 * older than WRITE_SETTLE_MS (no request can still be between its steps), and only if counter and
 * stamp are unchanged since it read them.
 */
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { logger } from '#shared/http/logger';
import { documentClient, tableName } from './client';
import { institutionKey, SPECIALIST_SK_PREFIX } from './keys';
import { InstitutionNotFoundError } from './institutions';
import { isConditionFailure } from './versioned-update';

/** One conditional UpdateItem of an institution's counter fields; false when the condition refused it. */
async function updateCounter(institutionId: number, expression: string, condition: string, values: Record<string, unknown>): Promise<boolean> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: institutionKey(institutionId),
        UpdateExpression: expression,
        ConditionExpression: condition,
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/**
 * Step 1 of a specialist create: raise the counter, conditional on the institution existing.
 * Throws {@link InstitutionNotFoundError} when it is gone (deleted, possibly a moment ago).
 */
export async function raiseSpecialistCounter(institutionId: number, now: Date): Promise<void> {
  const raised = await updateCounter(institutionId, 'SET specialistCountChangedAt = :now ADD specialistCount :one', 'attribute_exists(pk)', {
    ':now': now.toISOString(),
    ':one': 1,
  });
  if (!raised) throw new InstitutionNotFoundError();
}

/**
 * Before a specialist delete: stamp the counter as changing, so the reconcile leaves it alone. Without
 * an institution the specialist is an orphan (it should not exist); deleting it is still right.
 */
export async function stampSpecialistCounter(institutionId: number, now: Date): Promise<void> {
  await updateCounter(institutionId, 'SET specialistCountChangedAt = :now', 'attribute_exists(pk)', { ':now': now.toISOString() });
}

/** After a specialist delete: lower the counter, never below 0 (that would be drift; it is logged). */
export async function lowerSpecialistCounter(institutionId: number, now: Date): Promise<void> {
  const lowered = await updateCounter(
    institutionId,
    'SET specialistCountChangedAt = :now ADD specialistCount :minusOne',
    'attribute_exists(pk) AND specialistCount > :zero',
    { ':now': now.toISOString(), ':minusOne': -1, ':zero': 0 },
  );
  if (!lowered) logger.error('institutions: specialist counter already 0 or institution gone while deleting a specialist', { institutionId });
}

/** An institution's specialist counter as the reconcile reads it. */
export interface SpecialistCounter {
  specialistCount: number;
  specialistCountChangedAt?: string;
}

/** The stored counter of an institution and its change stamp (consistent read), or undefined. */
export async function readSpecialistCounter(institutionId: number): Promise<SpecialistCounter | undefined> {
  const result = await documentClient().send(
    new GetCommand({
      TableName: tableName(),
      Key: institutionKey(institutionId),
      ConsistentRead: true,
      ProjectionExpression: 'specialistCount, specialistCountChangedAt',
    }),
  );
  if (!result.Item) return undefined;
  return {
    specialistCount: Number(result.Item.specialistCount ?? 0),
    ...(result.Item.specialistCountChangedAt ? { specialistCountChangedAt: String(result.Item.specialistCountChangedAt) } : {}),
  };
}

/** How many specialists the institution's partition holds (consistent Query, counting only). */
export async function countSpecialists(institutionId: number): Promise<number> {
  let count = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': institutionKey(institutionId).pk, ':prefix': SPECIALIST_SK_PREFIX },
        Select: 'COUNT',
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return count;
}

/**
 * Sets the counter to `value` if counter and change stamp are still what `seen` says (the reconcile
 * read them before counting). Resolves false when they changed meanwhile or the institution is gone.
 */
export async function setSpecialistCounter(institutionId: number, seen: SpecialistCounter, value: number): Promise<boolean> {
  const stampCondition = seen.specialistCountChangedAt ? 'specialistCountChangedAt = :stamp' : 'attribute_not_exists(specialistCountChangedAt)';
  return updateCounter(institutionId, 'SET specialistCount = :value', `attribute_exists(pk) AND specialistCount = :stored AND ${stampCondition}`, {
    ':value': value,
    ':stored': seen.specialistCount,
    ...(seen.specialistCountChangedAt ? { ':stamp': seen.specialistCountChangedAt } : {}),
  });
}
