/**
 * 审计日志 in Chromium against a local stack (docs/console.md, "审计日志"): a province user's page
 * lists exactly the entries of its province and its cities, as GET /api/audit-log pages them (no
 * other province's, not the nation's); 加载更多 follows the cursor without losing or repeating a row;
 * 结果 filters; a national user narrows to a province with the region selector; 导出 downloads the
 * workbook of the filters on screen; 详情 shows 变更前 / 变更后 in words; a city user sees its city only.
 */
import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEMO_ACCOUNTS, ensureDemoAccounts } from '#tools/demo/accounts';
import { createAccount } from '#shared/db/accounts';
import { actorOf, writeAudit } from '#shared/db/audit';
import { hashPassword } from '#shared/auth/passwords';
import type { Role } from '#shared/auth/caller';
import { loginWithPassword, useLocalStack } from '../e2e/harness';
import { ensureSiteBuilt } from './site-build';
import { hasChromium, launchChromium, open, settle, signIn, type ConsolePage, type PageElement } from './console-harness';

if (!hasChromium) console.warn('[audit-log.test] skipped: /usr/bin/chromium is missing (apt-get install -y chromium fonts-noto-cjk)');

const PASSWORD = 'Audit#2026';
const [NATIONAL, PROVINCE, CITY] = DEMO_ACCOUNTS as [(typeof DEMO_ACCOUNTS)[number], (typeof DEMO_ACCOUNTS)[number], (typeof DEMO_ACCOUNTS)[number]];

/** Accounts of other regions whose entries the demo users must or must not see. */
const OTHERS: Record<string, { role: Role; province: string; city?: string; name: string; phone: string }> = {
  GD: { role: 'province', province: '440000', name: '审计广东用户', phone: '17700000001' },
  GZ: { role: 'city', province: '440000', city: '440100', name: '审计广州用户', phone: '17700000002' },
  FZ: { role: 'city', province: '350000', city: '350100', name: '审计福州用户', phone: '17700000003' },
};
const ids: Record<string, number> = {};
/** Entries of the 福州 user written for paging: enough for three pages of 20. */
const FZ_ENTRIES = 45;

interface ApiEntry {
  id: string;
  time: string;
  actionName: string;
  result: 'success' | 'failure';
  actor: { name: string | null; regionName: string | null };
}

/** An ISO time as the page writes it: China time, yyyy-mm-dd HH:mm:ss. */
function chinaTime(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** The table's rows, each a list of its cells' texts (时间, 操作人, 级别, 所属地区, 手机号, 操作, 结果, 操作对象, 来源地址, 说明, 详情). */
async function tableRows(page: Page): Promise<string[][]> {
  return page
    .locator('.audit-log__table .el-table__body tbody tr')
    .evaluateAll((rows) => rows.map((row) => Array.from((row as unknown as PageElement).querySelectorAll('td')).map((cell) => (cell.textContent ?? '').trim())));
}

/** Clicks 加载更多 until the list ends; the number of rows after each page. */
async function loadAll(page: Page): Promise<number[]> {
  const counts = [(await tableRows(page)).length];
  const more = page.getByRole('button', { name: '加载更多' });
  for (let i = 0; i < 50 && (await more.isVisible()); i += 1) {
    await more.click();
    await settle(page);
    await expect.poll(async () => (await tableRows(page)).length).toBeGreaterThan(counts.at(-1)!);
    counts.push((await tableRows(page)).length);
  }
  await page.getByText('没有更多了').waitFor();
  return counts;
}

describe.skipIf(!hasChromium)('审计日志 in Chromium', () => {
  beforeAll(ensureSiteBuilt, 300_000);
  const client = useLocalStack();
  let browser: Browser;
  const opened: ConsolePage[] = [];

  /** Every entry the API lists for a token (all pages), with optional filters. */
  async function apiEntries(token: string, query = ''): Promise<ApiEntry[]> {
    const entries: ApiEntry[] = [];
    let cursor: string | null = null;
    do {
      const suffix: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const answer = await client.request('GET', `/api/audit-log?limit=100${query}${suffix}`, { token });
      expect(answer.status, answer.text).toBe(200);
      entries.push(...(answer.body.items as ApiEntry[]));
      cursor = answer.body.nextCursor;
    } while (cursor);
    return entries;
  }

  beforeAll(async () => {
    await ensureDemoAccounts();
    for (const [key, other] of Object.entries(OTHERS)) {
      const account = await createAccount({
        phone: other.phone,
        passwordHash: await hashPassword(PASSWORD),
        realName: other.name,
        gender: 'female',
        unit: '审计测试单位',
        role: other.role,
        provinceCode: other.province,
        ...(other.city ? { cityCode: other.city } : {}),
        status: 'enabled',
        auditStatus: 'approved',
      });
      ids[key] = account.id;
      // A real sign-in of each, and a wrong password for 福州 (a failure in 福建's log).
      await loginWithPassword(client, other.phone, PASSWORD);
    }
    // The demo users sign in too: 厦门 belongs to 福建's log, the nation's entries to nobody's below it.
    for (const demo of [NATIONAL, PROVINCE, CITY]) await loginWithPassword(client, demo.phone, 'Demo@2026');
    expect((await client.request('POST', '/api/auth/login', { body: { phone: OTHERS.FZ!.phone, password: 'Wrong#0000' } })).status).toBe(401);
    expect((await client.request('POST', '/api/auth/login', { body: { phone: OTHERS.GD!.phone, password: 'Wrong#0000' } })).status).toBe(401);
    // Edits by the 福州 user over the last days (every ninth refused), and a few by the 广东 user.
    const fz = { ...actorOf({ accountId: ids.FZ!, role: 'city', provinceCode: '350000', cityCode: '350100', phone: OTHERS.FZ!.phone }), realName: OTHERS.FZ!.name };
    const gd = { ...actorOf({ accountId: ids.GD!, role: 'province', provinceCode: '440000', phone: OTHERS.GD!.phone }), realName: OTHERS.GD!.name };
    const now = Date.now();
    for (let i = 0; i < FZ_ENTRIES; i += 1) {
      await writeAudit(
        {
          action: 'account.update',
          outcome: i % 9 === 4 ? 'failure' : 'success',
          actor: fz,
          sourceIp: '10.0.0.7',
          targetType: 'account',
          targetId: 9000 + i,
          before: { status: 'enabled', remark: '原备注' },
          after: { status: 'disabled', remark: `新备注${i}` },
        },
        new Date(now - (i + 1) * 4 * 3_600_000),
      );
    }
    for (let i = 0; i < 3; i += 1) {
      await writeAudit({ action: 'institution.update', outcome: 'success', actor: gd, sourceIp: '10.0.0.8', targetType: 'institution', targetId: 800 + i }, new Date(now - (i + 1) * 3_600_000));
    }
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    for (const { context } of opened) await context.close().catch(() => undefined);
    await browser?.close();
  });

  async function as(role: 'national' | 'province' | 'city'): Promise<Page> {
    const signedIn = await signIn(browser, client.url, role, { width: 1280, height: 900 });
    opened.push(signedIn);
    return signedIn.page;
  }

  it('shows a province user the entries of its province and its cities, page by page as the API pages them', async () => {
    const page = await as('province');
    await open(page, client.url, '/audit-log');
    // The first page holds 20 rows; 加载更多 follows the cursor until the list ends.
    expect((await tableRows(page)).length).toBe(20);
    const counts = await loadAll(page);
    expect(counts.slice(0, 2)).toEqual([20, 40]);
    const rows = await tableRows(page);

    const token = await loginWithPassword(client, PROVINCE.phone, 'Demo@2026');
    const listed = await apiEntries(token);
    // The API's own sign-in just above is newer than the page's rows.
    const expected = listed.slice(listed.length - rows.length);
    expect(rows.map((row) => [row[0], row[1], row[5]])).toEqual(expected.map((entry) => [chinaTime(entry.time), entry.actor.name, entry.actionName]));
    expect(rows.length).toBeGreaterThanOrEqual(FZ_ENTRIES + 3);

    // Nothing of 广东, 广州 or the nation; 福建, 厦门 and 福州 are there.
    const regions = new Set(rows.map((row) => row[3]));
    expect([...regions].sort()).toEqual(['厦门市', '福州市', '福建省'].sort());
    const names = new Set(rows.map((row) => row[1]));
    expect(names.has(OTHERS.FZ!.name)).toBe(true);
    expect(names.has(PROVINCE.realName)).toBe(true);
    for (const hidden of [OTHERS.GD!.name, OTHERS.GZ!.name, NATIONAL.realName]) expect(names.has(hidden)).toBe(false);
    // Rows are distinct (no entry twice across pages) and newest first.
    const fzTargets = rows.filter((row) => row[1] === OTHERS.FZ!.name && row[5] === '编辑账号').map((row) => row[7]);
    expect(fzTargets).toHaveLength(FZ_ENTRIES);
    expect(new Set(fzTargets).size).toBe(FZ_ENTRIES);
    const times = rows.map((row) => row[0]);
    expect([...times].sort().reverse()).toEqual(times);
    // Phones only masked.
    for (const row of rows) expect(row[4]).toMatch(/^(1\d{2}\*{4}\d{4}|—)$/);
  });

  it('filters by 结果 and exports the filtered entries as an Excel file', async () => {
    const page = await as('province');
    await open(page, client.url, '/audit-log');
    await page.locator('.audit-log__result').click();
    await page.locator('.el-select-dropdown__item', { hasText: /^失败$/ }).click();
    await page.getByRole('button', { name: '查询' }).click();
    await settle(page);
    await loadAll(page);
    const rows = await tableRows(page);
    const token = await loginWithPassword(client, PROVINCE.phone, 'Demo@2026');
    const failures = await apiEntries(token, '&result=failure');
    expect(rows.length).toBe(failures.length);
    // Five refused edits and the wrong password of the 福州 user.
    expect(rows.length).toBeGreaterThanOrEqual(6);
    expect(rows.every((row) => row[6] === '失败')).toBe(true);
    expect(rows.some((row) => row[5] === '登录' && row[1] === OTHERS.FZ!.name && row[9] === '密码登录：密码错误')).toBe(true);

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: '导出' }).click();
    const file = await download;
    await page.getByText(/已生成 审计日志_福建省_.*\.xlsx，开始下载/).waitFor();
    expect(file.suggestedFilename()).toMatch(/^审计日志_福建省_\d{4}-\d{2}-\d{2}至\d{4}-\d{2}-\d{2}_\d{8}-\d{4}\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await readFile((await file.path())!)) as never);
    const sheet = workbook.worksheets[0]!;
    const header = (sheet.getRow(2).values as unknown[]).slice(1).map(String);
    const result = header.indexOf('结果') + 1;
    const action = header.indexOf('操作') + 1;
    expect(result).toBeGreaterThan(0);
    const written: string[][] = [];
    sheet.eachRow((row, number) => {
      if (number > 2) written.push([String(row.getCell(action).value), String(row.getCell(result).value)]);
    });
    expect(written).toEqual(rows.map((row) => [row[5], '失败']));
  });

  it('shows an entry’s 变更前 and 变更后 as fields in words', async () => {
    const page = await as('province');
    await open(page, client.url, '/audit-log');
    await page.getByRole('textbox', { name: '操作对象' }).fill('9003');
    await page.getByRole('button', { name: '查询' }).click();
    await settle(page);
    const rows = await tableRows(page);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.slice(1, 8)).toEqual([OTHERS.FZ!.name, '市级', '福州市', '177****0003', '编辑账号', '成功', '账号 9003']);
    await page.getByRole('button', { name: '查看编辑账号详情' }).click();
    const drawer = page.locator('.el-drawer', { hasText: '审计日志详情' });
    await drawer.waitFor();
    const changes = await drawer.locator('.audit-entry__changes tbody tr').evaluateAll((trs) =>
      trs.map((tr) => Array.from((tr as unknown as PageElement).querySelectorAll('th, td')).map((cell) => (cell.textContent ?? '').trim())),
    );
    expect(changes).toEqual([
      ['状态', '启用', '禁用'],
      ['备注', '原备注', '新备注3'],
    ]);
    expect(await drawer.locator('.audit-entry__changes thead th').allTextContents()).toEqual(['字段', '变更前', '变更后']);
  });

  it('lets a national user narrow to a province with the region selector', async () => {
    const page = await as('national');
    await open(page, client.url, '/audit-log');
    await page.locator('.audit-log .region-select').click();
    const node = page.locator('.el-cascader-node', { hasText: '广东省' });
    await node.locator('.el-radio').click();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: '查询' }).click();
    await settle(page);
    await loadAll(page);
    const rows = await tableRows(page);
    expect(new Set(rows.map((row) => row[3]))).toEqual(new Set(['广东省', '广州市']));
    expect(new Set(rows.map((row) => row[1]))).toEqual(new Set([OTHERS.GD!.name, OTHERS.GZ!.name]));
    expect(rows.filter((row) => row[5] === '编辑金融机构')).toHaveLength(3);
  });

  it('shows a city user its city only, without a region selector', async () => {
    const page = await as('city');
    await open(page, client.url, '/audit-log');
    await loadAll(page);
    const rows = await tableRows(page);
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((row) => row[3]))).toEqual(new Set(['厦门市']));
    expect(new Set(rows.map((row) => row[1]))).toEqual(new Set([CITY.realName]));
    expect(await page.locator('.audit-log .region-select').count()).toBe(0);
  });

  it('says so when nothing matches, and when the list cannot be loaded, with 重试', async () => {
    const page = await as('province');
    await open(page, client.url, '/audit-log');
    await page.getByRole('textbox', { name: '操作人' }).fill('没有这个人');
    await page.getByRole('button', { name: '查询' }).click();
    await settle(page);
    await page.locator('.audit-log__table .el-table__empty-text', { hasText: '所选时间范围内暂无符合条件的审计记录' }).waitFor();
    expect(await page.getByRole('button', { name: '加载更多' }).count()).toBe(0);

    // The API out of reach: the page says it failed and offers 重试, which loads once it is back.
    await page.route('**/api/audit-log?**', (route) => route.abort('connectionrefused'));
    await page.getByRole('button', { name: '重置' }).click();
    await page.getByText('审计日志加载失败：网络连接失败，请检查网络后重试').waitFor();
    expect(await tableRows(page)).toEqual([]);
    await page.unroute('**/api/audit-log?**');
    await page.getByRole('button', { name: '重试' }).click();
    await settle(page);
    expect((await tableRows(page)).length).toBe(20);
    expect(await page.getByText('审计日志加载失败').count()).toBe(0);
    // The refused request is the only error the page logged.
    const signedIn = opened.at(-1)!;
    expect(signedIn.errors.every((error) => error.includes('net::ERR_CONNECTION_REFUSED'))).toBe(true);
    signedIn.errors.length = 0;
  });

  it('the pages raised no uncaught errors and logged no console errors', () => {
    expect(opened.flatMap((page) => page.errors)).toEqual([]);
  });
});
