/**
 * Institution (金融机构) repository. There are no transactions (docs/data-model.md, "Write
 * protocols"): every multi-item change is a sequence of conditional writes ordered so that a failure
 * between two steps leaves a safe state.
 *
 * - **Unique full names per city:** a guard item keyed by the normalised name is claimed before the
 *   institution is written (`guards.ts`); a rename swaps guards the same way.
 * - **Specialists:** each institution counts its specialists (`specialist-counter.ts`); the delete
 *   is one DeleteItem conditional on that counter being 0, so a specialist can never outlive its
 *   institution and there is no "being deleted" state in which a create could slip in.
 */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError, VersionConflictError } from '#shared/http/errors';
import type { InstitutionTypeCode } from '#shared/reference/institution-types';
import { batchGetItems } from './batch';
import { documentClient, tableName } from './client';
import { nextId } from './counters';
import { queryAll, stripKeys } from './expressions';
import { bestEffort, claimGuard, releaseGuard, updateWithGuardSwap, type GuardClaim } from './guards';
import {
  institutionCityPrefix,
  institutionKey,
  institutionListIndexKey,
  institutionListPartition,
  institutionNameGuardKey,
  normalizeInstitutionName,
} from './keys';
import { getItemConsistent, isConditionFailure, updateIfVersion } from './versioned-update';

/** 启用 / 禁用. */
export type InstitutionStatus = 'enabled' | 'disabled';

/** The only institution level the console creates: 入驻机构 (settled on the platform). */
export const INSTITUTION_LEVEL = 'settled';

/** An institution as stored (key attributes stripped). */
export interface InstitutionRecord {
  id: number;
  type: InstitutionTypeCode;
  /** 所属机构, free text. */
  parentName?: string;
  fullName: string;
  shortName: string;
  logoKey: string;
  /** 所在区域; implies the city and the province. */
  districtCode: string;
  cityCode: string;
  provinceCode: string;
  address?: string;
  sortOrder: number;
  intro?: string;
  status: InstitutionStatus;
  level: typeof INSTITUTION_LEVEL;
  /** Never lower than the number of specialists (see `specialist-counter.ts`). */
  specialistCount: number;
  /** When a counter change last began (ISO time); the reconcile lowers only counters quiet since. */
  specialistCountChangedAt?: string;
  /** The token of the full-name guard this institution holds. */
  nameGuardToken: string;
  createdBy: number;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** What a create supplies; id, level, counter, guard token, version and times are set by the repository. */
export type NewInstitution = Pick<
  InstitutionRecord,
  'type' | 'parentName' | 'fullName' | 'shortName' | 'logoKey' | 'districtCode' | 'cityCode' | 'provinceCode' | 'address' | 'sortOrder' | 'intro' | 'status' | 'createdBy'
>;

/** Editable institution fields; `''` or `null` clears an optional one. The city never changes. */
export type InstitutionChanges = {
  [K in 'type' | 'fullName' | 'shortName' | 'logoKey' | 'districtCode' | 'sortOrder' | 'status']?: InstitutionRecord[K];
} & { [K in 'parentName' | 'address' | 'intro']?: string | null };

/** 404 INSTITUTION_NOT_FOUND: no such institution (or one the caller may not see). */
export class InstitutionNotFoundError extends NotFoundError {
  constructor() {
    super('金融机构不存在', 'INSTITUTION_NOT_FOUND');
  }
}

/** 409 INSTITUTION_NAME_TAKEN: another institution of the city has this full name. */
export class InstitutionNameTakenError extends ConflictError {
  constructor() {
    super('INSTITUTION_NAME_TAKEN', '本市已有同名的金融机构', [{ path: 'body.fullName', message: '机构全称已存在' }]);
  }
}

/** 409 INSTITUTION_HAS_SPECIALISTS: the institution still has specialists; the count is in `details`. */
export class InstitutionHasSpecialistsError extends ConflictError {
  readonly specialistCount: number;

  constructor(specialistCount: number) {
    super('INSTITUTION_HAS_SPECIALISTS', `该机构下还有 ${specialistCount} 名专管员，请先删除专管员`, { specialistCount });
    this.specialistCount = specialistCount;
  }
}

function nameGuard(cityCode: string, fullName: string, institutionId: number): GuardClaim {
  return {
    key: institutionNameGuardKey(cityCode, fullName),
    entity: 'institution-name-guard',
    owner: { institutionId, cityCode, fullName },
    isHeld: async (guard) => (await getInstitution(Number(guard.institutionId)))?.nameGuardToken === guard.token,
  };
}

function institutionItem(record: InstitutionRecord) {
  return {
    ...institutionKey(record.id),
    ...institutionListIndexKey(record.provinceCode, record.cityCode, record.sortOrder, record.id),
    entity: 'institution',
    ...record,
  };
}

/** The institution with this id (consistent read), or undefined. */
export async function getInstitution(id: number): Promise<InstitutionRecord | undefined> {
  const item = await getItemConsistent(institutionKey(id));
  return item?.entity === 'institution' ? stripKeys<InstitutionRecord>(item) : undefined;
}

/** Several institutions by id, 100 keys per BatchGetItem (missing ids are absent from the map). */
export async function getInstitutions(ids: readonly number[]): Promise<Map<number, InstitutionRecord>> {
  const items = await batchGetItems(ids.map((id) => ({ ...institutionKey(id) })));
  const found = new Map<number, InstitutionRecord>();
  for (const item of items) if (item.entity === 'institution') found.set(Number(item.id), stripKeys<InstitutionRecord>(item));
  return found;
}

/**
 * Creates an institution with a new id (or one reserved with `reserveIds`), counter 0 and version 1.
 * Claims the full-name guard of the city first. Throws {@link InstitutionNameTakenError} when the city
 * already has the name.
 */
export async function createInstitution(input: NewInstitution, now: Date = new Date(), reservedId?: number): Promise<InstitutionRecord> {
  const id = reservedId ?? (await nextId('institution'));
  const guard = nameGuard(input.cityCode, input.fullName, id);
  const token = await claimGuard(guard, now);
  if (!token) throw new InstitutionNameTakenError();
  const at = now.toISOString();
  const record: InstitutionRecord = { ...input, id, level: INSTITUTION_LEVEL, specialistCount: 0, nameGuardToken: token, createdAt: at, updatedAt: at, version: 1 };
  try {
    await documentClient().send(new PutCommand({ TableName: tableName(), Item: institutionItem(record), ConditionExpression: 'attribute_not_exists(pk)' }));
  } catch (error) {
    // Release the name only if the put really did not land (a timed-out put may have).
    await bestEffort('releasing the name guard of a failed create', { institutionId: id }, async () => {
      if (!(await getInstitution(id))) await releaseGuard(guard.key, token);
    });
    throw error;
  }
  return record;
}

/** A list query: one province partition, optionally narrowed; filters apply server-side. */
export interface InstitutionQuery {
  provinceCode: string;
  /** Only this city's institutions (`begins_with` on the index). */
  cityCode?: string;
  districtCode?: string;
  /** Fuzzy: part of the full or the short name. */
  name?: string;
  type?: InstitutionTypeCode;
}

/**
 * The institutions of one province, or one city or district of it, optionally filtered by name and
 * type, in index order (city, sort order, id). One Query, paged through; never leaves the partition.
 */
export async function queryInstitutions(query: InstitutionQuery): Promise<InstitutionRecord[]> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':pk': institutionListPartition(query.provinceCode) };
  let keyCondition = 'gsi2pk = :pk';
  if (query.cityCode) {
    keyCondition += ' AND begins_with(gsi2sk, :city)';
    values[':city'] = institutionCityPrefix(query.cityCode);
  }
  const filters: string[] = [];
  if (query.districtCode) {
    filters.push('districtCode = :district');
    values[':district'] = query.districtCode;
  }
  if (query.type) {
    names['#type'] = 'type';
    filters.push('#type = :type');
    values[':type'] = query.type;
  }
  if (query.name) {
    filters.push('(contains(fullName, :name) OR contains(shortName, :name))');
    values[':name'] = query.name;
  }
  const items = await queryAll({
    TableName: tableName(),
    IndexName: 'gsi2',
    KeyConditionExpression: keyCondition,
    ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
    ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
    ExpressionAttributeValues: values,
  });
  return items.map((item) => stripKeys<InstitutionRecord>(item));
}

/** The ids of every institution of a province, from the list index (for the reconcile; not a request path). */
export async function listInstitutionIds(provinceCode: string): Promise<number[]> {
  const items = await queryAll({
    TableName: tableName(),
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :pk',
    ExpressionAttributeNames: { '#id': 'id' },
    ExpressionAttributeValues: { ':pk': institutionListPartition(provinceCode) },
    ProjectionExpression: '#id',
  });
  return items.map((item) => Number(item.id));
}

/**
 * Applies changes to `current` if its version is still `expectedVersion`. A new full name swaps the
 * name guards; a new sort order moves the list-index entry. Never touches the specialist counter.
 * Throws VersionConflictError (stale version), {@link InstitutionNotFoundError} (gone) or
 * {@link InstitutionNameTakenError} (the city has the new name).
 */
export async function updateInstitution(
  current: InstitutionRecord,
  expectedVersion: number,
  changes: InstitutionChanges,
  now: Date = new Date(),
): Promise<InstitutionRecord> {
  // The previous guard is released by the token of `current`: only right if `current` is the version replaced.
  if (expectedVersion !== current.version) throw new VersionConflictError(current.version);
  const renamed = changes.fullName !== undefined && normalizeInstitutionName(changes.fullName) !== normalizeInstitutionName(current.fullName);
  const swap = renamed
    ? {
        next: nameGuard(current.cityCode, changes.fullName!, current.id),
        previous: { key: institutionNameGuardKey(current.cityCode, current.fullName), token: current.nameGuardToken },
        heldToken: async () => (await getInstitution(current.id))?.nameGuardToken,
      }
    : undefined;
  const sortOrderMoved = changes.sortOrder !== undefined && changes.sortOrder !== current.sortOrder;
  const updated = await updateWithGuardSwap(swap, () => new InstitutionNameTakenError(), now, (token) =>
    updateIfVersion({
      key: institutionKey(current.id),
      expectedVersion,
      changes: {
        ...changes,
        ...(token ? { nameGuardToken: token } : {}),
        ...(sortOrderMoved ? { gsi2sk: institutionListIndexKey(current.provinceCode, current.cityCode, changes.sortOrder!, current.id).gsi2sk } : {}),
      },
      now,
      notFound: () => new InstitutionNotFoundError(),
    }),
  );
  return stripKeys<InstitutionRecord>(updated);
}

/**
 * Deletes an institution on the condition that its specialist counter is 0, then releases its name.
 * Throws {@link InstitutionHasSpecialistsError} (with the counter) or {@link InstitutionNotFoundError}.
 */
export async function deleteInstitution(id: number): Promise<InstitutionRecord> {
  let deleted: InstitutionRecord;
  try {
    const result = await documentClient().send(
      new DeleteCommand({
        TableName: tableName(),
        Key: institutionKey(id),
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(specialistCount) OR specialistCount = :zero)',
        ExpressionAttributeValues: { ':zero': 0 },
        ReturnValues: 'ALL_OLD',
      }),
    );
    deleted = stripKeys<InstitutionRecord>(result.Attributes ?? {});
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const latest = await getInstitution(id);
    if (!latest) throw new InstitutionNotFoundError();
    throw new InstitutionHasSpecialistsError(latest.specialistCount);
  }
  await bestEffort('releasing the name guard of a deleted institution', { institutionId: id }, () =>
    releaseGuard(institutionNameGuardKey(deleted.cityCode, deleted.fullName), deleted.nameGuardToken),
  );
  return deleted;
}
