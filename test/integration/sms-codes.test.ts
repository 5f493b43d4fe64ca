import { describe, expect, it } from 'vitest';
import { useTestStores } from './db-harness';
import {
  CODE_LIFETIME_MS,
  DAILY_LIMIT_PER_IP,
  DAILY_LIMIT_PER_PHONE,
  MAX_WRONG_ATTEMPTS,
  requestCode,
  verifyCode,
} from '#shared/auth/sms-codes';
import { outboxMessages } from '#shared/sms/outbox';
import { RateLimitedError } from '#shared/http/errors';

useTestStores();

let phoneCounter = 0;
const nextPhone = () => `139${String(10_000_000 + (phoneCounter += 1)).slice(-8)}`;
const at = (base: Date, seconds: number) => new Date(base.getTime() + seconds * 1000);
const BASE = new Date('2026-11-27T02:00:00Z');

async function issue(phone: string, now = BASE, sourceIp = '10.0.0.1'): Promise<string> {
  await requestCode({ phone, purpose: 'login', sourceIp, deliver: true, now });
  return outboxMessages(phone)[0]!.code;
}

describe('SMS codes', () => {
  it('sends six random digits and stores no plain code', async () => {
    const phone = nextPhone();
    const code = await issue(phone);
    expect(code).toMatch(/^\d{6}$/);
  });

  it('accepts a code once only', async () => {
    const phone = nextPhone();
    const code = await issue(phone);
    expect(await verifyCode(phone, 'login', code, at(BASE, 10))).toBe(true);
    expect(await verifyCode(phone, 'login', code, at(BASE, 11))).toBe(false);
  });

  it('refuses a code after its five minutes', async () => {
    const phone = nextPhone();
    const code = await issue(phone);
    expect(await verifyCode(phone, 'login', code, new Date(BASE.getTime() + CODE_LIFETIME_MS))).toBe(false);
  });

  it('refuses the right code after five wrong tries', async () => {
    const phone = nextPhone();
    const code = await issue(phone);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < MAX_WRONG_ATTEMPTS; i += 1) expect(await verifyCode(phone, 'login', wrong, at(BASE, 1))).toBe(false);
    expect(await verifyCode(phone, 'login', code, at(BASE, 2))).toBe(false);
  });

  it('still accepts the right code after four wrong tries', async () => {
    const phone = nextPhone();
    const code = await issue(phone);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < MAX_WRONG_ATTEMPTS - 1; i += 1) await verifyCode(phone, 'login', wrong, at(BASE, 1));
    expect(await verifyCode(phone, 'login', code, at(BASE, 2))).toBe(true);
  });

  it('keeps codes of different purposes apart', async () => {
    const phone = nextPhone();
    const code = await issue(phone);
    expect(await verifyCode(phone, 'bind', code, at(BASE, 1))).toBe(false);
    expect(await verifyCode(phone, 'login', code, at(BASE, 2))).toBe(true);
  });

  it('refuses a resend within 60 seconds with Retry-After, and allows it after', async () => {
    const phone = nextPhone();
    await issue(phone);
    const refused = await requestCode({ phone, purpose: 'login', sourceIp: '10.0.0.1', deliver: true, now: at(BASE, 20) }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).headers?.['retry-after']).toBe('40');
    const newer = await issue(phone, at(BASE, 60));
    expect(newer).toMatch(/^\d{6}$/);
  });

  it('replaces the previous code when a new one is sent', async () => {
    const phone = nextPhone();
    const first = await issue(phone);
    const second = await issue(phone, at(BASE, 61));
    if (first !== second) expect(await verifyCode(phone, 'login', first, at(BASE, 62))).toBe(false);
    expect(await verifyCode(phone, 'login', second, at(BASE, 63))).toBe(true);
  });

  it('caps the codes per phone and day', async () => {
    const phone = nextPhone();
    for (let i = 0; i < DAILY_LIMIT_PER_PHONE; i += 1) await issue(phone, at(BASE, i * 61), `10.1.0.${i}`);
    const refused = await requestCode({ phone, purpose: 'login', sourceIp: '10.1.1.1', deliver: true, now: at(BASE, 61 * DAILY_LIMIT_PER_PHONE) }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 429, code: 'SMS_DAILY_LIMIT' });
    // The next China day starts at 16:00 UTC.
    await expect(issue(phone, new Date('2026-11-27T16:00:05Z'), '10.1.2.1')).resolves.toMatch(/^\d{6}$/);
  });

  it('caps the codes per source IP and day, also for phones without an account', async () => {
    const ip = '10.9.9.9';
    for (let i = 0; i < DAILY_LIMIT_PER_IP; i += 1) {
      await requestCode({ phone: nextPhone(), purpose: 'login', sourceIp: ip, deliver: i % 2 === 0, now: BASE });
    }
    const refused = await requestCode({ phone: nextPhone(), purpose: 'login', sourceIp: ip, deliver: false, now: BASE }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 429, code: 'SMS_DAILY_LIMIT' });
  });

  it('charges nothing for a refused request', async () => {
    const phone = nextPhone();
    await issue(phone);
    await requestCode({ phone, purpose: 'login', sourceIp: '10.0.0.1', deliver: true, now: at(BASE, 5) }).catch(() => undefined);
    // The refused request neither moved the resend clock nor spent the code.
    await expect(issue(phone, at(BASE, 60))).resolves.toMatch(/^\d{6}$/);
  });
});
