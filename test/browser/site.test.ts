/**
 * The admin site in Chromium against a local stack: login (password and SMS), the menu of each role,
 * 数据中心 figures equal to the API's, 区域数据统计, 机构数据统计 sorting, 融资动态, logout.
 * Needs Debian's chromium at /usr/bin/chromium (and fonts-noto-cjk for readable screenshots). Builds
 * site/dist first when it is missing; after changing the site, run `npm run build:site`.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, ensureDemoAccounts } from '#tools/demo/accounts';
import { DEFAULT_INGEST_API_KEY } from '#local/stack';
import { createInstitution } from '#shared/db/institutions';
import { creditCodeCheckChar } from '#shared/reference/credit-code';
import { formatAmount, formatCount, formatPercent, formatWan } from '#shared/contract/figures';
import { bootstrapNationalAccount } from '#tools/bootstrap';
import { loginWithPassword, useLocalStack } from '../e2e/harness';
import { ensureSiteBuilt } from './site-build';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`[site.test] skipped: ${CHROMIUM} is missing (apt-get install -y chromium fonts-noto-cjk)`);

const REPO = new URL('../../', import.meta.url).pathname;
const SHOTS = join(REPO, '.tmp', 'browser');

const [NATIONAL, PROVINCE, CITY] = DEMO_ACCOUNTS as [(typeof DEMO_ACCOUNTS)[number], (typeof DEMO_ACCOUNTS)[number], (typeof DEMO_ACCOUNTS)[number]];

const recent = (daysAgo: number, hour = 2) => {
  const day = new Date(Date.now() - daysAgo * 86_400_000);
  day.setUTCHours(hour, 0, 0, 0);
  return day.toISOString();
};

function creditCode(i: number): string {
  const first17 = `91350200${String(800_000_000 + i).padStart(9, '0')}`;
  return first17 + creditCodeCheckChar(first17);
}

describe.skipIf(!hasChromium)('admin site in Chromium', () => {
  // Hooks run in order: the site is built before the stack decides whether to serve it.
  beforeAll(ensureSiteBuilt, 300_000);
  const client = useLocalStack();

  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const institutions: { bank: number; guarantee: number } = { bank: 0, guarantee: 0 };

  beforeAll(async () => {
    await ensureDemoAccounts();
    // Two Xiamen institutions: the bank accepts more, the guarantee company lends more.
    const bank = await createInstitution({
      type: 'bank', fullName: '厦门页面测试银行股份有限公司', shortName: '页面测试银行', logoKey: '', districtCode: '350203',
      cityCode: '350200', provinceCode: '350000', sortOrder: 0, status: 'enabled', createdBy: 1,
    });
    const guarantee = await createInstitution({
      type: 'guarantee', fullName: '厦门页面测试融资担保有限公司', shortName: '页面测试担保', logoKey: '', districtCode: '350206',
      cityCode: '350200', provinceCode: '350000', sortOrder: 0, status: 'enabled', createdBy: 1,
    });
    institutions.bank = bank.id;
    institutions.guarantee = guarantee.id;
    const orders = [
      { id: 'b1', district: '350203', industry: 'C', requested: 1_000_000, accept: { by: bank.id, intended: 900_000 } },
      { id: 'b2', district: '350203', industry: 'I', requested: 2_000_000, accept: { by: bank.id, intended: 2_000_000 } },
      { id: 'b3', district: '350206', industry: 'C', requested: 500_000, accept: { by: guarantee.id, intended: 500_000 }, loan: 450_000 },
      { id: 'b4', district: '350102', industry: 'F', requested: 300_000 },
    ];
    const events: { id: string; type: string; occurredAt: string; data: Record<string, unknown> }[] = [];
    orders.forEach((order, i) => {
      const enterpriseId = `site-e-${order.id}`;
      const orderId = `site-o-${order.id}`;
      events.push({ id: `${orderId}-r`, type: 'enterprise.registered', occurredAt: recent(6, 1 + i), data: { enterpriseId, name: `页面测试企业${order.id}有限公司`, creditCode: creditCode(i), industry: order.industry, districtCode: order.district } });
      events.push({ id: `${orderId}-s`, type: 'order.submitted', occurredAt: recent(5, 1 + i), data: { orderId, enterpriseId, requestedAmount: order.requested } });
      if (order.accept) events.push({ id: `${orderId}-a`, type: 'order.accepted', occurredAt: recent(4, 1 + i), data: { orderId, institutionId: order.accept.by, intendedAmount: order.accept.intended } });
      if (order.loan) events.push({ id: `${orderId}-l`, type: 'order.loaned', occurredAt: recent(3, 1 + i), data: { orderId, loanAmount: order.loan } });
    });
    const answer = await client.request('POST', '/api/ingest/events', { body: { events }, headers: { 'x-api-key': DEFAULT_INGEST_API_KEY } });
    expect(answer.status).toBe(200);
    expect(answer.body.rejected).toEqual([]);
    await client.stack.capture.drain(60_000);

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    mkdirSync(SHOTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
  });

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1800 }, locale: 'zh-CN' });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    return page;
  }

  async function passwordLogin(page: Page, phone: string, password = DEMO_PASSWORD): Promise<void> {
    await page.goto(`${client.url}/login`);
    await page.getByRole('tab', { name: '密码登录' }).click();
    await page.getByPlaceholder('请输入手机号码').fill(phone);
    await page.getByPlaceholder('请输入密码').fill(password);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    try {
      await page.waitForURL(/\/dashboard$/);
    } catch (error) {
      await page.screenshot({ path: join(SHOTS, `login-failed-${phone}.png`) });
      const alert = await page.locator('.el-alert, .el-message').allTextContents();
      throw new Error(`login of ${phone} did not reach 数据中心 (at ${page.url()}; ${alert.join(' | ')})`, { cause: error });
    }
  }

  async function menuItems(page: Page): Promise<string[]> {
    const items = page.locator('.menu > li');
    await items.first().waitFor();
    return (await items.evaluateAll((nodes) => nodes.map((node) => (node.querySelector('.el-sub-menu__title') ?? node).textContent?.trim() ?? ''))).filter(Boolean);
  }

  const apiGet = async (path: string, token: string) => {
    const answer = await client.request('GET', path, { token });
    expect(answer.status).toBe(200);
    return answer.body;
  };

  it('password login as the city user lands on 数据中心 with the figures of /stats/summary', async () => {
    const page = await newPage();
    await passwordLogin(page, CITY.phone);
    await expect(page.locator('.header .title').textContent()).resolves.toContain('全国中小企业融资综合信用服务平台 · 政府管理端');
    await expect(page.locator('.header .user').textContent()).resolves.toMatch(/市级[\s\S]*厦门市[\s\S]*厦门演示用户/);

    const token = await loginWithPassword(client, CITY.phone, DEMO_PASSWORD);
    const { metrics } = await apiGet('/api/stats/summary', token);
    expect(metrics.demandAmount).toBe(3_500_000); // the three Xiamen orders, not Fuzhou's
    // Written as shared/contract/figures.ts writes them: the cards' one formatter.
    const amount = (yuan: number) => formatAmount(yuan).text;
    const expected: Record<string, string> = {
      demandCount: formatCount(metrics.demandCount),
      demandAmount: amount(metrics.demandAmount),
      loanCount: formatCount(metrics.loanCount),
      loanAmount: amount(metrics.loanAmount),
      dockingCount: formatCount(metrics.dockingCount),
      intendedAmount: amount(metrics.intendedAmount),
      enterpriseCount: formatCount(metrics.enterpriseCount),
      productCount: formatCount(metrics.productCount),
      industryCount: formatCount(metrics.industryCount),
      institutionCount: formatCount(metrics.institutionCount),
      successRate: formatPercent(metrics.successRate),
      badDebtCount: formatCount(metrics.badDebtCount),
      badDebtRate: formatPercent(metrics.badDebtRate),
      acceptedCount: formatCount(metrics.acceptedCount),
      acceptedAmount: amount(metrics.acceptedAmount),
      dockingAmount: amount(metrics.dockingAmount),
    };
    const cards = page.locator('.cards .card');
    await expect(cards.count()).resolves.toBe(16);
    await page.locator('.card[data-metric="demandAmount"] .value', { hasText: expected.demandAmount! }).waitFor();
    for (const [name, value] of Object.entries(expected)) {
      const text = (await page.locator(`.card[data-metric="${name}"] .value`).textContent())?.trim() ?? '';
      expect(text.startsWith(value), `${name}: "${text}" should show ${value}`).toBe(true);
    }
    // 放款成功率 1/3 and the ranking and feed panels.
    expect(expected.successRate).toBe('33.3%');
    await page.locator('.ranking').getByText('湖里区').waitFor();
    await page.locator('.feed').getByText('页面测试企业b3有限公司').first().waitFor();

    await page.screenshot({ path: join(SHOTS, 'dashboard-city.png'), fullPage: true });
  });

  it('shows exactly the modules of each role in the menu', async () => {
    const expected: [string, string[]][] = [
      [NATIONAL.phone, ['数据中心', '区域数据统计', '机构数据统计', '督办', '数据质量', '省级账号管理', '融资动态', '账号管理', '审计日志']],
      [PROVINCE.phone, ['数据中心', '区域数据统计', '机构数据统计', '督办', '数据质量', '市级账号管理', '融资动态', '账号管理', '审计日志']],
      [CITY.phone, ['数据中心', '区域数据统计', '机构数据统计', '督办', '数据质量', '机构管理', '融资动态', '账号管理', '审计日志']],
    ];
    for (const [phone, modules] of expected) {
      const page = await newPage();
      await passwordLogin(page, phone);
      expect(await menuItems(page)).toEqual(modules);
      await page.context().close();
    }
  });

  it('refuses a module the role lacks and opens the first allowed one', async () => {
    const page = await newPage();
    await passwordLogin(page, PROVINCE.phone);
    await page.goto(`${client.url}/institutions`);
    await page.waitForURL(/\/dashboard$/);
    await page.getByText('当前账号无权访问该模块').waitFor();
  });

  it('logs in with the SMS code read from the local outbox', async () => {
    const page = await newPage();
    await page.goto(`${client.url}/login`);
    await page.locator('.dev-hint a[href="/api/dev/sms-outbox"]').waitFor();
    await page.getByPlaceholder('请输入手机号码').fill(PROVINCE.phone);
    await page.getByRole('button', { name: '获取验证码' }).click();
    await page.getByText(/\d+ 秒后重新获取/).waitFor();
    const outbox = await client.request('GET', `/api/dev/sms-outbox?phone=${PROVINCE.phone}`);
    const code = outbox.body.find((message: { purpose: string }) => message.purpose === 'login')?.code as string;
    expect(code).toMatch(/^\d{6}$/);
    await page.getByPlaceholder('请输入验证码').fill(code);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.waitForURL(/\/dashboard$/);
    await expect(page.locator('.header .user').textContent()).resolves.toContain('福建演示用户');
  });

  it('shows the server message for a wrong password and stays on the login page', async () => {
    const page = await newPage();
    await page.goto(`${client.url}/login`);
    await page.getByRole('tab', { name: '密码登录' }).click();
    await page.getByPlaceholder('请输入手机号码').fill(NATIONAL.phone);
    await page.getByPlaceholder('请输入密码').fill('Wrong@2026x');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    const login = await client.request('POST', '/api/auth/login', { body: { phone: '13900009999', password: 'Wrong@2026x' } });
    await page.locator('.login-card .el-alert', { hasText: login.body.error.message }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
  });

  it('makes an account without a password set one after an SMS login', async () => {
    const phone = '13800000009';
    await bootstrapNationalAccount({ phone, realName: '首次登录用户' });
    const page = await newPage();
    await page.goto(`${client.url}/login`);
    await page.getByPlaceholder('请输入手机号码').fill(phone);
    await page.getByRole('button', { name: '获取验证码' }).click();
    await page.getByText(/\d+ 秒后重新获取/).waitFor();
    const outbox = await client.request('GET', `/api/dev/sms-outbox?phone=${phone}`);
    await page.getByPlaceholder('请输入验证码').fill(outbox.body[0].code);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: '请设置登录密码' });
    await dialog.waitFor();
    await dialog.getByPlaceholder('请输入新密码').fill('First@2026');
    await dialog.getByPlaceholder('请再次输入新密码').fill('First@2026');
    await dialog.getByRole('button', { name: '确定' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect(loginWithPassword(client, phone, 'First@2026')).resolves.toMatch(/.+/);
  });

  it('区域数据统计 lists the children of the scope in 数据概览', async () => {
    const page = await newPage();
    await passwordLogin(page, CITY.phone);
    await page.getByRole('menuitem', { name: '区域数据统计' }).click();
    await page.waitForURL(/\/regional-stats$/);
    const token = await loginWithPassword(client, CITY.phone, DEMO_PASSWORD);
    const rows: { name: string; metrics: { demandAmount: number } }[] = await apiGet('/api/stats/regions', token);
    expect(rows.map((row) => row.name)).toContain('思明区');
    const firstCells = page.locator('.overview .el-table__body-wrapper tbody tr td:first-child');
    await expect.poll(async () => (await firstCells.allTextContents()).map((text) => text.trim()).sort(), { timeout: 20_000 }).toEqual(
      rows.map((row) => row.name).sort(),
    );
    const siming = page.locator('.overview .el-table__body-wrapper tbody tr', { hasText: '思明区' });
    await expect(siming.textContent()).resolves.toContain(formatWan(3_000_000));
  });

  it('区域数据统计 报表导出 downloads the regional overview workbook', async () => {
    const page = await newPage();
    await passwordLogin(page, CITY.phone);
    await page.goto(`${client.url}/regional-stats`);
    await page.locator('.overview').getByText('思明区').waitFor();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: '报表导出' }).click();
    await page.getByRole('menuitem', { name: '区域数据概览（Excel）' }).click();
    expect((await download).suggestedFilename()).toMatch(/\.xlsx$/);
  });

  it('中小微企业融资情况 shows the months of a chosen year', async () => {
    const page = await newPage();
    await passwordLogin(page, CITY.phone);
    const year = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();
    await page.locator('.year-select').click();
    const [request] = await Promise.all([
      page.waitForRequest((req) => req.url().includes('/api/stats/trend') && req.url().includes('granularity=month')),
      page.getByRole('option', { name: `${year}年` }).click(),
    ]);
    expect(new URL(request.url()).searchParams.get('year')).toBe(String(year));
    await page.getByText(`${year}年各月`).waitFor();
  });

  it('机构数据统计 sorts on the server when a column header is clicked', async () => {
    const page = await newPage();
    await passwordLogin(page, CITY.phone);
    await page.goto(`${client.url}/institution-stats/overview`);
    const names = page.locator('.institutions .el-table__body-wrapper tbody tr td:nth-child(2) .name');
    // Default order: 累计受理金额 descending — the bank accepted 2.9 million, the guarantee company 0.5.
    await expect.poll(async () => (await names.allTextContents()).slice(0, 2)).toEqual(['厦门页面测试银行股份有限公司', '厦门页面测试融资担保有限公司']);
    const [request] = await Promise.all([
      page.waitForRequest((req) => req.url().includes('/api/stats/institutions') && req.url().includes('sort=loanAmount')),
      page.locator('.institutions th', { hasText: '放款金额(万元)' }).click(),
    ]);
    expect(new URL(request.url()).searchParams.get('order')).toBe('desc');
    await expect.poll(async () => (await names.allTextContents()).slice(0, 2)).toEqual(['厦门页面测试融资担保有限公司', '厦门页面测试银行股份有限公司']);
    await expect(page.locator('.el-pagination').textContent()).resolves.toContain('共 2 条');
  });

  it('融资动态 shows the 15-day chart and the feed, newest first, per kind', async () => {
    const page = await newPage();
    await passwordLogin(page, CITY.phone);
    await page.getByRole('menuitem', { name: '融资动态' }).click();
    await page.waitForURL(/\/dynamics$/);
    const token = await loginWithPassword(client, CITY.phone, DEMO_PASSWORD);
    const feed = await apiGet('/api/dynamics/feed?limit=20', token);
    expect(feed.items.length).toBeGreaterThan(0);
    const titles = page.locator('.feed .el-table__body-wrapper tbody tr td:nth-child(3)');
    await expect.poll(async () => (await titles.allTextContents()).map((text) => text.trim())).toEqual(feed.items.map((item: { title: string }) => item.title));
    await page.getByRole('tab', { name: '放款' }).click();
    await expect.poll(async () => (await titles.allTextContents()).map((text) => text.trim())).toEqual(['页面测试企业b3有限公司 获得厦门页面测试融资担保有限公司放款']);
    await expect(page.locator('.feed').textContent()).resolves.toContain(formatWan(450_000));
  });

  it('logout returns to the login page and the old token no longer works', async () => {
    const page = await newPage();
    await passwordLogin(page, CITY.phone);
    // Evaluated in the page (the test's own types have no DOM).
    const token: string = await page.evaluate("JSON.parse(localStorage.getItem('xyd.session') ?? '{}').token");
    expect(token).toMatch(/.+/);
    expect((await client.request('GET', '/api/me', { token })).status).toBe(200);
    await page.locator('.user-name').click();
    await page.getByRole('menuitem', { name: '退出登录' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '退出' }).click();
    await page.waitForURL(/\/login/);
    expect((await client.request('GET', '/api/me', { token })).status).toBe(401);
    // The console is closed to a signed-out browser.
    await page.goto(`${client.url}/dashboard`);
    await page.waitForURL(/\/login\?redirect=/);
  });
});
