import { describe, expect, it } from 'vitest';
import { useTestStores } from './db-harness';
import { CODE_LIFETIME_MS, MAX_WRONG_ATTEMPTS, requestCode, verifyCode } from '#shared/auth/sms-codes';
import { issueCaptcha } from '#shared/auth/captcha';
import { SIGN_IN_LIMITS } from '#shared/auth/sign-in-limits';
import { outboxMessages } from '#shared/sms/outbox';
import { RateLimitedError } from '#shared/http/errors';
import { dynamoClient } from '#shared/db/client';

useTestStores();

let phoneCounter = 0;
const nextPhone = () => `139${String(10_000_000 + (phoneCounter += 1)).slice(-8)}`;
const at = (base: Date, seconds: number) => new Date(base.getTime() + seconds * 1000);
const BASE = new Date('2026-11-27T02:00:00Z');

/** A solved human check (the answer is fixed, as only tests can). */
async function solvedCheck() {
  const { captchaId } = await issueCaptcha(new Date(), 'HXK7');
  return { captchaId, captchaAnswer: 'hxk7' };
}

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

  it('makes a phone and address pair wait 60 s, then twice as long each time up to 10 minutes, afresh after an hour of quiet', async () => {
    const phone = nextPhone();
    const ip = '10.2.0.1';
    let t = 0;
    for (const wait of [60, 120, 240, 480, 600, 600]) {
      const answer = await requestCode({ phone, purpose: 'login', sourceIp: ip, deliver: true, now: at(BASE, t), ...(await solvedCheck()) });
      expect(answer.resendAfterSeconds).toBe(wait);
      const refused = await requestCode({ phone, purpose: 'login', sourceIp: ip, deliver: true, now: at(BASE, t + wait - 5), ...(await solvedCheck()) }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(RateLimitedError);
      expect((refused as RateLimitedError).headers?.['retry-after']).toBe('5');
      t += wait;
    }
    // An hour of quiet: the waits start again at 60 s.
    const afresh = await requestCode({ phone, purpose: 'login', sourceIp: ip, deliver: true, now: at(BASE, t + 3601), ...(await solvedCheck()) });
    expect(afresh.resendAfterSeconds).toBe(60);
  });

  it('does not slow the owner down for what an attacker asks for the same phone from elsewhere', async () => {
    const phone = nextPhone();
    for (let i = 0; i < 4; i += 1) await requestCode({ phone, purpose: 'login', sourceIp: `10.3.0.${i}`, deliver: true, now: at(BASE, i) });
    await expect(issue(phone, at(BASE, 10), '10.3.9.9')).resolves.toMatch(/^\d{6}$/);
  });

  it('asks for the human check once a phone has had 5 codes in an hour, from any addresses, and lets a solved check through', async () => {
    const phone = nextPhone();
    for (let i = 0; i < SIGN_IN_LIMITS.smsPerPhoneHourUnchecked; i += 1) {
      await requestCode({ phone, purpose: 'login', sourceIp: `10.4.0.${i}`, deliver: true, now: at(BASE, i) });
    }
    const owner = '10.4.9.9';
    await expect(requestCode({ phone, purpose: 'login', sourceIp: owner, deliver: true, now: at(BASE, 20) })).rejects.toMatchObject({ status: 400, code: 'CAPTCHA_REQUIRED' });
    const wrong = await issueCaptcha(at(BASE, 21), '7KWE');
    await expect(
      requestCode({ phone, purpose: 'login', sourceIp: owner, deliver: true, now: at(BASE, 22), captchaId: wrong.captchaId, captchaAnswer: 'AAAA' }),
    ).rejects.toMatchObject({ status: 400, code: 'CAPTCHA_INVALID' });
    // A challenge is used up by its first answer, right or wrong.
    await expect(
      requestCode({ phone, purpose: 'login', sourceIp: owner, deliver: true, now: at(BASE, 23), captchaId: wrong.captchaId, captchaAnswer: '7kwe' }),
    ).rejects.toMatchObject({ code: 'CAPTCHA_INVALID' });
    await expect(requestCode({ phone, purpose: 'login', sourceIp: owner, deliver: true, now: at(BASE, 24), ...(await solvedCheck()) })).resolves.toBeTruthy();
  });

  it('asks for the human check once an address has asked for 20 codes in an hour', async () => {
    const ip = '10.5.0.1';
    for (let i = 0; i < SIGN_IN_LIMITS.smsPerAddressHourUnchecked; i += 1) {
      await requestCode({ phone: nextPhone(), purpose: 'login', sourceIp: ip, deliver: i % 2 === 0, now: at(BASE, i) });
    }
    await expect(requestCode({ phone: nextPhone(), purpose: 'login', sourceIp: ip, deliver: false, now: at(BASE, 30) })).rejects.toMatchObject({
      code: 'CAPTCHA_REQUIRED',
    });
    // Another address is not affected.
    await expect(requestCode({ phone: nextPhone(), purpose: 'login', sourceIp: '10.5.0.2', deliver: false, now: at(BASE, 31) })).resolves.toBeTruthy();
  });

  it('stops at the daily ceilings: 20 codes per phone (behind the human check) and 100 per address', async () => {
    const phone = nextPhone();
    for (let i = 0; i < SIGN_IN_LIMITS.smsPerPhoneDay; i += 1) {
      await requestCode({ phone, purpose: 'login', sourceIp: `10.6.0.${i}`, deliver: true, now: at(BASE, i), ...(await solvedCheck()) });
    }
    const refused = await requestCode({ phone, purpose: 'login', sourceIp: '10.6.1.1', deliver: true, now: at(BASE, 100), ...(await solvedCheck()) }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 429, code: 'SMS_DAILY_LIMIT' });
    // The next China day starts at 16:00 UTC.
    await expect(issue(phone, new Date('2026-11-27T16:00:05Z'), '10.6.2.1')).resolves.toMatch(/^\d{6}$/);

    const ip = '10.7.0.1';
    for (let i = 0; i < SIGN_IN_LIMITS.smsPerAddressDay; i += 1) {
      await requestCode({ phone: nextPhone(), purpose: 'login', sourceIp: ip, deliver: false, now: at(BASE, i), ...(await solvedCheck()) });
    }
    await expect(requestCode({ phone: nextPhone(), purpose: 'login', sourceIp: ip, deliver: false, now: at(BASE, 200) })).rejects.toMatchObject({
      status: 429,
      code: 'SMS_DAILY_LIMIT',
    });
  });

  it('replaces the previous code when a new one is sent', async () => {
    const phone = nextPhone();
    const first = await issue(phone);
    const second = await issue(phone, at(BASE, 61));
    if (first !== second) expect(await verifyCode(phone, 'login', first, at(BASE, 62))).toBe(false);
    expect(await verifyCode(phone, 'login', second, at(BASE, 63))).toBe(true);
  });

  it('charges nothing for a refused request', async () => {
    const phone = nextPhone();
    await issue(phone);
    await requestCode({ phone, purpose: 'login', sourceIp: '10.0.0.1', deliver: true, now: at(BASE, 5) }).catch(() => undefined);
    // The refused request neither moved the wait nor spent the code.
    await expect(issue(phone, at(BASE, 60))).resolves.toMatch(/^\d{6}$/);
  });

  it('does the same reads and writes for a phone with and a phone without an account', async () => {
    const calls: string[] = [];
    dynamoClient().middlewareStack.add(
      (next, context) => async (args) => {
        calls.push(context.commandName ?? '?');
        return next(args);
      },
      { step: 'initialize', name: 'countStoreCalls' },
    );
    try {
      await requestCode({ phone: nextPhone(), purpose: 'login', sourceIp: '10.11.0.1', deliver: true, now: BASE });
      const known = calls.splice(0);
      await requestCode({ phone: nextPhone(), purpose: 'login', sourceIp: '10.11.0.2', deliver: false, now: BASE });
      const unknown = calls.splice(0);
      expect(unknown).toEqual(known);
      expect(known.filter((name) => /Put|Update/.test(name)).length).toBeGreaterThan(0);
    } finally {
      dynamoClient().middlewareStack.remove('countStoreCalls');
    }
  });
});

