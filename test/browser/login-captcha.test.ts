/**
 * The login page's 图形验证码 and waits in Chromium against a local stack (docs/console.md, "登录"):
 * once a phone has seen more wrong passwords (or code requests) than a person makes
 * (shared/auth/sign-in-limits.ts), the server answers 400 CAPTCHA_REQUIRED and the page shows the
 * server's challenge with 换一张 and a labelled field; a wrong answer (CAPTCHA_INVALID) brings a new
 * one; the right one signs in (or sends the code). A 429 says how long to wait, counting down.
 *
 * The earlier attempts come from other loopback addresses (the limits are per phone and address),
 * so the browser's own address starts clean. The test knows an answer the way the integration tests
 * do (test/integration/login.test.ts): `issueCaptcha(now, text)` of shared/auth/captcha.ts stores a
 * real challenge with a chosen answer, which the page receives for its POST /api/auth/captcha.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createAccount } from '#shared/db/accounts';
import { hashPassword } from '#shared/auth/passwords';
import { CAPTCHA_ALPHABET, issueCaptcha } from '#shared/auth/captcha';
import { SIGN_IN_LIMITS } from '#shared/auth/sign-in-limits';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, ensureDemoAccounts } from '#tools/demo/accounts';
import { loginWithPassword, useLocalStack } from '../e2e/harness';
import { ensureSiteBuilt } from './site-build';
import { hasChromium, launchChromium, signIn, UI_TIMEOUT } from './console-harness';

if (!hasChromium) console.warn('[login-captcha.test] skipped: /usr/bin/chromium is missing (apt-get install -y chromium fonts-noto-cjk)');

const PASSWORD = 'Captcha#2026';
const PHONES = { password: '17800000001', sms: '17800000002', locked: '17800000003' };
const WRONG = 'Wrong#0000';
const CITY = DEMO_ACCOUNTS[2]!;

describe.skipIf(!hasChromium)('登录 with the 图形验证码 in Chromium', () => {
  beforeAll(ensureSiteBuilt, 300_000);
  const client = useLocalStack();
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  const ids: Record<string, number> = {};

  /** A POST to the local API from another loopback address (another client, as the limits see it). */
  function postFrom(address: string, path: string, body: unknown, token?: string): Promise<{ status: number; body: any }> {
    const { port } = new URL(client.url);
    const data = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port, path, method: 'POST', localAddress: address, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...(token ? { authorization: `Bearer ${token}` } : {}) } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
        },
      );
      req.on('error', reject);
      req.end(data);
    });
  }

  beforeAll(async () => {
    await ensureDemoAccounts();
    for (const [key, phone] of Object.entries(PHONES)) {
      const account = await createAccount({
        phone, passwordHash: await hashPassword(PASSWORD), realName: `验证码测试${key}`, gender: 'male', unit: '测试单位',
        role: 'city', provinceCode: '350000', cityCode: '350200', status: 'enabled', auditStatus: 'approved',
      });
      ids[key] = account.id;
    }
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
  });

  async function loginPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${client.url}/login`);
    return page;
  }

  /** The page's next POST /api/auth/captcha gets a real challenge whose answer the test chose. */
  async function answerNextCaptchaWith(page: Page, answer: string): Promise<{ image: string }> {
    const issued = await issueCaptcha(new Date(), answer);
    await page.route('**/api/auth/captcha', (route) => route.fulfill({ status: 201, contentType: 'application/json', body: JSON.stringify(issued) }), { times: 1 });
    return issued;
  }

  const captchaField = (page: Page) => page.getByRole('textbox', { name: /图形验证码/ });
  const captchaImage = (page: Page) => page.getByRole('img', { name: /图形验证码/ });
  const alert = (page: Page) => page.locator('.login-card .el-alert');

  it('asks for the 图形验证码 after many wrong passwords for a phone, refuses a wrong answer and signs in with the right one', async () => {
    // Wrong passwords from other addresses, each stopping at the per-address limit, up to the phone's threshold.
    const perPair = SIGN_IN_LIMITS.passwordFailuresPerPair;
    const needed = SIGN_IN_LIMITS.passwordFailuresPerPhoneHourUnchecked;
    for (let sent = 0; sent < needed; sent += 1) {
      const answer = await postFrom(`127.0.0.${2 + Math.floor(sent / perPair)}`, '/api/auth/login', { phone: PHONES.password, password: WRONG });
      expect(answer.status).toBe(401);
    }

    const page = await loginPage();
    await page.getByRole('tab', { name: '密码登录' }).click();
    await page.getByPlaceholder('请输入手机号码').fill(PHONES.password);
    await page.getByPlaceholder('请输入密码').fill(PASSWORD);
    expect(await captchaField(page).count()).toBe(0);
    const issuedByServer = page.waitForResponse((response) => response.url().endsWith('/api/auth/captcha') && response.request().method() === 'POST');
    await page.getByRole('button', { name: '登录', exact: true }).click();

    // The server's challenge, shown with its label, alt text, 换一张 and the field focused.
    expect((await issuedByServer).status()).toBe(201);
    await alert(page).filter({ hasText: '为确认是您本人操作，请输入图形验证码后重试' }).waitFor();
    await captchaImage(page).waitFor();
    const first = await captchaImage(page).evaluate((img) => {
      const image = img as unknown as { src: string; naturalWidth: number; complete: boolean };
      return { src: image.src, width: image.naturalWidth };
    });
    expect(first.src).toMatch(/^data:image\/png;base64,/);
    expect(first.width).toBe(132);
    await expect.poll(() => captchaField(page).evaluate((input) => input === (input as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement)).toBe(true);
    expect(await captchaField(page).getAttribute('aria-describedby')).toBe('captcha-hint');
    await page.getByRole('button', { name: '换一张图形验证码' }).waitFor();

    // A wrong answer ('0' is never drawn): refused, and a new challenge replaces the used one.
    expect(CAPTCHA_ALPHABET).not.toContain('0');
    await captchaField(page).fill('0000');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await alert(page).filter({ hasText: '图形验证码错误或已过期，请重新获取' }).waitFor();
    await expect.poll(() => captchaImage(page).getAttribute('src')).not.toBe(first.src);
    expect(page.url()).toMatch(/\/login/);

    // 换一张 fetches another; its answer (in any case) signs in.
    const known = await answerNextCaptchaWith(page, 'HXK7');
    await page.getByRole('button', { name: '换一张图形验证码' }).click();
    await expect.poll(() => captchaImage(page).getAttribute('src')).toBe(known.image);
    await captchaField(page).fill('hxk7');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.waitForURL(/\/dashboard$/);

    // The audit log holds the three attempts of the browser: the check asked for, failed, then passed.
    const token = await loginWithPassword(client, '13800000001', 'Demo@2026');
    const log = await client.request('GET', `/api/audit-log?actor=${ids.password}&action=auth.login&limit=100`, { token });
    const reasons = (log.body.items as { reason: string; result: string; sourceIp: string }[])
      .filter((entry) => entry.sourceIp === '127.0.0.1')
      .map((entry) => `${entry.result} ${entry.reason}`);
    expect(reasons).toEqual(['success password', 'failure password: CAPTCHA_INVALID', 'failure password: CAPTCHA_REQUIRED']);
  });

  it('asks for the 图形验证码 before sending a code once a phone has asked for many, then sends it and signs in by SMS', async () => {
    for (let sent = 0; sent < SIGN_IN_LIMITS.smsPerPhoneHourUnchecked; sent += 1) {
      const answer = await postFrom(`127.0.0.${2 + sent}`, '/api/auth/sms-codes', { phone: PHONES.sms, purpose: 'login' });
      expect(answer.status).toBe(202);
    }
    const page = await loginPage();
    await page.getByPlaceholder('请输入手机号码').fill(PHONES.sms);
    await answerNextCaptchaWith(page, 'MW4T');
    await page.getByRole('button', { name: '获取验证码' }).click();
    await alert(page).filter({ hasText: '请输入图形验证码' }).waitFor();
    await captchaImage(page).waitFor();
    await expect(page.locator('#captcha-hint').textContent()).resolves.toContain('再点击“获取验证码”');

    // Without an answer the form says so and sends nothing.
    await page.getByRole('button', { name: '获取验证码' }).click();
    await page.locator('.el-form-item__error', { hasText: '请输入图形验证码' }).waitFor();

    await captchaField(page).fill('mw4t');
    await answerNextCaptchaWith(page, 'KP3X');
    await page.getByRole('button', { name: '获取验证码' }).click();
    await page.getByText('验证码已发送，请注意查收').waitFor();
    const outbox = await client.request('GET', `/api/dev/sms-outbox?phone=${PHONES.sms}`);
    // Newest first: the code the page just asked for.
    const code = outbox.body.find((message: { purpose: string }) => message.purpose === 'login')?.code as string;
    expect(code).toMatch(/^\d{6}$/);
    // Signing in with the code needs no 图形验证码.
    await page.getByPlaceholder('请输入验证码').fill(code);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.waitForURL(/\/dashboard$/);
  });

  it('says how long to wait after too many wrong passwords, counting down', async () => {
    const page = await loginPage();
    await page.getByRole('tab', { name: '密码登录' }).click();
    await page.getByPlaceholder('请输入手机号码').fill(PHONES.locked);
    await page.getByPlaceholder('请输入密码').fill(WRONG);
    for (let attempt = 1; attempt <= SIGN_IN_LIMITS.passwordFailuresPerPair; attempt += 1) {
      const answered = page.waitForResponse((response) => response.url().endsWith('/api/auth/login'));
      await page.getByRole('button', { name: '登录', exact: true }).click();
      expect((await answered).status()).toBe(401);
      await alert(page).filter({ hasText: '手机号或验证码/密码错误' }).waitFor();
    }
    const locked = page.waitForResponse((response) => response.url().endsWith('/api/auth/login'));
    await page.getByRole('button', { name: '登录', exact: true }).click();
    const answer = await locked;
    expect(answer.status()).toBe(429);
    // The first wait of the pair, counted from the fifth failure a moment ago.
    const wait = Number(answer.headers()['retry-after']);
    expect(wait).toBeGreaterThan(SIGN_IN_LIMITS.passwordFirstLockMs / 1000 - 10);
    expect(wait).toBeLessThanOrEqual(SIGN_IN_LIMITS.passwordFirstLockMs / 1000);
    await alert(page).filter({ hasText: '密码错误次数过多' }).waitFor();
    const description = alert(page).locator('.el-alert__description');
    await description.filter({ hasText: /^请在 (1 分钟|\d+ 秒)后重试$/ }).waitFor();
    // It counts down in seconds.
    const secondsLeft = async () => {
      const match = /^请在 (?:(1) 分钟|(\d+) 秒)后重试$/.exec((await description.textContent())?.trim() ?? '');
      return match ? (match[1] ? 60 : Number(match[2])) : Number.NaN;
    };
    const first = await secondsLeft();
    expect(first).toBeLessThanOrEqual(wait);
    await expect.poll(secondsLeft, { timeout: 5_000 }).toBeLessThan(first);
  });

  it('asks for the 图形验证码 in a 安全验证 dialog before sending a bind code in 添加账号, then sends it', async () => {
    const phone = '17800000009';
    const token = await loginWithPassword(client, CITY.phone, DEMO_PASSWORD);
    for (let sent = 0; sent < SIGN_IN_LIMITS.smsPerPhoneHourUnchecked; sent += 1) {
      const answer = await postFrom(`127.0.0.${2 + sent}`, '/api/auth/sms-codes', { phone, purpose: 'bind' }, token);
      expect(answer.status).toBe(202);
    }
    const signedIn = await signIn(browser, client.url, 'city', { width: 1280, height: 900 });
    contexts.push(signedIn.context);
    const page = signedIn.page;
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${client.url}/accounts`);
    await page.getByRole('button', { name: '添加账号' }).click();
    const dialog = page.locator('.el-dialog', { has: page.locator('.el-dialog__title', { hasText: '添加账号' }) });
    await dialog.getByPlaceholder('请输入手机号码').fill(phone);
    await answerNextCaptchaWith(page, 'TUVW');
    await dialog.getByRole('button', { name: '获取验证码' }).click();

    const check = page.locator('.el-dialog', { has: page.locator('.el-dialog__title', { hasText: '安全验证' }) });
    await check.getByText('为确认是您本人操作，请先输入图形验证码').waitFor();
    await check.getByRole('img', { name: /图形验证码/ }).waitFor();
    await check.getByRole('textbox', { name: /图形验证码/ }).fill('tuvw');
    await check.getByRole('button', { name: '确定' }).click();
    await page.getByText('验证码已发送，请注意查收').waitFor();
    await check.waitFor({ state: 'hidden' });
    await dialog.getByRole('button', { name: /秒后重新获取/ }).waitFor();
    const outbox = await client.request('GET', `/api/dev/sms-outbox?phone=${phone}`);
    expect(outbox.body.filter((message: { purpose: string }) => message.purpose === 'bind')).toHaveLength(SIGN_IN_LIMITS.smsPerPhoneHourUnchecked + 1);
  });

  it('raised no uncaught errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
