import { describe, expect, it } from 'vitest';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { useTestStores } from './db-harness';
import { changeOwnPassword, login, logout, requestSmsCode } from '#functions/auth/domain';
import { issueCaptcha } from '#shared/auth/captcha';
import { SIGN_IN_LIMITS } from '#shared/auth/sign-in-limits';

const FAILURES_PER_PAIR = SIGN_IN_LIMITS.passwordFailuresPerPair;

/** A solved human check (the answer is fixed, as only tests can). */
async function solvedCheck() {
  const { captchaId } = await issueCaptcha(new Date(), 'HXK7');
  return { captchaId, captchaAnswer: 'HXK7' };
}
import { createAccount, type NewAccount } from '#shared/db/accounts';
import { documentClient, tableName } from '#shared/db/client';
import { accountKey } from '#shared/db/keys';
import { hashPassword } from '#shared/auth/passwords';
import { authenticateSession, IDLE_LIMIT_MS, loadSession } from '#shared/auth/sessions';
import { outboxMessages } from '#shared/sms/outbox';

useTestStores();

const PASSWORD = 'Secret#2026';
let counter = 0;

async function account(overrides: Partial<NewAccount> = {}) {
  counter += 1;
  return createAccount({
    phone: `1360000${String(counter).padStart(4, '0')}`,
    passwordHash: await hashPassword(PASSWORD),
    realName: '测试',
    gender: 'female',
    unit: '测试单位',
    role: 'city',
    provinceCode: '350000',
    cityCode: '350200',
    status: 'enabled',
    auditStatus: 'approved',
    ...overrides,
  });
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } }) as unknown as APIGatewayProxyEventV2;

describe('password login', () => {
  it('signs in with the right password and says no password needs setting', async () => {
    const user = await account();
    const result = await login({ phone: user.phone, password: PASSWORD }, '10.0.0.1');
    expect(result.mustSetPassword).toBe(false);
    expect(result.account.phone).toBe(user.phone);
    const caller = await authenticateSession(bearer(result.token));
    expect(caller).toMatchObject({ accountId: user.id, role: 'city', cityCode: '350200' });
  });

  it('gives the same 401 for a wrong password, an unknown phone and an account without password', async () => {
    const user = await account();
    const noPassword = await account({ passwordHash: undefined });
    const errors = await Promise.all([
      login({ phone: user.phone, password: 'Wrong#2026' }, '10.0.0.1').catch((e: unknown) => e),
      login({ phone: '13999999999', password: PASSWORD }, '10.0.0.1').catch((e: unknown) => e),
      login({ phone: noPassword.phone, password: PASSWORD }, '10.0.0.1').catch((e: unknown) => e),
      login({ phone: user.phone, code: '123456' }, '10.0.0.1').catch((e: unknown) => e),
    ]);
    for (const error of errors) expect(error).toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS', message: '手机号或验证码/密码错误' });
  });

  it('makes the phone and address pair wait after five wrong passwords: 1 minute, then 2, 4, 8, then 15 at most', async () => {
    const user = await account();
    const ip = '10.0.0.1';
    let now = new Date('2026-11-27T03:00:00Z');
    for (const waitMinutes of [1, 2, 4, 8, 15, 15]) {
      for (let i = 0; i < FAILURES_PER_PAIR; i += 1) {
        await expect(login({ phone: user.phone, password: 'Wrong#2026', ...(await solvedCheck()) }, ip, now)).rejects.toMatchObject({ status: 401 });
      }
      // Even the right password waits.
      const locked = await login({ phone: user.phone, password: PASSWORD, ...(await solvedCheck()) }, ip, new Date(now.getTime() + 1000)).catch((e: unknown) => e);
      expect(locked).toMatchObject({ status: 429, code: 'LOGIN_LOCKED' });
      expect(Number((locked as { headers: Record<string, string> }).headers['retry-after'])).toBe(waitMinutes * 60 - 1);
      now = new Date(now.getTime() + waitMinutes * 60_000 + 1000);
    }
    await expect(login({ phone: user.phone, password: PASSWORD, ...(await solvedCheck()) }, ip, now)).resolves.toMatchObject({ mustSetPassword: false });
  });

  it('does not let wrong passwords from other addresses lock the owner out; past 10 an hour it asks for the human check', async () => {
    const user = await account();
    const now = new Date('2026-11-27T05:00:00Z');
    for (let i = 0; i < 2 * FAILURES_PER_PAIR; i += 1) {
      await login({ phone: user.phone, password: 'Wrong#2026' }, `10.8.0.${i % 2}`, now).catch(() => undefined);
    }
    const owner = '10.8.9.9';
    await expect(login({ phone: user.phone, password: PASSWORD }, owner, now)).rejects.toMatchObject({ status: 400, code: 'CAPTCHA_REQUIRED' });
    await expect(login({ phone: user.phone, password: PASSWORD, ...(await solvedCheck()) }, owner, now)).resolves.toMatchObject({ account: { id: user.id } });
  });

  it('pauses password sign-in of a phone for 15 minutes after 100 wrong passwords in a day; SMS sign-in still works', async () => {
    const user = await account();
    const now = new Date('2026-11-27T06:00:00Z');
    // Four at a time (the password derivations' thread pool): 100 scrypt runs take a while on a busy machine.
    for (let i = 0; i < SIGN_IN_LIMITS.passwordFailuresPerPhoneDay; i += 4) {
      await Promise.all(
        [0, 1, 2, 3].map(async (k) =>
          login({ phone: user.phone, password: 'Wrong#2026', ...(await solvedCheck()) }, `10.9.${Math.floor((i + k) / 4)}.${(i + k) % 4}`, now).catch(() => undefined),
        ),
      );
    }
    await expect(login({ phone: user.phone, password: PASSWORD, ...(await solvedCheck()) }, '10.9.99.1', now)).rejects.toMatchObject({ status: 429, code: 'LOGIN_LOCKED' });
    await expect(
      login({ phone: user.phone, password: PASSWORD, ...(await solvedCheck()) }, '10.9.99.1', new Date(now.getTime() + SIGN_IN_LIMITS.phonePauseMs + 1000)),
    ).resolves.toBeTruthy();
  }, 300_000);

  it('lets no more than five guesses through when they arrive in parallel', async () => {
    const user = await account();
    const now = new Date('2026-11-27T04:00:00Z');
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => login({ phone: user.phone, password: 'Wrong#2026' }, '10.0.0.9', now).catch((e: unknown) => e)),
    );
    const statuses = answers.map((answer) => (answer as { status: number }).status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(FAILURES_PER_PAIR);
    expect(statuses.filter((status) => status === 429)).toHaveLength(20 - FAILURES_PER_PAIR);
    await expect(login({ phone: user.phone, password: PASSWORD }, '10.0.0.9', new Date(now.getTime() + 1000))).rejects.toMatchObject({ status: 429 });
  });

  it('makes unknown phones wait the same way, so a wait reveals nothing', async () => {
    const now = new Date('2026-11-27T03:00:00Z');
    for (let i = 0; i < FAILURES_PER_PAIR; i += 1) {
      await login({ phone: '13500000999', password: 'Wrong#2026' }, '10.0.0.77', now).catch(() => undefined);
    }
    await expect(login({ phone: '13500000999', password: PASSWORD }, '10.0.0.77', now)).rejects.toMatchObject({ status: 429 });
  });

  it('reveals pending, rejected and disabled states only after a correct credential', async () => {
    const pending = await account({ auditStatus: 'pending' });
    const rejected = await account({ auditStatus: 'rejected' });
    const disabled = await account({ status: 'disabled' });
    await expect(login({ phone: pending.phone, password: 'Wrong#2026' }, '10.0.0.1')).rejects.toMatchObject({ status: 401 });
    await expect(login({ phone: pending.phone, password: PASSWORD }, '10.0.0.1')).rejects.toMatchObject({ status: 403, code: 'ACCOUNT_PENDING_AUDIT' });
    await expect(login({ phone: rejected.phone, password: PASSWORD }, '10.0.0.1')).rejects.toMatchObject({ status: 403, code: 'ACCOUNT_REJECTED' });
    await expect(login({ phone: disabled.phone, password: PASSWORD }, '10.0.0.1')).rejects.toMatchObject({ status: 403, code: 'ACCOUNT_DISABLED' });
  });
});

describe('SMS login', () => {
  it('signs in an account without password by code and asks it to set one', async () => {
    const user = await account({ passwordHash: undefined });
    await requestSmsCode({ phone: user.phone, purpose: 'login' }, '10.0.1.1', undefined);
    const code = outboxMessages(user.phone)[0]!.code;
    const result = await login({ phone: user.phone, code }, '10.0.1.1');
    expect(result.mustSetPassword).toBe(true);
  });

  it('sends no SMS to a phone without an account, yet answers the same', async () => {
    const answer = await requestSmsCode({ phone: '13588880000', purpose: 'login' }, '10.0.1.2', undefined);
    expect(answer).toEqual({ resendAfterSeconds: 60 });
    expect(outboxMessages('13588880000')).toEqual([]);
  });
});

describe('sessions', () => {
  it('ends a session on logout', async () => {
    const user = await account();
    const { token } = await login({ phone: user.phone, password: PASSWORD }, '10.0.0.1');
    const caller = await authenticateSession(bearer(token));
    await logout(caller, '10.0.0.1');
    await expect(authenticateSession(bearer(token))).rejects.toMatchObject({ status: 401, code: 'SESSION_REVOKED' });
  });

  it('kills live sessions when the account is disabled', async () => {
    const user = await account();
    const { token } = await login({ phone: user.phone, password: PASSWORD }, '10.0.0.1');
    await documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: accountKey(user.phone),
        UpdateExpression: 'SET #status = :disabled ADD tokenVersion :one',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':disabled': 'disabled', ':one': 1 },
      }),
    );
    await expect(authenticateSession(bearer(token))).rejects.toMatchObject({ status: 401 });
  });

  it('expires a session idle for more than 30 minutes', async () => {
    const user = await account();
    const start = new Date();
    const { token } = await login({ phone: user.phone, password: PASSWORD }, '10.0.0.1', start);
    await expect(loadSession(token, { now: new Date(start.getTime() + IDLE_LIMIT_MS - 60_000) })).resolves.toBeTruthy();
    // jose checks the token's own expiry against the wall clock; the idle rule is checked on the session.
    await expect(loadSession(token, { now: new Date(start.getTime() + 2 * IDLE_LIMIT_MS) })).rejects.toMatchObject({ code: 'SESSION_EXPIRED' });
  });

  it('rejects a forged or garbled token', async () => {
    await expect(authenticateSession(bearer('abc.def.ghi'))).rejects.toMatchObject({ status: 401, code: 'SESSION_INVALID' });
    await expect(authenticateSession({ headers: {} } as unknown as APIGatewayProxyEventV2)).rejects.toMatchObject({ status: 401 });
  });

  it('keeps the current session and ends the others on a password change', async () => {
    const user = await account();
    const first = await login({ phone: user.phone, password: PASSWORD }, '10.0.0.1');
    const second = await login({ phone: user.phone, password: PASSWORD }, '10.0.0.2');
    const caller = await authenticateSession(bearer(first.token));
    await changeOwnPassword(caller, { currentPassword: PASSWORD, newPassword: 'Another#2027' }, '10.0.0.1');
    await expect(authenticateSession(bearer(first.token))).resolves.toMatchObject({ accountId: user.id });
    await expect(authenticateSession(bearer(second.token))).rejects.toMatchObject({ status: 401 });
    await expect(login({ phone: user.phone, password: 'Another#2027' }, '10.0.0.1')).resolves.toBeTruthy();
  });

  it('refuses a weak new password and a wrong current one', async () => {
    const user = await account();
    const { token } = await login({ phone: user.phone, password: PASSWORD }, '10.0.0.1');
    const caller = await authenticateSession(bearer(token));
    await expect(changeOwnPassword(caller, { currentPassword: PASSWORD, newPassword: 'abcdefgh' }, 'x')).rejects.toMatchObject({ status: 400, code: 'WEAK_PASSWORD' });
    await expect(changeOwnPassword(caller, { currentPassword: 'Nope#2026', newPassword: 'Another#2027' }, 'x')).rejects.toMatchObject({ status: 403, code: 'WRONG_PASSWORD' });
  });

  it('counts wrong current passwords like sign-in: the fifth makes the pair wait, and the right one waits too', async () => {
    const user = await account();
    const { token } = await login({ phone: user.phone, password: PASSWORD }, '10.0.7.1');
    const caller = await authenticateSession(bearer(token));
    for (let i = 0; i < FAILURES_PER_PAIR; i += 1) {
      await expect(changeOwnPassword(caller, { currentPassword: `Guess#${i}000`, newPassword: 'Another#2027' }, '10.0.7.1')).rejects.toMatchObject({ status: 403 });
    }
    await expect(changeOwnPassword(caller, { currentPassword: PASSWORD, newPassword: 'Another#2027' }, '10.0.7.1')).rejects.toMatchObject({ status: 429, code: 'LOGIN_LOCKED' });
  });
});
