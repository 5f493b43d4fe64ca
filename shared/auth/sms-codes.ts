/**
 * SMS verification codes (docs/security.md): 6 random digits, stored only as an HMAC, valid 5 minutes,
 * single use, dead after 5 wrong tries. Expiry is checked in code (TTL is housekeeping only). How
 * often codes may be asked for is sign-in-limits.ts's business; past a threshold the request must
 * carry a solved human check (captcha.ts).
 *
 * A phone without an account (for `login`) gets no SMS, yet its request does exactly what a known
 * phone's does — the same limits, the same writes, a request published to the SMS topic (marked
 * silent, which the SMS function drops) — so neither the answer nor its timing tells the two apart.
 */
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '#shared/db/client';
import { smsCodeKey } from '#shared/db/keys';
import { epochSeconds } from '#shared/time';
import { publishSmsRequest } from '#shared/sms/publish';
import { requireCaptcha } from './captcha';
import { sessionKeyById, sessionKeys, type SessionKey } from './secret';
import { assessSmsRequest, chargeSmsRequest } from './sign-in-limits';

export const SMS_PURPOSES = ['login', 'bind'] as const;
export type SmsPurpose = (typeof SMS_PURPOSES)[number];

export const CODE_LIFETIME_MS = 5 * 60 * 1000;
export const MAX_WRONG_ATTEMPTS = 5;

function codeHash(key: SessionKey, phone: string, purpose: SmsPurpose, code: string): string {
  return createHmac('sha256', key.secret).update(`sms:${phone}:${purpose}:${code}`).digest('base64');
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException';
}

export interface CodeRequest {
  phone: string;
  purpose: SmsPurpose;
  sourceIp: string;
  /** False when no message may go out (e.g. `login` for a phone without an account). */
  deliver: boolean;
  /** The human check, needed once the phone or the address has asked for many codes. */
  captchaId?: string;
  captchaAnswer?: string;
  now?: Date;
}

/**
 * Issues a code. Throws CaptchaRequiredError / CaptchaInvalidError (400) when the human check is
 * needed, RateLimitedError (429, Retry-After) for the (phone, address) wait and the daily ceilings,
 * SmsUnavailableError (503) when the SMS topic does not take the request; after a failure nothing is
 * charged and an earlier code stays valid.
 */
export async function requestCode(request: CodeRequest): Promise<{ resendAfterSeconds: number }> {
  const { phone, purpose, sourceIp, deliver } = request;
  const now = request.now ?? new Date();
  const { checkRequired } = await assessSmsRequest(phone, sourceIp, now);
  if (checkRequired) await requireCaptcha(request, now);
  const charge = await chargeSmsRequest(phone, sourceIp, purpose, now);
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  try {
    await publishSmsRequest({ phone, template: purpose === 'bind' ? 'bind-code' : 'login-code', params: { code }, requestedAt: now.toISOString(), ...(deliver ? {} : { silent: true }) });
  } catch (error) {
    await charge.refund();
    throw error;
  }
  const { current } = await sessionKeys(now);
  await documentClient().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: smsCodeKey(phone, purpose),
      UpdateExpression: 'SET entity = :entity, codeHash = :hash, codeKeyId = :keyId, expiresAt = :expires, attempts = :zero, #ttl = :ttl',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: {
        ':entity': 'sms-code',
        ':hash': codeHash(current, phone, purpose, code),
        ':keyId': current.id,
        ':expires': new Date(now.getTime() + CODE_LIFETIME_MS).toISOString(),
        ':zero': 0,
        ':ttl': epochSeconds(now) + 86_400,
      },
    }),
  );
  return { resendAfterSeconds: charge.waitSeconds };
}

/**
 * Checks a code and consumes it on success (single use). A wrong code counts a try; after
 * MAX_WRONG_ATTEMPTS wrong tries the code is dead even for the right digits.
 */
export async function verifyCode(phone: string, purpose: SmsPurpose, code: string, now: Date = new Date()): Promise<boolean> {
  const result = await documentClient().send(
    new GetCommand({ TableName: tableName(), Key: smsCodeKey(phone, purpose), ConsistentRead: true }),
  );
  const item = result.Item;
  const stored = item?.codeHash as string | undefined;
  if (!item || !stored) return false;
  if (Date.parse(String(item.expiresAt)) <= now.getTime()) return false;
  if (Number(item.attempts ?? 0) >= MAX_WRONG_ATTEMPTS) return false;
  // The code was hashed with the session key of its time (it may have been rotated since).
  const key = await sessionKeyById(String(item.codeKeyId ?? ''), now);
  const given = Buffer.from(key ? codeHash(key, phone, purpose, code) : '');
  const expected = Buffer.from(stored);
  const matches = given.length === expected.length && timingSafeEqual(given, expected);
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: smsCodeKey(phone, purpose),
        UpdateExpression: matches ? 'REMOVE codeHash, expiresAt SET consumedAt = :now' : 'ADD attempts :one',
        ConditionExpression: 'codeHash = :hash AND attempts < :max',
        ExpressionAttributeValues: {
          ':hash': stored,
          ':max': MAX_WRONG_ATTEMPTS,
          ...(matches ? { ':now': now.toISOString() } : { ':one': 1 }),
        },
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) return false; // consumed or killed concurrently
    throw error;
  }
  return matches;
}
