/**
 * 报表导出 end to end: a small known history goes in through the ingestion API; every report kind is
 * exported by the national, province and city demo users, downloaded through its presigned URL, read
 * back with exceljs and compared cell by cell with the statistics and account APIs' JSON answers for
 * the same region and period (converted to 万元 and rates here), totals row included. Also: phones
 * masked, scope (403), validation (400) and the audit entry.
 */
import ExcelJS from 'exceljs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoAccounts, DEMO_ACCOUNTS, DEMO_PASSWORD } from '#tools/demo/accounts';
import { DEFAULT_INGEST_API_KEY } from '#local/stack';
import { createAccount, getAccountByPhone } from '#shared/db/accounts';
import { documentClient, tableName } from '#shared/db/client';
import { createInstitution } from '#shared/db/institutions';
import { creditCodeCheckChar } from '#shared/reference/credit-code';
import { loginWithPassword, useLocalStack } from './harness';

const client = useLocalStack({ capture: { batchSize: 11, batchWindowMs: 2 } });

type Role = 'national' | 'province' | 'city';
const tokens: Record<Role, string> = { national: '', province: '', city: '' };
const accountIds: Record<Role, number> = { national: 0, province: 0, city: 0 };

// ---- the history ------------------------------------------------------------------------------

const PLACE: Record<string, { city: string; province: string }> = {
  '350203': { city: '350200', province: '350000' },
  '350206': { city: '350200', province: '350000' },
  '350102': { city: '350100', province: '350000' },
  '440106': { city: '440100', province: '440000' },
};

const INSTITUTIONS = [
  { fullName: '厦门报表测试银行股份有限公司', type: 'bank', districtCode: '350203' },
  { fullName: '福州报表测试融资担保有限公司', type: 'guarantee', districtCode: '350102' },
  { fullName: '广州报表测试小额贷款有限公司', type: 'microloan', districtCode: '440106' },
] as const;
const institutionIds: number[] = [];

interface OrderPlan {
  id: string;
  district: string;
  industry: string;
  requested: number;
  submittedAt: string;
  accept?: { at: string; institution: number; intended: number };
  loan?: { at: string; amount: number };
  end?: { type: 'rejected' | 'withdrawn'; at: string };
  defaultAt?: string;
}

// Amounts in whole hundreds of yuan with odd digits, so every 万元 figure has two real decimals.
const ORDERS: OrderPlan[] = [
  // 2024-03-31T17:00Z is 2024-04-01 in China: April, not March.
  { id: 'r1', district: '350203', industry: 'C', requested: 1_234_500, submittedAt: '2024-03-31T17:00:00.000Z', accept: { at: '2024-04-02T02:00:00.000Z', institution: 0, intended: 1_000_000 }, loan: { at: '2024-04-20T02:00:00.000Z', amount: 987_600 } },
  { id: 'r2', district: '350206', industry: 'I', requested: 2_500_100, submittedAt: '2024-04-10T02:00:00.000Z', accept: { at: '2024-04-12T02:00:00.000Z', institution: 1, intended: 2_000_000 } },
  { id: 'r3', district: '350102', industry: 'C', requested: 300_000, submittedAt: '2024-04-15T02:00:00.000Z', accept: { at: '2024-04-16T02:00:00.000Z', institution: 0, intended: 300_000 }, end: { type: 'rejected', at: '2024-04-20T02:00:00.000Z' } },
  { id: 'r4', district: '440106', industry: 'F', requested: 5_000_000, submittedAt: '2024-06-01T02:00:00.000Z', accept: { at: '2024-06-02T02:00:00.000Z', institution: 2, intended: 5_000_000 }, loan: { at: '2024-06-30T02:00:00.000Z', amount: 4_500_000 }, defaultAt: '2025-02-01T02:00:00.000Z' },
  { id: 'r5', district: '350203', industry: 'A', requested: 700_000, submittedAt: '2025-01-05T02:00:00.000Z', end: { type: 'withdrawn', at: '2025-01-06T02:00:00.000Z' } },
  { id: 'r6', district: '350203', industry: 'C', requested: 1_200_000, submittedAt: '2025-05-05T02:00:00.000Z', accept: { at: '2025-05-06T02:00:00.000Z', institution: 2, intended: 1_000_000 }, loan: { at: '2025-05-30T02:00:00.000Z', amount: 1_000_000 }, defaultAt: '2025-09-01T02:00:00.000Z' },
  { id: 'r7', district: '350206', industry: 'M', requested: 456_700, submittedAt: '2024-04-28T02:00:00.000Z' },
];

// Accounts besides the demo users, so that the account lists have several states and regions.
const EXTRA_ACCOUNTS = [
  { phone: '13900000011', role: 'city', provinceCode: '350000', cityCode: '350200', realName: '厦门待审用户', unit: '厦门市工业和信息化局', status: 'disabled', auditStatus: 'pending' },
  { phone: '13900000012', role: 'city', provinceCode: '350000', cityCode: '350100', realName: '福州市级用户', unit: '福州市发展和改革委员会', status: 'enabled', auditStatus: 'approved' },
  { phone: '13900000013', role: 'province', provinceCode: '440000', realName: '广东省级用户', unit: '广东省发展和改革委员会', status: 'enabled', auditStatus: 'rejected' },
] as const;

function creditCode(i: number): string {
  const first17 = `91350203${String(800_000_000 + i).padStart(9, '0')}`;
  return first17 + creditCodeCheckChar(first17);
}

function events() {
  const out: { id: string; type: string; occurredAt: string; data: Record<string, unknown> }[] = [];
  ORDERS.forEach((order, i) => {
    const enterpriseId = `rep-e-${order.id}`;
    const orderId = `rep-o-${order.id}`;
    const registeredAt = new Date(Date.parse(order.submittedAt) - 86_400_000).toISOString();
    out.push({ id: `${orderId}-r`, type: 'enterprise.registered', occurredAt: registeredAt, data: { enterpriseId, name: `报表企业${order.id}有限公司`, creditCode: creditCode(i), industry: order.industry, districtCode: order.district } });
    out.push({ id: `${orderId}-s`, type: 'order.submitted', occurredAt: order.submittedAt, data: { orderId, enterpriseId, requestedAmount: order.requested } });
    if (order.accept) out.push({ id: `${orderId}-a`, type: 'order.accepted', occurredAt: order.accept.at, data: { orderId, institutionId: institutionIds[order.accept.institution], intendedAmount: order.accept.intended } });
    if (order.loan) out.push({ id: `${orderId}-l`, type: 'order.loaned', occurredAt: order.loan.at, data: { orderId, loanAmount: order.loan.amount } });
    if (order.end) out.push({ id: `${orderId}-e`, type: `order.${order.end.type}`, occurredAt: order.end.at, data: { orderId } });
    if (order.defaultAt) out.push({ id: `${orderId}-d`, type: 'order.defaulted', occurredAt: order.defaultAt, data: { orderId } });
  });
  out.push({ id: 'rep-p1', type: 'product.published', occurredAt: '2024-02-01T02:00:00.000Z', data: { productId: 'rep-p1', institutionId: institutionIds[0], name: '科技贷' } });
  out.push({ id: 'rep-p2', type: 'product.published', occurredAt: '2024-07-01T02:00:00.000Z', data: { productId: 'rep-p2', institutionId: institutionIds[2], name: '经营贷' } });
  return out.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
}

beforeAll(async () => {
  await ensureDemoAccounts();
  for (const extra of EXTRA_ACCOUNTS) await createAccount({ ...extra, gender: 'female' });
  const roles: Role[] = ['national', 'province', 'city'];
  for (const [index, role] of roles.entries()) {
    const demo = DEMO_ACCOUNTS[index]!;
    tokens[role] = await loginWithPassword(client, demo.phone, DEMO_PASSWORD);
    accountIds[role] = (await getAccountByPhone(demo.phone))!.id;
  }
  for (const inst of INSTITUTIONS) {
    const place = PLACE[inst.districtCode]!;
    const created = await createInstitution({
      type: inst.type, fullName: inst.fullName, shortName: inst.fullName.slice(0, 6), logoKey: '', districtCode: inst.districtCode,
      cityCode: place.city, provinceCode: place.province, sortOrder: 0, status: 'enabled', createdBy: 1,
    });
    institutionIds.push(created.id);
  }
  const all = events();
  for (let i = 0; i < all.length; i += 20) {
    const answer = await client.request('POST', '/api/ingest/events', { body: { events: all.slice(i, i + 20) }, headers: { 'x-api-key': DEFAULT_INGEST_API_KEY } });
    expect(answer.body.rejected).toEqual([]);
  }
  await client.stack.capture.drain(60_000);
});

// ---- helpers: exports, downloads and the conversions an export must apply ---------------------------

type Cell = string | number | Date | null;

const get = async (role: Role, path: string) => {
  const answer = await client.request('GET', path, { token: tokens[role] });
  expect(answer.status, `${path}: ${answer.text}`).toBe(200);
  return answer.body;
};

async function exportAs(role: Role, body: Record<string, unknown>) {
  const answer = await client.request('POST', '/api/reports', { token: tokens[role], body });
  expect(answer.status, answer.text).toBe(201);
  return answer.body as { fileName: string; downloadUrl: string; expiresAt: string };
}

async function download(url: string): Promise<{ sheet: ExcelJS.Worksheet; response: Response }> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as never);
  expect(workbook.worksheets).toHaveLength(1);
  return { sheet: workbook.worksheets[0]!, response };
}

/** The cells of a row, as exceljs reads them (blank cells are null). */
function rowValues(sheet: ExcelJS.Worksheet, rowNumber: number, width: number): Cell[] {
  return Array.from({ length: width }, (_, i) => {
    const value = sheet.getRow(rowNumber).getCell(i + 1).value;
    return value === undefined ? null : (value as Cell);
  });
}

/** Integer yuan → 万元. Our amounts are whole hundreds of yuan, so the division is exact to the cent of 万. */
function wan(yuan: number): number {
  expect(Number.isInteger(yuan / 100)).toBe(true);
  return yuan / 10_000;
}
const ratio = (numerator: number, denominator: number): number | null => (denominator > 0 ? Math.min(1, numerator / denominator) : null);
const sum = (rows: Record<string, any>[], field: string) => rows.reduce((total, row) => total + (row[field] as number), 0);
const china = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000);
const chinaDate = (iso: string) => {
  const clock = china(iso);
  return new Date(Date.UTC(clock.getUTCFullYear(), clock.getUTCMonth(), clock.getUTCDate()));
};
const columnLetter = (n: number) => String.fromCharCode(64 + n);

/** Title merged across the columns, Chinese headers, frozen pane, the data rows and the totals row. */
function expectSheet(sheet: ExcelJS.Worksheet, expected: { title: string[]; headers: string[]; rows: Cell[][]; totals: Cell[] }) {
  const width = expected.headers.length;
  const title = String(sheet.getCell('A1').value);
  for (const part of expected.title) expect(title).toContain(part);
  expect(title).toMatch(/生成时间：\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
  expect(sheet.model.merges).toEqual([`A1:${columnLetter(width)}1`]);
  expect(sheet.getCell('A1').font).toMatchObject({ bold: true });
  expect(rowValues(sheet, 2, width)).toEqual(expected.headers);
  expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
  expected.rows.forEach((row, index) => expect(rowValues(sheet, index + 3, width), `row ${index + 3}`).toEqual(row));
  expect(rowValues(sheet, expected.rows.length + 3, width), 'totals row').toEqual(expected.totals);
  expect(sheet.rowCount).toBe(expected.rows.length + 3);
}

const SCOPES: [Role, string, string][] = [
  ['national', '000000', '全国'],
  ['province', '350000', '福建省'],
  ['city', '350200', '厦门市'],
];
const PERIODS: [string, Record<string, number>, string][] = [
  ['', {}, '全部时间'],
  ['year=2024', { year: 2024 }, '2024年'],
  ['year=2024&month=4', { year: 2024, month: 4 }, '2024年4月'],
];

// ---- the statistics reports against the statistics API ------------------------------------------

const REGION_HEADERS = ['地区', '融资需求笔数', '需求金额(万元)', '受理笔数', '受理金额(万元)', '正在对接数', '正在对接金额(万元)', '意向金额(万元)', '放款笔数', '放款金额(万元)', '放款成功率', '坏账笔数', '坏账率', '注册企业数', '金融机构数', '金融产品数', '开通情况', '开通日期'];

function regionCells(row: { name: string; opened: boolean | null; openedAt: string | null; metrics: Record<string, any> }): Cell[] {
  const m = row.metrics;
  return [
    row.name, m.demandCount, wan(m.demandAmount), m.acceptedCount, wan(m.acceptedAmount), m.dockingCount, wan(m.dockingAmount), wan(m.intendedAmount),
    m.loanCount, wan(m.loanAmount), m.successRate, m.badDebtCount, m.badDebtRate, m.enterpriseCount, m.institutionCount, m.productCount,
    row.opened === null ? null : row.opened ? '已开通' : '未开通', row.openedAt ? chinaDate(row.openedAt) : null,
  ];
}

function regionTotals(rows: { metrics: Record<string, any> }[]): Cell[] {
  const metrics = rows.map((row) => row.metrics);
  const s = (field: string) => sum(metrics, field);
  return [
    '合计', s('demandCount'), wan(s('demandAmount')), s('acceptedCount'), wan(s('acceptedAmount')), s('dockingCount'), wan(s('dockingAmount')), wan(s('intendedAmount')),
    s('loanCount'), wan(s('loanAmount')), ratio(s('loanCount'), s('acceptedCount')), s('badDebtCount'), ratio(s('badDebtCount'), s('loanCount')),
    s('enterpriseCount'), s('institutionCount'), s('productCount'), null, null,
  ];
}

const INSTITUTION_HEADERS = ['金融机构', '机构类型', '金融产品数(个)', '累计受理数(笔)', '累计受理金额(万元)', '成功放款(笔)', '放款金额(万元)', '正在受理量(笔)', '正在受理金额(万元)'];
const INSTITUTION_FIELDS = ['productCount', 'acceptedCount', 'acceptedAmount', 'loanCount', 'loanAmount', 'dockingCount', 'dockingAmount'];
const isAmount = (field: string) => field.endsWith('Amount');

const INDUSTRY_HEADERS = ['门类', '行业名称', '融资需求笔数', '需求金额(万元)', '放款笔数', '放款金额(万元)'];
const INDUSTRY_FIELDS = ['demandCount', 'demandAmount', 'loanCount', 'loanAmount'];

describe('statistics reports match the statistics API cell by cell', () => {
  for (const [role, region, regionName] of SCOPES) {
    for (const [query, period, periodName] of PERIODS) {
      it(`区域数据统计 for ${role} (${region}), ${periodName}`, async () => {
        const file = await exportAs(role, { kind: 'regional-overview', ...period });
        expect(file.fileName).toMatch(new RegExp(`^区域数据统计_${regionName}_${periodName}_\\d{8}-\\d{4}\\.xlsx$`));
        const rows = await get(role, `/api/stats/regions?sort=code&order=asc&${query}`);
        const { sheet } = await download(file.downloadUrl);
        expectSheet(sheet, { title: ['区域数据统计', regionName, periodName], headers: REGION_HEADERS, rows: rows.map(regionCells), totals: regionTotals(rows) });
      });

      it(`机构数据统计 for ${role} (${region}), ${periodName}`, async () => {
        const file = await exportAs(role, { kind: 'institutions', ...period });
        expect(file.fileName).toMatch(new RegExp(`^机构数据统计_${regionName}_${periodName}_\\d{8}-\\d{4}\\.xlsx$`));
        const table = await get(role, `/api/stats/institutions?pageSize=100&${query}`);
        expect(table.total).toBe(table.items.length); // every institution fits one page: the export has them all
        const cells = (item: Record<string, any>) => [item.name, item.typeName, ...INSTITUTION_FIELDS.map((f) => (isAmount(f) ? wan(item[f]) : item[f]))];
        const totals = ['合计', null, ...INSTITUTION_FIELDS.map((f) => (isAmount(f) ? wan(sum(table.items, f)) : sum(table.items, f)))];
        const { sheet } = await download(file.downloadUrl);
        expectSheet(sheet, { title: ['机构数据统计', regionName, periodName], headers: INSTITUTION_HEADERS, rows: table.items.map(cells), totals });
      });

      it(`行业分布 for ${role} (${region}), ${periodName}`, async () => {
        const file = await exportAs(role, { kind: 'industries', ...period });
        expect(file.fileName).toMatch(new RegExp(`^行业分布_${regionName}_${periodName}_\\d{8}-\\d{4}\\.xlsx$`));
        const rows = await get(role, `/api/stats/industries?${query}`);
        expect(rows).toHaveLength(20);
        const cells = (row: Record<string, any>) => [row.code, row.name, ...INDUSTRY_FIELDS.map((f) => (isAmount(f) ? wan(row[f]) : row[f]))];
        const totals = ['合计', null, ...INDUSTRY_FIELDS.map((f) => (isAmount(f) ? wan(sum(rows, f)) : sum(rows, f)))];
        const { sheet } = await download(file.downloadUrl);
        expectSheet(sheet, { title: ['行业分布', regionName, periodName], headers: INDUSTRY_HEADERS, rows: rows.map(cells), totals });
      });
    }
  }

  it('机构数据统计 by 机构所在地 and by type, as the page lists them', async () => {
    const queries: Record<string, string>[] = [{ regionBasis: 'institution' }, { regionBasis: 'institution', type: 'bank' }, { type: 'bank' }];
    for (const query of queries) {
      const file = await exportAs('province', { kind: 'institutions', ...query });
      const table = await get('province', `/api/stats/institutions?pageSize=100&${new URLSearchParams(query)}`);
      const { sheet } = await download(file.downloadUrl);
      const names: unknown[] = [];
      sheet.eachRow((row, number) => {
        if (number > 2 && row.getCell(1).value !== '合计') names.push(row.getCell(1).value);
      });
      expect(names.length, JSON.stringify(query)).toBeGreaterThan(0);
      expect(names, JSON.stringify(query)).toEqual(table.items.map((item: { name: string }) => item.name));
      if (query.regionBasis) expect(String(sheet.getRow(1).getCell(1).value)).toContain('按机构所在地');
    }
  });

  it('shows the known history, not just what the API shows (福建 in April 2024)', async () => {
    const file = await exportAs('province', { kind: 'regional-overview', year: 2024, month: 4 });
    const { sheet } = await download(file.downloadUrl);
    const xiamen = rowValues(sheet, 3 + 1, REGION_HEADERS.length); // 350100 福州市, then 350200 厦门市
    expect(xiamen.slice(0, 11)).toEqual(['厦门市', 3, 419.13, 2, 373.46, 1, 250.01, 200, 1, 98.76, 0.5]);
    expect(xiamen[16]).toBe('已开通');
    const totalsRow = rowValues(sheet, sheet.rowCount, REGION_HEADERS.length);
    // 4 orders in April across 福州 and 厦门; 3 accepted, 1 loaned: 1/3, recomputed from the sums.
    expect(totalsRow.slice(0, 11)).toEqual(['合计', 4, 449.13, 3, 403.46, 1, 250.01, 200, 1, 98.76, 1 / 3]);
    expect(sheet.getCell(`C${sheet.rowCount}`).numFmt).toBe('#,##0.00');
    expect(sheet.getCell(`K${sheet.rowCount}`).numFmt).toBe('0.0%'); // percentages with one decimal, as on the screens (shared/contract/figures.ts)
    expect(sheet.getCell('B4').numFmt).toBe('#,##0');
  });

  it('exports a narrower region inside the scope: the districts of 厦门 for the province user', async () => {
    const file = await exportAs('province', { kind: 'regional-overview', region: '350200' });
    expect(file.fileName).toMatch(/^区域数据统计_厦门市_全部时间_/);
    const rows = await get('province', '/api/stats/regions?region=350200&sort=code&order=asc');
    const { sheet } = await download(file.downloadUrl);
    expectSheet(sheet, { title: ['厦门市'], headers: REGION_HEADERS, rows: rows.map(regionCells), totals: regionTotals(rows) });
    // Districts have no opening state: both columns blank.
    expect(rowValues(sheet, 3, REGION_HEADERS.length).slice(16)).toEqual([null, null]);
  });
});

// ---- accounts ----------------------------------------------------------------------------------

const ACCOUNT_HEADERS = ['ID', '用户名', '真实姓名', '单位', '省份', '城市', '角色', '状态', '审核状态', '创建时间'];
const STATUS: Record<string, string> = { enabled: '启用', disabled: '禁用' };
const AUDIT: Record<string, string> = { pending: '待审核', approved: '审核通过', rejected: '审核未通过' };
const masked = (phone: string) => `${phone.slice(0, 3)}****${phone.slice(-4)}`;

function accountCells(account: Record<string, any>): Cell[] {
  return [
    account.id, masked(account.phone), account.realName, account.unit, account.provinceName, account.cityName,
    account.roleName, STATUS[account.status]!, AUDIT[account.auditStatus]!, china(account.createdAt),
  ];
}

describe('account reports', () => {
  const cases: [Role, string | undefined, string, string[]][] = [
    ['national', undefined, '全国', ['peer', 'subordinate']],
    ['national', '350000', '福建省', ['peer', 'subordinate']],
    ['province', undefined, '福建省', ['peer', 'subordinate']],
    ['province', '350200', '厦门市', ['peer', 'subordinate']],
    ['city', undefined, '厦门市', ['peer']],
  ];
  for (const [role, region, regionName, tiers] of cases) {
    it(`账号列表 for ${role}${region ? ` narrowed to ${region}` : ''}: its peers and subordinates, phones masked`, async () => {
      // The period is ignored for accounts.
      const file = await exportAs(role, { kind: 'accounts', year: 2024, ...(region ? { region } : {}) });
      expect(file.fileName).toMatch(new RegExp(`^账号列表_${regionName}_\\d{8}-\\d{4}\\.xlsx$`));
      const accounts: Record<string, any>[] = [];
      for (const tier of tiers) {
        const page = await get(role, `/api/accounts?tier=${tier}&pageSize=100${region ? `&regionCode=${region}` : ''}`);
        accounts.push(...page.items);
      }
      const { sheet } = await download(file.downloadUrl);
      const totals: Cell[] = ['合计', accounts.length, null, null, null, null, null, null, null, null];
      expectSheet(sheet, { title: ['账号列表', regionName], headers: ACCOUNT_HEADERS, rows: accounts.map(accountCells), totals });
      for (let row = 3; row < 3 + accounts.length; row += 1) {
        expect(sheet.getCell(`B${row}`).value).toMatch(/^1\d{2}\*{4}\d{4}$/);
      }
    });
  }

  it('lists the expected accounts: the province sees its peers and its cities, never Guangdong', async () => {
    const file = await exportAs('province', { kind: 'accounts' });
    const { sheet } = await download(file.downloadUrl);
    const names = Array.from({ length: sheet.rowCount - 3 }, (_, i) => sheet.getCell(`C${i + 3}`).value);
    expect(new Set(names)).toEqual(new Set(['福建演示用户', '厦门演示用户', '厦门待审用户', '福州市级用户']));
    const pending = Array.from({ length: sheet.rowCount - 3 }, (_, i) => rowValues(sheet, i + 3, 10)).find((row) => row[2] === '厦门待审用户')!;
    expect(pending.slice(1, 9)).toEqual(['139****0011', '厦门待审用户', '厦门市工业和信息化局', '福建省', '厦门市', '市级', '禁用', '待审核']);
    // Nowhere in the file is a full phone number.
    for (let row = 1; row <= sheet.rowCount; row += 1) {
      for (let col = 1; col <= 10; col += 1) expect(String(sheet.getCell(row, col).value ?? '')).not.toMatch(/1[3-9]\d{9}/);
    }
  });
});

// ---- the file itself, scope, validation, audit ----------------------------------------------------

describe('the report file and its download', () => {
  it('is stored under the caller’s prefix and downloads as an xlsx under its Chinese name, for 15 minutes', async () => {
    const before = Date.now();
    const file = await exportAs('province', { kind: 'regional-overview', year: 2024, month: 4 });
    expect(file.fileName).toMatch(/^区域数据统计_福建省_2024年4月_\d{8}-\d{4}\.xlsx$/);
    const url = new URL(file.downloadUrl);
    expect(url.pathname).toMatch(new RegExp(`/reports/${accountIds.province}/[0-9a-f-]{36}\\.xlsx$`));
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    const expiresAt = Date.parse(file.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 900_000 - 1_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 900_000 + 1_000);
    const { response } = await download(file.downloadUrl);
    expect(response.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; /);
    expect(response.headers.get('content-disposition')).toContain(encodeURIComponent(file.fileName));
  });

  it('writes an audit entry for each export', async () => {
    const file = await exportAs('city', { kind: 'industries', year: 2024 });
    const shifted = new Date(Date.now() + 8 * 3_600_000);
    const day = shifted.toISOString().slice(0, 10).replaceAll('-', '');
    const answer = await documentClient().send(
      new QueryCommand({ TableName: tableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `AUDIT#${day}` } }),
    );
    const entry = (answer.Items ?? []).find((item) => item.action === 'report.export' && item.after?.fileName === file.fileName);
    expect(entry).toMatchObject({
      action: 'report.export',
      outcome: 'success',
      actorAccountId: accountIds.city,
      targetType: 'report',
      targetId: 'industries',
      after: { region: '350200', year: 2024, month: null, rows: 20, fileName: file.fileName },
    });
    expect(typeof entry!.sourceIp).toBe('string');
  });
});

describe('scope and validation', () => {
  const post = (role: Role | undefined, body: unknown) => client.request('POST', '/api/reports', { token: role ? tokens[role] : undefined, body });

  it('refuses a region outside the caller’s scope with 403', async () => {
    expect((await post('province', { kind: 'regional-overview', region: '440000' })).status).toBe(403);
    expect((await post('province', { kind: 'institutions', region: '000000' })).status).toBe(403);
    expect((await post('city', { kind: 'industries', region: '350100' })).status).toBe(403);
    expect((await post('province', { kind: 'accounts', region: '440000' })).status).toBe(403);
    expect((await post('city', { kind: 'accounts', region: '000000' })).status).toBe(403);
  });

  it('answers a month without a year with 400 naming body.month', async () => {
    const answer = await post('national', { kind: 'industries', month: 4 });
    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toContainEqual(expect.objectContaining({ path: 'body.month' }));
  });

  it('answers bad input with 400 and field paths, never 500', async () => {
    const cases: [unknown, string][] = [
      [{ kind: 'everything' }, 'body.kind'],
      [{ kind: 'regional-overview', region: '350203' }, 'body.region'], // a district has no children to list
      [{ kind: 'accounts', region: '350203' }, 'body.region'],
      [{ kind: 'institutions', region: '999999' }, 'body.region'],
      [{ kind: 'institutions', region: 'fujian' }, 'body.region'],
      [{ kind: 'industries', year: '2024' }, 'body.year'],
      [{ kind: 'industries', year: 2024, month: 13 }, 'body.month'],
      [{}, 'body.kind'],
    ];
    for (const [body, path] of cases) {
      const answer = await post('national', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error.details, JSON.stringify(body)).toContainEqual(expect.objectContaining({ path }));
    }
    const malformed = await client.request('POST', '/api/reports', { token: tokens.national, rawBody: '{"kind":' });
    expect(malformed.status).toBe(400);
  });

  it('requires a session', async () => {
    expect((await post(undefined, { kind: 'industries' })).status).toBe(401);
  });
});
