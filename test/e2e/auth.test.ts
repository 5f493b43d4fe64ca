import { describe, expect, it } from 'vitest';
import { ensureDemoAccounts, DEMO_ACCOUNTS, DEMO_PASSWORD } from '#tools/demo/accounts';
import { useLocalStack } from './harness';

const client = useLocalStack();
const [national, province, city] = DEMO_ACCOUNTS;

/** Headers that legitimately differ between two otherwise identical answers. */
const VOLATILE = new Set(['date', 'x-request-id']);
function stableHeaders(headers: Headers): Record<string, string> {
  return Object.fromEntries([...headers.entries()].filter(([name]) => !VOLATILE.has(name)));
}

describe('sign-in over HTTP', () => {
  it('requests a code, reads it from the outbox, logs in, calls /me, logs out, and the token is dead', async () => {
    await ensureDemoAccounts();
    const phone = city!.phone;
    const requested = await client.request('POST', '/api/auth/sms-codes', { body: { phone, purpose: 'login' } });
    expect(requested.status).toBe(202);
    expect(requested.body).toEqual({ resendAfterSeconds: 60 });

    const outbox = await client.request('GET', `/api/dev/sms-outbox?phone=${phone}`);
    expect(outbox.status).toBe(200);
    const code = outbox.body[0].code as string;
    expect(code).toMatch(/^\d{6}$/);

    const login = await client.request('POST', '/api/auth/login', { body: { phone, code } });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ mustSetPassword: false, account: { phone, role: 'city', cityName: '厦门市' } });
    expect(Date.parse(login.body.expiresAt)).toBeGreaterThan(Date.now());
    const token = login.body.token as string;

    const me = await client.request('GET', '/api/me', { token });
    expect(me.status).toBe(200);
    expect(me.body.scope).toEqual({ level: 'city', provinceCode: '350000', cityCode: '350200' });
    expect(me.body.modules).toEqual(['dashboard', 'regional-stats', 'institution-stats', 'supervision', 'data-quality', 'institutions', 'dynamics', 'accounts', 'audit-log']);

    expect((await client.request('POST', '/api/auth/logout', { token })).status).toBe(204);
    const after = await client.request('GET', '/api/me', { token });
    expect(after.status).toBe(401);
  });

  it('answers byte-identically for a phone with and a phone without an account', async () => {
    const known = await client.request('POST', '/api/auth/sms-codes', { body: { phone: national!.phone, purpose: 'login' } });
    const unknown = await client.request('POST', '/api/auth/sms-codes', { body: { phone: '13312345678', purpose: 'login' } });
    expect(unknown.status).toBe(known.status);
    expect(unknown.text).toBe(known.text);
    expect(stableHeaders(unknown.headers)).toEqual(stableHeaders(known.headers));
    const knownAgain = await client.request('POST', '/api/auth/sms-codes', { body: { phone: national!.phone, purpose: 'login' } });
    const unknownAgain = await client.request('POST', '/api/auth/sms-codes', { body: { phone: '13312345678', purpose: 'login' } });
    expect(knownAgain.status).toBe(429);
    // The wait counts down from each pair's own request, so only its seconds may differ by a tick.
    const withoutSeconds = (text: string) => text.replace(/"retryAfterSeconds":\d+/, '"retryAfterSeconds":N');
    expect(withoutSeconds(unknownAgain.text)).toBe(withoutSeconds(knownAgain.text));
    expect(Math.abs(unknownAgain.body.error.details.retryAfterSeconds - knownAgain.body.error.details.retryAfterSeconds)).toBeLessThanOrEqual(1);
    expect(unknownAgain.headers.get('retry-after')).toBeTruthy();
  });

  it('gives each role its modules', async () => {
    const login = await client.request('POST', '/api/auth/login', { body: { phone: province!.phone, password: DEMO_PASSWORD } });
    const me = await client.request('GET', '/api/me', { token: login.body.token });
    expect(me.body.modules).toEqual(['dashboard', 'regional-stats', 'institution-stats', 'supervision', 'data-quality', 'subordinate-accounts', 'dynamics', 'accounts', 'audit-log']);
    expect(me.body.scope).toEqual({ level: 'province', provinceCode: '350000', cityCode: null });
  });

  it('refreshes a live token and refuses a bind code without a session', async () => {
    const login = await client.request('POST', '/api/auth/login', { body: { phone: national!.phone, password: DEMO_PASSWORD } });
    const refreshed = await client.request('POST', '/api/auth/refresh', { token: login.body.token });
    expect(refreshed.status).toBe(200);
    expect((await client.request('GET', '/api/me', { token: refreshed.body.token })).status).toBe(200);
    const bind = await client.request('POST', '/api/auth/sms-codes', { body: { phone: '13312345679', purpose: 'bind' } });
    expect(bind.status).toBe(401);
    const bound = await client.request('POST', '/api/auth/sms-codes', { body: { phone: '13312345679', purpose: 'bind' }, token: login.body.token });
    expect(bound.status).toBe(202);
    // A phone that already has an account gets the same answer, and no SMS.
    const taken = await client.request('POST', '/api/auth/sms-codes', { body: { phone: province!.phone, purpose: 'bind' }, token: login.body.token });
    expect(taken.status).toBe(202);
    expect(taken.text).toBe(bound.text);
    const outbox = await client.request('GET', `/api/dev/sms-outbox?phone=${province!.phone}`);
    expect(outbox.body.filter((message: { purpose: string }) => message.purpose === 'bind')).toEqual([]);
  });

  it('lets a user who logged in by SMS set a first password', async () => {
    const login = await client.request('POST', '/api/auth/login', { body: { phone: province!.phone, password: DEMO_PASSWORD } });
    const weak = await client.request('PUT', '/api/me/password', { token: login.body.token, body: { currentPassword: DEMO_PASSWORD, newPassword: '12345678' } });
    expect(weak.status).toBe(400);
    expect(weak.body.error.code).toBe('WEAK_PASSWORD');
  });
});
