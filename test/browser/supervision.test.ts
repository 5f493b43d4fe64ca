/**
 * 督办 and 数据质量 in Chromium for the national, province (福建) and city (厦门) demo users, on a
 * fresh small demo data set (which plants overdue demands and 数据质量 cases, so both pages show
 * something on a first start): 数据中心's 督办 cards, the 督办 page's cards, child regions (table and
 * map), the overdue list under both rules with its cursor pages, the ranking and the Excel export;
 * the 数据质量 page's counts by rule, child regions and warnings, and marking a warning checked —
 * every figure as the API answers it, written the console's way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD, ensureDemoAccounts } from '#tools/demo/accounts';
import { ensureDemoDataSet } from '#tools/demo/setup';
import { formatCount, formatWan } from '#shared/contract/figures';
import { loginWithPassword, useLocalStack } from '../e2e/harness';
import { ensureSiteBuilt } from './site-build';
import { DEMO_PHONES, hasChromium, launchChromium, open, settle, signIn, type ConsolePage, type DemoRole } from './console-harness';

if (!hasChromium) console.warn('[supervision.test] skipped: /usr/bin/chromium is missing (apt-get install -y chromium fonts-noto-cjk)');

const ROLES: DemoRole[] = ['national', 'province', 'city'];
const SCOPE_NAMES: Record<DemoRole, string> = { national: '全国', province: '福建省', city: '厦门市' };

describe.skipIf(!hasChromium)('督办 and 数据质量 in Chromium', () => {
  beforeAll(ensureSiteBuilt, 300_000);
  const client = useLocalStack();
  let browser: Browser;
  const opened: ConsolePage[] = [];
  const tokens = {} as Record<DemoRole, string>;
  const api = async (role: DemoRole, path: string) => {
    const answer = await client.request('GET', path, { token: tokens[role] });
    expect(answer.status, path).toBe(200);
    return answer.body;
  };

  beforeAll(async () => {
    await ensureDemoAccounts();
    await ensureDemoDataSet(client.stack, { orders: 2000, seed: 16 });
    await client.stack.capture.drain(60_000);
    for (const role of ROLES) tokens[role] = await loginWithPassword(client, DEMO_PHONES[role], DEMO_PASSWORD);
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    for (const { context } of opened) await context.close().catch(() => undefined);
    await browser?.close();
  });

  async function as(role: DemoRole): Promise<Page> {
    const signedIn = await signIn(browser, client.url, role, { width: 1440, height: 900 });
    opened.push(signedIn);
    return signedIn.page;
  }

  const cardValue = (page: Page, scope: string, rule: string) => page.locator(`${scope} [data-rule="${rule}"] .value`).innerText();
  const cellTexts = async (page: Page, table: string, column: number) =>
    (await page.locator(`${table} .el-table__body-wrapper tr`).evaluateAll((rows, index) => rows.map((row) => (row.querySelectorAll('td')[index as number]?.textContent ?? '').trim()), column)) as string[];

  for (const role of ROLES) {
    it(`${role}: 数据中心 shows the 督办 cards and the 督办 page its scope, children, lists and ranking`, async () => {
      const page = await as(role);
      const summary = await api(role, '/api/supervision/summary');
      // The demo data set has overdue demands in every demo scope.
      expect(summary.total.overdue).toBeGreaterThan(0);
      await settle(page);
      expect(await cardValue(page, '.supervision-panel', 'total')).toBe(`${formatCount(summary.total.overdue)}笔`);
      expect(await cardValue(page, '.supervision-panel', 'acceptance')).toBe(`${formatCount(summary.acceptance.overdue)}笔`);
      expect(await cardValue(page, '.supervision-panel', 'decision')).toBe(`${formatCount(summary.decision.overdue)}笔`);

      await page.locator('.supervision-panel').getByRole('link', { name: '查看督办' }).click();
      await page.waitForURL(/\/supervision$/);
      await settle(page);
      await expect.poll(() => page.locator('.basis').innerText()).toContain(SCOPE_NAMES[role]);
      expect(await cardValue(page, '.supervision', 'total')).toBe(`${formatCount(summary.total.overdue)}笔`);
      const regions = await api(role, '/api/supervision/regions');
      expect(await cellTexts(page, '.regions', 0)).toEqual(regions.rows.map((row: { name: string }) => row.name));
      expect(await cellTexts(page, '.regions', 3)).toEqual(regions.rows.map((row: { total: { overdue: number } }) => formatCount(row.total.overdue)));
      // The map colours the same children (tiles for the nation, bars below it).
      const top = regions.rows[0];
      await page.locator('.region-map svg text', { hasText: role === 'national' ? new RegExp(`^${top.name.slice(0, 2)}`) : new RegExp(`^${top.name}$`) }).first().waitFor();

      // The overdue list, page by page, as the API pages it.
      const first = await api(role, '/api/supervision/demands?rule=acceptance&limit=10');
      expect(await cellTexts(page, '.demands', 0)).toEqual(first.items.map((row: { enterpriseName: string }) => row.enterpriseName));
      expect(await cellTexts(page, '.demands', 2)).toEqual(first.items.map((row: { requestedAmount: number }) => formatWan(row.requestedAmount)));
      if (first.nextCursor) {
        const second = await api(role, `/api/supervision/demands?rule=acceptance&limit=10&cursor=${first.nextCursor}`);
        await page.getByRole('button', { name: '下一页' }).click();
        await settle(page);
        expect(await cellTexts(page, '.demands', 0)).toEqual(second.items.map((row: { enterpriseName: string }) => row.enterpriseName));
        await page.getByRole('button', { name: '上一页' }).click();
        await settle(page);
        expect(await cellTexts(page, '.demands', 0)).toEqual(first.items.map((row: { enterpriseName: string }) => row.enterpriseName));
      }
      await page.locator('[aria-label="超时规则"] .el-radio-button', { hasText: '对接超时' }).click();
      await settle(page);
      const decision = await api(role, '/api/supervision/demands?rule=decision&limit=10');
      expect(await cellTexts(page, '.demands', 0)).toEqual(decision.items.map((row: { enterpriseName: string }) => row.enterpriseName));
      expect(await cellTexts(page, '.demands', 5)).toEqual(decision.items.map((row: { institutionName: string }) => row.institutionName));

      // The ranking, and its link to the institution's overdue demands.
      const ranking = await api(role, '/api/supervision/institutions');
      expect(await cellTexts(page, '.institutions', 1)).toEqual(ranking.items.map((row: { name: string }) => row.name));
      if (ranking.items.length > 0) {
        await page.locator('.institutions .el-table__body tr').first().getByRole('button', { name: '查看需求' }).click();
        await settle(page);
        const ofInstitution = await api(role, `/api/supervision/demands?rule=decision&institutionId=${ranking.items[0].institutionId}&limit=10`);
        expect(await cellTexts(page, '.demands', 0)).toEqual(ofInstitution.items.map((row: { enterpriseName: string }) => row.enterpriseName));
      }

      // The export: the file the list's filters ask for.
      const exported = page.waitForResponse((response) => response.url().endsWith('/api/reports') && response.request().method() === 'POST');
      await page.getByRole('button', { name: '导出 Excel' }).click();
      const answer = await exported;
      expect(answer.status()).toBe(201);
      expect(JSON.parse(answer.request().postData() ?? '{}')).toMatchObject({ kind: 'overdue-demands', rule: 'decision' });
      expect((await answer.json()).fileName).toMatch(/^督办_对接超时_/);
    }, 120_000);
  }

  // The city first: the wider scopes mark warnings checked that may lie in 厦门.
  for (const role of [...ROLES].reverse()) {
    it(`${role}: the 数据质量 page counts by rule, lists the warnings and marks one checked`, async () => {
      const page = await as(role);
      await open(page, client.url, '/data-quality');
      const summary = await api(role, '/api/data-quality/summary');
      expect(summary.total.count).toBeGreaterThan(0);
      expect(await cardValue(page, '.data-quality', 'total')).toBe(`${formatCount(summary.total.count)}条`);
      for (const rule of summary.rules) expect(await cardValue(page, '.data-quality', rule.rule), rule.rule).toBe(`${formatCount(rule.count)}条`);
      const regions = await api(role, '/api/data-quality/regions');
      expect(await cellTexts(page, '.regions', 1)).toEqual(regions.rows.map((row: { count: number }) => formatCount(row.count)));

      const unchecked = await api(role, '/api/data-quality/warnings?status=unchecked&limit=10');
      expect(unchecked.items.length).toBeGreaterThan(0);
      expect(await cellTexts(page, '.warnings', 5)).toEqual(unchecked.items.map((row: { detail: string }) => row.detail));

      // Mark the first one checked, with a note.
      const target = unchecked.items[0];
      await page.locator('.warnings .el-table__body tr').first().getByRole('button', { name: '标记已核查' }).click();
      const dialog = page.locator('.el-dialog', { hasText: '标记为已核查' });
      await dialog.getByPlaceholder(/核查说明/).fill('浏览器测试核查');
      await dialog.getByRole('button', { name: '确认已核查' }).click();
      await page.locator('.warnings .el-table__body tr').first().getByText(/^已核查/).waitFor();
      await client.stack.capture.drain(60_000);
      const after = await api(role, `/api/data-quality/warnings?rule=${target.rule}&status=checked&limit=100`);
      expect(after.items.find((row: { recordId: string }) => row.recordId === target.recordId)).toMatchObject({ checked: true, checkNote: '浏览器测试核查' });

      // A card opens its rule's warnings.
      await page.locator('.data-quality [data-rule="late-event"]').click();
      await settle(page);
      const late = await api(role, '/api/data-quality/warnings?rule=late-event&status=unchecked&limit=10');
      expect(await cellTexts(page, '.warnings', 1)).toEqual(late.items.map(() => '事件迟报'));
    }, 120_000);
  }

  it('the pages raised no uncaught errors and logged no console errors', () => {
    expect(opened.flatMap((page) => page.errors)).toEqual([]);
  });
});
