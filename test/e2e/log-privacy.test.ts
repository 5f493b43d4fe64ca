/**
 * Phones stay out of logs (docs/security.md): a flow through sign-in, accounts, institutions and
 * specialists, with every log line at DEBUG captured, leaves no 11-digit mobile number in any line.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Before any module creates the logger: everything is logged.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  process.env.SMS_ECHO = '0';
});

import { loginWithPassword, useLocalStack } from './harness';
import { institutionBody, uploadImage } from './institutions-helpers';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, ensureDemoAccounts } from '#tools/demo/accounts';
import { logger } from '#shared/http/logger';

const client = useLocalStack();
const lines: string[] = [];
const originals = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };

beforeAll(() => {
  const capture = (original: typeof process.stdout.write) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
  process.stdout.write = capture(originals.out);
  process.stderr.write = capture(originals.err);
});

afterAll(() => {
  process.stdout.write = originals.out;
  process.stderr.write = originals.err;
});

describe('logs', () => {
  it('hold no phone number after a flow through sign-in, accounts, institutions and specialists', async () => {
    await ensureDemoAccounts();
    const [national, province, city] = DEMO_ACCOUNTS;
    await client.request('POST', '/api/auth/sms-codes', { body: { phone: national!.phone, purpose: 'login' } });
    await client.request('POST', '/api/auth/sms-codes', { body: { phone: '13312345670', purpose: 'login' } });
    await client.request('POST', '/api/auth/login', { body: { phone: '13312345670', password: 'Wrong#2026' } });
    await client.request('POST', '/api/auth/login', { body: { phone: province!.phone, password: 'Wrong#2026' } });
    const provinceToken = await loginWithPassword(client, province!.phone, DEMO_PASSWORD);
    const cityToken = await loginWithPassword(client, city!.phone, DEMO_PASSWORD);
    const created = await client.request('POST', '/api/accounts', {
      token: provinceToken,
      body: { role: 'city', regionCode: '350100', phone: '15900000091', password: 'City#2026x', realName: '王五', gender: 'male', unit: '福州市发改委', status: 'enabled' },
    });
    expect(created.status).toBe(201);
    await client.request('POST', '/api/accounts', { token: provinceToken, body: { role: 'city', regionCode: '350100', phone: '15900000091', realName: '重复', gender: 'male', unit: 'x', status: 'enabled' } });
    await client.request('POST', '/api/auth/sms-codes', { token: provinceToken, body: { phone: '15900000092', purpose: 'bind' } });
    await client.request('GET', '/api/accounts?tier=subordinate', { token: provinceToken });
    const logoKey = await uploadImage(client, cityToken, 'institution-logo');
    const institution = await client.request('POST', '/api/institutions', { token: cityToken, body: institutionBody(logoKey) });
    expect(institution.status).toBe(201);
    const specialist = await client.request('POST', `/api/institutions/${institution.body.id}/specialists`, {
      token: cityToken,
      body: { phone: '18859663971', realName: '王慧', status: 'enabled' },
    });
    expect(specialist.status).toBe(201);
    await client.request('POST', `/api/institutions/${institution.body.id}/specialists`, { token: cityToken, body: { phone: '18859663971', realName: '重复', status: 'enabled' } });
    await client.request('PATCH', `/api/accounts/${created.body.id}`, { token: provinceToken, body: { version: 1, phone: '15900000093' } });
    // A line that names a phone on purpose is masked on its way out.
    logger.error('diagnostic with a phone 13800001234 and a key ACCOUNT#15900000091', { keys: { pk: 'ACCOUNT#15900000091' }, error: new Error('phone 18859663971 refused') });
    await client.stack.capture.drain(60_000);

    const logLines = lines.filter((line) => line.startsWith('{'));
    expect(logLines.length).toBeGreaterThan(10);
    expect(logLines.some((line) => line.includes('138****1234'))).toBe(true);
    const withPhones = lines.filter((line) => /(?<!\d)1[3-9]\d{9}(?!\d)/.test(line));
    expect(withPhones).toEqual([]);
  });
});
