/**
 * Sign-in: SMS codes, passwords with lockout, sessions, and the password of the signed-in user.
 * Every wrong credential gets the same 401; account state (disabled, pending, rejected) is revealed
 * only after a correct credential.
 */
import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { getAccountByPhone, setAccountPassword, type AccountRecord } from '#shared/db/accounts';
import { documentClient, tableName } from '#shared/db/client';
import { loginFailureKey } from '#shared/db/keys';
import { writeAudit } from '#shared/db/audit';
import { assertStrongPassword, hashPassword, verifyPassword } from '#shared/auth/passwords';
import { requestCode, verifyCode, type SmsPurpose } from '#shared/auth/sms-codes';
import { endSession, endSessions, startSession } from '#shared/auth/sessions';
import type { Caller } from '#shared/auth/caller';
import { MODULES_BY_ROLE, presentAccount, scopeOf } from '#shared/views/account';
import {
  AppError,
  ForbiddenError,
  RateLimitedError,
  UnauthenticatedError,
} from '#shared/http/errors';
import { epochSeconds } from '#shared/time';
import { countMetric } from '#shared/observability/metrics';
import type { LoginInput } from './schemas';

export const MAX_PASSWORD_FAILURES = 5;
export const LOCKOUT_MS = 15 * 60 * 1000;

class InvalidCredentialsError extends UnauthenticatedError {
  constructor() {
    super('手机号或验证码/密码错误', 'INVALID_CREDENTIALS');
  }
}

class AccountStateError extends AppError {
  constructor(code: string, message: string) {
    super(403, code, message);
  }
}

/** Requests an SMS code. `login` codes go only to phones with an account; the answer is the same. */
export async function requestSmsCode(
  input: { phone: string; purpose: SmsPurpose },
  sourceIp: string,
  caller: Caller | undefined,
): Promise<{ resendAfterSeconds: number }> {
  if (input.purpose === 'bind') {
    // Binding a phone is part of adding an account: only a signed-in administrator may trigger it.
    if (!caller) throw new UnauthenticatedError('绑定手机号需先登录');
    // The same answer whether or not the phone has an account (POST /accounts says PHONE_TAKEN when
    // it matters); a phone that has one gets no SMS.
    const existing = await getAccountByPhone(input.phone);
    return requestCode({ phone: input.phone, purpose: 'bind', sourceIp, deliver: !existing });
  }
  const account = await getAccountByPhone(input.phone);
  return requestCode({ phone: input.phone, purpose: 'login', sourceIp, deliver: Boolean(account) });
}

/**
 * Counts a password attempt BEFORE the password is checked, so that guesses sent in parallel cannot
 * outrun the lock: at most MAX_PASSWORD_FAILURES attempts are let through between two successes, and a
 * locked phone is refused at once. Returns how many attempts are now pending or failed.
 */
async function reservePasswordAttempt(phone: string, now: Date): Promise<number> {
  try {
    const result = await documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: loginFailureKey(phone),
        UpdateExpression: 'SET entity = :entity, #ttl = :ttl ADD failures :one',
        ConditionExpression:
          '(attribute_not_exists(lockedUntil) OR lockedUntil <= :now) AND (attribute_not_exists(failures) OR failures < :max)',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':one': 1,
          ':max': MAX_PASSWORD_FAILURES,
          ':now': now.toISOString(),
          ':entity': 'login-failure',
          ':ttl': epochSeconds(now) + 86_400,
        },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(result.Attributes?.failures);
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    const current = await documentClient().send(
      new GetCommand({ TableName: tableName(), Key: loginFailureKey(phone), ConsistentRead: true }),
    );
    const until = current.Item?.lockedUntil ? Date.parse(String(current.Item.lockedUntil)) : 0;
    const wait = until > now.getTime() ? (until - now.getTime()) / 1000 : LOCKOUT_MS / 1000;
    throw new RateLimitedError(wait, '密码错误次数过多，请 15 分钟后再试或使用验证码登录', 'LOGIN_LOCKED');
  }
}

/** The attempt failed: the one that reaches the limit locks password login for 15 minutes. */
async function recordPasswordFailure(phone: string, attempts: number, now: Date): Promise<boolean> {
  if (attempts < MAX_PASSWORD_FAILURES) return false;
  await documentClient().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: loginFailureKey(phone),
      UpdateExpression: 'SET lockedUntil = :until, failures = :zero',
      ExpressionAttributeValues: { ':until': new Date(now.getTime() + LOCKOUT_MS).toISOString(), ':zero': 0 },
    }),
  );
  return true;
}

async function clearPasswordFailures(phone: string): Promise<void> {
  await documentClient().send(new DeleteCommand({ TableName: tableName(), Key: loginFailureKey(phone) }));
}

function assertCanSignIn(account: AccountRecord): void {
  if (account.auditStatus === 'pending') throw new AccountStateError('ACCOUNT_PENDING_AUDIT', '账号正在审核中，审核通过后方可登录');
  if (account.auditStatus === 'rejected') throw new AccountStateError('ACCOUNT_REJECTED', '账号审核未通过，无法登录');
  if (account.status !== 'enabled') throw new AccountStateError('ACCOUNT_DISABLED', '账号已被禁用');
}

export async function login(input: LoginInput, sourceIp: string, now: Date = new Date()) {
  const { phone } = input;
  const method = 'password' in input ? 'password' : 'sms';
  const fail = async (reason: string, error: Error = new InvalidCredentialsError()) => {
    countMetric('SignInFailures');
    await writeAudit({ action: 'auth.login', outcome: 'failure', actorPhone: phone, sourceIp, reason }, now);
    return error;
  };

  let account: AccountRecord | undefined;
  if ('password' in input) {
    let attempts: number;
    try {
      attempts = await reservePasswordAttempt(phone, now);
    } catch (error) {
      throw await fail('locked', error as Error);
    }
    account = await getAccountByPhone(phone);
    if (!(await verifyPassword(input.password, account?.passwordHash))) {
      const lockedNow = await recordPasswordFailure(phone, attempts, now);
      if (lockedNow) {
        countMetric('Lockouts');
        await writeAudit({ action: 'auth.lockout', outcome: 'success', actorPhone: phone, sourceIp, reason: 'password failures' }, now);
      }
      throw await fail('wrong password');
    }
    await clearPasswordFailures(phone);
  } else {
    account = await getAccountByPhone(phone);
    if (!account || !(await verifyCode(phone, 'login', input.code, now))) throw await fail('wrong code');
  }
  if (!account) throw await fail('no account');

  try {
    assertCanSignIn(account);
  } catch (error) {
    throw await fail((error as AppError).code, error as Error);
  }
  const issued = await startSession(account, sourceIp, now);
  countMetric('SignIns');
  await writeAudit(
    { action: 'auth.login', outcome: 'success', actorAccountId: account.id, actorPhone: phone, sourceIp, reason: method },
    now,
  );
  return {
    ...issued,
    mustSetPassword: !account.passwordHash,
    account: presentAccount(account, { revealPhone: true }),
  };
}

export async function logout(caller: Caller, sourceIp: string): Promise<void> {
  await endSession(caller.phone, caller.sessionId);
  await writeAudit({ action: 'auth.logout', outcome: 'success', actorAccountId: caller.accountId, sourceIp });
}

export async function me(caller: Caller) {
  const account = await getAccountByPhone(caller.phone);
  if (!account) throw new UnauthenticatedError();
  return {
    account: presentAccount(account, { revealPhone: true }),
    scope: scopeOf(caller),
    modules: MODULES_BY_ROLE[caller.role],
    mustSetPassword: !account.passwordHash,
  };
}

/**
 * Sets the caller's password. An account that has one must confirm it; one without (first login by
 * SMS) may set it directly. Other sessions of the account end; this one stays.
 */
export async function changeOwnPassword(
  caller: Caller,
  input: { currentPassword?: string; newPassword: string },
  sourceIp: string,
): Promise<void> {
  const account = await getAccountByPhone(caller.phone);
  if (!account) throw new UnauthenticatedError();
  if (account.passwordHash) {
    if (!input.currentPassword || !(await verifyPassword(input.currentPassword, account.passwordHash))) {
      await writeAudit({ action: 'auth.password-change', outcome: 'failure', actorAccountId: caller.accountId, sourceIp, reason: 'wrong current password' });
      throw new ForbiddenError('当前密码不正确', 'WRONG_PASSWORD');
    }
  }
  assertStrongPassword(input.newPassword);
  await setAccountPassword(caller.phone, await hashPassword(input.newPassword));
  const ended = await endSessions(caller.phone, caller.sessionId);
  await writeAudit({
    action: 'auth.password-change',
    outcome: 'success',
    actorAccountId: caller.accountId,
    targetType: 'account',
    targetId: caller.accountId,
    sourceIp,
    reason: `${ended} other sessions ended`,
  });
}
