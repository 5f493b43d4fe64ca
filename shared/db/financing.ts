/**
 * Repository of the financing data the portals send: enterprises, products and orders. Each write
 * is conditional on the version it was computed from, so two writers can never both apply a change
 * to the same record; the event ids stored on the item make redelivery harmless.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { FinancingItem, InstitutionRef } from '#shared/financing/model';
import type { CreditCodeHolder } from '#shared/financing/quality';
import { batchGetItems } from './batch';
import { documentClient, tableName } from './client';
import { creditCodeIndexKey, financingKey, openDemandIndexKeys, type FinancingKind } from './keys';

export class StaleRecordError extends Error {
  constructor() {
    super('the record changed since it was read');
    this.name = 'StaleRecordError';
  }
}

function strip<T>(item: Record<string, unknown> | undefined): T | undefined {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, gsi3pk: _e, gsi3sk: _f, ...rest } = item;
  return rest as T;
}

export function financingItemId(item: FinancingItem): string {
  if (item.entity === 'enterprise') return item.enterpriseId;
  if (item.entity === 'product') return item.productId;
  return item.orderId;
}

/**
 * The index keys an item carries in its current state: a waiting order its open-demand index entries
 * (督办), an enterprise its credit-code entry (数据质量). Rewriting the item without them removes them.
 */
export function financingIndexKeys(item: FinancingItem): Record<string, string> {
  if (item.entity === 'enterprise') return creditCodeIndexKey(item.creditCode, item.registeredAt, item.enterpriseId);
  if (item.entity === 'order') {
    if (item.status === 'submitted') return openDemandIndexKeys('submitted', item.provinceCode, item.cityCode, item.submittedAt, item.orderId);
    if (item.status === 'docking' && item.acceptedAt) return openDemandIndexKeys('docking', item.provinceCode, item.cityCode, item.acceptedAt, item.orderId);
  }
  return {};
}

/** The stored form of an item (keys and index keys added). The bulk loaders write exactly this too. */
export function financingRecord(item: FinancingItem): Record<string, unknown> {
  return { ...financingKey(item.entity, financingItemId(item)), ...financingIndexKeys(item), ...item };
}

export async function getFinancingItem<T extends FinancingItem>(kind: FinancingKind, id: string): Promise<T | undefined> {
  const result = await documentClient().send(
    new GetCommand({ TableName: tableName(), Key: financingKey(kind, id), ConsistentRead: true }),
  );
  return strip<T>(result.Item);
}

/**
 * Writes `next` if the stored item still has `expectedVersion` (0: must not exist yet).
 * Throws StaleRecordError otherwise.
 */
export async function putFinancingItem(next: FinancingItem, expectedVersion: number): Promise<void> {
  try {
    await documentClient().send(
      new PutCommand({
        TableName: tableName(),
        Item: financingRecord(next),
        ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
        ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':expected': expectedVersion } }),
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw new StaleRecordError();
    throw error;
  }
}

/** The key of a financing record in the maps below: `enterprise#E1`, `order#O7`. */
export const financingRefKey = (kind: FinancingKind, id: string) => `${kind}#${id}`;

/** What {@link readFinancing} found: records by {@link financingRefKey}, institutions by id (absent: no such item). */
export interface FinancingReads {
  records: Map<string, FinancingItem>;
  institutions: Map<number, InstitutionRef>;
}

const KIND_OF_PARTITION: Record<string, FinancingKind> = { ENTERPRISE: 'enterprise', PRODUCT: 'product', ORDER: 'order' };

/**
 * Reads financing records and institutions together with strongly consistent BatchGetItems, 100 keys
 * a call and the calls in parallel: one round trip for everything an ingestion batch needs.
 */
export async function readFinancing(records: readonly { kind: FinancingKind; id: string }[], institutionIds: readonly number[]): Promise<FinancingReads> {
  const keys: Record<string, unknown>[] = [
    ...records.map(({ kind, id }) => ({ ...financingKey(kind, id) })),
    ...institutionIds.map((id) => ({ pk: `INSTITUTION#${id}`, sk: 'INSTITUTION' })),
  ];
  const found = await batchGetItems(keys, { consistentRead: true, concurrency: Math.ceil(keys.length / 100) });
  const reads: FinancingReads = { records: new Map(), institutions: new Map() };
  for (const item of found) {
    const [prefix, ...rest] = String(item.pk).split('#');
    if (prefix === 'INSTITUTION') {
      const ref = institutionRefOf(item);
      reads.institutions.set(ref.id, ref);
    } else if (KIND_OF_PARTITION[prefix!]) {
      reads.records.set(financingRefKey(KIND_OF_PARTITION[prefix!]!, rest.join('#')), strip<FinancingItem>(item)!);
    }
  }
  return reads;
}

function institutionRefOf(item: Record<string, unknown>): InstitutionRef {
  return {
    id: Number(item.id),
    type: String(item.type),
    fullName: String(item.fullName),
    districtCode: String(item.districtCode),
    cityCode: String(item.cityCode),
    provinceCode: String(item.provinceCode),
    status: String(item.status),
  };
}

/** The facts an event needs about an institution, or undefined when it does not exist. */
export async function getInstitutionRef(id: number): Promise<InstitutionRef | undefined> {
  const result = await documentClient().send(
    new GetCommand({ TableName: tableName(), Key: { pk: `INSTITUTION#${id}`, sk: 'INSTITUTION' }, ConsistentRead: true }),
  );
  const item = result.Item;
  if (!item) return undefined;
  return institutionRefOf(item);
}

/** The most holders of one credit code read (a warning names up to three). */
const HOLDERS_READ = 20;

/**
 * The enterprises registered under each credit code (the credit-code index, gsi1): one Query per
 * code, all side by side. The index is eventually consistent: a registration written a moment ago
 * by another request may be missing (docs/data-model.md, "Data-quality warnings").
 */
export async function readCreditCodeHolders(creditCodes: readonly string[]): Promise<Map<string, CreditCodeHolder[]>> {
  const entries = await Promise.all(
    [...new Set(creditCodes)].map(async (code) => {
      const page = await documentClient().send(
        new QueryCommand({
          TableName: tableName(),
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': creditCodeIndexKey(code, '', '').gsi1pk },
          ProjectionExpression: 'enterpriseId, #name',
          ExpressionAttributeNames: { '#name': 'name' },
          Limit: HOLDERS_READ,
        }),
      );
      return [code, (page.Items ?? []).map((item) => ({ enterpriseId: String(item.enterpriseId), name: String(item.name) }))] as const;
    }),
  );
  return new Map(entries);
}
