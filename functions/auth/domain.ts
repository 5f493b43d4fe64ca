/**
 * Sign-in: SMS codes, passwords, sessions, and the password of the signed-in user, under the sign-in
 * limits (shared/auth/sign-in-limits.ts). Every wrong credential gets the same 401; account state
 * (disabled, pending, rejected) is revealed only after a correct credential; a phone without an
 * account costs the same reads and writes as one with.
 */
import { getAccountByPhone, setAccountPassword, type AccountRecord } from '#shared/db/accounts';
import { phoneFingerprint, actorOf, writeAudit } from '#shared/db/audit';
import { requireCaptcha } from '#shared/auth/captcha';
import { assessPasswordAttempt, clearPasswordFailures, recordPasswordFailure, reservePasswordAttempt } from '#shared/auth/sign-in-limits';
import { assertStrongPassword, hashPassword, verifyPassword } from '#shared/auth/passwords';
import { requestCode, verifyCode, type SmsPurpose } from '#shared/auth/sms-codes';
import { endSession, endSessions, startSession } from '#shared/auth/sessions';
import type { Caller } from '#shared/auth/caller';
import { maskPhone, MODULES_BY_ROLE, presentAccount, scopeOf } from '#shared/views/account';
import { AppError, ForbiddenError, UnauthenticatedError } from '#shared/http/errors';
import { countMetric } from '#shared/observability/metrics';
import type { LoginInput } from './schemas';

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

/** The human check, for the requests that must carry one (sign-in-limits.ts). */
export interface CaptchaInput {
  captchaId?: string;
  captchaAnswer?: string;
}

/**
 * Who an audit entry of a sign-in attempt is about: the account when there is one, else a masked
 * phone with a keyed hash that lets attempts on one phone be told apart without storing the phone.
 */
async function phoneActor(phone: string, account: AccountRecord | undefined) {
  if (account) return { actor: actorOf({ ...account, accountId: account.id }) };
  return { actorPhoneMasked: maskPhone(phone), actorPhoneHash: await phoneFingerprint(phone) };
}

/** Requests an SMS code. `login` codes go only to phones with an account; the answer is the same. */
export async function requestSmsCode(
  input: { phone: string; purpose: SmsPurpose } & CaptchaInput,
  sourceIp: string,
  caller: Caller | undefined,
  now: Date = new Date(),
): Promise<{ resendAfterSeconds: number }> {
  // Binding a phone is part of adding an account: only a signed-in administrator may trigger it.
  if (input.purpose === 'bind' && !caller) throw new UnauthenticatedError('绑定手机号需先登录');
  const account = await getAccountByPhone(input.phone);
  // bind: the same answer whether or not the phone has an account (POST /accounts says PHONE_TAKEN
  // when it matters); a phone that has one gets no SMS. login: only phones with an account get one.
  const deliver = input.purpose === 'bind' ? !account : Boolean(account);
  try {
    const answer = await requestCode({ ...input, sourceIp, deliver, now });
    await writeAudit({ action: 'auth.sms', outcome: 'success', ...(await phoneActor(input.phone, account)), sourceIp, reason: input.purpose }, now);
    return answer;
  } catch (error) {
    const code = (error as AppError).code ?? 'ERROR';
    if (code === 'CAPTCHA_INVALID') countMetric('CaptchaFailures');
    await writeAudit({ action: 'auth.sms', outcome: 'failure', ...(await phoneActor(input.phone, account)), sourceIp, reason: `${input.purpose}: ${code}` }, now);
    throw error;
  }
}

function assertCanSignIn(account: AccountRecord): void {
  if (account.auditStatus === 'pending') throw new AccountStateError('ACCOUNT_PENDING_AUDIT', '账号正在审核中，审核通过后方可登录');
  if (account.auditStatus === 'rejected') throw new AccountStateError('ACCOUNT_REJECTED', '账号审核未通过，无法登录');
  if (account.status !== 'enabled') throw new AccountStateError('ACCOUNT_DISABLED', '账号已被禁用');
}

/**
 * A password check under the sign-in limits: the human check when the phone or the address has seen
 * many wrong passwords, the (phone, address) attempt reserved before the check, the failure counted
 * after it. Throws 429 LOGIN_LOCKED, 400 CAPTCHA_*; resolves to whether the password was right.
 */
async function checkPassword(
  phone: string,
  password: string | undefined,
  stored: string | undefined,
  sourceIp: string,
  now: Date,
  captcha?: CaptchaInput,
): Promise<{ matches: boolean; lockedNow: boolean }> {
  if (captcha) {
    const { checkRequired } = await assessPasswordAttempt(phone, sourceIp, now);
    if (checkRequired) await requireCaptcha(captcha, now);
  }
  const attempts = await reservePasswordAttempt(phone, sourceIp, now);
  // Constant effort: without a stored hash, verifyPassword still derives once against a dummy.
  if (password !== undefined && (await verifyPassword(password, stored))) {
    await clearPasswordFailures(phone, sourceIp);
    return { matches: true, lockedNow: false };
  }
  const lockedNow = await recordPasswordFailure(phone, sourceIp, attempts, now);
  if (lockedNow) countMetric('Lockouts');
  return { matches: false, lockedNow };
}

export async function login(input: LoginInput, sourceIp: string, now: Date = new Date()) {
  const { phone } = input;
  const method = 'password' in input ? 'password' : 'sms';
  const account = await getAccountByPhone(phone);
  const actor = await phoneActor(phone, account);
  const fail = async (reason: string, error: Error = new InvalidCredentialsError()) => {
    countMetric('SignInFailures');
    await writeAudit({ action: 'auth.login', outcome: 'failure', ...actor, sourceIp, reason: `${method}: ${reason}` }, now);
    return error;
  };

  if ('password' in input) {
    let result: { matches: boolean; lockedNow: boolean };
    try {
      result = await checkPassword(phone, input.password, account?.passwordHash, sourceIp, now, input);
    } catch (error) {
      if ((error as AppError).code === 'CAPTCHA_INVALID') countMetric('CaptchaFailures');
      throw await fail((error as AppError).code ?? 'error', error as Error);
    }
    if (result.lockedNow) await writeAudit({ action: 'auth.lockout', outcome: 'success', ...actor, sourceIp, reason: 'password failures from this address' }, now);
    if (!result.matches) throw await fail('wrong password');
  } else {
    // The code is checked whether or not the phone has an account: the same reads and writes either way.
    const codeMatches = await verifyCode(phone, 'login', input.code, now);
    if (!account || !codeMatches) throw await fail('wrong code');
  }
  if (!account) throw await fail('no account');

  try {
    assertCanSignIn(account);
  } catch (error) {
    throw await fail((error as AppError).code, error as Error);
  }
  const issued = await startSession(account, sourceIp, now);
  countMetric('SignIns');
  await writeAudit({ action: 'auth.login', outcome: 'success', ...actor, sourceIp, reason: method }, now);
  return {
    ...issued,
    mustSetPassword: !account.passwordHash,
    account: presentAccount(account, { revealPhone: true }),
  };
}

export async function logout(caller: Caller, sourceIp: string): Promise<void> {
  await endSession(caller.phone, caller.sessionId);
  await writeAudit({ action: 'auth.logout', outcome: 'success', actor: actorOf(caller), sourceIp });
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
    // Guesses of the current password count against the same (phone, address) limit as sign-in.
    const { matches, lockedNow } = await checkPassword(caller.phone, input.currentPassword ?? '', account.passwordHash, sourceIp, new Date());
    if (lockedNow) await writeAudit({ action: 'auth.lockout', outcome: 'success', actor: actorOf(caller), sourceIp, reason: 'wrong current passwords' });
    if (!matches) {
      await writeAudit({ action: 'auth.password-change', outcome: 'failure', actor: actorOf(caller), sourceIp, reason: 'wrong current password' });
      throw new ForbiddenError('当前密码不正确', 'WRONG_PASSWORD');
    }
  }
  assertStrongPassword(input.newPassword);
  await setAccountPassword(caller.phone, await hashPassword(input.newPassword));
  const ended = await endSessions(caller.phone, caller.sessionId);
  await writeAudit({
    action: 'auth.password-change',
    outcome: 'success',
    actor: actorOf(caller),
    targetType: 'account',
    targetId: caller.accountId,
    sourceIp,
    reason: `${ended} other sessions ended`,
  });
}
