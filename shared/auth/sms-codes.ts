/**
 * SMS verification codes (docs/security.md): 6 random digits, stored only as an HMAC, valid 5 minutes,
 * single use, dead after 5 wrong tries; one request per phone and purpose every 60 s; daily caps per
 * phone and per source IP. Expiry is checked in code (TTL is housekeeping only).
 *
 * The caller decides whether a message is actually delivered (no SMS to a phone without an account
 * for `login`), but the limits are charged either way, so the answers cannot tell the two apart.
 */
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '#shared/db/client';
import { rateKey, smsCodeKey } from '#shared/db/keys';
import { RateLimitedError } from '#shared/http/errors';
import { chinaDateParts, chinaDay, chinaDayStart, epochSeconds } from '#shared/time';
import { sessionKeyById, sessionKeys, type SessionKey } from './secret';
import { publishSmsRequest } from '#shared/sms/publish';

export const SMS_PURPOSES = ['login', 'bind'] as const;
export type SmsPurpose = (typeof SMS_PURPOSES)[number];

export const CODE_LIFETIME_MS = 5 * 60 * 1000;
export const RESEND_INTERVAL_SECONDS = 60;
export const MAX_WRONG_ATTEMPTS = 5;
export const DAILY_LIMIT_PER_PHONE = 10;
export const DAILY_LIMIT_PER_IP = 50;

function codeHash(key: SessionKey, phone: string, purpose: SmsPurpose, code: string): string {
  return createHmac('sha256', key.secret).update(`sms:${phone}:${purpose}:${code}`).digest('base64');
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException';
}

function secondsUntilChinaMidnight(now: Date): number {
  const { year, month, day } = chinaDateParts(now);
  return Math.ceil((chinaDayStart(year, month, day).getTime() + 86_400_000 - now.getTime()) / 1000);
}

async function reserveResendSlot(phone: string, purpose: SmsPurpose, now: Date): Promise<string | undefined> {
  const cutoff = new Date(now.getTime() - RESEND_INTERVAL_SECONDS * 1000).toISOString();
  try {
    const result = await documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: smsCodeKey(phone, purpose),
        UpdateExpression: 'SET lastRequestAt = :now, entity = :entity, #ttl = :ttl',
        ConditionExpression: 'attribute_not_exists(lastRequestAt) OR lastRequestAt <= :cutoff',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':now': now.toISOString(),
          ':cutoff': cutoff,
          ':entity': 'sms-code',
          ':ttl': epochSeconds(now) + 86_400,
        },
        ReturnValues: 'UPDATED_OLD',
      }),
    );
    return result.Attributes?.lastRequestAt as string | undefined;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const current = await documentClient().send(
      new GetCommand({ TableName: tableName(), Key: smsCodeKey(phone, purpose), ConsistentRead: true }),
    );
    const last = Date.parse(String(current.Item?.lastRequestAt ?? now.toISOString()));
    const wait = RESEND_INTERVAL_SECONDS - (now.getTime() - last) / 1000;
    throw new RateLimitedError(wait, '验证码发送过于频繁，请稍后再试', 'SMS_TOO_FREQUENT');
  }
}

async function releaseResendSlot(phone: string, purpose: SmsPurpose, now: Date, previous: string | undefined) {
  await documentClient().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: smsCodeKey(phone, purpose),
      UpdateExpression: previous ? 'SET lastRequestAt = :previous' : 'REMOVE lastRequestAt',
      ConditionExpression: 'lastRequestAt = :now',
      ExpressionAttributeValues: { ':now': now.toISOString(), ...(previous ? { ':previous': previous } : {}) },
    }),
  ).catch((error: unknown) => {
    if (!isConditionFailure(error)) throw error;
  });
}

/** Adds one to a daily counter unless it has reached `limit`; false when the limit is reached. */
async function chargeDaily(kind: string, subject: string, limit: number, now: Date): Promise<boolean> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: rateKey(kind, subject, chinaDay(now)),
        UpdateExpression: 'SET entity = :entity, #ttl = :ttl ADD #count :one',
        ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
        ExpressionAttributeNames: { '#count': 'count', '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':one': 1,
          ':limit': limit,
          ':entity': 'rate',
          ':ttl': epochSeconds(now) + 2 * 86_400,
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

async function refundDaily(kind: string, subject: string, now: Date): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: rateKey(kind, subject, chinaDay(now)),
      UpdateExpression: 'ADD #count :minus',
      ExpressionAttributeNames: { '#count': 'count' },
      ExpressionAttributeValues: { ':minus': -1 },
    }),
  );
}

export interface CodeRequest {
  phone: string;
  purpose: SmsPurpose;
  sourceIp: string;
  /** False when no message may go out (e.g. `login` for a phone without an account). */
  deliver: boolean;
  now?: Date;
}

/**
 * Issues a code. Throws RateLimitedError (429, Retry-After) for the resend interval and the daily caps,
 * SmsUnavailableError (503) when the SMS topic does not take the request; after a failure nothing is
 * charged and an earlier code stays valid.
 */
export async function requestCode(request: CodeRequest): Promise<{ resendAfterSeconds: number }> {
  const { phone, purpose, sourceIp, deliver } = request;
  const now = request.now ?? new Date();
  const previous = await reserveResendSlot(phone, purpose, now);
  const charged: [string, string][] = [];
  const rollback = async () => {
    for (const [kind, subject] of charged) await refundDaily(kind, subject, now);
    await releaseResendSlot(phone, purpose, now, previous);
  };
  try {
    for (const [kind, subject, limit] of [
      ['sms-phone', phone, DAILY_LIMIT_PER_PHONE],
      ['sms-ip', sourceIp, DAILY_LIMIT_PER_IP],
    ] as const) {
      if (!(await chargeDaily(kind, subject, limit, now))) {
        throw new RateLimitedError(secondsUntilChinaMidnight(now), '今日验证码发送次数已达上限', 'SMS_DAILY_LIMIT');
      }
      charged.push([kind, subject]);
    }
    if (deliver) {
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      await publishSmsRequest({ phone, template: purpose === 'bind' ? 'bind-code' : 'login-code', params: { code }, requestedAt: now.toISOString() });
      const { current } = await sessionKeys(now);
      await documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: smsCodeKey(phone, purpose),
          UpdateExpression: 'SET codeHash = :hash, codeKeyId = :keyId, expiresAt = :expires, attempts = :zero',
          ExpressionAttributeValues: {
            ':hash': codeHash(current, phone, purpose, code),
            ':keyId': current.id,
            ':expires': new Date(now.getTime() + CODE_LIFETIME_MS).toISOString(),
            ':zero': 0,
          },
        }),
      );
    }
  } catch (error) {
    await rollback();
    throw error;
  }
  return { resendAfterSeconds: RESEND_INTERVAL_SECONDS };
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
