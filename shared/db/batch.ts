/**
 * BatchGetItem and BatchWriteItem with their limits (100 keys, 25 writes per call) and their one
 * catch: a throttled batch call succeeds but hands back what it did not do (`UnprocessedKeys`,
 * `UnprocessedItems`). Every batch call of the project goes through {@link untilProcessed}, which asks
 * again for the remainder with one bounded exponential back-off and gives up with
 * {@link UnprocessedItemsError} — never an endless loop, never a silently dropped item.
 */
import { BatchGetItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from './client';

export const BATCH_GET_LIMIT = 100;
export const BATCH_WRITE_LIMIT = 25;

/** How often and how long a batch call's remainder is asked for again. */
export interface BatchRetryPolicy {
  /** Calls in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** About 5 s of waiting at most before giving up: longer than DynamoDB's throttling bursts last. */
export const DEFAULT_BATCH_RETRY: BatchRetryPolicy = { maxAttempts: 8, baseDelayMs: 25, maxDelayMs: 2000 };

/** A batch call still had unprocessed keys or items after every attempt of its retry policy. */
export class UnprocessedItemsError extends Error {
  constructor(
    readonly operation: string,
    readonly remaining: number,
    readonly attempts: number,
  ) {
    super(`${operation}: ${remaining} keys or items still unprocessed after ${attempts} attempts`);
    this.name = 'UnprocessedItemsError';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The wait before attempt `attempt` (2, 3, …): exponential with jitter, capped. */
export function backoffDelay(attempt: number, policy: BatchRetryPolicy = DEFAULT_BATCH_RETRY): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/**
 * Sends `initial`, then whatever each call reports unprocessed, until nothing is left.
 * @throws UnprocessedItemsError when the policy's attempts are used up.
 */
export async function untilProcessed<T>(
  operation: string,
  initial: readonly T[],
  send: (pending: T[]) => Promise<T[] | undefined>,
  policy: BatchRetryPolicy = DEFAULT_BATCH_RETRY,
): Promise<void> {
  let pending = [...initial];
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    if (attempt > policy.maxAttempts) throw new UnprocessedItemsError(operation, pending.length, policy.maxAttempts);
    if (attempt > 1) await sleep(backoffDelay(attempt, policy));
    pending = (await send(pending)) ?? [];
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface BatchGetOptions {
  consistentRead?: boolean;
  client?: DynamoDBDocumentClient;
  /** Calls of 100 keys in flight at once. @default 1 */
  concurrency?: number;
}

/** The items of `keys` that exist (plain values), 100 keys a call, in no particular order. */
export async function batchGetItems(keys: readonly Record<string, unknown>[], options: BatchGetOptions = {}): Promise<Record<string, unknown>[]> {
  const client = options.client ?? documentClient();
  const table = tableName();
  const found: Record<string, unknown>[] = [];
  const all = chunks(keys, BATCH_GET_LIMIT);
  let next = 0;
  const worker = async () => {
    while (next < all.length) await readChunk(all[next++]!);
  };
  const readChunk = async (chunk: Record<string, unknown>[]) =>
    untilProcessed('BatchGetItem', chunk, async (pending) => {
      const result = await client.send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ...(options.consistentRead ? { ConsistentRead: true } : {}) } } }),
      );
      found.push(...(result.Responses?.[table] ?? []));
      return result.UnprocessedKeys?.[table]?.Keys;
    });
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 1, all.length)) }, worker));
  return found;
}

/**
 * The items of `keys` that exist, as attribute-value maps (numbers stay exact strings: the rollup's
 * 38-digit sequence-number marks must not pass through JS numbers).
 */
export async function batchGetRawItems(
  client: DynamoDBClient,
  keys: readonly Record<string, AttributeValue>[],
  options: { consistentRead?: boolean } = {},
): Promise<Record<string, AttributeValue>[]> {
  const table = tableName();
  const found: Record<string, AttributeValue>[] = [];
  for (const chunk of chunks(keys, BATCH_GET_LIMIT)) {
    await untilProcessed('BatchGetItem', chunk, async (pending) => {
      const result = await client.send(
        new BatchGetItemCommand({ RequestItems: { [table]: { Keys: pending, ...(options.consistentRead ? { ConsistentRead: true } : {}) } } }),
      );
      found.push(...(result.Responses?.[table] ?? []));
      return result.UnprocessedKeys?.[table]?.Keys;
    });
  }
  return found;
}

/** A put or a delete of a BatchWriteItem, in plain values. */
export type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } };

export interface BatchWriteOptions {
  client?: DynamoDBDocumentClient;
  /** Calls in flight at once. @default 1 */
  concurrency?: number;
  /** Called after each call of 25 is fully processed, with the number of requests done so far. */
  onProgress?: (done: number, total: number) => void;
}

/** Puts and deletes, 25 a call. Plain idempotent writes only: BatchWriteItem takes no conditions. */
export async function batchWriteItems(requests: readonly WriteRequest[], options: BatchWriteOptions = {}): Promise<void> {
  const client = options.client ?? documentClient();
  const table = tableName();
  const all = chunks(requests, BATCH_WRITE_LIMIT);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < all.length) {
      const chunk = all[next++]!;
      await untilProcessed('BatchWriteItem', chunk, async (pending) => {
        const result = await client.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
        return result.UnprocessedItems?.[table] as WriteRequest[] | undefined;
      });
      done += chunk.length;
      options.onProgress?.(done, requests.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 1, all.length)) }, worker));
}
