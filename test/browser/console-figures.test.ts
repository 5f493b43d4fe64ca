/**
 * The console's figures in Chromium against a local stack: the map (the tile map of the 34
 * provincial-level divisions, an operator's GeoJSON with its 审图号, drill-down), how numbers are
 * written on cards, in tables and in the Excel report (one formatter), what a card counts (累计 /
 * 本期新增, 同比 / 环比), the seven rankings of 数据排行 from one request, and the two meanings of the
 * region in 机构数据统计. Data: a few institutions and orders ingested through the API.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD, ensureDemoAccounts } from '#tools/demo/accounts';
import { DEFAULT_INGEST_API_KEY } from '#local/stack';
import { createInstitution } from '#shared/db/institutions';
import { creditCodeCheckChar } from '#shared/reference/credit-code';
import { EXCEL_NUMBER_FORMATS, formatAmount, formatCount, formatPercent, formatWan, wanValue } from '#shared/contract/figures';
import { loginWithPassword, useLocalStack } from '../e2e/harness';
import { ensureSiteBuilt } from './site-build';
import { DEMO_PHONES, hasChromium, launchChromium, open, settle, signIn, UI_TIMEOUT, type ConsolePage, type DemoRole } from './console-harness';

if (!hasChromium) console.warn('[console-figures.test] skipped: /usr/bin/chromium is missing (apt-get install -y chromium fonts-noto-cjk)');

const FIXTURES = new URL('./fixtures/geo/', import.meta.url);

/** The short names the tile map writes, one per provincial-level division. */
const PROVINCES = [
  '北京', '天津', '河北', '山西', '内蒙古', '辽宁', '吉林', '黑龙江', '上海', '江苏', '浙江', '安徽', '福建', '江西', '山东', '河南', '湖北',
  '湖南', '广东', '广西', '海南', '重庆', '四川', '贵州', '云南', '西藏', '陕西', '甘肃', '青海', '宁夏', '新疆', '台湾', '香港', '澳门',
];
/** Every metric a region's tooltip lists (docs/data-model.md, "Metric definitions"). */
const METRIC_LABELS = ['融资需求笔数', '需求金额', '放款笔数', '放款金额', '正在对接数', '意向金额', '注册企业数', '金融产品种类', '涉及行业数', '金融机构数', '放款成功率', '坏账笔数', '坏账率', '受理笔数', '受理金额', '正在对接金额'];

const recent = (daysAgo: number, hour = 2) => {
  const day = new Date(Date.now() - daysAgo * 86_400_000);
  day.setUTCHours(hour, 0, 0, 0);
  return day.toISOString();
};

function creditCode(i: number): string {
  const first17 = `91350200${String(700_000_000 + i).padStart(9, '0')}`;
  return first17 + creditCodeCheckChar(first17);
}

describe.skipIf(!hasChromium)('the console’s figures in Chromium', () => {
  beforeAll(ensureSiteBuilt, 300_000);
  const client = useLocalStack();
  let browser: Browser;
  const opened: ConsolePage[] = [];
  const tokens = {} as Record<DemoRole, string>;
  const ids = { bank: 0, guarantee: 0, trust: 0, shenzhen: 0 };

  beforeAll(async () => {
    await ensureDemoAccounts();
    const place = (districtCode: string, cityCode: string, provinceCode: string) => ({ districtCode, cityCode, provinceCode });
    const create = async (type: string, fullName: string, where: ReturnType<typeof place>) =>
      (await createInstitution({ type: type as 'bank', fullName, shortName: fullName.slice(0, 6), logoKey: '', ...where, sortOrder: 0, status: 'enabled', createdBy: 1 })).id;
    ids.bank = await create('bank', '厦门数字测试银行', place('350203', '350200', '350000'));
    ids.guarantee = await create('guarantee', '厦门数字测试融资担保有限公司', place('350206', '350200', '350000'));
    ids.trust = await create('trust', '福州数字测试信托有限公司', place('350102', '350100', '350000'));
    ids.shenzhen = await create('microloan', '深圳数字测试小额贷款有限公司', place('440305', '440300', '440000'));
    // A Xiamen order of 3.6 亿元 makes the national cards switch to 亿元; the Shenzhen institution serves a Fuzhou enterprise.
    const orders = [
      { id: 'f1', district: '350203', industry: 'C', requested: 360_000_000, accept: ids.bank, loan: 320_000_000 },
      { id: 'f2', district: '350206', industry: 'I', requested: 2_000_000, accept: ids.guarantee },
      { id: 'f3', district: '350102', industry: 'F', requested: 1_500_000, accept: ids.shenzhen, loan: 1_200_000 },
      { id: 'f4', district: '350102', industry: 'A', requested: 800_000, accept: ids.trust },
      { id: 'f5', district: '440305', industry: 'C', requested: 3_000_000, accept: ids.shenzhen, loan: 2_500_000 },
      { id: 'f6', district: '110105', industry: 'M', requested: 600_000 },
    ];
    const events: { id: string; type: string; occurredAt: string; data: Record<string, unknown> }[] = [];
    orders.forEach((order, i) => {
      const enterpriseId = `fig-e-${order.id}`;
      const orderId = `fig-o-${order.id}`;
      events.push({ id: `${orderId}-r`, type: 'enterprise.registered', occurredAt: recent(6, 1 + i), data: { enterpriseId, name: `数字测试企业${order.id}有限公司`, creditCode: creditCode(i), industry: order.industry, districtCode: order.district } });
      events.push({ id: `${orderId}-s`, type: 'order.submitted', occurredAt: recent(5, 1 + i), data: { orderId, enterpriseId, requestedAmount: order.requested } });
      if (order.accept) events.push({ id: `${orderId}-a`, type: 'order.accepted', occurredAt: recent(4, 1 + i), data: { orderId, institutionId: order.accept, intendedAmount: order.requested } });
      if (order.loan) events.push({ id: `${orderId}-l`, type: 'order.loaned', occurredAt: recent(3, 1 + i), data: { orderId, loanAmount: order.loan } });
    });
    const answer = await client.request('POST', '/api/ingest/events', { body: { events }, headers: { 'x-api-key': DEFAULT_INGEST_API_KEY } });
    expect(answer.body.rejected).toEqual([]);
    await client.stack.capture.drain(60_000);
    for (const role of ['national', 'province', 'city'] as const) tokens[role] = await loginWithPassword(client, DEMO_PHONES[role], DEMO_PASSWORD);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    for (const { context } of opened) await context.close().catch(() => undefined);
    await browser?.close();
  });

  const apiGet = async (role: DemoRole, path: string) => {
    const answer = await client.request('GET', path, { token: tokens[role] });
    expect(answer.status, path).toBe(200);
    return answer.body;
  };

  async function as(role: DemoRole, viewport?: { width: number; height: number }): Promise<Page> {
    const signedIn = await signIn(browser, client.url, role, viewport);
    opened.push(signedIn);
    return signedIn.page;
  }

  /** The region names the map writes (SVG text), and where. */
  async function mapTexts(page: Page): Promise<{ text: string; x: number; y: number }[]> {
    return page.locator('.region-map svg text').evaluateAll((nodes) =>
      nodes.map((node) => {
        const box = node.getBoundingClientRect();
        return { text: node.textContent?.trim() ?? '', x: box.x + box.width / 2, y: box.y + box.height / 2 };
      }),
    );
  }

  async function clickMapText(page: Page, text: string): Promise<void> {
    await page.locator('.region-map svg text', { hasText: new RegExp(`^${text}$`) }).first().click();
  }

  describe('the map', () => {
    it('draws the 34 provincial-level divisions as tiles at their places, coloured by the metric, with a legend and every metric in the tooltip', async () => {
      const page = await as('national');
      const map = page.locator('.region-map[data-mode="tiles"][data-region="000000"]');
      await map.waitFor();
      await settle(page);
      const texts = await mapTexts(page);
      const at = (name: string) => texts.find((t) => t.text === name)!;
      for (const name of PROVINCES) expect(at(name), name).toBeDefined();
      // Approximate geography: west to east, north to south.
      expect(at('新疆').x).toBeLessThan(at('甘肃').x);
      expect(at('甘肃').x).toBeLessThan(at('北京').x);
      expect(at('福建').x).toBeLessThan(at('台湾').x);
      expect(at('黑龙江').y).toBeLessThan(at('北京').y);
      expect(at('北京').y).toBeLessThan(at('湖北').y);
      expect(at('湖北').y).toBeLessThan(at('广东').y);
      expect(at('广东').y).toBeLessThan(at('海南').y);
      expect(Math.abs(at('香港').y - at('澳门').y)).toBeLessThan(2);

      // The legend runs from 0 to the largest province's 放款金额.
      const rows: { code: string; name: string; metrics: Record<string, number | null> }[] = await apiGet('national', '/api/stats/regions');
      const largest = Math.max(...rows.map((row) => row.metrics.loanAmount ?? 0));
      expect(texts.map((t) => t.text)).toContain(`${formatWan(largest)} 万元`);
      // Each metric colours the tiles: choosing another redraws the legend.
      await map.getByText('融资需求笔数').click();
      const demand = Math.max(...rows.map((row) => row.metrics.demandCount ?? 0));
      await expect.poll(async () => (await mapTexts(page)).map((t) => t.text)).toContain(`${formatCount(demand)} 笔`);

      await page.locator('.region-map svg text', { hasText: /^福建$/ }).hover();
      const tip = page.locator('.map-tip').filter({ hasText: '福建省' });
      await tip.waitFor();
      const text = await tip.innerText();
      for (const label of METRIC_LABELS) expect(text, label).toContain(label);
      const fujian = rows.find((row) => row.code === '350000')!;
      expect(text).toContain(`${formatWan(fujian.metrics.loanAmount)} 万元`);
      expect(text).toContain(formatPercent(fujian.metrics.successRate));
      expect(text).toContain('开通情况：已开通');
    });

    it('drills down nation → province → city on click, and climbs back along the trail', async () => {
      const page = await as('national');
      await page.locator('.region-map[data-mode="tiles"]').waitFor();
      await settle(page);
      const [request] = await Promise.all([
        page.waitForRequest((req) => req.url().includes('/api/stats/regions') && new URL(req.url()).searchParams.get('region') === '350000'),
        clickMapText(page, '福建'),
      ]);
      expect(request).toBeTruthy();
      // No boundaries for a province: its cities as a ranked bar, every one of them named.
      await page.locator('.region-map[data-mode="bars"][data-region="350000"]').waitFor();
      const cities: { name: string }[] = await apiGet('national', '/api/stats/regions?region=350000');
      await expect.poll(async () => (await mapTexts(page)).map((t) => t.text)).toEqual(expect.arrayContaining(cities.map((c) => c.name)));
      expect(await page.locator('.region-map__trail').innerText()).toMatch(/全国\s*›\s*福建省/);

      await clickMapText(page, '厦门市');
      await page.locator('.region-map[data-mode="bars"][data-region="350200"]').waitFor();
      await expect.poll(async () => (await mapTexts(page)).map((t) => t.text)).toEqual(expect.arrayContaining(['思明区', '湖里区']));
      // A district is the smallest region: clicking it stays.
      await clickMapText(page, '思明区');
      await expect(page.locator('.region-map').getAttribute('data-region')).resolves.toBe('350200');

      await page.locator('.region-map__trail').getByText('福建省').click();
      await page.locator('.region-map[data-region="350000"]').waitFor();
      await page.locator('.region-map__trail').getByText('全国').click();
      await page.locator('.region-map[data-mode="tiles"][data-region="000000"]').waitFor();
    });

    it('draws an operator’s boundary GeoJSON with its 审图号, with the same drill-down', async () => {
      const page = await as('national');
      await page.route('**/console-config.json', (route) =>
        route.fulfill({ json: { map: { geoJsonBaseUrl: '/test-geo/', regions: ['000000', '350000'], codeProperty: 'adcode' } } }),
      );
      await page.route('**/test-geo/*.json', (route) => {
        const file = new URL(route.request().url()).pathname.split('/').pop()!;
        return route.fulfill({ contentType: 'application/json', body: readFileSync(new URL(file, FIXTURES)) });
      });
      await open(page, client.url, '/dashboard');
      const map = page.locator('.region-map[data-mode="geo"][data-region="000000"]');
      await map.waitFor();
      await page.locator('.region-map__note', { hasText: '审图号：测试审图号（示例数据，非标准地图）' }).waitFor();
      // The four regions of the fixture, each a path, named by the API's short names.
      expect(await map.locator('svg path').count()).toBeGreaterThanOrEqual(4);
      await expect.poll(async () => (await mapTexts(page)).map((t) => t.text)).toEqual(expect.arrayContaining(['福建', '广东', '浙江', '江西']));

      await clickMapText(page, '福建');
      await page.locator('.region-map[data-mode="geo"][data-region="350000"]').waitFor();
      await expect.poll(async () => (await mapTexts(page)).map((t) => t.text)).toEqual(expect.arrayContaining(['厦门市', '福州市']));
      // 厦门 has no boundary file: its districts as a ranked bar.
      await clickMapText(page, '厦门市');
      await page.locator('.region-map[data-mode="bars"][data-region="350200"]').waitFor();
    });

    it('refuses a boundary file without 审图号 and draws tiles instead', async () => {
      const page = await as('national');
      await page.route('**/console-config.json', (route) => route.fulfill({ json: { map: { geoJsonBaseUrl: '/test-geo/', regions: ['000000'] } } }));
      await page.route('**/test-geo/*.json', (route) => {
        const geo = JSON.parse(readFileSync(new URL('000000.json', FIXTURES), 'utf8'));
        delete geo.reviewNumber;
        return route.fulfill({ json: geo });
      });
      await open(page, client.url, '/dashboard');
      await page.locator('.region-map[data-mode="tiles"]').waitFor();
      await page.locator('.region-map__note', { hasText: '不表示行政区域界线' }).waitFor();
    });
  });

  describe('figures', () => {
    it('cards write counts with separators, large amounts in 亿元, rates with one decimal, and say 累计 with this month’s 同比 and 环比', async () => {
      const page = await as('national');
      await settle(page);
      const summary = await apiGet('national', '/api/stats/summary?compare=true');
      const card = (name: string) => page.locator(`.card[data-metric="${name}"]`);
      const demand = formatAmount(summary.metrics.demandAmount);
      expect(demand.unit).toBe('亿元');
      await expect(card('demandAmount').locator('.value').innerText()).resolves.toBe(`${demand.text}亿元`);
      await expect(card('demandAmount').locator('.value').getAttribute('title')).resolves.toBe(`${formatWan(summary.metrics.demandAmount)} 万元`);
      await expect(card('demandCount').locator('.value').innerText()).resolves.toBe(`${formatCount(summary.metrics.demandCount)}笔`);
      await expect(card('successRate').locator('.value').innerText()).resolves.toBe(formatPercent(summary.metrics.successRate));
      expect(formatPercent(summary.metrics.successRate)).toMatch(/^\d+\.\d%$/);
      await expect(card('demandAmount').locator('.tag').innerText()).resolves.toBe('累计');
      await expect(card('dockingCount').locator('.tag').innerText()).resolves.toBe('当前');
      // This month's figure beside the total, and its 同比 / 环比.
      await expect(card('demandCount').locator('.aside').innerText()).resolves.toBe(`本月新增 ${formatCount(summary.comparison.current.demandCount)} 笔`);
      const compare = await card('demandCount').locator('.compare').innerText();
      expect(compare).toMatch(/同比/);
      expect(compare).toMatch(/环比/);
    });

    it('a chosen period says 本期新增 and shows the total beside it', async () => {
      const page = await as('province');
      await open(page, client.url, '/regional-stats');
      const year = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();
      await page.locator('.period .year').click();
      await page.getByRole('option', { name: `${year}年` }).click();
      await settle(page);
      const summary = await apiGet('province', `/api/stats/summary?year=${year}&compare=true`);
      const card = page.locator('.card[data-metric="institutionCount"]');
      await expect(card.locator('.tag').innerText()).resolves.toBe('本期新增');
      await expect(card.locator('.aside').innerText()).resolves.toBe(`累计 ${formatCount(summary.cumulative.institutionCount)} 家`);
      expect(await page.locator('.card[data-metric="dockingCount"] .tag').innerText()).toBe('本期受理中');
    });

    it('tables and the Excel report write an amount alike', async () => {
      const page = await as('national');
      await open(page, client.url, '/regional-stats');
      const rows: { name: string; metrics: Record<string, number | null> }[] = await apiGet('national', '/api/stats/regions');
      const fujian = rows.find((row) => row.name === '福建省')!;
      const row = page.locator('.overview .el-table__body-wrapper tr', { hasText: '福建省' });
      await expect(row.innerText()).resolves.toContain(formatWan(fujian.metrics.demandAmount));
      expect(formatWan(fujian.metrics.demandAmount)).toMatch(/^\d{1,3}(,\d{3})+\.\d{2}$/);
      await page.locator('.el-radio-button', { hasText: '成效与主体' }).click();
      await expect(row.innerText()).resolves.toContain(formatPercent(fujian.metrics.successRate));

      const report = await client.request('POST', '/api/reports', { token: tokens.national, body: { kind: 'regional-overview' } });
      expect(report.status).toBe(201);
      const file = Buffer.from(await (await fetch(report.body.downloadUrl)).arrayBuffer());
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(file as unknown as ArrayBuffer);
      const sheet = workbook.worksheets[0]!;
      const headers = (sheet.getRow(2).values as unknown[]).map(String);
      const line = sheet.getColumn(1).values.findIndex((value) => value === '福建省');
      const cell = (header: string) => sheet.getRow(line).getCell(headers.indexOf(header));
      expect(cell('需求金额(万元)').value).toBe(wanValue(fujian.metrics.demandAmount));
      expect(cell('需求金额(万元)').numFmt).toBe(EXCEL_NUMBER_FORMATS.wan);
      expect(cell('融资需求笔数').numFmt).toBe(EXCEL_NUMBER_FORMATS.count);
      expect(cell('放款成功率').numFmt).toBe(EXCEL_NUMBER_FORMATS.percent);
    });
  });

  describe('机构数据统计', () => {
    it('数据排行 shows the seven rankings from one request, cold and warm', async () => {
      const page = await as('national');
      const requests: string[] = [];
      page.on('request', (req) => {
        if (req.url().includes('/api/stats/institution')) requests.push(new URL(req.url()).pathname);
      });
      const view = async (): Promise<number> => {
        requests.length = 0;
        const started = Date.now();
        await page.locator('.menu').getByText('数据排行').click();
        await page.waitForURL(/\/institution-stats\/ranking$/);
        await expect
          .poll(async () => page.locator('.rank-card .el-table__body-wrapper tbody tr:first-child').count(), { timeout: UI_TIMEOUT, interval: 20 })
          .toBe(7);
        return Date.now() - started;
      };
      await page.locator('.menu').getByText('机构数据统计').click();
      const cold = await view();
      expect(requests).toEqual(['/api/stats/institution-rankings']);
      await page.locator('.menu').getByText('数据概览').click();
      await settle(page);
      const warm = await view();
      expect(requests).toEqual(['/api/stats/institution-rankings']);
      // Printed for the record, not asserted: timings are measured by `npm run bench`, not by tests.
      console.log(`[console-figures] 数据排行 first view: cold ${cold} ms, warm ${warm} ms`);
      const rankings = await apiGet('national', '/api/stats/institution-rankings');
      const top = rankings.rankings.loanAmount[0];
      await expect(page.locator('.rank-card[data-column="loanAmount"] tbody tr').first().innerText()).resolves.toContain(formatWan(top.loanAmount));
    });

    it('says which meaning of the region a table uses, and offers the other', async () => {
      const page = await as('province');
      await open(page, client.url, '/institution-stats/overview');
      const names = page.locator('.institutions .el-table__body-wrapper tbody tr .name');
      await expect(page.getByTestId('basis-note').innerText()).resolves.toContain('按服务企业所在地');
      // The Shenzhen institution served a Fuzhou enterprise: listed for 福建 by the enterprises it serves.
      await expect.poll(async () => names.allInnerTexts()).toContain('深圳数字测试小额贷款有限公司');
      await page.locator('.el-radio-button', { hasText: '机构所在地' }).click();
      await settle(page);
      await expect(page.getByTestId('basis-note').innerText()).resolves.toContain('按机构所在地');
      await expect.poll(async () => names.allInnerTexts()).not.toContain('深圳数字测试小额贷款有限公司');
      const summary = await apiGet('province', '/api/stats/summary');
      await expect(page.locator('.list-pager').innerText()).resolves.toContain(`共 ${summary.metrics.institutionCount} 条`);
    });
  });

  it('the pages raised no uncaught errors and logged no console errors', () => {
    expect(opened.flatMap((page) => page.errors)).toEqual([]);
  });
});
