/**
 * Reads and the one write behind 数据质量 (docs/data-model.md, "Data-quality warnings"): the list of
 * warnings the rollup keeps (shared/rollups/quality.ts), a page of a few bounded Queries; and marking
 * a warning checked, one conditional UpdateItem on the record that carries it.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { FinancingItem } from '#shared/financing/model';
import type { QualityRule } from '#shared/financing/quality';
import { documentClient, tableName } from './client';
import { filteredPage, invalidCursor, parseCursor, type FilteredPage } from './cursor';
import { getFinancingItem } from './financing';
import { financingKey, type FinancingKind } from './keys';

export interface QualityFlagQuery {
  /** The list of a region: the nation, a province or a city (a district reads its city's and filters). */
  regionCode: string;
  districtCode?: string;
  rule?: QualityRule;
  status?: 'checked' | 'unchecked';
  /** Inclusive ISO instants of when the warnings were raised. */
  from: string;
  to: string;
  limit: number;
  cursor?: string;
}

const FLAG_SORT_KEY = /^\d{4}-\d{2}-\d{2}T[\d:.]+Z#([a-z-]+#)?(order|enterprise|product)#[A-Za-z0-9._:-]{1,64}$/;

/** A cursor is good only for the list it came from (the same region and rule). */
function decodeCursor(text: string, regionCode: string, rule: string | undefined): Record<string, string> {
  const key = parseCursor(text);
  if (key.pk !== `QFLAG#${regionCode}` || typeof key.sk !== 'string' || !FLAG_SORT_KEY.test(key.sk)) invalidCursor();
  if (!rule) return { pk: key.pk as string, sk: key.sk as string };
  if (key.gsi3pk !== `QFLAG#${regionCode}#${rule}` || typeof key.gsi3sk !== 'string' || !FLAG_SORT_KEY.test(key.gsi3sk)) invalidCursor();
  return { pk: key.pk as string, sk: key.sk as string, gsi3pk: key.gsi3pk as string, gsi3sk: key.gsi3sk as string };
}

/** One page of a region's warnings, newest first, filtered by DynamoDB (`filteredPage`: at most ten Queries). */
export async function queryQualityFlags(query: QualityFlagQuery): Promise<FilteredPage> {
  const byRule = query.rule !== undefined;
  const [pkName, skName] = byRule ? ['gsi3pk', 'gsi3sk'] : ['pk', 'sk'];
  const clauses: string[] = [];
  const values: Record<string, unknown> = {
    ':pk': byRule ? `QFLAG#${query.regionCode}#${query.rule}` : `QFLAG#${query.regionCode}`,
    ':from': query.from,
    ':to': `${query.to}#~`,
  };
  if (query.districtCode) {
    clauses.push('districtCode = :district');
    values[':district'] = query.districtCode;
  }
  if (query.status === 'checked') clauses.push('attribute_exists(checkedAt)');
  if (query.status === 'unchecked') clauses.push('attribute_not_exists(checkedAt)');
  return filteredPage(
    {
      TableName: tableName(),
      ...(byRule ? { IndexName: 'gsi3' } : {}),
      KeyConditionExpression: `${pkName} = :pk AND ${skName} BETWEEN :from AND :to`,
      ...(clauses.length > 0 ? { FilterExpression: clauses.join(' AND ') } : {}),
      ExpressionAttributeValues: values,
      ScanIndexForward: false,
    },
    {
      limit: query.limit,
      ...(query.cursor ? { startKey: decodeCursor(query.cursor, query.regionCode, query.rule) } : {}),
      keyOf: (row) => ({ pk: row.pk, sk: row.sk, ...(byRule ? { gsi3pk: row.gsi3pk, gsi3sk: row.gsi3sk } : {}) }),
    },
  );
}

/** Why a warning could not be marked checked. */
export type CheckRefusal = { reason: 'missing' } | { reason: 'stale'; version: number } | { reason: 'checked'; record: FinancingItem };

/**
 * Marks a record's warning checked: one UpdateItem conditional on the version the user saw, the
 * warning being there and not checked yet; it bumps the version (so a concurrent ingestion write,
 * conditional on the version it read, re-reads and keeps the check). Returns the record as stored
 * after the write, or why it was refused.
 */
export async function markQualityChecked(
  kind: FinancingKind,
  id: string,
  rule: QualityRule,
  expectedVersion: number,
  check: { at: string; by: { accountId: number; name: string }; note?: string },
): Promise<{ record: FinancingItem } | CheckRefusal> {
  try {
    const result = await documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: financingKey(kind, id),
        UpdateExpression: `SET quality.#rule.checkedAt = :at, quality.#rule.checkedBy = :by${check.note ? ', quality.#rule.checkNote = :note' : ''}, #version = :next`,
        ConditionExpression: '#version = :expected AND attribute_exists(quality.#rule) AND attribute_not_exists(quality.#rule.checkedAt)',
        ExpressionAttributeNames: { '#rule': rule, '#version': 'version' },
        ExpressionAttributeValues: { ':at': check.at, ':by': check.by, ':expected': expectedVersion, ':next': expectedVersion + 1, ...(check.note ? { ':note': check.note } : {}) },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { record: stripped(result.Attributes!) };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const current = await getFinancingItem(kind, id);
    if (!current?.quality?.[rule]) return { reason: 'missing' };
    if (current.version !== expectedVersion) return { reason: 'stale', version: current.version };
    return { reason: 'checked', record: current };
  }
}

function stripped(item: Record<string, unknown>): FinancingItem {
  const { pk: _pk, sk: _sk, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, gsi3pk: _e, gsi3sk: _f, ...rest } = item;
  return rest as unknown as FinancingItem;
}
