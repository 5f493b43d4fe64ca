/**
 * The session tokens' HS256 implementation (shared/auth/jwt.ts), checked against jose as a reference
 * in both directions, and against the tokens an attacker would try: another algorithm or none, a
 * changed payload, another key, a missing expiry or issuer, garbage.
 */
import { createHmac } from 'node:crypto';
import { SignJWT, jwtVerify, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { JwtExpiredError, JwtInvalidError, jwtKeyId, signJwt, verifyJwt } from '#shared/auth/jwt';

const secret = new TextEncoder().encode('a-session-secret-of-at-least-32-characters');
const other = new TextEncoder().encode('another-secret-of-at-least-32-characters!!');
const ISSUER = 'xinyidai-gov';
const now = new Date('2026-06-01T08:00:00Z');
const nowSeconds = now.getTime() / 1000;
const payload = { iss: ISSUER, sub: '12', sid: 's-1', tv: 3, loc: 'opaque', iat: nowSeconds, exp: nowSeconds + 1800 };
const verify = (token: string, at: Date = now, key: Uint8Array = secret) => verifyJwt(token, key, { issuer: ISSUER, now: at });
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const signed = (header: unknown, body: unknown, key: Uint8Array = secret) => {
  const input = `${b64(header)}.${b64(body)}`;
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
};

describe('HS256 session tokens', () => {
  it('signs tokens jose verifies, and verifies tokens jose signs', async () => {
    const ours = signJwt(payload, 'k1', secret);
    const { payload: read, protectedHeader } = await jwtVerify(ours, secret, { issuer: ISSUER, algorithms: ['HS256'], currentDate: now });
    expect(read).toEqual(payload);
    expect(protectedHeader).toEqual({ alg: 'HS256', typ: 'JWT', kid: 'k1' });

    const theirs = await new SignJWT({ sid: 's-1', tv: 3 })
      .setProtectedHeader({ alg: 'HS256', kid: 'k2' })
      .setSubject('12')
      .setIssuer(ISSUER)
      .setIssuedAt(nowSeconds)
      .setExpirationTime(nowSeconds + 60)
      .sign(secret);
    expect(jwtKeyId(theirs)).toBe('k2');
    expect(verify(theirs)).toMatchObject({ sub: '12', sid: 's-1', tv: 3, iss: ISSUER });
  });

  it('expires at its exp second, as jose does', async () => {
    const token = signJwt({ ...payload, exp: nowSeconds + 10 }, 'k1', secret);
    expect(verify(token, new Date(now.getTime() + 9_999))).toMatchObject({ sub: '12' });
    expect(() => verify(token, new Date(now.getTime() + 10_000))).toThrow(JwtExpiredError);
    await expect(jwtVerify(token, secret, { currentDate: new Date(now.getTime() + 10_000) })).rejects.toThrow(/exp/);
  });

  it('refuses other algorithms, unsigned tokens and other keys', () => {
    const none = new UnsecuredJWT(payload).encode();
    expect(() => verify(none)).toThrow(JwtInvalidError);
    expect(() => jwtKeyId(none)).toThrow(JwtInvalidError);
    // The right HMAC under another algorithm's name is still refused.
    expect(() => verify(signed({ alg: 'HS512', kid: 'k1' }, payload))).toThrow(JwtInvalidError);
    expect(() => verify(signed({ alg: 'none', kid: 'k1' }, payload))).toThrow(JwtInvalidError);
    expect(() => verify(signed({ alg: 'HS256', kid: 'k1' }, payload, other))).toThrow(JwtInvalidError);
    expect(() => verify(signJwt(payload, 'k1', secret), now, other)).toThrow(JwtInvalidError);
  });

  it('refuses a changed payload or signature', () => {
    const [header, , signature] = signJwt(payload, 'k1', secret).split('.');
    expect(() => verify(`${header}.${b64({ ...payload, sub: '1' })}.${signature}`)).toThrow(JwtInvalidError);
    const token = signJwt(payload, 'k1', secret);
    expect(() => verify(`${token.slice(0, -2)}AA`)).toThrow(JwtInvalidError);
    expect(() => verify(`${token}A`)).toThrow(JwtInvalidError);
    expect(() => verify(`${token}.`)).toThrow(JwtInvalidError);
  });

  it('requires its issuer and an expiry', () => {
    expect(() => verify(signed({ alg: 'HS256', kid: 'k1' }, { ...payload, iss: 'someone-else' }))).toThrow(JwtInvalidError);
    const { exp: _exp, ...noExpiry } = payload;
    expect(() => verify(signed({ alg: 'HS256', kid: 'k1' }, noExpiry))).toThrow(JwtInvalidError);
    expect(() => verify(signed({ alg: 'HS256', kid: 'k1' }, { ...payload, exp: '9999999999' }))).toThrow(JwtInvalidError);
  });

  it('refuses garbage without throwing anything else', () => {
    for (const garbage of ['', 'abc', 'abc.def', 'abc.def.ghi', '..', 'a.b.c.d', `${b64([1])}.${b64(payload)}.x`, `${b64({ alg: 'HS256' })}.%%%.x`]) {
      expect(() => verify(garbage), garbage).toThrow(JwtInvalidError);
    }
    expect(() => jwtKeyId('abc.def.ghi')).toThrow(JwtInvalidError);
  });
});
