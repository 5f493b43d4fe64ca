/**
 * Cursor paging. Opaque page cursors: a JSON value in base64url, handed to the client as is. What a cursor may hold is
 * checked by its list (the same partition, a well-formed sort key), since a client can send anything;
 * a cursor that does not parse, or that its list refuses, answers 400 `INVALID_CURSOR`. And the
 * page of a filtered Query, read on until it is full within a bounded number of Queries.
 */
import { QueryCommand, type QueryCommandInput, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { BadRequestError } from '#shared/http/errors';
import { documentClient } from './client';

/** 400 INVALID_CURSOR. */
export function invalidCursor(): never {
  throw new BadRequestError('INVALID_CURSOR', '分页游标无效', [{ path: 'query.cursor', message: '无效的游标' }]);
}

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** The JSON object a cursor holds, unchecked beyond being an object; {@link invalidCursor} otherwise. */
export function parseCursor(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    invalidCursor();
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalidCursor();
  return value as Record<string, unknown>;
}

/** The most Queries a page of a filtered list may cost; a page cut short still hands back a cursor. */
export const MAX_QUERIES_PER_PAGE = 10;

export interface FilteredPage {
  items: Record<string, unknown>[];
  nextCursor?: string;
  /** Queries this page took (at most {@link MAX_QUERIES_PER_PAGE}). */
  queries: number;
}

/**
 * One page of `limit` rows of a Query whose FilterExpression may drop rows (the 督办 and 数据质量
 * lists): it reads on until the page is full, the partition ends or {@link MAX_QUERIES_PER_PAGE}
 * Queries are spent. The cursor of a full page points just after its last row (`keyOf` gives a row's
 * key as an ExclusiveStartKey); a page cut short by the budget goes on from where the reading stopped.
 */
export async function filteredPage(
  input: Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'>,
  options: { limit: number; startKey?: Record<string, unknown>; keyOf: (row: Record<string, unknown>) => Record<string, unknown> },
): Promise<FilteredPage> {
  const { limit, keyOf } = options;
  const filtered = input.FilterExpression !== undefined;
  const items: Record<string, unknown>[] = [];
  const full = (queries: number): FilteredPage => ({ items, nextCursor: encodeCursor(keyOf(items.at(-1)!)), queries });
  let startKey = options.startKey;
  let queries = 0;
  while (queries < MAX_QUERIES_PER_PAGE) {
    queries += 1;
    const page: QueryCommandOutput = await documentClient().send(
      new QueryCommand({
        ...input,
        // Unfiltered, one row more than the page holds tells whether another page follows.
        Limit: filtered ? Math.max(50, (limit - items.length) * 3) : limit - items.length + 1,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      if (items.length >= limit) return full(queries);
      items.push(item);
    }
    startKey = page.LastEvaluatedKey;
    if (!startKey) return { items, queries };
    if (items.length >= limit) return full(queries);
  }
  return { items, ...(startKey ? { nextCursor: encodeCursor(startKey) } : {}), queries };
}
