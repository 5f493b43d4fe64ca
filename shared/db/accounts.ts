/**
 * Account repository. The account's key is its phone (unique, never editable), so uniqueness is one
 * conditional put; numeric ids come from an atomic counter; gsi1 finds an account by id and gsi2
 * lists accounts by role and region.
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Role } from '#shared/auth/caller';
import { ConflictError, NotFoundError } from '#shared/http/errors';
import { documentClient, tableName } from './client';
import { accountIdIndexKey, accountKey, accountScopeIndexKey, accountScopePrefix } from './keys';
import { nextId } from './counters';
import { queryAll, stripKeys } from './expressions';
import { forgetSessionReads } from './session-reads';
import { isConditionFailure, updateIfVersion } from './versioned-update';

export type AccountStatus = 'enabled' | 'disabled';
export type AuditStatus = 'pending' | 'approved' | 'rejected';
export type Gender = 'male' | 'female';

export interface AccountRecord {
  id: number;
  phone: string;
  passwordHash?: string;
  realName: string;
  gender: Gender;
  unit: string;
  department?: string;
  position?: string;
  remark?: string;
  role: Role;
  /** `000000` for national accounts. */
  provinceCode: string;
  cityCode?: string;
  status: AccountStatus;
  auditStatus: AuditStatus;
  auditReason?: string;
  auditedBy?: number;
  auditedAt?: string;
  authorizationLetterKey?: string;
  createdBy?: number;
  createdAt: string;
  updatedAt: string;
  /** Optimistic-locking version, sent back with every update. */
  version: number;
  /** Bumped to revoke every live session of the account at once. */
  tokenVersion: number;
}

/** 404 NOT_FOUND: no such account. */
export class AccountNotFoundError extends NotFoundError {
  constructor() {
    super('账号不存在');
  }
}

export type NewAccount = Omit<AccountRecord, 'id' | 'createdAt' | 'updatedAt' | 'version' | 'tokenVersion'>;

function toItem(account: AccountRecord) {
  return {
    ...accountKey(account.phone),
    ...accountIdIndexKey(account.id),
    ...accountScopeIndexKey(account.role, account.provinceCode, account.cityCode, account.id),
    entity: 'account',
    ...account,
  };
}

/** The account record of a stored item. */
export function fromItem(item: Record<string, unknown>): AccountRecord {
  return stripKeys<AccountRecord>(item);
}

/** The account with this phone, or undefined. */
export async function getAccountByPhone(phone: string): Promise<AccountRecord | undefined> {
  const result = await documentClient().send(
    new GetCommand({ TableName: tableName(), Key: accountKey(phone), ConsistentRead: true }),
  );
  return result.Item ? fromItem(result.Item) : undefined;
}

/** The account with this id, or undefined (gsi1, then a consistent read of the item). */
export async function getAccountById(id: number): Promise<AccountRecord | undefined> {
  const result = await documentClient().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': accountIdIndexKey(id).gsi1pk },
      ProjectionExpression: 'phone',
    }),
  );
  const phone = result.Items?.[0]?.phone as string | undefined;
  if (!phone) return undefined;
  const account = await getAccountByPhone(phone);
  return account?.id === id ? account : undefined;
}

/**
 * Creates an account. Throws `ConflictError` PHONE_TAKEN when the phone already has an account
 * (one conditional put: no race can create two).
 */
export async function createAccount(input: NewAccount, now: Date = new Date()): Promise<AccountRecord> {
  const id = await nextId('account');
  const at = now.toISOString();
  const account: AccountRecord = { ...input, id, createdAt: at, updatedAt: at, version: 1, tokenVersion: 1 };
  try {
    await documentClient().send(
      new PutCommand({
        TableName: tableName(),
        Item: toItem(account),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) {
      throw new ConflictError('PHONE_TAKEN', '该手机号码已注册账号', [{ path: 'body.phone', message: '该手机号码已注册账号' }]);
    }
    throw error;
  }
  return account;
}

/** Sets the password hash (and bumps the version); no version check: the caller proved the old one. */
export async function setAccountPassword(phone: string, passwordHash: string, now: Date = new Date()): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: accountKey(phone),
      UpdateExpression: 'SET passwordHash = :h, updatedAt = :now ADD version :one',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':h': passwordHash, ':now': now.toISOString(), ':one': 1 },
    }),
  );
  forgetSessionReads(phone);
}

/**
 * Every account of a role whose region starts with the given province (and city), newest id first.
 * A scope holds tens of accounts, so the whole scope is read and the caller pages in memory; the
 * query never leaves the scope's index range.
 */
export async function listAccountsInScope(role: Role, provinceCode?: string, cityCode?: string): Promise<AccountRecord[]> {
  const prefix = accountScopePrefix(provinceCode, cityCode);
  const items = await queryAll({
    TableName: tableName(),
    IndexName: 'gsi2',
    KeyConditionExpression: prefix ? 'gsi2pk = :pk AND begins_with(gsi2sk, :prefix)' : 'gsi2pk = :pk',
    ExpressionAttributeValues: { ':pk': `ACCOUNTS#${role}`, ...(prefix ? { ':prefix': prefix } : {}) },
    ScanIndexForward: false,
  });
  const accounts = items.map(fromItem);
  return accounts.sort((a, b) => b.id - a.id);
}

export type AccountChanges = Partial<
  Pick<
    AccountRecord,
    'passwordHash' | 'realName' | 'gender' | 'unit' | 'department' | 'position' | 'remark' | 'status' | 'auditStatus' | 'auditReason' | 'auditedBy' | 'auditedAt'
  >
>;

/**
 * Applies changes if the stored version is still `expectedVersion` (409 VERSION_CONFLICT otherwise,
 * 404 when the account is gone). `revokeSessions` bumps the token version in the same write, so live
 * sessions die with the change. Empty strings clear optional fields.
 */
export async function updateAccount(
  phone: string,
  expectedVersion: number,
  changes: AccountChanges,
  options: { revokeSessions?: boolean; now?: Date } = {},
): Promise<AccountRecord> {
  const updated = await updateIfVersion({
    key: accountKey(phone),
    expectedVersion,
    changes,
    ...(options.revokeSessions ? { increments: { tokenVersion: 1 } } : {}),
    now: options.now,
    notFound: () => new AccountNotFoundError(),
  });
  forgetSessionReads(phone);
  return fromItem(updated);
}

/** Deletes an account (404 when it is already gone). Its sessions are ended by the caller. */
export async function deleteAccount(phone: string): Promise<void> {
  try {
    await documentClient().send(
      new DeleteCommand({ TableName: tableName(), Key: accountKey(phone), ConditionExpression: 'attribute_exists(pk)' }),
    );
  } catch (error) {
    if (isConditionFailure(error)) throw new AccountNotFoundError();
    throw error;
  } finally {
    forgetSessionReads(phone);
  }
}
