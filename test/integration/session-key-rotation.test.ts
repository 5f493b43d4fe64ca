/**
 * The session key can be rotated without signing anyone out (shared/auth/secret.ts): tokens and SMS
 * codes made with the previous key still work within the grace period, new ones use the new key, and
 * the previous key is refused after it. Tokens carry no readable phone.
 */
import { describe, expect, it } from 'vitest';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { useTestStores } from './db-harness';
import { login } from '#functions/auth/domain';
import { createAccount } from '#shared/db/accounts';
import { hashPassword } from '#shared/auth/passwords';
import { authenticateSession } from '#shared/auth/sessions';
import { PREVIOUS_KEY_GRACE_MS, sessionKeyById } from '#shared/auth/secret';
import { requestCode, verifyCode } from '#shared/auth/sms-codes';
import { outboxMessages } from '#shared/sms/outbox';
import { rotateSessionKey } from '#tools/session-key';

useTestStores();

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } }) as unknown as APIGatewayProxyEventV2;

describe('session key rotation', () => {
  it('keeps sessions and pending codes of the previous key, signs new ones with the new key', async () => {
    const user = await createAccount({
      phone: '13611110001',
      passwordHash: await hashPassword('Secret#2026'),
      realName: '轮换',
      gender: 'male',
      unit: '测试单位',
      role: 'city',
      provinceCode: '350000',
      cityCode: '350200',
      status: 'enabled',
      auditStatus: 'approved',
    });
    const before = await login({ phone: user.phone, password: 'Secret#2026' }, '10.0.0.1');
    await requestCode({ phone: '13611110002', purpose: 'login', sourceIp: '10.0.0.9', deliver: true });
    const pendingCode = outboxMessages('13611110002')[0]!.code;
    const oldKeyId = decodeProtectedHeader(before.token).kid;

    await rotateSessionKey();

    expect(await authenticateSession(bearer(before.token))).toMatchObject({ accountId: user.id });
    expect(await verifyCode('13611110002', 'login', pendingCode)).toBe(true);
    const after = await login({ phone: user.phone, password: 'Secret#2026' }, '10.0.0.1');
    expect(decodeProtectedHeader(after.token).kid).not.toBe(oldKeyId);
    expect(await authenticateSession(bearer(after.token))).toMatchObject({ accountId: user.id });

    // Past the grace period the previous key no longer verifies anything.
    expect(await sessionKeyById(oldKeyId, new Date(Date.now() + PREVIOUS_KEY_GRACE_MS + 60_000))).toBeUndefined();
  });

  it('puts no readable phone in the token', async () => {
    const user = await createAccount({
      phone: '13611110003',
      passwordHash: await hashPassword('Secret#2026'),
      realName: '令牌',
      gender: 'male',
      unit: '测试单位',
      role: 'province',
      provinceCode: '350000',
      status: 'enabled',
      auditStatus: 'approved',
    });
    const { token } = await login({ phone: user.phone, password: 'Secret#2026' }, '10.0.0.1');
    const claims = decodeJwt(token);
    expect(JSON.stringify(claims)).not.toContain(user.phone);
    expect(Buffer.from(token.split('.')[1]!, 'base64url').toString()).not.toMatch(/1\d{10}/);
    expect(claims.phn).toBeUndefined();
  });
});
