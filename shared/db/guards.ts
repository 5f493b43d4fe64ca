/**
 * Uniqueness without transactions (docs/data-model.md, "Write protocols"): a guard item keyed by the
 * unique value (an institution's normalised full name in its city, a specialist's phone) is put
 * conditionally *before* the record that owns it; the record stores the guard's random token.
 *
 * A crashed request must not block a value for good: a guard whose owner never got written, or that
 * its owner no longer holds (the tokens differ), is abandoned once it is older than
 * {@link WRITE_SETTLE_MS}, and a later claim takes it over, conditional on its token. Releases are
 * conditional on the token too, so nobody ever deletes a guard another owner has claimed since.
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { logger } from '#shared/http/logger';
import { documentClient, tableName } from './client';
import type { ItemKey } from './keys';
import { getItemConsistent, isConditionFailure } from './versioned-update';

/**
 * Longer than any writer can spend between two steps of one change: API functions time out after
 * 29 seconds and no Lambda runs past 15 minutes. A guard or counter stamp older than this belongs to
 * no request that is still running.
 */
export const WRITE_SETTLE_MS = 20 * 60_000;

/** Runs a clean-up step whose failure must not undo a change that already happened; logs it instead. */
export async function bestEffort(step: string, fields: Record<string, unknown>, work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    logger.error(`${step} failed; left for self-healing or the reconcile`, { ...fields, error: error as Error });
  }
}

export interface GuardClaim {
  key: ItemKey;
  entity: string;
  /** Identifies the owner record on the guard (for the abandonment check and for people reading it). */
  owner: Record<string, string | number>;
  /** True when the guard's owner exists and still holds this guard (its token equals the guard's). */
  isHeld: (guard: Record<string, unknown>) => Promise<boolean>;
}

function isAbandonable(guard: Record<string, unknown>, now: Date): boolean {
  const claimedAt = Date.parse(String(guard.claimedAt ?? ''));
  return !Number.isFinite(claimedAt) || now.getTime() - claimedAt > WRITE_SETTLE_MS;
}

/**
 * Claims a guard: a conditional put, or the takeover of an abandoned guard conditional on its token.
 * Resolves to the new token, or undefined when a live owner holds the guard.
 */
export async function claimGuard(claim: GuardClaim, now: Date): Promise<string | undefined> {
  const token = randomUUID();
  const item = { ...claim.key, entity: claim.entity, ...claim.owner, token, claimedAt: now.toISOString() };
  // A few rounds at most: each lost round means another writer claimed or released it meanwhile.
  for (let round = 0; round < 3; round += 1) {
    try {
      await documentClient().send(new PutCommand({ TableName: tableName(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
      return token;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const current = await getItemConsistent(claim.key);
    if (!current) continue;
    if (!isAbandonable(current, now) || (await claim.isHeld(current))) return undefined;
    try {
      await documentClient().send(
        new PutCommand({
          TableName: tableName(),
          Item: item,
          ConditionExpression: '#token = :seen',
          ExpressionAttributeNames: { '#token': 'token' },
          ExpressionAttributeValues: { ':seen': current.token },
        }),
      );
      logger.warn('guards: took over an abandoned guard', { pk: claim.key.pk, previousOwner: current });
      return token;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
  return undefined;
}

/** Deletes a guard if it still carries `token` (never one that another owner has claimed since). */
export async function releaseGuard(key: ItemKey, token: string): Promise<void> {
  try {
    await documentClient().send(
      new DeleteCommand({
        TableName: tableName(),
        Key: key,
        ConditionExpression: '#token = :token',
        ExpressionAttributeNames: { '#token': 'token' },
        ExpressionAttributeValues: { ':token': token },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/** A change of a guarded value: the guard to claim for the new value, the one the record holds now. */
export interface GuardSwap {
  next: GuardClaim;
  previous: { key: ItemKey; token: string };
  /** The token the record holds now (to tell, after a failed update, whether it landed after all). */
  heldToken: () => Promise<string | undefined>;
}

/**
 * Runs `update` for a record whose guarded value may change. With a swap, the new value's guard is
 * claimed first (`taken()` is thrown when a live owner holds it) and its token passed to `update`;
 * after a failed update the new guard is released unless the record holds it after all, after a
 * successful one the previous guard is released.
 */
export async function updateWithGuardSwap<T>(
  swap: GuardSwap | undefined,
  taken: () => Error,
  now: Date,
  update: (newToken: string | undefined) => Promise<T>,
): Promise<T> {
  let token: string | undefined;
  if (swap) {
    token = await claimGuard(swap.next, now);
    if (!token) throw taken();
  }
  let result: T;
  try {
    result = await update(token);
  } catch (error) {
    if (swap && token) {
      const claimed = token;
      await bestEffort('releasing the guard of a failed change', { guard: swap.next.key.pk }, async () => {
        if ((await swap.heldToken()) !== claimed) await releaseGuard(swap.next.key, claimed);
      });
    }
    throw error;
  }
  if (swap) {
    await bestEffort('releasing the previous guard', { guard: swap.previous.key.pk }, () => releaseGuard(swap.previous.key, swap.previous.token));
  }
  return result;
}
