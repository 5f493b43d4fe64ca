/**
 * Statistics end to end: a known event history goes in through the ingestion API, the stream rolls
 * it up, and every statistics answer is compared with figures computed here, independently, from the
 * same history (all metrics, several periods, each role's scope). Also counts the reads per request.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoAccounts, DEMO_ACCOUNTS, DEMO_PASSWORD } from '#tools/demo/accounts';
import { createInstitution } from '#shared/db/institutions';
import { documentClient } from '#shared/db/client';
import { creditCodeCheckChar } from '#shared/reference/credit-code';
import { DEFAULT_INGEST_API_KEY } from '#local/stack';
import { loginWithPassword, useLocalStack } from './harness';

const client = useLocalStack({ capture: { batchSize: 13, batchWindowMs: 2 } });
const tokens: Record<'national' | 'province' | 'city', string> = { national: '', province: '', city: '' };

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

const PLACE: Record<string, { city: string; province: string }> = {
  '350203': { city: '350200', province: '350000' },
  '350206': { city: '350200', province: '350000' },
  '350102': { city: '350100', province: '350000' },
  '440106': { city: '440100', province: '440000' },
};

// Institution slots, resolved to real ids once created.
const INSTITUTIONS = [
  { fullName: '厦门统计测试银行', type: 'bank', districtCode: '350203' },
  { fullName: '厦门统计测试担保有限公司', type: 'guarantee', districtCode: '350206' },
  { fullName: '广州统计测试小额贷款有限公司', type: 'microloan', districtCode: '440106' },
] as const;
const institutionIds: number[] = [];
/** A disabled institution in Xiamen: listed where institutions are located, never counted as 金融机构. */
let disabledInstitutionId = 0;

const recentDay = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString();

const ORDERS: OrderPlan[] = [
  // 2024-03-31T17:00Z is 2024-04-01 in China: it must count in April.
  { id: 's1', district: '350203', industry: 'C', requested: 1_000_000, submittedAt: '2024-03-31T17:00:00.000Z', accept: { at: '2024-04-03T02:00:00.000Z', institution: 0, intended: 900_000 }, loan: { at: '2024-04-20T02:00:00.000Z', amount: 800_000 } },
  { id: 's2', district: '350206', industry: 'I', requested: 2_500_000, submittedAt: '2024-03-10T02:00:00.000Z', accept: { at: '2024-03-12T02:00:00.000Z', institution: 1, intended: 2_000_000 } },
  { id: 's3', district: '350102', industry: 'C', requested: 300_000, submittedAt: '2024-03-15T02:00:00.000Z', accept: { at: '2024-03-16T02:00:00.000Z', institution: 0, intended: 300_000 }, end: { type: 'rejected', at: '2024-03-20T02:00:00.000Z' } },
  { id: 's4', district: '440106', industry: 'F', requested: 5_000_000, submittedAt: '2024-06-01T02:00:00.000Z', accept: { at: '2024-06-02T02:00:00.000Z', institution: 2, intended: 5_000_000 }, loan: { at: '2024-06-30T02:00:00.000Z', amount: 4_500_000 }, defaultAt: '2025-02-01T02:00:00.000Z' },
  { id: 's5', district: '350203', industry: 'A', requested: 700_000, submittedAt: '2025-01-05T02:00:00.000Z', end: { type: 'withdrawn', at: '2025-01-06T02:00:00.000Z' } },
  { id: 's6', district: '350203', industry: 'C', requested: 1_200_000, submittedAt: '2025-05-05T02:00:00.000Z', accept: { at: '2025-05-06T02:00:00.000Z', institution: 2, intended: 1_000_000 }, loan: { at: '2025-05-30T02:00:00.000Z', amount: 1_000_000 } },
  { id: 's7', district: '350206', industry: 'I', requested: 400_000, submittedAt: recentDay(3), accept: { at: recentDay(2), institution: 0, intended: 400_000 }, loan: { at: recentDay(1), amount: 350_000 } },
  { id: 's8', district: '350102', industry: 'M', requested: 900_000, submittedAt: recentDay(2) },
];

function creditCode(i: number): string {
  const first17 = `91350203${String(900_000_000 + i).padStart(9, '0')}`;
  return first17 + creditCodeCheckChar(first17);
}

function events() {
  const out: { id: string; type: string; occurredAt: string; data: Record<string, unknown> }[] = [];
  ORDERS.forEach((order, i) => {
    const enterpriseId = `stat-e-${order.id}`;
    const orderId = `stat-o-${order.id}`;
    const registeredAt = new Date(Date.parse(order.submittedAt) - 86_400_000).toISOString();
    out.push({ id: `${orderId}-r`, type: 'enterprise.registered', occurredAt: registeredAt, data: { enterpriseId, name: `统计企业${order.id}有限公司`, creditCode: creditCode(i), industry: order.industry, districtCode: order.district } });
    out.push({ id: `${orderId}-s`, type: 'order.submitted', occurredAt: order.submittedAt, data: { orderId, enterpriseId, requestedAmount: order.requested } });
    if (order.accept) out.push({ id: `${orderId}-a`, type: 'order.accepted', occurredAt: order.accept.at, data: { orderId, institutionId: institutionIds[order.accept.institution], intendedAmount: order.accept.intended } });
    if (order.loan) out.push({ id: `${orderId}-l`, type: 'order.loaned', occurredAt: order.loan.at, data: { orderId, loanAmount: order.loan.amount } });
    if (order.end) out.push({ id: `${orderId}-e`, type: `order.${order.end.type}`, occurredAt: order.end.at, data: { orderId } });
    if (order.defaultAt) out.push({ id: `${orderId}-d`, type: 'order.defaulted', occurredAt: order.defaultAt, data: { orderId } });
  });
  out.push({ id: 'stat-p1', type: 'product.published', occurredAt: '2024-02-01T02:00:00.000Z', data: { productId: 'stat-p1', institutionId: institutionIds[0], name: '科技贷' } });
  out.push({ id: 'stat-p2', type: 'product.published', occurredAt: '2024-07-01T02:00:00.000Z', data: { productId: 'stat-p2', institutionId: institutionIds[2], name: '经营贷' } });
  out.push({ id: 'stat-p3', type: 'product.published', occurredAt: '2024-07-02T02:00:00.000Z', data: { productId: 'stat-p3', institutionId: institutionIds[2], name: '下架产品' } });
  out.push({ id: 'stat-p3-w', type: 'product.withdrawn', occurredAt: '2024-08-01T02:00:00.000Z', data: { productId: 'stat-p3', institutionId: institutionIds[2] } });
  return out.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
}

// ---- the independent model ------------------------------------------------------------------

/** China-time year and month of an instant, computed without the code under test. */
function cst(iso: string): { year: number; month: number; day: string } {
  const shifted = new Date(Date.parse(iso) + 8 * 3_600_000);
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.toISOString().slice(0, 10) };
}

interface Period { year?: number; month?: number }
function inPeriod(iso: string | undefined, period: Period): boolean {
  if (!iso) return false;
  const { year, month } = cst(iso);
  return (period.year === undefined || period.year === year) && (period.month === undefined || period.month === month);
}
function inRegion(district: string, region: string): boolean {
  if (region === '000000') return true;
  const place = PLACE[district]!;
  return district === region || place.city === region || place.province === region;
}

function status(order: OrderPlan): string {
  if (order.defaultAt) return 'defaulted';
  if (order.loan) return 'loaned';
  if (order.end) return order.end.type;
  return order.accept ? 'docking' : 'submitted';
}

function expectedMetrics(region: string, period: Period) {
  const orders = ORDERS.filter((order) => inRegion(order.district, region));
  const sum = (list: OrderPlan[], f: (o: OrderPlan) => number) => list.reduce((total, o) => total + f(o), 0);
  const demand = orders.filter((o) => inPeriod(o.submittedAt, period));
  const accepted = orders.filter((o) => inPeriod(o.accept?.at, period));
  const docking = accepted.filter((o) => status(o) === 'docking');
  const loans = orders.filter((o) => inPeriod(o.loan?.at, period));
  const badDebts = orders.filter((o) => inPeriod(o.defaultAt, period));
  const enterprises = orders.filter((o) => inPeriod(new Date(Date.parse(o.submittedAt) - 86_400_000).toISOString(), period));
  const institutions = INSTITUTIONS.filter((inst) => inRegion(inst.districtCode, region) && period.year === undefined);
  const products = [
    { inst: 0, at: '2024-02-01T02:00:00.000Z' },
    { inst: 2, at: '2024-07-01T02:00:00.000Z' },
  ].filter((p) => inRegion(INSTITUTIONS[p.inst]!.districtCode, region) && inPeriod(p.at, period));
  return {
    demandCount: demand.length,
    demandAmount: sum(demand, (o) => o.requested),
    acceptedCount: accepted.length,
    acceptedAmount: sum(accepted, (o) => o.requested),
    dockingCount: docking.length,
    dockingAmount: sum(docking, (o) => o.requested),
    intendedAmount: sum(docking, (o) => o.accept!.intended),
    loanCount: loans.length,
    loanAmount: sum(loans, (o) => o.loan!.amount),
    successRate: accepted.length ? Math.min(1, loans.length / accepted.length) : null,
    badDebtCount: badDebts.length,
    badDebtRate: loans.length ? Math.min(1, badDebts.length / loans.length) : null,
    enterpriseCount: enterprises.length,
    institutionCount: institutions.length,
    productCount: products.length,
    industryCount: new Set(demand.map((o) => o.industry)).size,
  };
}

// ---- setup ----------------------------------------------------------------------------------

const reads: string[] = [];

beforeAll(async () => {
  await ensureDemoAccounts();
  const [national, province, city] = DEMO_ACCOUNTS;
  tokens.national = await loginWithPassword(client, national!.phone, DEMO_PASSWORD);
  tokens.province = await loginWithPassword(client, province!.phone, DEMO_PASSWORD);
  tokens.city = await loginWithPassword(client, city!.phone, DEMO_PASSWORD);
  for (const inst of INSTITUTIONS) {
    const place = PLACE[inst.districtCode]!;
    const created = await createInstitution({
      type: inst.type, fullName: inst.fullName, shortName: inst.fullName.slice(0, 6), logoKey: '', districtCode: inst.districtCode,
      cityCode: place.city, provinceCode: place.province, sortOrder: 0, status: 'enabled', createdBy: 1,
    });
    institutionIds.push(created.id);
  }
  disabledInstitutionId = (
    await createInstitution({
      type: 'bank', fullName: '厦门统计测试停用银行', shortName: '停用银行', logoKey: '', districtCode: '350203',
      cityCode: '350200', provinceCode: '350000', sortOrder: 0, status: 'disabled', createdBy: 1,
    })
  ).id;
  const all = events();
  for (let i = 0; i < all.length; i += 20) {
    const answer = await client.request('POST', '/api/ingest/events', { body: { events: all.slice(i, i + 20) }, headers: { 'x-api-key': DEFAULT_INGEST_API_KEY } });
    expect(answer.body.rejected).toEqual([]);
  }
  await client.stack.capture.drain(60_000);
  // Count every read of statistics items from here on.
  documentClient().middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as {
        Key?: { pk?: string };
        ExpressionAttributeValues?: Record<string, unknown>;
        RequestItems?: Record<string, { Keys?: { pk?: string }[] }>;
      };
      const batchKey = Object.values(input.RequestItems ?? {})[0]?.Keys?.[0]?.pk;
      const values = input.ExpressionAttributeValues;
      const pk = input.Key?.pk ?? ((values?.[':pk'] ?? values?.[':p']) as string | undefined) ?? batchKey ?? '';
      if (/^(STAT|TREND|FEED)/.test(pk)) reads.push(`${context.commandName} ${pk}`);
      return next(args);
    },
    { step: 'initialize', name: 'countStatisticsReads' },
  );
});

const get = (role: keyof typeof tokens, path: string) => client.request('GET', path, { token: tokens[role] });

describe('statistics against an independent computation', () => {
  const scopes: [keyof typeof tokens, string][] = [
    ['national', '000000'],
    ['province', '350000'],
    ['city', '350200'],
  ];
  const periods: [string, Period][] = [
    ['', {}],
    ['year=2024', { year: 2024 }],
    ['year=2024&month=4', { year: 2024, month: 4 }],
    ['year=2025', { year: 2025 }],
  ];
  for (const [role, region] of scopes) {
    for (const [query, period] of periods) {
      it(`summary for ${role} (${region}) ${query || 'all time'}`, async () => {
        const answer = await get(role, `/api/stats/summary?${query}`);
        expect(answer.status).toBe(200);
        expect(answer.body.region.code).toBe(region);
        expect(answer.body.metrics).toEqual(expectedMetrics(region, period));
      });
    }
  }

  it('summary of a narrower region inside the scope, and 403 outside', async () => {
    expect((await get('province', '/api/stats/summary?region=350100&year=2024')).body.metrics).toEqual(expectedMetrics('350100', { year: 2024 }));
    expect((await get('city', '/api/stats/summary?region=350203')).body.metrics).toEqual({ ...expectedMetrics('350203', {}), industryCount: null });
    expect((await get('province', '/api/stats/summary?region=440000')).status).toBe(403);
    expect((await get('city', '/api/stats/summary?region=350100')).status).toBe(403);
    expect((await get('national', '/api/stats/summary?month=3')).status).toBe(400);
  });

  it('children of each scope, sorted by loan amount, with opening state', async () => {
    const provinces = await get('national', '/api/stats/regions?year=2024');
    expect(provinces.body.length).toBeGreaterThanOrEqual(31);
    const guangdong = provinces.body.find((row: { code: string }) => row.code === '440000');
    expect(guangdong.metrics).toEqual(expectedMetrics('440000', { year: 2024 }));
    expect(provinces.body[0].code).toBe('440000'); // the largest 2024 loan amount
    const fujian = provinces.body.find((row: { code: string }) => row.code === '350000');
    expect(fujian).toMatchObject({ opened: true }); // the demo province account
    expect(guangdong).toMatchObject({ opened: false, openedAt: null });

    const cities = await get('province', '/api/stats/regions');
    expect(cities.body.find((row: { code: string }) => row.code === '350200').metrics).toEqual(expectedMetrics('350200', {}));
    expect(cities.body.find((row: { code: string }) => row.code === '350200').opened).toBe(true);

    const districts = await get('city', '/api/stats/regions?sort=demandAmount&order=desc');
    const siming = districts.body.find((row: { code: string }) => row.code === '350203');
    expect(siming.metrics).toEqual({ ...expectedMetrics('350203', {}), industryCount: null });
    const amounts = districts.body.map((row: { metrics: { demandAmount: number } }) => row.metrics.demandAmount);
    expect(amounts).toEqual([...amounts].sort((a: number, b: number) => b - a));
  });

  it('industry distribution over the 20 sections', async () => {
    const rows = await get('province', '/api/stats/industries?year=2024');
    expect(rows.body).toHaveLength(20);
    for (const row of rows.body as { code: string; demandCount: number; demandAmount: number; loanCount: number; loanAmount: number }[]) {
      const orders = ORDERS.filter((o) => o.industry === row.code && inRegion(o.district, '350000'));
      const demand = orders.filter((o) => inPeriod(o.submittedAt, { year: 2024 }));
      const loans = orders.filter((o) => inPeriod(o.loan?.at, { year: 2024 }));
      expect(row).toMatchObject({
        demandCount: demand.length,
        demandAmount: demand.reduce((t, o) => t + o.requested, 0),
        loanCount: loans.length,
        loanAmount: loans.reduce((t, o) => t + o.loan!.amount, 0),
      });
    }
  });

  it('yearly and monthly trend', async () => {
    const years = await get('national', '/api/stats/trend?from=2023&to=2025');
    expect(years.body.map((p: { year: number }) => p.year)).toEqual([2023, 2024, 2025]);
    for (const point of years.body) {
      const e = expectedMetrics('000000', { year: point.year });
      expect(point).toEqual({ year: point.year, demandCount: e.demandCount, demandAmount: e.demandAmount, loanCount: e.loanCount, loanAmount: e.loanAmount });
    }
    const months = await get('city', '/api/stats/trend?granularity=month&year=2024');
    expect(months.body).toHaveLength(12);
    const april = months.body[3];
    const e = expectedMetrics('350200', { year: 2024, month: 4 });
    expect(april).toMatchObject({ month: 4, demandCount: e.demandCount, loanAmount: e.loanAmount });
  });

  it('institution table inside each scope, sorted and paged', async () => {
    const table = await get('national', '/api/stats/institutions?sort=acceptedAmount&order=desc&pageSize=50');
    const row = (id: number) => table.body.items.find((item: { institutionId: number }) => item.institutionId === id);
    const accepted = (inst: number, region: string) => ORDERS.filter((o) => o.accept?.institution === inst && inRegion(o.district, region));
    for (const [index, id] of institutionIds.entries()) {
      const orders = accepted(index, '000000');
      expect(row(id)).toMatchObject({
        acceptedCount: orders.length,
        acceptedAmount: orders.reduce((t, o) => t + o.requested, 0),
        loanCount: orders.filter((o) => o.loan).length,
        loanAmount: orders.reduce((t, o) => t + (o.loan?.amount ?? 0), 0),
        dockingCount: orders.filter((o) => status(o) === 'docking').length,
        productCount: index === 1 ? 0 : 1,
      });
    }
    // The Guangzhou institution accepted a Xiamen order: inside Xiamen's scope it shows only that one.
    const xiamen = await get('city', '/api/stats/institutions?pageSize=50');
    const gz = xiamen.body.items.find((item: { institutionId: number }) => item.institutionId === institutionIds[2]);
    expect(gz).toMatchObject({ acceptedCount: 1, acceptedAmount: 1_200_000, loanAmount: 1_000_000 });
    const paged = await get('national', '/api/stats/institutions?sort=acceptedAmount&order=desc&page=2&pageSize=1');
    expect(paged.body.total).toBe(table.body.total);
    expect(paged.body.items[0].institutionId).toBe(table.body.items[1].institutionId);
    const banks = await get('national', '/api/stats/institutions?type=bank&pageSize=50');
    expect(banks.body.items.every((item: { type: string }) => item.type === 'bank')).toBe(true);
  });

  it('statistics per institution type', async () => {
    const types = await get('national', '/api/stats/institution-types');
    expect(types.body).toHaveLength(11);
    const bank = types.body.find((row: { type: string }) => row.type === 'bank');
    const bankOrders = ORDERS.filter((o) => o.accept?.institution === 0);
    expect(bank).toMatchObject({
      name: '银行',
      institutionCount: 1,
      productCount: 1,
      acceptedCount: bankOrders.length,
      loanAmount: bankOrders.reduce((t, o) => t + (o.loan?.amount ?? 0), 0),
    });
  });

  it('the last 15 days day by day and the feed, newest first, cursor-paged', async () => {
    const days = await get('city', '/api/dynamics/daily');
    expect(days.body).toHaveLength(15);
    expect(days.body.at(-1).date).toBe(cst(new Date().toISOString()).day);
    const day = (iso: string) => days.body.find((row: { date: string }) => row.date === cst(iso).day);
    expect(day(ORDERS[6]!.loan!.at)).toMatchObject({ loanCount: 1, loanAmount: 350_000 });
    expect(day(ORDERS[6]!.submittedAt)).toMatchObject({ demandCount: 1, demandAmount: 400_000 });

    const first = await get('province', '/api/dynamics/feed?limit=2');
    expect(first.body.items).toHaveLength(2);
    const times = first.body.items.map((item: { time: string }) => item.time);
    expect(times).toEqual([...times].sort().reverse());
    const second = await get('province', `/api/dynamics/feed?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items[0].time <= times[1]).toBe(true);
    const loans = await get('national', '/api/dynamics/feed?kind=loan');
    expect(loans.body.items.map((item: { amount: number }) => item.amount)).toEqual([350_000]);
    expect((await get('city', `/api/dynamics/feed?cursor=${first.body.nextCursor}`)).status).toBe(400);
    const forged = Buffer.from(JSON.stringify({ pk: 'FEED#350000', sk: 'x'.repeat(1400) })).toString('base64url');
    expect((await get('province', `/api/dynamics/feed?cursor=${forged}`)).status).toBe(400);
    const future = await get('national', '/api/stats/trend?from=2100');
    expect(future.status).toBe(200);
    expect(future.body).toEqual([{ year: 2100, demandCount: 0, demandAmount: 0, loanCount: 0, loanAmount: 0 }]);
    expect((await get('national', '/api/stats/trend?from=2030&to=2020')).status).toBe(400);
  });
});

describe('cards: cumulative figures, 同比 and 环比 (compare=true)', () => {
  it('a month gets the same month a year earlier and the month before, and the all-time figures', async () => {
    const answer = await get('national', '/api/stats/summary?year=2024&month=4&compare=true');
    expect(answer.status).toBe(200);
    expect(answer.body.metrics).toEqual(expectedMetrics('000000', { year: 2024, month: 4 }));
    expect(answer.body.cumulative).toEqual(expectedMetrics('000000', {}));
    expect(answer.body.comparison).toEqual({
      basis: { year: 2024, month: 4 },
      current: expectedMetrics('000000', { year: 2024, month: 4 }),
      yearOnYear: { period: { year: 2023, month: 4 }, metrics: expectedMetrics('000000', { year: 2023, month: 4 }) },
      monthOnMonth: { period: { year: 2024, month: 3 }, metrics: expectedMetrics('000000', { year: 2024, month: 3 }) },
    });
  });

  it('a year gets the year before and no 环比', async () => {
    const answer = await get('province', '/api/stats/summary?year=2025&compare=1');
    expect(answer.body.comparison).toEqual({
      basis: { year: 2025, month: null },
      current: expectedMetrics('350000', { year: 2025 }),
      yearOnYear: { period: { year: 2024, month: null }, metrics: expectedMetrics('350000', { year: 2024 }) },
      monthOnMonth: null,
    });
  });

  it('all time compares the current month (China time) with the same month last year and the month before', async () => {
    const answer = await get('city', '/api/stats/summary?compare=true');
    const now = cst(new Date().toISOString());
    const previous = now.month === 1 ? { year: now.year - 1, month: 12 } : { year: now.year, month: now.month - 1 };
    // The test's institutions were created just now: they count in the current month.
    const createdNow = INSTITUTIONS.filter((inst) => inRegion(inst.districtCode, '350200')).length;
    expect(answer.body.metrics).toEqual(expectedMetrics('350200', {}));
    expect(answer.body.cumulative).toEqual(expectedMetrics('350200', {}));
    expect(answer.body.comparison).toEqual({
      basis: { year: now.year, month: now.month },
      current: { ...expectedMetrics('350200', { year: now.year, month: now.month }), institutionCount: createdNow },
      yearOnYear: { period: { year: now.year - 1, month: now.month }, metrics: expectedMetrics('350200', { year: now.year - 1, month: now.month }) },
      monthOnMonth: { period: previous, metrics: expectedMetrics('350200', previous) },
    });
  });

  it('without compare the answer is the plain summary', async () => {
    const answer = await get('national', '/api/stats/summary?year=2024&compare=false');
    expect(Object.keys(answer.body).sort()).toEqual(['metrics', 'period', 'region']);
    expect((await get('province', '/api/stats/summary?region=440000&compare=true')).status).toBe(403);
  });
});

describe('机构数据统计: one answer for the seven rankings, and both meanings of the region', () => {
  const COLUMNS = ['productCount', 'acceptedCount', 'acceptedAmount', 'loanCount', 'loanAmount', 'dockingCount', 'dockingAmount'] as const;
  type Column = (typeof COLUMNS)[number];
  const PUBLISHED = [
    { slot: 0, at: '2024-02-01T02:00:00.000Z' },
    { slot: 2, at: '2024-07-01T02:00:00.000Z' },
  ];

  interface Listed {
    id: number;
    figures: Record<Column, number>;
  }

  /** An institution's figures, counting orders of enterprises in `enterpriseRegion` (null: anywhere). */
  function figures(slot: number, enterpriseRegion: string | null, period: Period): Record<Column, number> {
    const orders = ORDERS.filter((o) => o.accept?.institution === slot && (enterpriseRegion === null || inRegion(o.district, enterpriseRegion)));
    const accepted = orders.filter((o) => inPeriod(o.accept!.at, period));
    const loans = orders.filter((o) => inPeriod(o.loan?.at, period));
    const docking = accepted.filter((o) => status(o) === 'docking');
    const located = slot >= 0 && (enterpriseRegion === null || inRegion(INSTITUTIONS[slot]!.districtCode, enterpriseRegion));
    return {
      productCount: located ? PUBLISHED.filter((p) => p.slot === slot && inPeriod(p.at, period)).length : 0,
      acceptedCount: accepted.length,
      acceptedAmount: accepted.reduce((t, o) => t + o.requested, 0),
      loanCount: loans.length,
      loanAmount: loans.reduce((t, o) => t + o.loan!.amount, 0),
      dockingCount: docking.length,
      dockingAmount: docking.reduce((t, o) => t + o.requested, 0),
    };
  }

  /** What each meaning of the region lists (docs/console.md, "机构数据统计"). */
  function listed(region: string, period: Period, basis: 'enterprise' | 'institution'): Listed[] {
    const slots = [
      ...INSTITUTIONS.map((inst, slot) => ({ id: institutionIds[slot]!, slot, district: inst.districtCode as string, enabled: true })),
      { id: disabledInstitutionId, slot: -1, district: '350203', enabled: false },
    ];
    if (basis === 'institution') {
      return slots.filter((s) => s.enabled && inRegion(s.district, region)).map((s) => ({ id: s.id, figures: figures(s.slot, null, period) }));
    }
    const served = (slot: number) =>
      ORDERS.some((o) => o.accept?.institution === slot && inRegion(o.district, region) && (inPeriod(o.accept.at, period) || inPeriod(o.loan?.at, period)));
    return slots.filter((s) => inRegion(s.district, region) || served(s.slot)).map((s) => ({ id: s.id, figures: figures(s.slot, region, period) }));
  }

  const ranked = (rows: Listed[], column: Column, top: number) =>
    [...rows].sort((a, b) => b.figures[column] - a.figures[column] || a.id - b.id).slice(0, top).map((row) => ({ institutionId: row.id, [column]: row.figures[column] }));

  const cases: [keyof typeof tokens, string, string, Period][] = [
    ['national', '000000', '', {}],
    ['national', '000000', 'year=2024', { year: 2024 }],
    ['province', '350000', '', {}],
    ['province', '350000', 'year=2025', { year: 2025 }],
    ['city', '350200', '', {}],
  ];
  for (const [role, region, query, period] of cases) {
    for (const basis of ['enterprise', 'institution'] as const) {
      it(`rankings for ${role} ${query || 'all time'} by ${basis} region`, async () => {
        const answer = await get(role, `/api/stats/institution-rankings?regionBasis=${basis}&top=3&${query}`);
        expect(answer.status).toBe(200);
        const rows = listed(region, period, basis);
        expect(answer.body.regionBasis).toBe(basis);
        expect(answer.body.total).toBe(rows.length);
        for (const column of COLUMNS) {
          const got = answer.body.rankings[column].map((item: Record<string, number>) => ({ institutionId: item.institutionId, [column]: item[column] }));
          expect(got, column).toEqual(ranked(rows, column, 3));
        }
        // The overview lists the same institutions with the same figures, in the same order per column.
        const overview = await get(role, `/api/stats/institutions?regionBasis=${basis}&sort=loanAmount&pageSize=3&${query}`);
        expect(overview.body.total).toBe(rows.length);
        expect(overview.body.items.map((item: { institutionId: number }) => item.institutionId)).toEqual(
          answer.body.rankings.loanAmount.map((item: { institutionId: number }) => item.institutionId),
        );
      });
    }
  }

  it('by institution region, an institution counts the orders of enterprises anywhere', async () => {
    // The Guangzhou institution served a Guangzhou and a Xiamen enterprise.
    const guangdong = await get('national', '/api/stats/institutions?region=440000&regionBasis=institution');
    expect(guangdong.body.items.map((item: { institutionId: number }) => item.institutionId)).toEqual([institutionIds[2]]);
    expect(guangdong.body.items[0]).toMatchObject({ acceptedCount: 2, acceptedAmount: 6_200_000, loanAmount: 5_500_000, productCount: 1 });
    // By enterprise region, Fujian sees it with its Xiamen order only; by institution region it is not Fujian's.
    const byEnterprise = await get('province', '/api/stats/institutions?regionBasis=enterprise&pageSize=50');
    expect(byEnterprise.body.items.find((item: { institutionId: number }) => item.institutionId === institutionIds[2])).toMatchObject({ acceptedCount: 1 });
    const byLocation = await get('province', '/api/stats/institutions?regionBasis=institution&pageSize=50');
    const ids = byLocation.body.items.map((item: { institutionId: number }) => item.institutionId).sort((a: number, b: number) => a - b);
    expect(ids).toEqual([institutionIds[0], institutionIds[1]].sort((a, b) => a! - b!));
    // The listed institutions are exactly those 数据中心 counts as 金融机构数.
    const summary = await get('province', '/api/stats/summary');
    expect(byLocation.body.total).toBe(summary.body.metrics.institutionCount);
  });

  it('rankings are scope-checked and validated', async () => {
    expect((await get('province', '/api/stats/institution-rankings?region=440000')).status).toBe(403);
    expect((await get('city', '/api/stats/institution-rankings?region=350100')).status).toBe(403);
    expect((await get('national', '/api/stats/institution-rankings?top=51')).status).toBe(400);
    expect((await get('national', '/api/stats/institution-rankings?regionBasis=everywhere')).status).toBe(400);
    const defaults = await get('city', '/api/stats/institution-rankings');
    expect(defaults.body.regionBasis).toBe('enterprise');
    expect(defaults.body.rankings.acceptedAmount.length).toBeLessThanOrEqual(10);
  });
});

describe('reads per statistics request', () => {
  it('reads one item for a summary, one query for children, trends and institution counters', async () => {
    const count = async (path: string) => {
      reads.length = 0;
      const answer = await get('national', path);
      expect(answer.status).toBe(200);
      return [...reads];
    };
    expect(await count('/api/stats/summary')).toHaveLength(1);
    expect(await count('/api/stats/industries?year=2024')).toHaveLength(1);
    expect(await count('/api/stats/institution-types')).toHaveLength(1);
    expect(await count('/api/stats/regions')).toHaveLength(1);
    expect(await count('/api/stats/regions?year=2024')).toHaveLength(2); // period counters + opening state
    expect(await count('/api/stats/trend')).toHaveLength(1);
    // The nation's page: its total, one Query of the rank index, the counters of its rows by key.
    expect(await count('/api/stats/institutions?sort=loanAmount&pageSize=2')).toEqual([
      'GetItemCommand STAT#ROOT#all',
      'QueryCommand STATI#000000#all',
      'BatchGetItemCommand STATI#000000#all',
    ]);
    expect(await count('/api/stats/institutions?sort=loanAmount&order=asc')).toHaveLength(1); // all rows: one Query of the counters
    expect(await count('/api/stats/summary?compare=true')).toHaveLength(4); // all time, this month, a year ago, last month
    expect(await count('/api/stats/summary?year=2024&compare=true')).toHaveLength(3); // the year, all time, the year before
    // Seven rankings: the total, one Query of each rank index, one read of the counters of every row shown.
    expect((await count('/api/stats/institution-rankings?top=1')).sort()).toEqual(
      ['BatchGetItemCommand STATI#000000#all', 'GetItemCommand STAT#ROOT#all', ...Array.from({ length: 7 }, () => 'QueryCommand STATI#000000#all')].sort(),
    );
    expect(await count('/api/stats/institution-rankings?region=350000&regionBasis=institution')).toHaveLength(1); // one BatchGetItem
    expect(await count('/api/dynamics/daily')).toHaveLength(1);
    expect(await count('/api/dynamics/feed')).toHaveLength(1);
  });
});
