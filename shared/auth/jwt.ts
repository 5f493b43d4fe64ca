/**
 * Compact HS256 JSON Web Tokens (RFC 7519) with node:crypto, for the session tokens of sessions.ts.
 *
 * Every authenticated request verifies one token; with node:crypto's synchronous HMAC this costs a
 * few microseconds, where a WebCrypto verification (what general JWT libraries use) is a job on the
 * thread pool and was an eighth of the CPU time of a `GET /api/stats/summary` (docs/capacity.md,
 * "API overhead"). Only what the sessions use is implemented, and strictly: the header must name
 * `HS256` exactly (no `none`, no other algorithm, whatever key the token names), the signature is
 * compared in constant time, `exp` and `iss` are required.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface JwtHeader {
  alg: 'HS256';
  typ: 'JWT';
  kid: string;
}

/** The claims this module checks; the payload may carry others. */
export interface JwtPayload {
  iss: string;
  sub?: string;
  iat?: number;
  exp: number;
  [claim: string]: unknown;
}

/** The token is not a well-formed HS256 token of this issuer, or its signature is wrong. */
export class JwtInvalidError extends Error {
  override readonly name = 'JwtInvalidError';
}

/** The token was valid until its `exp`. */
export class JwtExpiredError extends Error {
  override readonly name = 'JwtExpiredError';
}

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function decodePart(part: string): Record<string, unknown> {
  if (!BASE64URL.test(part)) throw new JwtInvalidError('not base64url');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new JwtInvalidError('not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new JwtInvalidError('not a JSON object');
  return value as Record<string, unknown>;
}

const hmac = (input: string, secret: Uint8Array): Buffer => createHmac('sha256', secret).update(input).digest();

export function signJwt(payload: JwtPayload, kid: string, secret: Uint8Array): string {
  const header: JwtHeader = { alg: 'HS256', typ: 'JWT', kid };
  const input = `${encode(header)}.${encode(payload)}`;
  return `${input}.${hmac(input, secret).toString('base64url')}`;
}

/** The header of a token, unverified: which key to verify it with. */
export function jwtKeyId(token: string): string {
  const header = decodePart(token.split('.')[0] ?? '');
  if (header.alg !== 'HS256' || typeof header.kid !== 'string') throw new JwtInvalidError('not an HS256 token naming its key');
  return header.kid;
}

/**
 * Verifies signature, issuer and expiry (a token is expired from its `exp` second on, as RFC 7519
 * reads) and answers the payload.
 */
export function verifyJwt(token: string, secret: Uint8Array, options: { issuer: string; now: Date }): JwtPayload {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[2] || !BASE64URL.test(parts[2])) throw new JwtInvalidError('not a signed compact token');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodePart(headerPart);
  if (header.alg !== 'HS256') throw new JwtInvalidError('algorithm not allowed');
  const expected = hmac(`${headerPart}.${payloadPart}`, secret);
  const given = Buffer.from(signaturePart, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new JwtInvalidError('signature mismatch');
  const payload = decodePart(payloadPart);
  if (payload.iss !== options.issuer) throw new JwtInvalidError('unexpected issuer');
  if (typeof payload.exp !== 'number' || !Number.isFinite(payload.exp)) throw new JwtInvalidError('no expiry');
  if (Math.floor(options.now.getTime() / 1000) >= payload.exp) throw new JwtExpiredError('expired');
  return payload as JwtPayload;
}
