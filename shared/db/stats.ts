/**
 * Reads of the rollup counters, the institution entries and the feed. Every function is one GetItem,
 * one Query (paged only within a partition whose size depends on regions, periods or institutions,
 * never on orders) or one BatchGetItem by key.
 */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { findRegion, NATION_CODE } from '#shared/reference/regions';
import type { CounterItem } from '#shared/rollups/counter-items';
import { RANK_INDEX_GENERATION, ROLLUP_GENERATION } from '#shared/rollups/generation';
import type { InstitutionEntry } from '#shared/rollups/institution-entries';
import { RANK_PARTITION_ATTRIBUTE, rankIndexName, type InstitutionRankColumn } from './table';
import { batchGetItems } from './batch';
import { documentClient, tableName } from './client';
import { queryAll } from './expressions';
import {
  ALL_TIME,
  dayStatKey,
  INSTITUTION_STAT_SK_PREFIX,
  institutionEntryPartition,
  nationInstitutionEntryKey,
  REGION_STAT_SK_PREFIX,
  regionStatKey,
  regionTrendIndexKey,
  rollupGenerationKey,
  STAT_ROOT,
  type FeedKind,
  type StatPeriod,
} from './keys';

export type { CounterItem };

/** The parent under which a region's own counters are stored. */
export function statParent(regionCode: string): string {
  if (regionCode === NATION_CODE) return STAT_ROOT;
  const region = findRegion(regionCode);
  return region?.parentCode ?? NATION_CODE;
}

/** A region's counters in a period (empty when nothing happened). One GetItem. */
export async function getRegionCounters(regionCode: string, period: StatPeriod): Promise<CounterItem> {
  const result = await documentClient().send(
    new GetCommand({ TableName: tableName(), Key: regionStatKey(statParent(regionCode), period, regionCode) }),
  );
  return result.Item ?? {};
}

/** The counters of every child of a region that has any, by child code. One Query. */
export async function getChildCounters(regionCode: string, period: StatPeriod): Promise<Map<string, CounterItem>> {
  const items = await queryAll({
    TableName: tableName(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': regionStatKey(regionCode, period, '').pk, ':prefix': REGION_STAT_SK_PREFIX },
  });
  return new Map(items.map((item) => [String(item.regionCode), item]));
}

/** A region's year items between two years, or one year's month items. One Query on the trend index. */
export async function getTrendCounters(regionCode: string, grain: { years: [number, number] } | { monthsOf: number }): Promise<Map<string, CounterItem>> {
  const sample = 'years' in grain ? `Y${grain.years[0]}` : `M${grain.monthsOf}-01`;
  const index = regionTrendIndexKey(regionCode, sample)!;
  const [from, to] = 'years' in grain ? [String(grain.years[0]), String(grain.years[1])] : [`${grain.monthsOf}-01`, `${grain.monthsOf}-12`];
  const items = await queryAll({
    TableName: tableName(),
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': index.gsi1pk, ':from': from, ':to': to },
  });
  return new Map(items.map((item) => [String(item.gsi1sk), item]));
}

/** A region's day items between two `yyyymmdd` days. One Query. */
export async function getDayCounters(regionCode: string, fromDay: string, toDay: string): Promise<Map<string, CounterItem>> {
  const items = await queryAll({
    TableName: tableName(),
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': dayStatKey(regionCode, '').pk, ':from': fromDay, ':to': toDay },
  });
  return new Map(items.map((item) => [String(item.sk), item]));
}

/** Per-institution counters of a scope and period, by institution id. One Query. */
export async function getInstitutionCounters(scopeCode: string, period: StatPeriod): Promise<Map<number, CounterItem>> {
  const items = await queryAll({
    TableName: tableName(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': `STATI#${scopeCode}#${period}`, ':prefix': INSTITUTION_STAT_SK_PREFIX },
  });
  return new Map(items.map((item) => [Number(String(item.sk).slice(INSTITUTION_STAT_SK_PREFIX.length)), item]));
}

/** The generation of the rollup items stored (0: written before generations were recorded, or never). */
export async function storedRollupGeneration(): Promise<number> {
  const { Item } = await documentClient().send(new GetCommand({ TableName: tableName(), Key: rollupGenerationKey, ConsistentRead: true }));
  return Number(Item?.generation ?? 0);
}

/**
 * Records the current rollup generation in a store that has no rollup items yet (a new table): what
 * the rollup writes from now on is of this generation. A store with items and no record is older and
 * needs a rebuild instead (tools/rollups.ts, `upgradeRollups`). True if it recorded it.
 */
export async function recordGenerationOfNewStore(now: Date = new Date()): Promise<boolean> {
  if ((await storedRollupGeneration()) > 0) return false;
  const nationKey = regionStatKey(STAT_ROOT, ALL_TIME, NATION_CODE);
  const nation = await documentClient().send(new GetCommand({ TableName: tableName(), Key: nationKey, ConsistentRead: true }));
  if (nation.Item) return false;
  try {
    await recordRollupGeneration(now, { ifAbsent: true });
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/** Records that the store's rollup items are of the current generation (after a rebuild, or in a new store). */
export async function recordRollupGeneration(now: Date, options: { ifAbsent?: boolean } = {}): Promise<void> {
  await documentClient().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...rollupGenerationKey, entity: 'rollup-generation', generation: ROLLUP_GENERATION, recordedAt: now.toISOString() },
      ...(options.ifAbsent ? { ConditionExpression: 'attribute_not_exists(pk)' } : {}),
    }),
  );
}

let rankIndexesComplete = false;

/**
 * True once the rollup items are of a generation that fills the rank indexes (a store only moves
 * forward, so a function instance asks until the answer is yes, then never again).
 */
export async function rankIndexesReady(): Promise<boolean> {
  rankIndexesComplete ||= (await storedRollupGeneration()) >= RANK_INDEX_GENERATION;
  return rankIndexesComplete;
}

/** Where institutions are listed: the nation, or a province narrowed to a city and a district. */
export interface EntryScope {
  provinceCode?: string;
  cityCode?: string;
  districtCode?: string;
}

const ENTRY_ATTRIBUTES = ['id', 'type', 'fullName', 'shortName', 'logoKey', 'status', 'provinceCode', 'cityCode', 'districtCode'] as const;
const entryOf = (item: Record<string, unknown>): InstitutionEntry =>
  Object.fromEntries(ENTRY_ATTRIBUTES.map((name) => [name, item[name]])) as unknown as InstitutionEntry;

/**
 * The entries of the institutions located in a scope, of one type if asked: one Query of the nation's
 * or the province's entry partition (a city by its sort-key prefix, a district filtered).
 */
export async function queryInstitutionEntries(scope: EntryScope, type?: string): Promise<InstitutionEntry[]> {
  const values: Record<string, unknown> = { ':pk': institutionEntryPartition(scope.provinceCode ?? NATION_CODE) };
  let keyCondition = 'pk = :pk';
  if (scope.provinceCode && scope.cityCode) {
    keyCondition += ' AND begins_with(sk, :city)';
    values[':city'] = `${scope.cityCode}#`;
  }
  const filters: string[] = [];
  if (scope.provinceCode && scope.districtCode) {
    filters.push('districtCode = :district');
    values[':district'] = scope.districtCode;
  }
  if (type) {
    filters.push('#type = :type');
    values[':type'] = type;
  }
  const items = await queryAll({
    TableName: tableName(),
    KeyConditionExpression: keyCondition,
    ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
    ...(type ? { ExpressionAttributeNames: { '#type': 'type' } } : {}),
    ExpressionAttributeValues: values,
  });
  return items.map(entryOf);
}

/** Entries by institution id from the nation's partition (BatchGetItem, 100 keys a call); gone ones are absent. */
export async function getInstitutionEntries(ids: readonly number[]): Promise<Map<number, InstitutionEntry>> {
  const items = await batchGetItems(ids.map((id) => ({ ...nationInstitutionEntryKey(NATION_CODE, id) })));
  return new Map(items.map((item) => [Number(item.id), entryOf(item)]));
}

/** One page of a rank index: institution ids with their value, largest first, above zero. */
export async function queryRankIndex(
  partition: string,
  column: InstitutionRankColumn,
  limit: number,
  startKey?: Record<string, unknown>,
): Promise<{ entries: { institutionId: number; value: number }[]; nextKey?: Record<string, unknown> }> {
  const result = await documentClient().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: rankIndexName(column),
      KeyConditionExpression: '#p = :p AND #v > :zero',
      ExpressionAttributeNames: { '#p': RANK_PARTITION_ATTRIBUTE, '#v': column },
      ExpressionAttributeValues: { ':p': partition, ':zero': 0 },
      ScanIndexForward: false,
      Limit: limit,
      ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    }),
  );
  return {
    entries: (result.Items ?? []).map((item) => ({
      institutionId: Number(String(item.sk).slice(INSTITUTION_STAT_SK_PREFIX.length)),
      value: Number(item[column]),
    })),
    ...(result.LastEvaluatedKey ? { nextKey: result.LastEvaluatedKey } : {}),
  };
}

export interface FeedPage {
  items: CounterItem[];
  nextKey?: Record<string, unknown>;
}

/** One page of a region's feed, newest first; all kinds (table) or one kind (gsi3). One Query. */
export async function getFeedPage(regionCode: string, kind: FeedKind | undefined, limit: number, startKey?: Record<string, unknown>): Promise<FeedPage> {
  const page = await documentClient().send(
    new QueryCommand({
      TableName: tableName(),
      ...(kind
        ? { IndexName: 'gsi3', KeyConditionExpression: 'gsi3pk = :pk', ExpressionAttributeValues: { ':pk': `FEED#${regionCode}#${kind}` } }
        : { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `FEED#${regionCode}` } }),
      ScanIndexForward: false,
      Limit: limit,
      ExclusiveStartKey: startKey,
    }),
  );
  return { items: page.Items ?? [], ...(page.LastEvaluatedKey ? { nextKey: page.LastEvaluatedKey } : {}) };
}
