/**
 * Sessions: short-lived HS256 tokens (jose) backed by a session item under the account.
 *
 * A token is accepted only while all of these hold: its signature and expiry are valid; the account
 * still exists, is enabled and approved, and its `tokenVersion` equals the token's (disable, password
 * change by an administrator, role or region change and deletion bump it, killing every session at
 * once); the session item exists (logout deletes it); the session has been used within the idle
 * limit (30 minutes) and is younger than the absolute limit (12 hours).
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { batchGetItems } from '#shared/db/batch';
import { documentClient, tableName } from '#shared/db/client';
import { queryAll } from '#shared/db/expressions';
import { accountKey, sessionKey, SESSION_SK_PREFIX } from '#shared/db/keys';
import { fromItem, type AccountRecord } from '#shared/db/accounts';
import { UnauthenticatedError } from '#shared/http/errors';
import { epochSeconds } from '#shared/time';
import { signingSecret } from './secret';
import type { Caller } from './caller';

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
  phn: string;
  sid: string;
  tv: number;
}

export interface IssuedToken {
  token: string;
  expiresAt: string;
}

async function sign(claims: TokenClaims, expiresAtMs: number, now: Date): Promise<IssuedToken> {
  const token = await new SignJWT({ phn: claims.phn, sid: claims.sid, tv: claims.tv })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(ISSUER)
    .setIssuedAt(epochSeconds(now))
    .setExpirationTime(Math.floor(expiresAtMs / 1000))
    .sign(await signingSecret());
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

async function verifyToken(token: string): Promise<TokenClaims> {
  try {
    const { payload } = await jwtVerify(token, await signingSecret(), { issuer: ISSUER, algorithms: ['HS256'] });
    const { sub, phn, sid, tv } = payload as Partial<TokenClaims>;
    if (typeof sub !== 'string' || typeof phn !== 'string' || typeof sid !== 'string' || typeof tv !== 'number') {
      throw new UnauthenticatedError('登录状态无效，请重新登录', 'SESSION_INVALID');
    }
    return { sub, phn, sid, tv };
  } catch (error) {
    if (error instanceof UnauthenticatedError) throw error;
    if (error instanceof joseErrors.JWTExpired) throw new UnauthenticatedError('登录已过期，请重新登录', 'SESSION_EXPIRED');
    throw new UnauthenticatedError('登录状态无效，请重新登录', 'SESSION_INVALID');
  }
}

export interface AuthenticatedSession {
  caller: Caller;
  account: AccountRecord;
  session: SessionItem;
}

/** Checks a token against the account and its session; throws UnauthenticatedError otherwise. */
export async function loadSession(token: string, now: Date = new Date()): Promise<AuthenticatedSession> {
  const claims = await verifyToken(token);
  const items = await batchGetItems([{ ...accountKey(claims.phn) }, { ...sessionKey(claims.phn, claims.sid) }], { consistentRead: true });
  const accountItem = items.find((item) => item.sk === 'ACCOUNT');
  const sessionItem = items.find((item) => item.sk === sessionKey(claims.phn, claims.sid).sk) as SessionItem | undefined;
  const account = accountItem ? fromItem(accountItem) : undefined;
  const revoked = new UnauthenticatedError('登录状态已失效，请重新登录', 'SESSION_REVOKED');
  if (!account || String(account.id) !== claims.sub || account.tokenVersion !== claims.tv) throw revoked;
  if (account.status !== 'enabled' || account.auditStatus !== 'approved') throw revoked;
  if (!sessionItem) throw revoked;
  const idleFor = now.getTime() - Date.parse(sessionItem.lastSeenAt);
  if (idleFor > IDLE_LIMIT_MS || now.getTime() > Date.parse(sessionItem.absoluteExpiresAt)) {
    await endSession(account.phone, claims.sid);
    throw new UnauthenticatedError('登录已过期，请重新登录', 'SESSION_EXPIRED');
  }
  if (idleFor > TOUCH_INTERVAL_MS) {
    await touch(account.phone, claims.sid, now);
    sessionItem.lastSeenAt = now.toISOString();
  }
  const caller: Caller = {
    accountId: account.id,
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
      throw new UnauthenticatedError('登录状态已失效，请重新登录', 'SESSION_REVOKED');
    }
    throw error;
  }
}

/** The middleware's entry: the caller of a request carrying `Authorization: Bearer <token>`. */
export async function authenticateSession(event: APIGatewayProxyEventV2): Promise<Caller> {
  return (await loadSession(bearerToken(event))).caller;
}

/** A fresh token for a live session (never beyond the session's absolute limit). */
export async function refreshSession(event: APIGatewayProxyEventV2, now: Date = new Date()): Promise<IssuedToken> {
  const { account, session } = await loadSession(bearerToken(event), now);
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
