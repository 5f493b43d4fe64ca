/**
 * Session checks keep what they read for a moment (shared/db/session-reads.ts): concurrent checks of
 * one session share one read, a revocation written by this process applies to the very next check,
 * and one written by another process within the second the read is kept.
 */
import { describe, expect, it } from 'vitest';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { useTestStores } from './db-harness';
import { login, logout } from '#functions/auth/domain';
import { createAccount, getAccountByPhone, updateAccount } from '#shared/db/accounts';
import { hashPassword } from '#shared/auth/passwords';
import { authenticateSession } from '#shared/auth/sessions';
import { bulkDocumentClient, tableName } from '#shared/db/client';
import { sessionKey } from '#shared/db/keys';
import { measureRoundTrips } from '#tools/round-trips';

useTestStores();

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } }) as unknown as APIGatewayProxyEventV2;

async function signedIn(phone: string) {
  await createAccount({
    phone,
    passwordHash: await hashPassword('Secret#2026'),
    realName: '会话',
    gender: 'female',
    unit: '测试单位',
    role: 'province',
    provinceCode: '350000',
    status: 'enabled',
    auditStatus: 'approved',
  });
  const { token } = await login({ phone, password: 'Secret#2026' }, '10.0.0.1');
  return token;
}

const reads = async (work: () => Promise<unknown>) => (await measureRoundTrips(work)).roundTrips.byCommand.BatchGetItemCommand ?? 0;

describe('session reads', () => {
  it('lets the questions of one page share one read of account and session', async () => {
    const token = await signedIn('13611120001');
    expect(await reads(() => Promise.all(Array.from({ length: 6 }, () => authenticateSession(bearer(token)))))).toBe(1);
    // Read again right away: kept.
    expect(await reads(() => authenticateSession(bearer(token)))).toBe(0);
  });

  it('applies a logout or a disabling written by this process to the next check', async () => {
    const first = await signedIn('13611120002');
    const caller = await authenticateSession(bearer(first));
    await logout(caller, '10.0.0.1');
    await expect(authenticateSession(bearer(first))).rejects.toMatchObject({ code: 'SESSION_REVOKED' });

    const second = (await login({ phone: '13611120002', password: 'Secret#2026' }, '10.0.0.1')).token;
    await authenticateSession(bearer(second));
    const account = (await getAccountByPhone('13611120002'))!;
    await updateAccount(account.phone, account.version, { status: 'disabled' }, { revokeSessions: true });
    await expect(authenticateSession(bearer(second))).rejects.toMatchObject({ code: 'SESSION_REVOKED' });
  });

  it('applies a revocation written elsewhere within the second a read is kept', async () => {
    const token = await signedIn('13611120003');
    const caller = await authenticateSession(bearer(token));
    // Another instance ends the session: this process hears nothing of it.
    await bulkDocumentClient().send(new DeleteCommand({ TableName: tableName(), Key: sessionKey(caller.phone, caller.sessionId) }));
    const deadline = Date.now() + 30_000;
    let refused: unknown;
    while (!refused && Date.now() < deadline) {
      refused = await authenticateSession(bearer(token)).then(
        () => undefined,
        (error: unknown) => error,
      );
      if (!refused) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(refused).toMatchObject({ code: 'SESSION_REVOKED' });
  });
});
