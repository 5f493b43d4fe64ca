/**
 * Institution (金融机构) and specialist (专管员) repository.
 *
 * There are no transactions (DESIGN.md §7): every multi-item change is a sequence of conditional
 * writes ordered so that a failure between two steps leaves a safe state.
 *
 * - **Specialist counter.** Each institution counts its specialists. A create raises the counter
 *   (conditional on the institution existing) *before* it writes the specialist; a delete lowers it
 *   *after* the specialist is gone; the institution is deleted only on the condition that the counter
 *   is 0. So the counter is never lower than the number of specialists: a failure between the steps
 *   leaves it too high, which only blocks the delete, and {@link setSpecialistCounter} (the reconcile)
 *   repairs it. A specialist can never outlive its institution. The delete is one conditional
 *   DeleteItem, so there is no "being deleted" state in which a create could slip in: an institution
 *   either exists with its counter, or is gone and every later raise is refused.
 * - **Unique full names per city, unique specialist phones.** A guard item keyed by the normalised
 *   name (or the phone) is put conditionally first; the institution (specialist) is written after it
 *   and records the guard's random token; the guard is released when a later step fails, after a
 *   rename (phone change), and after a delete. A guard whose owner never got written, or that its owner
 *   no longer holds (token differs), is abandoned once it is older than {@link WRITE_SETTLE_MS}; a
 *   later claim takes it over, conditional on its token, so a crashed request never blocks a name or
 *   a phone for good.
 * - **Reconcile markers.** Every step that is about to change the counter (a raise, or the start of a
 *   specialist delete) stamps `specialistCountChangedAt` on the institution first. The reconcile lowers
 *   a counter only when that stamp is older than {@link WRITE_SETTLE_MS}, i.e. when no request can still
 *   be between its steps, and only if counter and stamp are unchanged since it read them.
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { ConflictError, NotFoundError, VersionConflictError } from '#shared/http/errors';
import { logger } from '#shared/http/logger';
import type { InstitutionTypeCode } from '#shared/reference/institution-types';
import { batchGetItems } from './batch';
import { documentClient, tableName } from './client';
import { nextId } from './counters';
import type { Gender } from './accounts';
import {
  institutionCityPrefix,
  institutionKey,
  institutionListIndexKey,
  institutionListPartition,
  institutionNameGuardKey,
  normalizeInstitutionName,
  SPECIALIST_SK_PREFIX,
  specialistKey,
  specialistPhoneGuardKey,
  type ItemKey,
} from './keys';
import { changeClauses, queryAll, stripKeys } from './expressions';

// ---- records and errors ---------------------------------------------------------------------

/** 启用 / 禁用. */
export type InstitutionStatus = 'enabled' | 'disabled';
/** 启用 / 禁用; a disabled specialist cannot sign in to the institution portal. */
export type SpecialistStatus = 'enabled' | 'disabled';

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
  /** Never lower than the number of specialists (see the module comment). */
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
  | 'type'
  | 'parentName'
  | 'fullName'
  | 'shortName'
  | 'logoKey'
  | 'districtCode'
  | 'cityCode'
  | 'provinceCode'
  | 'address'
  | 'sortOrder'
  | 'intro'
  | 'status'
  | 'createdBy'
>;

/** Editable institution fields; `''` or `null` clears an optional one. The city never changes. */
export type InstitutionChanges = {
  [K in 'type' | 'fullName' | 'shortName' | 'logoKey' | 'districtCode' | 'sortOrder' | 'status']?: InstitutionRecord[K];
} & { [K in 'parentName' | 'address' | 'intro']?: string | null };

/** A specialist as stored (key attributes stripped). */
export interface SpecialistRecord {
  id: number;
  institutionId: number;
  /** Unique across all specialists: they sign in to the institution portal with it. */
  phone: string;
  realName: string;
  gender?: Gender;
  department?: string;
  position?: string;
  avatarKey?: string;
  status: SpecialistStatus;
  /** The token of the phone guard this specialist holds. */
  phoneGuardToken: string;
  createdBy: number;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** What a create supplies; id, institution, guard token, version and times are set by the repository. */
export type NewSpecialist = Pick<
  SpecialistRecord,
  'phone' | 'realName' | 'gender' | 'department' | 'position' | 'avatarKey' | 'status' | 'createdBy'
>;

/** Editable specialist fields; `''` or `null` clears an optional one. */
export type SpecialistChanges = {
  [K in 'phone' | 'realName' | 'status']?: SpecialistRecord[K];
} & { gender?: Gender | null } & { [K in 'department' | 'position' | 'avatarKey']?: string | null };

/** 404 INSTITUTION_NOT_FOUND: no such institution (or one the caller may not see). */
export class InstitutionNotFoundError extends NotFoundError {
  constructor() {
    super('金融机构不存在', 'INSTITUTION_NOT_FOUND');
  }
}

/** 404 SPECIALIST_NOT_FOUND: no such specialist in this institution. */
export class SpecialistNotFoundError extends NotFoundError {
  constructor() {
    super('专管员不存在', 'SPECIALIST_NOT_FOUND');
  }
}

/** 409 INSTITUTION_NAME_TAKEN: another institution of the city has this full name. */
export class InstitutionNameTakenError extends ConflictError {
  constructor() {
    super('INSTITUTION_NAME_TAKEN', '本市已有同名的金融机构', [{ path: 'body.fullName', message: '机构全称已存在' }]);
  }
}

/** 409 SPECIALIST_PHONE_TAKEN: another specialist (of any institution) has this phone. */
export class SpecialistPhoneTakenError extends ConflictError {
  constructor() {
    super('SPECIALIST_PHONE_TAKEN', '该手机号码已是专管员', [{ path: 'body.phone', message: '手机号码已被其他专管员使用' }]);
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

// ---- plumbing -------------------------------------------------------------------------------

/**
 * Longer than any writer can spend between two steps of one change: API functions time out after
 * 29 seconds and no Lambda runs past 15 minutes. A guard or counter stamp older than this belongs to
 * no request that is still running.
 */
export const WRITE_SETTLE_MS = 20 * 60_000;

const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

async function getItem(key: ItemKey): Promise<Record<string, unknown> | undefined> {
  const result = await documentClient().send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }));
  return result.Item;
}

/** Runs a clean-up step whose failure must not undo a change that already happened; logs it instead. */
async function bestEffort(step: string, fields: Record<string, unknown>, work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    logger.error(`institutions: ${step} failed; left for self-healing or the reconcile`, { ...fields, error: error as Error });
  }
}

// ---- guards ---------------------------------------------------------------------------------

interface GuardClaim {
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
async function claimGuard(claim: GuardClaim, now: Date): Promise<string | undefined> {
  const token = randomUUID();
  const item = { ...claim.key, entity: claim.entity, ...claim.owner, token, claimedAt: now.toISOString() };
  // A few rounds at most: each lost round means another writer claimed or released it meanwhile.
  for (let round = 0; round < 3; round += 1) {
    try {
      await documentClient().send(
        new PutCommand({ TableName: tableName(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      return token;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const current = await getItem(claim.key);
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
      logger.warn('institutions: took over an abandoned guard', { pk: claim.key.pk, previousOwner: current });
      return token;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
  return undefined;
}

/** Deletes a guard if it still carries `token` (never one that another owner has claimed since). */
async function releaseGuard(key: ItemKey, token: string): Promise<void> {
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

function nameGuard(cityCode: string, fullName: string, institutionId: number): GuardClaim {
  return {
    key: institutionNameGuardKey(cityCode, fullName),
    entity: 'institution-name-guard',
    owner: { institutionId, cityCode, fullName },
    isHeld: async (guard) => {
      const owner = await getInstitution(Number(guard.institutionId));
      return owner?.nameGuardToken === guard.token;
    },
  };
}

function phoneGuard(phone: string, institutionId: number, specialistId: number): GuardClaim {
  return {
    key: specialistPhoneGuardKey(phone),
    entity: 'specialist-phone-guard',
    owner: { phone, institutionId, specialistId },
    isHeld: async (guard) => {
      const owner = await getSpecialist(Number(guard.institutionId), Number(guard.specialistId));
      return owner?.phoneGuardToken === guard.token;
    },
  };
}

// ---- institutions ---------------------------------------------------------------------------

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
  const item = await getItem(institutionKey(id));
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
 * Creates an institution with a new id, counter 0 and version 1. Claims the full-name guard of the
 * city first. Throws {@link InstitutionNameTakenError} when the city already has the name.
 */
export async function createInstitution(input: NewInstitution, now: Date = new Date()): Promise<InstitutionRecord> {
  const id = await nextId('institution');
  const guard = nameGuard(input.cityCode, input.fullName, id);
  const token = await claimGuard(guard, now);
  if (!token) throw new InstitutionNameTakenError();
  const at = now.toISOString();
  const record: InstitutionRecord = {
    ...input,
    id,
    level: INSTITUTION_LEVEL,
    specialistCount: 0,
    nameGuardToken: token,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  try {
    await documentClient().send(
      new PutCommand({ TableName: tableName(), Item: institutionItem(record), ConditionExpression: 'attribute_not_exists(pk)' }),
    );
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

/**
 * Applies changes to `current` if its version is still `expectedVersion`. A new full name claims its
 * guard first and the old guard is released after the update; a new sort order moves the list-index
 * entry. Never touches the specialist counter.
 * Throws {@link VersionConflictError} (stale version), {@link InstitutionNotFoundError} (gone) or
 * {@link InstitutionNameTakenError} (the city has the new name).
 */
export async function updateInstitution(
  current: InstitutionRecord,
  expectedVersion: number,
  changes: InstitutionChanges,
  now: Date = new Date(),
): Promise<InstitutionRecord> {
  // The old guard is released by token below, which is only right if `current` is the version replaced.
  if (expectedVersion !== current.version) throw new VersionConflictError(current.version);
  const renamed =
    changes.fullName !== undefined && normalizeInstitutionName(changes.fullName) !== normalizeInstitutionName(current.fullName);
  let newGuard: { key: ItemKey; token: string } | undefined;
  if (renamed) {
    const guard = nameGuard(current.cityCode, changes.fullName!, current.id);
    const token = await claimGuard(guard, now);
    if (!token) throw new InstitutionNameTakenError();
    newGuard = { key: guard.key, token };
  }

  const names: Record<string, string> = { '#version': 'version', '#updatedAt': 'updatedAt' };
  const values: Record<string, unknown> = { ':expected': expectedVersion, ':one': 1, ':now': now.toISOString() };
  const { sets, removes } = changeClauses(
    { ...changes, ...(newGuard ? { nameGuardToken: newGuard.token } : {}) },
    names,
    values,
  );
  sets.push('#updatedAt = :now');
  if (changes.sortOrder !== undefined && changes.sortOrder !== current.sortOrder) {
    values[':gsi2sk'] = institutionListIndexKey(current.provinceCode, current.cityCode, changes.sortOrder, current.id).gsi2sk;
    sets.push('gsi2sk = :gsi2sk');
  }
  const expression = `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''} ADD #version :one`;
  let updated: InstitutionRecord;
  try {
    const result = await documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: institutionKey(current.id),
        UpdateExpression: expression,
        ConditionExpression: 'attribute_exists(pk) AND #version = :expected',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    updated = stripKeys<InstitutionRecord>(result.Attributes ?? {});
  } catch (error) {
    if (newGuard) {
      const { key, token } = newGuard;
      await bestEffort('releasing the name guard of a failed rename', { institutionId: current.id }, async () => {
        if ((await getInstitution(current.id))?.nameGuardToken !== token) await releaseGuard(key, token);
      });
    }
    if (!isConditionFailure(error)) throw error;
    const latest = await getInstitution(current.id);
    if (!latest) throw new InstitutionNotFoundError();
    throw new VersionConflictError(latest.version);
  }
  if (newGuard) {
    await bestEffort('releasing the old name guard', { institutionId: current.id }, () =>
      releaseGuard(institutionNameGuardKey(current.cityCode, current.fullName), current.nameGuardToken),
    );
  }
  return updated;
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

// ---- the specialist counter -----------------------------------------------------------------

/**
 * Step 1 of a specialist create: raise the counter, conditional on the institution existing.
 * Throws {@link InstitutionNotFoundError} when it is gone (deleted, possibly a moment ago).
 */
async function raiseSpecialistCounter(institutionId: number, now: Date): Promise<void> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: institutionKey(institutionId),
        UpdateExpression: 'SET specialistCountChangedAt = :now ADD specialistCount :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':now': now.toISOString(), ':one': 1 },
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) throw new InstitutionNotFoundError();
    throw error;
  }
}

/** Before a specialist delete: stamp the counter as changing, so the reconcile leaves it alone. */
async function stampSpecialistCounter(institutionId: number, now: Date): Promise<void> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: institutionKey(institutionId),
        UpdateExpression: 'SET specialistCountChangedAt = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':now': now.toISOString() },
      }),
    );
  } catch (error) {
    // No institution: the specialist is an orphan (it should not exist); deleting it is still right.
    if (!isConditionFailure(error)) throw error;
  }
}

/** After a specialist delete: lower the counter, never below 0 (that would be drift; it is logged). */
async function lowerSpecialistCounter(institutionId: number, now: Date): Promise<void> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: institutionKey(institutionId),
        UpdateExpression: 'SET specialistCountChangedAt = :now ADD specialistCount :minusOne',
        ConditionExpression: 'attribute_exists(pk) AND specialistCount > :zero',
        ExpressionAttributeValues: { ':now': now.toISOString(), ':minusOne': -1, ':zero': 0 },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    logger.error('institutions: specialist counter already 0 or institution gone while deleting a specialist', { institutionId });
  }
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
  const stampCondition = seen.specialistCountChangedAt
    ? 'specialistCountChangedAt = :stamp'
    : 'attribute_not_exists(specialistCountChangedAt)';
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: institutionKey(institutionId),
        UpdateExpression: 'SET specialistCount = :value',
        ConditionExpression: `attribute_exists(pk) AND specialistCount = :stored AND ${stampCondition}`,
        ExpressionAttributeValues: {
          ':value': value,
          ':stored': seen.specialistCount,
          ...(seen.specialistCountChangedAt ? { ':stamp': seen.specialistCountChangedAt } : {}),
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
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

// ---- specialists ----------------------------------------------------------------------------

/** The specialist with this id in this institution (consistent read), or undefined. */
export async function getSpecialist(institutionId: number, id: number): Promise<SpecialistRecord | undefined> {
  const item = await getItem(specialistKey(institutionId, id));
  return item?.entity === 'specialist' ? stripKeys<SpecialistRecord>(item) : undefined;
}

/** Every specialist of an institution, by id (consistent Query of its partition). */
export async function querySpecialists(institutionId: number): Promise<SpecialistRecord[]> {
  const items = await queryAll({
    TableName: tableName(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': institutionKey(institutionId).pk, ':prefix': SPECIALIST_SK_PREFIX },
    ConsistentRead: true,
  });
  return items.map((item) => stripKeys<SpecialistRecord>(item));
}

/**
 * Creates a specialist: (0) claim the phone guard, (1) raise the institution's counter (the institution
 * must exist), (2) put the specialist. A failure after (1) leaves the counter too high (safe); the
 * guard is released when the specialist did not get written.
 * Throws {@link SpecialistPhoneTakenError} or {@link InstitutionNotFoundError}.
 */
export async function createSpecialist(institutionId: number, input: NewSpecialist, now: Date = new Date()): Promise<SpecialistRecord> {
  const id = await nextId('specialist');
  const guard = phoneGuard(input.phone, institutionId, id);
  const token = await claimGuard(guard, now);
  if (!token) throw new SpecialistPhoneTakenError();
  const releaseUnlessWritten = () =>
    bestEffort('releasing the phone guard of a failed create', { institutionId, specialistId: id }, async () => {
      if (!(await getSpecialist(institutionId, id))) await releaseGuard(guard.key, token);
    });

  try {
    await raiseSpecialistCounter(institutionId, now);
  } catch (error) {
    await releaseUnlessWritten();
    throw error;
  }
  const at = now.toISOString();
  const record: SpecialistRecord = {
    ...input,
    id,
    institutionId,
    phoneGuardToken: token,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  try {
    await documentClient().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...specialistKey(institutionId, id), entity: 'specialist', ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    // The counter stays raised: lowering it here could make it too low if the put did land after all.
    await releaseUnlessWritten();
    throw error;
  }
  return record;
}

/**
 * Applies changes to `current` if its version is still `expectedVersion`. A new phone claims its
 * guard first; the old phone's guard is released after the update.
 * Throws {@link VersionConflictError}, {@link SpecialistNotFoundError} or {@link SpecialistPhoneTakenError}.
 */
export async function updateSpecialist(
  current: SpecialistRecord,
  expectedVersion: number,
  changes: SpecialistChanges,
  now: Date = new Date(),
): Promise<SpecialistRecord> {
  if (expectedVersion !== current.version) throw new VersionConflictError(current.version);
  const phoneChanged = changes.phone !== undefined && changes.phone !== current.phone;
  let newGuard: { key: ItemKey; token: string } | undefined;
  if (phoneChanged) {
    const guard = phoneGuard(changes.phone!, current.institutionId, current.id);
    const token = await claimGuard(guard, now);
    if (!token) throw new SpecialistPhoneTakenError();
    newGuard = { key: guard.key, token };
  }

  const names: Record<string, string> = { '#version': 'version', '#updatedAt': 'updatedAt' };
  const values: Record<string, unknown> = { ':expected': expectedVersion, ':one': 1, ':now': now.toISOString() };
  const { sets, removes } = changeClauses(
    { ...changes, ...(newGuard ? { phoneGuardToken: newGuard.token } : {}) },
    names,
    values,
  );
  sets.push('#updatedAt = :now');
  const expression = `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''} ADD #version :one`;
  let updated: SpecialistRecord;
  try {
    const result = await documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: specialistKey(current.institutionId, current.id),
        UpdateExpression: expression,
        ConditionExpression: 'attribute_exists(pk) AND #version = :expected',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    updated = stripKeys<SpecialistRecord>(result.Attributes ?? {});
  } catch (error) {
    if (newGuard) {
      const { key, token } = newGuard;
      await bestEffort('releasing the phone guard of a failed phone change', { specialistId: current.id }, async () => {
        if ((await getSpecialist(current.institutionId, current.id))?.phoneGuardToken !== token) await releaseGuard(key, token);
      });
    }
    if (!isConditionFailure(error)) throw error;
    const latest = await getSpecialist(current.institutionId, current.id);
    if (!latest) throw new SpecialistNotFoundError();
    throw new VersionConflictError(latest.version);
  }
  if (newGuard) {
    await bestEffort('releasing the old phone guard', { specialistId: current.id }, () =>
      releaseGuard(specialistPhoneGuardKey(current.phone), current.phoneGuardToken),
    );
  }
  return updated;
}

/**
 * Deletes a specialist: stamp the counter, delete the specialist, then lower the counter and release
 * the phone. A failure after the delete leaves the counter too high (safe). Throws
 * {@link SpecialistNotFoundError} when it is already gone (the counter is then left alone).
 */
export async function deleteSpecialist(institutionId: number, id: number, now: Date = new Date()): Promise<SpecialistRecord> {
  await stampSpecialistCounter(institutionId, now);
  let deleted: SpecialistRecord;
  try {
    const result = await documentClient().send(
      new DeleteCommand({
        TableName: tableName(),
        Key: specialistKey(institutionId, id),
        ConditionExpression: 'attribute_exists(pk)',
        ReturnValues: 'ALL_OLD',
      }),
    );
    deleted = stripKeys<SpecialistRecord>(result.Attributes ?? {});
  } catch (error) {
    if (isConditionFailure(error)) throw new SpecialistNotFoundError();
    throw error;
  }
  await bestEffort('lowering the specialist counter', { institutionId, specialistId: id }, () =>
    lowerSpecialistCounter(institutionId, now),
  );
  await bestEffort('releasing the phone guard of a deleted specialist', { institutionId, specialistId: id }, () =>
    releaseGuard(specialistPhoneGuardKey(deleted.phone), deleted.phoneGuardToken),
  );
  return deleted;
}
