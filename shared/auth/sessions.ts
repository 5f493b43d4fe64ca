/**
 * Sessions: short-lived HS256 tokens (jwt.ts) backed by a session item under the account.
 *
 * A token names the key it was signed with (`kid`, see secret.ts: the key can be rotated) and
 * carries no readable phone: the session item's locator (the account's phone) travels encrypted with
 * a key derived from the signing key (AES-256-GCM), so the one lookup of account and session item
 * stays a single BatchGetItem while the token tells its holder nothing but opaque ids.
 *
 * A token is accepted only while all of these hold: its signature and expiry are valid; the account
 * still exists, is enabled and approved, and its `tokenVersion` equals the token's (disable, password
 * change by an administrator, role or region change and deletion bump it, killing every session at
 * once); the session item exists (logout deletes it); the session has been used within the idle
 * limit (30 minutes) and is younger than the absolute limit (12 hours).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { documentClient, tableName } from '#shared/db/client';
import { queryAll } from '#shared/db/expressions';
import { forgetSessionReads, readAccountAndSession } from '#shared/db/session-reads';
import { accountKey, sessionKey, SESSION_SK_PREFIX } from '#shared/db/keys';
import { fromItem, type AccountRecord } from '#shared/db/accounts';
import { UnauthenticatedError } from '#shared/http/errors';
import { epochSeconds } from '#shared/time';
import { sessionKeyById, sessionKeys, type SessionKey } from './secret';
import type { Caller } from './caller';
import { JwtExpiredError, jwtKeyId, signJwt, verifyJwt } from './jwt';

export const IDLE_LIMIT_MS = 30 * 60 * 1000;
export const ABSOLUTE_LIMIT_MS = 12 * 60 * 60 * 1000;
/** Tokens live as long as the idle limit; the site refreshes them while the user is active. */
const TOKEN_LIFETIME_MS = IDLE_LIMIT_MS;
/** Writing `lastSeenAt` on every request would double the cost of reads; once a minute is enough. */
const TOUCH_INTERVAL_MS = 60 * 1000;
const ISSUER = 'xinyidai-gov';

interface SessionItem {
  sessionId: string;
  accountId: number;
  createdAt: string;
  lastSeenAt: string;
  absoluteExpiresAt: string;
  sourceIp?: string;
}

interface TokenClaims {
  sub: string;
  /** The account's phone, decrypted from the token's `loc` claim. */
  phn: string;
  sid: string;
  tv: number;
}

const locatorKeys = new WeakMap<SessionKey, Buffer>();

/** The AES-256-GCM key that hides the session locator, derived from a signing key (once per key). */
function locatorKey(key: SessionKey): Buffer {
  let derived = locatorKeys.get(key);
  if (!derived) {
    derived = Buffer.from(hkdfSync('sha256', key.secret, Buffer.alloc(0), 'xinyidai session locator', 32));
    locatorKeys.set(key, derived);
  }
  return derived;
}

function sealLocator(phone: string, key: SessionKey): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', locatorKey(key), iv);
  const sealed = Buffer.concat([cipher.update(phone, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url');
}

function openLocator(locator: string, key: SessionKey): string | undefined {
  try {
    const bytes = Buffer.from(locator, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', locatorKey(key), bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

export interface IssuedToken {
  token: string;
  expiresAt: string;
}

async function sign(claims: TokenClaims, expiresAtMs: number, now: Date): Promise<IssuedToken> {
  const { current } = await sessionKeys(now);
  const token = signJwt(
    { loc: sealLocator(claims.phn, current), sid: claims.sid, tv: claims.tv, sub: claims.sub, iss: ISSUER, iat: epochSeconds(now), exp: Math.floor(expiresAtMs / 1000) },
    current.id,
    current.secret,
  );
  return { token, expiresAt: new Date(Math.floor(expiresAtMs / 1000) * 1000).toISOString() };
}

/** Opens a session for an account that has just proved a credential. */
export async function startSession(account: AccountRecord, sourceIp: string, now: Date = new Date()): Promise<IssuedToken> {
  const sessionId = randomUUID();
  const absolute = now.getTime() + ABSOLUTE_LIMIT_MS;
  const item: SessionItem = {
    sessionId,
    accountId: account.id,
    createdAt: now.toISOString(),
    lastSeenAt: now.toISOString(),
    absoluteExpiresAt: new Date(absolute).toISOString(),
    sourceIp,
  };
  await documentClient().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...sessionKey(account.phone, sessionId), entity: 'session', ...item, ttl: epochSeconds(absolute) + 86_400 },
    }),
  );
  return sign(
    { sub: String(account.id), phn: account.phone, sid: sessionId, tv: account.tokenVersion },
    Math.min(now.getTime() + TOKEN_LIFETIME_MS, absolute),
    now,
  );
}

function bearerToken(event: APIGatewayProxyEventV2): string {
  const header = event.headers?.authorization ?? event.headers?.Authorization;
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!match?.[1]) throw new UnauthenticatedError();
  return match[1];
}

async function verifyToken(token: string, now: Date): Promise<TokenClaims> {
  const invalid = () => new UnauthenticatedError('登录状态无效，请重新登录', 'SESSION_INVALID');
  try {
    const key = await sessionKeyById(jwtKeyId(token), now);
    if (!key) throw invalid();
    const payload = verifyJwt(token, key.secret, { issuer: ISSUER, now });
    const { sub, loc, sid, tv } = payload as { sub?: unknown; loc?: unknown; sid?: unknown; tv?: unknown };
    const phn = typeof loc === 'string' ? openLocator(loc, key) : undefined;
    if (typeof sub !== 'string' || !phn || typeof sid !== 'string' || typeof tv !== 'number') throw invalid();
    return { sub, phn, sid, tv };
  } catch (error) {
    if (error instanceof UnauthenticatedError) throw error;
    if (error instanceof JwtExpiredError) throw new UnauthenticatedError('登录已过期，请重新登录', 'SESSION_EXPIRED');
    // A token that is not even a JWT, or names no key, is as invalid as a forged one.
    throw new UnauthenticatedError('登录状态无效，请重新登录', 'SESSION_INVALID');
  }
}

export interface AuthenticatedSession {
  caller: Caller;
  account: AccountRecord;
  session: SessionItem;
}

export interface SessionOptions {
  /**
   * Whether this process may write the session item (`lastSeenAt`, ending an idle session). Modules
   * granted no table writes (shared/http/route.ts, `ModulePermissions`) only read it; the idle clock
   * then moves on the user's next call to any other module.
   */
  mayWrite?: boolean;
  now?: Date;
}

/** Checks a token against the account and its session; throws UnauthenticatedError otherwise. */
export async function loadSession(token: string, options: SessionOptions = {}): Promise<AuthenticatedSession> {
  const now = options.now ?? new Date();
  const mayWrite = options.mayWrite ?? true;
  const claims = await verifyToken(token, now);
  const items = await readAccountAndSession(claims.phn, claims.sid);
  const accountItem = items.find((item) => item.sk === 'ACCOUNT');
  const sessionItem = items.find((item) => item.sk === sessionKey(claims.phn, claims.sid).sk) as SessionItem | undefined;
  const account = accountItem ? fromItem(accountItem) : undefined;
  const revoked = () => new UnauthenticatedError('登录状态已失效，请重新登录', 'SESSION_REVOKED');
  if (!account || String(account.id) !== claims.sub || account.tokenVersion !== claims.tv) throw revoked();
  if (account.status !== 'enabled' || account.auditStatus !== 'approved') throw revoked();
  if (!sessionItem) throw revoked();
  const idleFor = now.getTime() - Date.parse(sessionItem.lastSeenAt);
  if (idleFor > IDLE_LIMIT_MS || now.getTime() > Date.parse(sessionItem.absoluteExpiresAt)) {
    if (mayWrite) await endSession(account.phone, claims.sid);
    throw new UnauthenticatedError('登录已过期，请重新登录', 'SESSION_EXPIRED');
  }
  if (mayWrite && idleFor > TOUCH_INTERVAL_MS) {
    await touch(account.phone, claims.sid, now);
    sessionItem.lastSeenAt = now.toISOString();
  }
  const caller: Caller = {
    accountId: account.id,
    realName: account.realName,
    phone: account.phone,
    role: account.role,
    provinceCode: account.provinceCode,
    ...(account.cityCode ? { cityCode: account.cityCode } : {}),
    sessionId: claims.sid,
  };
  return { caller, account, session: sessionItem };
}

async function touch(phone: string, sessionId: string, now: Date): Promise<void> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: sessionKey(phone, sessionId),
        UpdateExpression: 'SET lastSeenAt = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':now': now.toISOString() },
      }),
    );
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') {
      forgetSessionReads(phone);
      throw new UnauthenticatedError('登录状态已失效，请重新登录', 'SESSION_REVOKED');
    }
    throw error;
  }
}

/** The middleware's entry: the caller of a request carrying `Authorization: Bearer <token>`. */
export async function authenticateSession(event: APIGatewayProxyEventV2, options: SessionOptions = {}): Promise<Caller> {
  return (await loadSession(bearerToken(event), options)).caller;
}

/** A fresh token for a live session (never beyond the session's absolute limit). */
export async function refreshSession(event: APIGatewayProxyEventV2, now: Date = new Date()): Promise<IssuedToken> {
  const { account, session } = await loadSession(bearerToken(event), { now });
  const absolute = Date.parse(session.absoluteExpiresAt);
  return sign(
    { sub: String(account.id), phn: account.phone, sid: session.sessionId, tv: account.tokenVersion },
    Math.min(now.getTime() + TOKEN_LIFETIME_MS, absolute),
    now,
  );
}

/** Ends one session (logout). */
export async function endSession(phone: string, sessionId: string): Promise<void> {
  await documentClient().send(new DeleteCommand({ TableName: tableName(), Key: sessionKey(phone, sessionId) }));
  forgetSessionReads(phone);
}

/** Ends every session of an account except `keepSessionId` (password change, account deletion). */
export async function endSessions(phone: string, keepSessionId?: string): Promise<number> {
  const sessions = await queryAll({
    TableName: tableName(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': accountKey(phone).pk, ':prefix': SESSION_SK_PREFIX },
    ProjectionExpression: 'sk, sessionId',
  });
  const ended = sessions.filter((item) => item.sessionId !== keepSessionId);
  for (const item of ended) await endSession(phone, String(item.sessionId));
  return ended.length;
}
