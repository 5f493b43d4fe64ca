/**
 * Specialist (专管员) repository. Specialists live in their institution's partition; their phones are
 * unique across all specialists (they sign in to the institution portal with them), held by a guard
 * item (`guards.ts`); every create and delete moves the institution's specialist counter in the safe
 * order (`specialist-counter.ts`).
 */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError, VersionConflictError } from '#shared/http/errors';
import type { Gender } from './accounts';
import { documentClient, tableName } from './client';
import { nextId } from './counters';
import { queryAll, stripKeys } from './expressions';
import { bestEffort, claimGuard, releaseGuard, updateWithGuardSwap, type GuardClaim } from './guards';
import { institutionKey, SPECIALIST_SK_PREFIX, specialistKey, specialistPhoneGuardKey } from './keys';
import { lowerSpecialistCounter, raiseSpecialistCounter, stampSpecialistCounter } from './specialist-counter';
import { getItemConsistent, isConditionFailure, updateIfVersion } from './versioned-update';

/** 启用 / 禁用; a disabled specialist cannot sign in to the institution portal. */
export type SpecialistStatus = 'enabled' | 'disabled';

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
export type NewSpecialist = Pick<SpecialistRecord, 'phone' | 'realName' | 'gender' | 'department' | 'position' | 'avatarKey' | 'status' | 'createdBy'>;

/** Editable specialist fields; `''` or `null` clears an optional one. */
export type SpecialistChanges = {
  [K in 'phone' | 'realName' | 'status']?: SpecialistRecord[K];
} & { gender?: Gender | null } & { [K in 'department' | 'position' | 'avatarKey']?: string | null };

/** 404 SPECIALIST_NOT_FOUND: no such specialist in this institution. */
export class SpecialistNotFoundError extends NotFoundError {
  constructor() {
    super('专管员不存在', 'SPECIALIST_NOT_FOUND');
  }
}

/** 409 SPECIALIST_PHONE_TAKEN: another specialist (of any institution) has this phone. */
export class SpecialistPhoneTakenError extends ConflictError {
  constructor() {
    super('SPECIALIST_PHONE_TAKEN', '该手机号码已是专管员', [{ path: 'body.phone', message: '手机号码已被其他专管员使用' }]);
  }
}

function phoneGuard(phone: string, institutionId: number, specialistId: number): GuardClaim {
  return {
    key: specialistPhoneGuardKey(phone),
    entity: 'specialist-phone-guard',
    owner: { phone, institutionId, specialistId },
    isHeld: async (guard) => (await getSpecialist(Number(guard.institutionId), Number(guard.specialistId)))?.phoneGuardToken === guard.token,
  };
}

/** The specialist with this id in this institution (consistent read), or undefined. */
export async function getSpecialist(institutionId: number, id: number): Promise<SpecialistRecord | undefined> {
  const item = await getItemConsistent(specialistKey(institutionId, id));
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
 * The id is a new one, or one reserved with `reserveIds`.
 * Throws {@link SpecialistPhoneTakenError} or InstitutionNotFoundError.
 */
export async function createSpecialist(institutionId: number, input: NewSpecialist, now: Date = new Date(), reservedId?: number): Promise<SpecialistRecord> {
  const id = reservedId ?? (await nextId('specialist'));
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
  const record: SpecialistRecord = { ...input, id, institutionId, phoneGuardToken: token, createdAt: at, updatedAt: at, version: 1 };
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
 * Applies changes to `current` if its version is still `expectedVersion`; a new phone swaps the
 * phone guards. Throws VersionConflictError, {@link SpecialistNotFoundError} or
 * {@link SpecialistPhoneTakenError}.
 */
export async function updateSpecialist(
  current: SpecialistRecord,
  expectedVersion: number,
  changes: SpecialistChanges,
  now: Date = new Date(),
): Promise<SpecialistRecord> {
  // The previous guard is released by the token of `current`: only right if `current` is the version replaced.
  if (expectedVersion !== current.version) throw new VersionConflictError(current.version);
  const phoneChanged = changes.phone !== undefined && changes.phone !== current.phone;
  const swap = phoneChanged
    ? {
        next: phoneGuard(changes.phone!, current.institutionId, current.id),
        previous: { key: specialistPhoneGuardKey(current.phone), token: current.phoneGuardToken },
        heldToken: async () => (await getSpecialist(current.institutionId, current.id))?.phoneGuardToken,
      }
    : undefined;
  const updated = await updateWithGuardSwap(swap, () => new SpecialistPhoneTakenError(), now, (token) =>
    updateIfVersion({
      key: specialistKey(current.institutionId, current.id),
      expectedVersion,
      changes: { ...changes, ...(token ? { phoneGuardToken: token } : {}) },
      now,
      notFound: () => new SpecialistNotFoundError(),
    }),
  );
  return stripKeys<SpecialistRecord>(updated);
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
      new DeleteCommand({ TableName: tableName(), Key: specialistKey(institutionId, id), ConditionExpression: 'attribute_exists(pk)', ReturnValues: 'ALL_OLD' }),
    );
    deleted = stripKeys<SpecialistRecord>(result.Attributes ?? {});
  } catch (error) {
    if (isConditionFailure(error)) throw new SpecialistNotFoundError();
    throw error;
  }
  await bestEffort('lowering the specialist counter', { institutionId, specialistId: id }, () => lowerSpecialistCounter(institutionId, now));
  await bestEffort('releasing the phone guard of a deleted specialist', { institutionId, specialistId: id }, () =>
    releaseGuard(specialistPhoneGuardKey(deleted.phone), deleted.phoneGuardToken),
  );
  return deleted;
}
