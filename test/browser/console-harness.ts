/**
 * What the console's browser tests share: Debian's Chromium (skipped, and saying so, when it is
 * missing), a signed-in page per demo user, waiting until a page has loaded its data, and the pages
 * each role has.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '#tools/demo/accounts';

/** What the tests touch of the page inside page.evaluate (they compile without the DOM library). */
export interface PageElement {
  offsetParent: unknown;
  textContent: string | null;
  scrollWidth: number;
  clientWidth: number;
  scrollHeight: number;
  getBoundingClientRect(): { left: number; right: number; top: number; width: number; height: number };
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  toDataURL(): string;
}
declare const document: { documentElement: PageElement; querySelector(selector: string): PageElement | null; querySelectorAll(selector: string): ArrayLike<PageElement> };

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const UI_TIMEOUT = 20_000;

export type DemoRole = 'national' | 'province' | 'city';
const [national, province, city] = DEMO_ACCOUNTS;
export const DEMO_PHONES: Record<DemoRole, string> = { national: national!.phone, province: province!.phone, city: city!.phone };

/** Every page of each role's menu (docs/console.md), by path. */
export const ROLE_PAGES: Record<DemoRole, string[]> = {
  national: ['/dashboard', '/regional-stats', '/institution-stats/overview', '/institution-stats/ranking', '/institution-stats/types', '/supervision', '/data-quality', '/subordinate-accounts', '/dynamics', '/accounts', '/audit-log'],
  province: ['/dashboard', '/regional-stats', '/institution-stats/overview', '/institution-stats/ranking', '/institution-stats/types', '/supervision', '/data-quality', '/subordinate-accounts', '/dynamics', '/accounts', '/audit-log'],
  city: ['/dashboard', '/regional-stats', '/institution-stats/overview', '/institution-stats/ranking', '/institution-stats/types', '/supervision', '/data-quality', '/institutions', '/dynamics', '/accounts', '/audit-log'],
};

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface ConsolePage {
  page: Page;
  context: BrowserContext;
  /** Uncaught errors and console errors the page raised. */
  errors: string[];
}

/** A fresh browser context signed in as a demo user through the login page. */
export async function signIn(browser: Browser, baseUrl: string, role: DemoRole, viewport = { width: 1440, height: 900 }): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN' });
  const page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(`${baseUrl}/login`);
  await page.getByRole('tab', { name: '密码登录' }).click();
  await page.getByPlaceholder('请输入手机号码').fill(DEMO_PHONES[role]);
  await page.getByPlaceholder('请输入密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.waitForURL(/\/dashboard$/);
  return { page, context, errors };
}

/** Waits until the page has its data: no request in flight and no loading mask on screen. */
export async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(
    () => !Array.from(document.querySelectorAll('.el-loading-mask')).some((mask) => mask.offsetParent !== null),
    undefined,
    { timeout: UI_TIMEOUT },
  );
}

/** Opens a page of the console and waits for its data. */
export async function open(page: Page, baseUrl: string, path: string): Promise<void> {
  await page.goto(`${baseUrl}${path}`);
  await page.locator('.el-main .page').first().waitFor();
  await settle(page);
}
