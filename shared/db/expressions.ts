/** Small helpers the repositories share: paged queries, stored items to records, update clauses. */
import { QueryCommand, type QueryCommandInput, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { documentClient } from './client';

/**
 * Every item a Query matches, page after page. Only for partitions whose size is bounded by design
 * (a scope's accounts, a city's institutions, a region's children), never by the number of orders.
 */
export async function queryAll(input: QueryCommandInput): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page: QueryCommandOutput = await documentClient().send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** Attributes that only exist for keys and bookkeeping, never part of a record. */
const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk', 'entity', 'ttl'];

/** A stored item without its key attributes and entity name. */
export function stripKeys<T>(item: Record<string, unknown>): T {
  const record = { ...item };
  for (const key of KEY_ATTRIBUTES) delete record[key];
  return record as T;
}

/**
 * `SET`/`REMOVE` clauses for a change set: `''` and `null` remove the attribute, `undefined` skips it.
 * Names and values are added to the maps given.
 */
export function changeClauses(
  changes: Record<string, unknown>,
  names: Record<string, string>,
  values: Record<string, unknown>,
): { sets: string[]; removes: string[] } {
  const sets: string[] = [];
  const removes: string[] = [];
  for (const [field, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    names[`#${field}`] = field;
    if (value === '' || value === null) {
      removes.push(`#${field}`);
    } else {
      values[`:${field}`] = value;
      sets.push(`#${field} = :${field}`);
    }
  }
  return { sets, removes };
}
