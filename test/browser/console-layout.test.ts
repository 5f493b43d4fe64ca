/**
 * The console's layout in Chromium against a local stack holding a small demo data set: on every
 * page of every role, at 1280 and 1440 px, every header cell of every table lies fully inside the
 * visible table and its text is not cut, so a column can never silently vanish (督办's list under
 * both rules); the add, edit and 标记已核查 dialogs fit a 1366×768 screen with their submit button on
 * it; and the README's screenshots (docs/screenshots/, refreshed by `npm run screenshots`) of 数据中心
 * (national) and 区域数据统计 (福建) at 1440 px are taken here.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { ensureDemoAccounts } from '#tools/demo/accounts';
import { ensureDemoDataSet } from '#tools/demo/setup';
import { DEFAULT_INGEST_API_KEY } from '#local/stack';
import { createInstitution } from '#shared/db/institutions';
import { creditCodeCheckChar } from '#shared/reference/credit-code';
import { useLocalStack } from '../e2e/harness';
import { ensureSiteBuilt } from './site-build';
import { hasChromium, launchChromium, open, ROLE_PAGES, settle, signIn, type ConsolePage, type DemoRole, type PageElement } from './console-harness';

declare const document: {
  documentElement: PageElement;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  elementFromPoint(x: number, y: number): unknown;
};
declare const window: Record<string, unknown>;

if (!hasChromium) console.warn('[console-layout.test] skipped: /usr/bin/chromium is missing (apt-get install -y chromium fonts-noto-cjk)');

/**
 * The README's screenshots are written to docs/screenshots/ only by `npm run screenshots`; an ordinary
 * test run takes them into the OS temporary folder, so running the tests changes no tracked file.
 */
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url)) : `${mkdtempSync(join(tmpdir(), 'xyd-shots-'))}/`;
const WIDTHS = [1280, 1440] as const;
const ROLES: DemoRole[] = ['national', 'province', 'city'];

/**
 * What is wrong with the tables on screen: a header cell outside the visible part of its table (or
 * of the window), of no width, or whose text does not fit it.
 */
async function headerProblems(page: Page, where: string): Promise<string[]> {
  const problems = await page.evaluate(() => {
    const found: string[] = [];
    const tables = Array.from(document.querySelectorAll('.el-table')).filter((table) => table.offsetParent !== null);
    tables.forEach((table, index) => {
      const box = table.getBoundingClientRect();
      const left = Math.max(box.left, 0);
      const right = Math.min(box.right, document.documentElement.clientWidth);
      const cells = Array.from(table.querySelectorAll('.el-table__header-wrapper th.el-table__cell'));
      if (cells.length === 0) found.push(`table ${index + 1}: no header`);
      for (const th of cells) {
        const rect = th.getBoundingClientRect();
        const cell = th.querySelector('.cell');
        const text = (th.textContent ?? '').trim() || '(selection)';
        if (rect.width < 1) found.push(`table ${index + 1}: "${text}" has no width`);
        else if (rect.left < left - 0.5 || rect.right > right + 0.5) {
          found.push(`table ${index + 1}: "${text}" at ${Math.round(rect.left)}–${Math.round(rect.right)} px, outside the visible table ${Math.round(left)}–${Math.round(right)} px`);
        }
        if (cell && cell.scrollWidth > cell.clientWidth + 1) found.push(`table ${index + 1}: "${text}" is cut (${cell.scrollWidth} px of text in ${cell.clientWidth} px)`);
      }
    });
    return found;
  });
  return problems.map((problem) => `${where}: ${problem}`);
}

function creditCode(i: number): string {
  const first17 = `91350200${String(600_000_000 + i).padStart(9, '0')}`;
  return first17 + creditCodeCheckChar(first17);
}

describe.skipIf(!hasChromium)('the console’s layout in Chromium', () => {
  beforeAll(ensureSiteBuilt, 300_000);
  const client = useLocalStack();
  let browser: Browser;
  const opened: ConsolePage[] = [];

  beforeAll(async () => {
    await ensureDemoAccounts();
    await ensureDemoDataSet(client.stack, { orders: 2000, seed: 16 });
    await client.stack.capture.drain(60_000);
    browser = await launchChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 300_000);

  afterAll(async () => {
    for (const { context } of opened) await context.close().catch(() => undefined);
    await browser?.close();
    if (process.env.UPDATE_SCREENSHOTS !== '1') rmSync(SCREENSHOTS, { recursive: true, force: true });
  });


  /**
   * A Xiamen institution with a specialist for 机构管理, and the widest figures a province shows (one
   * order of 50 亿元). Added after the README screenshots, which show the demo data set alone.
   */
  async function addWideFigures(): Promise<void> {
    const bank = await createInstitution({
      type: 'bank', fullName: '厦门版面测试银行股份有限公司思明支行', shortName: '版面测试银行', logoKey: '', districtCode: '350203',
      cityCode: '350200', provinceCode: '350000', sortOrder: 0, status: 'enabled', createdBy: 1,
    });
    const specialist = await client.request('POST', `/api/institutions/${bank.id}/specialists`, {
      token: (await client.request('POST', '/api/auth/login', { body: { phone: '13800000003', password: 'Demo@2026' } })).body.token,
      body: { phone: '18859660001', realName: '版面专管员', gender: 'female', status: 'enabled' },
    });
    expect(specialist.status).toBe(201);
    const at = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString();
    const events = [
      { id: 'layout-e', type: 'enterprise.registered', occurredAt: at(5), data: { enterpriseId: 'layout-e', name: '版面测试企业有限公司', creditCode: creditCode(1), industry: 'C', districtCode: '350203' } },
      { id: 'layout-s', type: 'order.submitted', occurredAt: at(4), data: { orderId: 'layout-o', enterpriseId: 'layout-e', requestedAmount: 5_000_000_000 } },
      { id: 'layout-a', type: 'order.accepted', occurredAt: at(3), data: { orderId: 'layout-o', institutionId: bank.id, intendedAmount: 4_800_000_000 } },
      { id: 'layout-l', type: 'order.loaned', occurredAt: at(2), data: { orderId: 'layout-o', loanAmount: 4_500_000_000 } },
      // Sent two months late: a 数据质量 warning in 厦门 to mark checked.
      { id: 'layout-e2', type: 'enterprise.registered', occurredAt: at(60), data: { enterpriseId: 'layout-e2', name: '版面迟报企业有限公司', creditCode: creditCode(2), industry: 'C', districtCode: '350203' } },
    ];
    const answer = await client.request('POST', '/api/ingest/events', { body: { events }, headers: { 'x-api-key': DEFAULT_INGEST_API_KEY } });
    expect(answer.body.rejected).toEqual([]);
    await client.stack.capture.drain(60_000);
  }

  async function as(role: DemoRole, viewport: { width: number; height: number }): Promise<Page> {
    const signedIn = await signIn(browser, client.url, role, viewport);
    opened.push(signedIn);
    return signedIn.page;
  }

  /** A screenshot of the whole page: the window grows to the page's height first. */
  async function screenshotWhole(page: Page, file: string): Promise<void> {
    const height = await page.evaluate(() => {
      const main = document.querySelector('.el-main')!;
      return main.scrollHeight + main.getBoundingClientRect().top;
    });
    await page.setViewportSize({ width: 1440, height: Math.ceil(height) });
    await settle(page);
    // The charts redraw for the new size: wait until every canvas holds the same picture twice in a row.
    await page.waitForFunction(
      () => {
        const charts = Array.from(document.querySelectorAll('canvas'))
          .map((canvas) => canvas.toDataURL())
          .join('|');
        const atRest = window.lastCharts === charts;
        window.lastCharts = charts;
        return atRest;
      },
      undefined,
      { polling: 300, timeout: 20_000 },
    );
    await page.screenshot({ path: `${SCREENSHOTS}${file}`, animations: 'disabled' });
  }

  it('takes the README screenshots: 数据中心 (national) and 区域数据统计 (福建) at 1440 px', async () => {
    const national = await as('national', { width: 1440, height: 900 });
    await open(national, client.url, '/dashboard');
    await national.locator('.region-map[data-mode="tiles"] svg text', { hasText: /^福建$/ }).waitFor();
    await screenshotWhole(national, 'dashboard-national-1440.png');

    const province = await as('province', { width: 1440, height: 900 });
    await open(province, client.url, '/regional-stats');
    await province.locator('.region-map svg text', { hasText: /^厦门市$/ }).waitFor();
    await screenshotWhole(province, 'regional-stats-fujian-1440.png');
  });

  describe('with the widest figures', () => {
    beforeAll(addWideFigures, 60_000);

    for (const role of ROLES) {
      for (const width of WIDTHS) {
        it(`${role} at ${width} px: every header cell of every table on every page lies inside its visible table`, async () => {
          const page = await as(role, { width, height: 900 });
          const problems: string[] = [];
          for (const path of ROLE_PAGES[role]) {
            await open(page, client.url, path);
            problems.push(...(await headerProblems(page, path)));
            if (path === '/regional-stats') {
              // 数据概览's second group of columns.
              await page.locator('.el-radio-button', { hasText: '成效与主体' }).click();
              problems.push(...(await headerProblems(page, `${path} (成效与主体)`)));
            }
            if (path === '/supervision') {
              // The overdue list of the other rule has two more columns (受理时间, 受理机构).
              await page.locator('[aria-label="超时规则"] .el-radio-button', { hasText: '对接超时' }).click();
              await settle(page);
              problems.push(...(await headerProblems(page, `${path} (对接超时)`)));
            }
            if (path === '/institutions') {
              await page.locator('.el-table__body tr', { hasText: '版面测试银行' }).getByRole('button', { name: '专管员' }).click();
              const drawer = page.locator('.el-drawer');
              await drawer.getByText('版面专管员').waitFor();
              // Measured once the drawer has slid fully in.
              await page.waitForFunction(() => {
                const box = document.querySelector('.el-drawer')?.getBoundingClientRect();
                return !!box && Math.abs(box.right - document.documentElement.clientWidth) < 1;
              });
              problems.push(...(await headerProblems(page, `${path} (专管员)`)));
              await drawer.locator('.el-drawer__close-btn').click();
              await drawer.waitFor({ state: 'hidden' });
            }
          }
          expect(problems).toEqual([]);
        }, 180_000);
      }
    }

    /** The dialog's submit button is on screen, clickable, and the dialog within the window. */
    async function expectFits(page: Page, dialog: Locator, submit: string): Promise<void> {
      await dialog.waitFor();
      const viewport = page.viewportSize()!;
      const box = (await dialog.boundingBox())!;
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
      const button = dialog.locator('.el-dialog__footer').getByRole('button', { name: submit });
      const at = (await button.boundingBox())!;
      expect(at.y + at.height).toBeLessThanOrEqual(viewport.height);
      const hit = await button.evaluate((element) => {
        const rect = element.getBoundingClientRect();
        const top = document.elementFromPoint(rect.left + rect.width / 2, rect.top + rect.height / 2);
        return !!top && element.contains(top);
      });
      expect(hit, `${submit} is covered`).toBe(true);
    }

    const dialog = (page: Page, title: string) => page.locator('.el-dialog').filter({ has: page.locator('.el-dialog__title', { hasText: title }) });

    it('the add and edit dialogs fit a 1366×768 screen with their submit button on it', async () => {
      const small = { width: 1366, height: 768 };
      const city = await as('city', small);
      await open(city, client.url, '/accounts');
      await city.getByRole('button', { name: '添加账号' }).click();
      await expectFits(city, dialog(city, '添加账号'), '立即提交');
      await dialog(city, '添加账号').locator('.el-dialog__headerbtn').click();
      await city.locator('.el-table__body tr').first().getByRole('button', { name: '编辑' }).click();
      await expectFits(city, dialog(city, '编辑账号'), '立即提交');
      await dialog(city, '编辑账号').locator('.el-dialog__headerbtn').click();

      await open(city, client.url, '/institutions');
      await city.getByRole('button', { name: '添加金融机构' }).click();
      await expectFits(city, dialog(city, '添加金融机构'), '立即提交');
      await dialog(city, '添加金融机构').locator('.el-dialog__headerbtn').click();
      await city.locator('.el-table__body tr', { hasText: '版面测试银行' }).getByRole('button', { name: '专管员' }).click();
      await city.locator('.el-drawer').getByRole('button', { name: '添加专管员' }).click();
      await expectFits(city, dialog(city, '添加专管员'), '立即提交');

      await open(city, client.url, '/data-quality');
      await city.locator('.warnings .el-table__body tr').first().getByRole('button', { name: '标记已核查' }).click();
      await expectFits(city, dialog(city, '标记为已核查'), '确认已核查');
      await dialog(city, '标记为已核查').locator('.el-dialog__headerbtn').click();

      const province = await as('province', small);
      await open(province, client.url, '/subordinate-accounts');
      await province.getByRole('button', { name: '添加市级账号' }).click();
      await expectFits(province, dialog(province, '添加市级账号'), '立即提交');
    });

  });

  it('the pages raised no uncaught errors and logged no console errors', () => {
    expect(opened.flatMap((page) => page.errors)).toEqual([]);
  });
});
