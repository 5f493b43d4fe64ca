/**
 * Sign-in limits that an attacker cannot turn against a phone's owner (docs/security.md, "Sign-in
 * limits"). Whoever lacks the phone can slow down only their own address: the strict limits are per
 * (phone, address) and back off progressively; a phone or an address that sees more requests than a
 * person makes must first pass the human check (captcha.ts), which the real user can and a script
 * cannot; the only per-phone ceilings are far higher and, behind the human check, out of a script's
 * reach. Nothing here tells whether a phone has an account: unknown phones are counted, delayed and
 * checked exactly like known ones.
 *
 * Counters are items `RATE#<kind>#<subject>` per China-time hour or day (TTL cleans them up); the
 * per-(phone, address) state is one item per pair. The limits are {@link SIGN_IN_LIMITS}.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetItems } from '#shared/db/batch';
import { documentClient, tableName } from '#shared/db/client';
import { rateKey } from '#shared/db/keys';
import { isConditionFailure } from '#shared/db/versioned-update';
import { RateLimitedError } from '#shared/http/errors';
import { countMetric } from '#shared/observability/metrics';
import { chinaDay, chinaHour, epochSeconds, secondsUntilChinaMidnight } from '#shared/time';

/** The limits, in one place (docs/security.md explains each). */
export const SIGN_IN_LIMITS = {
  /** SMS codes per (phone, address): the wait before the next one doubles from 60 s up to 10 min. */
  smsFirstWaitSeconds: 60,
  smsLongestWaitSeconds: 600,
  /** The waits start again after this quiet time. */
  smsBackoffResetMs: 60 * 60 * 1000,
  /** Codes per phone per hour (from any address) before the human check is asked for. */
  smsPerPhoneHourUnchecked: 5,
  /** Codes per address per hour (for any phones) before the human check is asked for. */
  smsPerAddressHourUnchecked: 20,
  /** Ceilings per day: spend protection; the phone's only reaches them behind the human check. */
  smsPerPhoneDay: 20,
  smsPerAddressDay: 100,
  /** Wrong passwords per (phone, address) before that pair waits; the wait doubles from 1 min to 15 min. */
  passwordFailuresPerPair: 5,
  passwordFirstLockMs: 60 * 1000,
  passwordLongestLockMs: 15 * 60 * 1000,
  /** Wrong passwords per phone (any address) and per address (any phone) per hour before the human check. */
  passwordFailuresPerPhoneHourUnchecked: 10,
  passwordFailuresPerAddressHourUnchecked: 30,
  /** Wrong passwords per phone per day after which its password sign-in pauses 15 minutes (SMS still works). */
  passwordFailuresPerPhoneDay: 100,
  phonePauseMs: 15 * 60 * 1000,
} as const;

const HOUR_TTL_SECONDS = 2 * 3600;
const DAY_TTL_SECONDS = 2 * 86_400;

type Counter = { kind: string; subject: string; window: string; ttlSeconds: number };

function hourCounter(kind: string, subject: string, now: Date): Counter {
  return { kind, subject, window: chinaHour(now), ttlSeconds: HOUR_TTL_SECONDS };
}
function dayCounter(kind: string, subject: string, now: Date): Counter {
  return { kind, subject, window: chinaDay(now), ttlSeconds: DAY_TTL_SECONDS };
}

/** The current values of some counters, in order (0 for those not yet counted). One BatchGetItem. */
async function readCounters(counters: Counter[]): Promise<number[]> {
  const keys = counters.map((counter) => rateKey(counter.kind, counter.subject, counter.window));
  const items = await batchGetItems(keys.map((key) => ({ ...key })), { consistentRead: true });
  const byKey = new Map(items.map((item) => [`${item.pk}|${item.sk}`, Number(item.count ?? 0)]));
  return keys.map((key) => byKey.get(`${key.pk}|${key.sk}`) ?? 0);
}

/** Adds `amount` to each counter (in parallel). */
async function addToCounters(counters: Counter[], now: Date, amount = 1): Promise<void> {
  await Promise.all(
    counters.map((counter) =>
      documentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: rateKey(counter.kind, counter.subject, counter.window),
          UpdateExpression: 'SET entity = :entity, #ttl = :ttl ADD #count :amount',
          ExpressionAttributeNames: { '#count': 'count', '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':entity': 'rate', ':ttl': epochSeconds(now) + counter.ttlSeconds, ':amount': amount },
        }),
      ),
    ),
  );
}

// ---- SMS codes --------------------------------------------------------------------------------

export interface SmsCharge {
  /** How long this (phone, address) pair now waits before its next code. */
  waitSeconds: number;
  /** Undoes the charge (the SMS topic did not take the request). */
  refund(): Promise<void>;
}

function smsCounters(phone: string, address: string, now: Date) {
  return [
    hourCounter('sms-phone-h', phone, now),
    hourCounter('sms-ip-h', address, now),
    dayCounter('sms-phone', phone, now),
    dayCounter('sms-ip', address, now),
  ];
}

/**
 * Whether a code request for this phone from this address must pass the human check first, and the
 * daily ceilings. Throws RateLimitedError 429 SMS_DAILY_LIMIT when a ceiling is reached.
 */
export async function assessSmsRequest(phone: string, address: string, now: Date): Promise<{ checkRequired: boolean }> {
  const [phoneHour, addressHour, phoneDay, addressDay] = await readCounters(smsCounters(phone, address, now));
  if (addressDay! >= SIGN_IN_LIMITS.smsPerAddressDay || phoneDay! >= SIGN_IN_LIMITS.smsPerPhoneDay) {
    countMetric('SignInCeilingHit');
    throw new RateLimitedError(secondsUntilChinaMidnight(now), '今日验证码发送次数已达上限，请使用密码登录或明日再试', 'SMS_DAILY_LIMIT');
  }
  return { checkRequired: phoneHour! >= SIGN_IN_LIMITS.smsPerPhoneHourUnchecked || addressHour! >= SIGN_IN_LIMITS.smsPerAddressHourUnchecked };
}

const pairKey = (kind: string, phone: string, address: string) => ({ pk: `SIGNIN#${kind}#${phone}`, sk: address });

/**
 * Charges one code request: the (phone, address) wait (429 SMS_TOO_FREQUENT while it runs) and the
 * hour and day counters.
 */
export async function chargeSmsRequest(phone: string, address: string, purpose: string, now: Date): Promise<SmsCharge> {
  const key = pairKey(`sms-${purpose}`, phone, address);
  const seen = (await documentClient().send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }))).Item;
  const nextAt = seen ? Date.parse(String(seen.nextAt)) : 0;
  if (nextAt > now.getTime()) {
    throw new RateLimitedError((nextAt - now.getTime()) / 1000, '验证码发送过于频繁，请稍后再试', 'SMS_TOO_FREQUENT');
  }
  const quietSince = seen ? now.getTime() - Date.parse(String(seen.lastAt)) : Infinity;
  const count = quietSince > SIGN_IN_LIMITS.smsBackoffResetMs ? 1 : Number(seen?.count ?? 0) + 1;
  const waitSeconds = Math.min(SIGN_IN_LIMITS.smsLongestWaitSeconds, SIGN_IN_LIMITS.smsFirstWaitSeconds * 2 ** (count - 1));
  try {
    await documentClient().send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...key,
          entity: 'sign-in-pair',
          count,
          lastAt: now.toISOString(),
          nextAt: new Date(now.getTime() + waitSeconds * 1000).toISOString(),
          ttl: epochSeconds(now) + 2 * 3600,
        },
        // Another request of the same pair got in first: it holds the wait.
        ConditionExpression: seen ? 'nextAt = :seen' : 'attribute_not_exists(pk)',
        ...(seen ? { ExpressionAttributeValues: { ':seen': seen.nextAt } } : {}),
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    throw new RateLimitedError(SIGN_IN_LIMITS.smsFirstWaitSeconds, '验证码发送过于频繁，请稍后再试', 'SMS_TOO_FREQUENT');
  }
  const counters = smsCounters(phone, address, now);
  await addToCounters(counters, now);
  return {
    waitSeconds,
    refund: async () => {
      await addToCounters(counters, now, -1);
      if (seen) await documentClient().send(new PutCommand({ TableName: tableName(), Item: seen }));
      else await documentClient().send(new DeleteCommand({ TableName: tableName(), Key: key }));
    },
  };
}

// ---- passwords -------------------------------------------------------------------------------

function passwordCounters(phone: string, address: string, now: Date) {
  return [hourCounter('pwfail-phone-h', phone, now), hourCounter('pwfail-ip-h', address, now), dayCounter('pwfail-phone', phone, now)];
}

const phonePauseKey = (phone: string) => ({ pk: `SIGNIN#pause#${phone}`, sk: 'PAUSE' });

/**
 * Whether a password attempt for this phone from this address must pass the human check first.
 * Throws 429 LOGIN_LOCKED while the phone's password sign-in is paused (after
 * {@link SIGN_IN_LIMITS.passwordFailuresPerPhoneDay} wrong passwords in a day).
 */
export async function assessPasswordAttempt(phone: string, address: string, now: Date): Promise<{ checkRequired: boolean }> {
  const counters = passwordCounters(phone, address, now);
  const [items, [phoneHour, addressHour]] = await Promise.all([
    batchGetItems([{ ...phonePauseKey(phone) }], { consistentRead: true }),
    readCounters(counters.slice(0, 2)),
  ]);
  const pausedUntil = Date.parse(String(items[0]?.until ?? 0));
  if (pausedUntil > now.getTime()) {
    throw new RateLimitedError((pausedUntil - now.getTime()) / 1000, '密码错误次数过多，请稍后再试或使用短信验证码登录', 'LOGIN_LOCKED');
  }
  return {
    checkRequired:
      phoneHour! >= SIGN_IN_LIMITS.passwordFailuresPerPhoneHourUnchecked || addressHour! >= SIGN_IN_LIMITS.passwordFailuresPerAddressHourUnchecked,
  };
}

/**
 * Counts a password attempt of a (phone, address) pair BEFORE the password is checked, so that
 * guesses sent in parallel cannot outrun the limit: at most {@link SIGN_IN_LIMITS.passwordFailuresPerPair}
 * attempts get through between two successes, then the pair waits. Throws 429 LOGIN_LOCKED while it waits.
 */
export async function reservePasswordAttempt(phone: string, address: string, now: Date): Promise<number> {
  const key = pairKey('password', phone, address);
  try {
    const result = await documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: key,
        UpdateExpression: 'SET entity = :entity, #ttl = :ttl ADD failures :one',
        ConditionExpression:
          '(attribute_not_exists(lockedUntil) OR lockedUntil <= :now) AND (attribute_not_exists(failures) OR failures < :max)',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':one': 1,
          ':max': SIGN_IN_LIMITS.passwordFailuresPerPair,
          ':now': now.toISOString(),
          ':entity': 'sign-in-pair',
          ':ttl': epochSeconds(now) + 86_400,
        },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(result.Attributes?.failures);
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const current = await documentClient().send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }));
    const until = current.Item?.lockedUntil ? Date.parse(String(current.Item.lockedUntil)) : 0;
    const wait = until > now.getTime() ? (until - now.getTime()) / 1000 : SIGN_IN_LIMITS.passwordFirstLockMs / 1000;
    throw new RateLimitedError(wait, `密码错误次数过多，请 ${Math.ceil(wait / 60)} 分钟后再试或使用短信验证码登录`, 'LOGIN_LOCKED');
  }
}

/**
 * A reserved attempt failed. The attempt that reaches the pair's limit makes the pair wait (1, 2, 4,
 * 8, then 15 minutes for each further round); the phone's and the address's failure counters grow.
 * Resolves to whether the pair now waits.
 */
export async function recordPasswordFailure(phone: string, address: string, attempts: number, now: Date): Promise<boolean> {
  const counters = passwordCounters(phone, address, now);
  await addToCounters(counters, now);
  const [phoneDay] = await readCounters([counters[2]!]);
  if (phoneDay! >= SIGN_IN_LIMITS.passwordFailuresPerPhoneDay) {
    countMetric('SignInCeilingHit');
    await documentClient().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...phonePauseKey(phone), entity: 'sign-in-pause', until: new Date(now.getTime() + SIGN_IN_LIMITS.phonePauseMs).toISOString(), ttl: epochSeconds(now) + 86_400 },
      }),
    );
  }
  if (attempts < SIGN_IN_LIMITS.passwordFailuresPerPair) return false;
  const key = pairKey('password', phone, address);
  const current = (await documentClient().send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }))).Item;
  const rounds = Number(current?.rounds ?? 0) + 1;
  const lockMs = Math.min(SIGN_IN_LIMITS.passwordLongestLockMs, SIGN_IN_LIMITS.passwordFirstLockMs * 2 ** (rounds - 1));
  await documentClient().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: key,
      UpdateExpression: 'SET lockedUntil = :until, failures = :zero, rounds = :rounds',
      ExpressionAttributeValues: { ':until': new Date(now.getTime() + lockMs).toISOString(), ':zero': 0, ':rounds': rounds },
    }),
  );
  return true;
}

/** A correct password: the pair starts afresh (the phone's and address's counters stay). */
export async function clearPasswordFailures(phone: string, address: string): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: pairKey('password', phone, address),
      UpdateExpression: 'REMOVE failures, lockedUntil, rounds',
    }),
  );
}
