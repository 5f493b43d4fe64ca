/**
 * 督办 and 数据质量 end to end, for the national, province (福建) and city (厦门) demo users: each sees
 * its scope and gets 403 outside it; bad input is a 4xx in the API's error shape; lists page with
 * cursors that belong to their list; exports hold what the lists show; a warning is marked checked
 * once (409 after, 409 on a stale version), audited, and the counts follow. The counts themselves
 * are held to an independent recomputation in test/e2e/supervision-statistics.test.ts.
 */
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoAccounts, DEMO_ACCOUNTS, DEMO_PASSWORD } from '#tools/demo/accounts';
import { DEFAULT_INGEST_API_KEY } from '#local/stack';
import { documentClient } from '#shared/db/client';
import { createInstitution } from '#shared/db/institutions';
import { creditCodeCheckChar } from '#shared/reference/credit-code';
import { loginWithPassword, useLocalStack } from './harness';

const client = useLocalStack({ capture: { batchSize: 9, batchWindowMs: 2 } });

type Role = 'national' | 'province' | 'city';
const tokens: Record<Role, string> = { national: '', province: '', city: '' };
const get = (role: Role, path: string) => client.request('GET', path, { token: tokens[role] });
const post = (role: Role, path: string, body: unknown) => client.request('POST', path, { token: tokens[role], body });

const DAY = 86_400_000;
const ago = (days: number, hours = 0) => new Date(Date.now() - days * DAY - hours * 3_600_000).toISOString();

const institutionIds: Record<'xiamen' | 'guangzhou' | 'disabled', number> = { xiamen: 0, guangzhou: 0, disabled: 0 };
let serial = 0;
function creditCode(): string {
  serial += 1;
  const first17 = `91350203${String(700_000_000 + serial).padStart(9, '0')}`;
  return first17 + creditCodeCheckChar(first17);
}

type Envelope = { id: string; type: string; occurredAt: string; data: Record<string, unknown> };
const events: Envelope[] = [];
function enterprise(id: string, district: string, name = `督办测试企业${id}有限公司`, code = creditCode(), at = ago(400)): void {
  events.push({ id: `${id}-reg`, type: 'enterprise.registered', occurredAt: at, data: { enterpriseId: id, name, creditCode: code, industry: 'C', districtCode: district } });
}
function order(id: string, enterpriseId: string, submitted: string, amount: number, steps: { type: string; at: string; data?: Record<string, unknown> }[] = []): void {
  events.push({ id: `${id}-s`, type: 'order.submitted', occurredAt: submitted, data: { orderId: id, enterpriseId, requestedAmount: amount } });
  steps.forEach((step, i) => events.push({ id: `${id}-${i}`, type: step.type, occurredAt: step.at, data: { orderId: id, ...step.data } }));
}

beforeAll(async () => {
  await ensureDemoAccounts();
  const [national, province, city] = DEMO_ACCOUNTS;
  tokens.national = await loginWithPassword(client, national!.phone, DEMO_PASSWORD);
  tokens.province = await loginWithPassword(client, province!.phone, DEMO_PASSWORD);
  tokens.city = await loginWithPassword(client, city!.phone, DEMO_PASSWORD);
  const make = async (fullName: string, districtCode: string, cityCode: string, provinceCode: string, status: 'enabled' | 'disabled') =>
    (await createInstitution({ type: 'bank', fullName, shortName: fullName.slice(0, 6), logoKey: '', districtCode, cityCode, provinceCode, sortOrder: 0, status, createdBy: 1 }, new Date(Date.now() - 900 * DAY))).id;
  institutionIds.xiamen = await make('厦门督办测试银行', '350203', '350200', '350000', 'enabled');
  institutionIds.guangzhou = await make('广州督办测试银行', '440106', '440100', '440000', 'enabled');
  institutionIds.disabled = await make('厦门督办测试停用银行', '350206', '350200', '350000', 'disabled');

  enterprise('sv-x1', '350203');
  enterprise('sv-x2', '350206');
  enterprise('sv-f1', '350102');
  enterprise('sv-g1', '440106');
  // The same credit code registered again under another name (数据质量), and a retired district.
  const shared = creditCode();
  enterprise('sv-x3', '350203', '厦门鹭江贸易有限公司', shared, ago(300));
  enterprise('sv-x4', '350203', '厦门鹭江商贸有限公司', shared, ago(200));
  enterprise('sv-x5', '350204', '厦门开元老城区企业有限公司', creditCode(), ago(100));
  const accept = (at: string, institution: number, intended: number) => ({ type: 'order.accepted', at, data: { institutionId: institution, intendedAmount: intended } });
  // 待受理超时: three in 厦门, one in 福州, one in 广州; and some still within their working days.
  order('sv-o1', 'sv-x1', ago(20), 1_000_000);
  order('sv-o2', 'sv-x1', ago(15), 2_000_000);
  order('sv-o3', 'sv-x2', ago(12), 3_000_000);
  order('sv-o4', 'sv-f1', ago(25), 4_000_000);
  order('sv-o5', 'sv-g1', ago(30), 5_000_000);
  order('sv-o6', 'sv-x1', ago(0, 1), 600_000);
  // 对接超时: accepted more than 30 days ago, no decision.
  order('sv-o7', 'sv-x2', ago(60), 7_000_000, [accept(ago(45), institutionIds.xiamen, 7_000_000)]);
  order('sv-o8', 'sv-x1', ago(50), 8_000_000, [accept(ago(40), institutionIds.xiamen, 8_000_000)]);
  order('sv-o9', 'sv-g1', ago(70), 9_000_000, [accept(ago(65), institutionIds.guangzhou, 9_000_000)]);
  order('sv-o10', 'sv-f1', ago(10), 1_100_000, [accept(ago(5), institutionIds.guangzhou, 1_000_000)]);
  // 数据质量: a loan far above intent, an acceptance by a disabled institution.
  order('sv-o11', 'sv-x2', ago(20), 1_000_000, [accept(ago(19), institutionIds.xiamen, 500_000), { type: 'order.loaned', at: ago(18), data: { loanAmount: 900_000 } }]);
  order('sv-o12', 'sv-x1', ago(3), 1_300_000, [accept(ago(2), institutionIds.disabled, 1_000_000)]);
  events.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
  const answer = await client.request('POST', '/api/ingest/events', { body: { events }, headers: { 'x-api-key': DEFAULT_INGEST_API_KEY } });
  expect(answer.body.rejected).toEqual([]);
  await client.stack.capture.drain(60_000);
});

describe('督办 per role', () => {
  it('counts the overdue demands of each scope and its children', async () => {
    const national = await get('national', '/api/supervision/summary');
    expect(national.status).toBe(200);
    expect(national.body.region).toEqual({ code: '000000', name: '全国', level: 'nation' });
    expect(national.body.acceptance).toMatchObject({ overdue: 5, overdueAmount: 15_000_000 });
    expect(national.body.decision).toMatchObject({ overdue: 3, overdueAmount: 24_000_000 });
    expect(national.body.total).toMatchObject({ overdue: 8, overdueAmount: 39_000_000 });
    expect(national.body.basis.rules.map((rule: { rule: string; threshold: number }) => [rule.rule, rule.threshold])).toEqual([['acceptance', 3], ['decision', 30]]);

    const province = await get('province', '/api/supervision/regions');
    expect(province.body.region.code).toBe('350000');
    expect(province.body.acceptance.overdue).toBe(4);
    expect(province.body.decision.overdue).toBe(2);
    const xiamen = province.body.rows.find((row: { code: string }) => row.code === '350200');
    expect(xiamen).toMatchObject({ acceptance: { overdue: 3, overdueAmount: 6_000_000 }, decision: { overdue: 2 }, total: { overdue: 5 } });
    expect(province.body.rows[0].code).toBe('350200'); // most overdue first

    const city = await get('city', '/api/supervision/regions');
    expect(city.body.region.code).toBe('350200');
    const siming = city.body.rows.find((row: { code: string }) => row.code === '350203');
    expect(siming.acceptance).toMatchObject({ overdue: 2, waiting: 3 });
    // The national user narrows to 福建's children too.
    expect((await get('national', '/api/supervision/regions?region=350000')).body.rows).toEqual(province.body.rows);
  });

  it('answers 403 outside the scope and 400 for what is no region or not a parent', async () => {
    expect((await get('province', '/api/supervision/summary?region=440000')).status).toBe(403);
    expect((await get('city', '/api/supervision/regions?region=350100')).body.error.code).toBe('OUT_OF_SCOPE');
    expect((await get('city', '/api/supervision/demands?region=350102')).status).toBe(403);
    expect((await get('province', '/api/supervision/institutions?region=110000')).status).toBe(403);
    const unknown = await get('national', '/api/supervision/summary?region=999999');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('UNKNOWN_REGION');
    expect((await get('city', '/api/supervision/regions?region=350203')).body.error.code).toBe('INVALID_REGION');
    expect((await get('national', '/api/supervision/summary?region=abc')).body.error.code).toBe('VALIDATION_FAILED');
    expect((await client.request('GET', '/api/supervision/summary')).status).toBe(401);
  });

  it('lists the overdue demands of a rule, longest waiting first, with cursors that belong to their list', async () => {
    const first = await get('city', '/api/supervision/demands?rule=acceptance&limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items.map((row: { orderId: string }) => row.orderId)).toEqual(['sv-o1', 'sv-o2']);
    expect(first.body.items[0]).toMatchObject({ enterpriseName: '督办测试企业sv-x1有限公司', regionName: '福建省 厦门市 思明区', requestedAmount: 1_000_000, acceptedAt: null, institutionName: null });
    expect(first.body.items[0].waitingWorkdays).toBeGreaterThanOrEqual(10);
    expect(first.body.items[0].waitingDays).toBe(19);
    const second = await get('city', `/api/supervision/demands?rule=acceptance&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((row: { orderId: string }) => row.orderId)).toEqual(['sv-o3']);
    expect(second.body.nextCursor).toBeNull();

    const newest = await get('national', '/api/supervision/demands?rule=acceptance&order=desc&limit=100');
    expect(newest.body.items.map((row: { orderId: string }) => row.orderId)).toEqual(['sv-o3', 'sv-o2', 'sv-o1', 'sv-o4', 'sv-o5']);
    const decision = await get('province', `/api/supervision/demands?rule=decision&institutionId=${institutionIds.xiamen}`);
    expect(decision.body.items.map((row: { orderId: string; institutionName: string }) => [row.orderId, row.institutionName])).toEqual([
      ['sv-o7', '厦门督办测试银行'],
      ['sv-o8', '厦门督办测试银行'],
    ]);
    const district = await get('city', '/api/supervision/demands?region=350206');
    expect(district.body.items.map((row: { orderId: string }) => row.orderId)).toEqual(['sv-o3']);
    const keyword = await get('national', `/api/supervision/demands?keyword=${encodeURIComponent('sv-g1')}`);
    expect(keyword.body.items.map((row: { orderId: string }) => row.orderId)).toEqual(['sv-o5']);

    // A cursor of the city's list does not open the nation's, nor the other rule's; garbage is 400.
    for (const path of [
      `/api/supervision/demands?rule=acceptance&cursor=${first.body.nextCursor}`,
      `/api/supervision/demands?rule=decision&cursor=${first.body.nextCursor}`,
      '/api/supervision/demands?cursor=bm90IGEgY3Vyc29y',
    ]) {
      const refused = await get('national', path);
      expect(refused.status, path).toBe(400);
      expect(refused.body.error.code).toBe('INVALID_CURSOR');
    }
    expect((await get('city', '/api/supervision/demands?rule=late')).body.error.code).toBe('VALIDATION_FAILED');
    expect((await get('city', '/api/supervision/demands?limit=0')).status).toBe(400);
    expect((await get('city', '/api/supervision/demands?institutionId=abc')).status).toBe(400);
    // A demand waiting for acceptance has no institution to filter by.
    const noInstitution = await get('city', '/api/supervision/demands?rule=acceptance&institutionId=1');
    expect(noInstitution.status).toBe(400);
    expect(noInstitution.body.error.details).toEqual([expect.objectContaining({ path: 'query.institutionId' })]);
  });

  it('ranks institutions by overdue demands of the scope’s enterprises', async () => {
    const national = await get('national', '/api/supervision/institutions');
    expect(national.body.items.map((row: { institutionId: number; overdue: number }) => [row.institutionId, row.overdue])).toEqual([
      [institutionIds.xiamen, 2],
      [institutionIds.guangzhou, 1],
    ]);
    expect(national.body.items[0]).toMatchObject({ name: '厦门督办测试银行', typeName: '银行', overdueAmount: 15_000_000, waiting: 2 });
    // Inside 福建 the Guangzhou bank has one accepted order (福州), not overdue.
    const fujian = await get('province', '/api/supervision/institutions');
    expect(fujian.body.items.map((row: { institutionId: number }) => row.institutionId)).toEqual([institutionIds.xiamen]);
    expect((await get('national', '/api/supervision/institutions?top=51')).status).toBe(400);
  });

  it('exports the list as the page shows it, and refuses a 数据质量 rule or another scope', async () => {
    const answer = await post('province', '/api/reports', { kind: 'overdue-demands', rule: 'acceptance' });
    expect(answer.status).toBe(201);
    expect(answer.body.fileName).toMatch(/^督办_待受理超时_福建省_截至\d{4}-\d{2}-\d{2}_\d{8}-\d{4}\.xlsx$/);
    const sheet = await download(answer.body.downloadUrl);
    expect(sheet.getRow(2).values).toEqual([undefined, '企业名称', '所在地区', '需求金额(万元)', '提交时间', '受理时间', '受理机构', '等待工作日', '等待天数', '订单编号']);
    const listed = await get('province', '/api/supervision/demands?rule=acceptance&limit=100');
    const names = Array.from({ length: listed.body.items.length }, (_, i) => sheet.getRow(3 + i).getCell(1).value);
    expect(names).toEqual(listed.body.items.map((row: { enterpriseName: string }) => row.enterpriseName));
    expect(sheet.getRow(3).getCell(3).value).toBe(listed.body.items[0].requestedAmount / 10_000);
    expect(sheet.getRow(3 + listed.body.items.length).getCell(1).value).toBe('合计');
    expect((await post('province', '/api/reports', { kind: 'overdue-demands', rule: 'late-event' })).status).toBe(400);
    expect((await post('city', '/api/reports', { kind: 'overdue-demands', region: '350100' })).status).toBe(403);
  });
});

async function download(url: string): Promise<ExcelJS.Worksheet> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as never);
  return workbook.worksheets[0]!;
}

describe('数据质量 per role', () => {
  const count = (body: { rules: { rule: string; count: number }[] }, rule: string) => body.rules.find((entry) => entry.rule === rule)!.count;

  it('counts the warnings by rule in each scope', async () => {
    const national = await get('national', '/api/data-quality/summary');
    expect(national.status).toBe(200);
    expect(count(national.body, 'loan-amount')).toBe(1);
    expect(count(national.body, 'disabled-institution')).toBe(1);
    expect(count(national.body, 'credit-code-names')).toBe(1);
    expect(count(national.body, 'retired-district')).toBe(1);
    // Everything that occurred more than 30 days before it was sent (this test sends its history at once).
    const late = events.filter((event) => Date.now() - Date.parse(event.occurredAt) > 30 * DAY);
    const lateRecords = new Set(late.map((event) => String(event.data.orderId ?? event.data.enterpriseId)));
    expect(count(national.body, 'late-event')).toBe(lateRecords.size);
    const city = await get('city', '/api/data-quality/summary');
    expect(city.body.region.code).toBe('350200');
    expect(count(city.body, 'retired-district')).toBe(1); // 开元区 counts in 思明区, 厦门
    expect(count(city.body, 'loan-amount')).toBe(1);
    const guangdong = await get('national', '/api/data-quality/summary?region=440000');
    expect(count(guangdong.body, 'loan-amount')).toBe(0);
    const regions = await get('province', '/api/data-quality/regions');
    expect(regions.body.rows.find((row: { code: string }) => row.code === '350200').byRule['credit-code-names']).toBe(1);
    const year = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();
    const trend = await get('city', `/api/data-quality/trend?year=${year}`);
    expect(trend.body.months).toHaveLength(12);
    expect(trend.body.months.reduce((sum: number, month: { total: number }) => sum + month.total, 0)).toBeGreaterThan(0);
  });

  it('lists warnings with their values, by rule and status, and pages with cursors', async () => {
    const loans = await get('city', '/api/data-quality/warnings?rule=loan-amount');
    expect(loans.body.items).toHaveLength(1);
    expect(loans.body.items[0]).toMatchObject({
      rule: 'loan-amount', ruleName: '放款金额异常', recordKind: 'order', recordId: 'sv-o11', name: '督办测试企业sv-x2有限公司', regionCode: '350206',
      values: { loanAmount: 900_000, intendedAmount: 500_000, requestedAmount: 1_000_000 }, detail: '放款金额 90.00 万元，意向金额 50.00 万元，需求金额 100.00 万元', checked: false,
    });
    const codes = await get('province', '/api/data-quality/warnings?rule=credit-code-names');
    expect(codes.body.items[0]).toMatchObject({ recordKind: 'enterprise', recordId: 'sv-x4', values: { otherNames: '厦门鹭江贸易有限公司' } });
    const first = await get('national', '/api/data-quality/warnings?limit=3');
    expect(first.body.items).toHaveLength(3);
    const times = first.body.items.map((item: { flaggedAt: string }) => item.flaggedAt);
    expect(times).toEqual([...times].sort().reverse());
    const second = await get('national', `/api/data-quality/warnings?limit=3&cursor=${first.body.nextCursor}`);
    expect(second.body.items[0].flaggedAt <= times[2]).toBe(true);
    expect((await get('city', `/api/data-quality/warnings?cursor=${first.body.nextCursor}`)).body.error.code).toBe('INVALID_CURSOR');
    expect((await get('city', '/api/data-quality/warnings?rule=nope')).status).toBe(400);
    expect((await get('city', '/api/data-quality/warnings?from=2026-13-01')).status).toBe(400);
    // Days that do not exist are refused, not rolled over into the next month.
    expect((await get('city', '/api/data-quality/warnings?from=2026-02-30')).status).toBe(400);
    expect((await get('city', '/api/data-quality/warnings?to=2026-04-31')).status).toBe(400);
    expect((await get('city', '/api/data-quality/warnings?from=2026-05-01&to=2026-04-01')).status).toBe(400);
    expect((await get('province', '/api/data-quality/warnings?region=440100')).status).toBe(403);
    expect((await get('city', '/api/data-quality/summary?region=350100')).status).toBe(403);
  });

  it('marks a warning checked once, with who and when, audited; refuses a stale version, another scope, a missing warning', async () => {
    const listed = (await get('city', '/api/data-quality/warnings?rule=disabled-institution')).body.items[0];
    expect(listed).toMatchObject({ recordId: 'sv-o12', checked: false });
    const body = { kind: 'order', id: 'sv-o12', rule: 'disabled-institution', version: listed.version, note: '已电话核实' };
    // The national user may check it too, but first: what may not pass.
    expect((await post('city', '/api/data-quality/warnings/check', { ...body, version: listed.version + 5 })).body.error).toMatchObject({ code: 'VERSION_CONFLICT', details: { currentVersion: listed.version } });
    expect((await post('city', '/api/data-quality/warnings/check', { ...body, id: 'sv-o5', rule: 'late-event' })).status).toBe(403);
    // Outside the scope the answer is 403 whether the record carries that warning or not.
    expect((await post('city', '/api/data-quality/warnings/check', { ...body, id: 'sv-o5', rule: 'retired-district' })).status).toBe(403);
    expect((await post('city', '/api/data-quality/warnings/check', { ...body, id: 'no-such-order' })).status).toBe(404);
    expect((await post('city', '/api/data-quality/warnings/check', { ...body, rule: 'loan-amount' })).status).toBe(404);
    expect((await post('city', '/api/data-quality/warnings/check', { ...body, id: 'bad id!' })).status).toBe(400);
    expect((await post('city', '/api/data-quality/warnings/check', { ...body, kind: 'account' })).status).toBe(400);

    const checked = await post('city', '/api/data-quality/warnings/check', body);
    expect(checked.status).toBe(200);
    expect(checked.body).toMatchObject({ checked: true, checkedBy: { name: DEMO_ACCOUNTS[2]!.realName }, checkNote: '已电话核实', version: listed.version + 1 });
    const again = await post('province', '/api/data-quality/warnings/check', { ...body, version: listed.version + 1 });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ALREADY_CHECKED');

    await client.stack.capture.drain(60_000);
    const summary = await get('city', '/api/data-quality/summary');
    expect(summary.body.rules.find((rule: { rule: string }) => rule.rule === 'disabled-institution')).toMatchObject({ count: 1, checked: 1, unchecked: 0 });
    expect((await get('city', '/api/data-quality/warnings?rule=disabled-institution&status=unchecked')).body.items).toEqual([]);
    expect((await get('national', '/api/data-quality/warnings?rule=disabled-institution&status=checked')).body.items[0]).toMatchObject({ recordId: 'sv-o12', checked: true });
    const audit = await get('city', '/api/audit-log?action=quality.check');
    expect(audit.body.items[0]).toMatchObject({ action: 'quality.check', actionName: '核查数据质量预警', result: 'success', target: { type: 'order', typeName: '订单', id: 'sv-o12' }, after: { rule: 'disabled-institution', note: '已电话核实' } });
  });

  it('exports the warnings as the list shows them', async () => {
    const answer = await post('city', '/api/reports', { kind: 'quality-warnings', rule: 'loan-amount' });
    expect(answer.status).toBe(201);
    const sheet = await download(answer.body.downloadUrl);
    expect(sheet.getRow(3).getCell(2).value).toBe('放款金额异常');
    expect(sheet.getRow(3).getCell(7).value).toBe('放款金额 90.00 万元，意向金额 50.00 万元，需求金额 100.00 万元');
    expect(sheet.getRow(4).getCell(1).value).toBe('合计');
    expect((await post('city', '/api/reports', { kind: 'quality-warnings', rule: 'decision' })).status).toBe(400);
    expect((await post('city', '/api/reports', { kind: 'quality-warnings', region: '440000' })).status).toBe(403);
  });

  it('reads bounded: a summary is one GetItem, the regions one Query, a page of the list a few Queries', async () => {
    const reads: string[] = [];
    documentClient().middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { Key?: { pk?: string }; ExpressionAttributeValues?: Record<string, unknown>; RequestItems?: Record<string, { Keys?: { pk?: string }[] }> };
        const pk = input.Key?.pk ?? (input.ExpressionAttributeValues?.[':pk'] as string | undefined) ?? Object.values(input.RequestItems ?? {})[0]?.Keys?.[0]?.pk ?? '';
        if (/^(STAT|TREND|OPEN|QFLAG|INSTITUTION#)/.test(pk)) reads.push(`${context.commandName} ${pk}`);
        return next(args);
      },
      { step: 'initialize', name: 'countSupervisionReads' },
    );
    const measure = async (role: Role, path: string) => {
      reads.length = 0;
      expect((await get(role, path)).status).toBe(200);
      return [...reads];
    };
    expect(await measure('national', '/api/supervision/summary')).toHaveLength(4);
    expect(await measure('province', '/api/supervision/regions')).toHaveLength(4);
    expect((await measure('city', '/api/supervision/demands?limit=20')).length).toBeLessThanOrEqual(1);
    expect(await measure('national', '/api/supervision/institutions')).toEqual([expect.stringMatching(/^QueryCommand OPENI#000000#docking/), expect.stringMatching(/^BatchGetItemCommand INSTITUTION#/)]);
    expect(await measure('city', '/api/data-quality/summary')).toEqual(['GetItemCommand STAT#350000#all']);
    expect(await measure('city', '/api/data-quality/regions')).toEqual(['QueryCommand STAT#350200#all']);
    expect(await measure('national', '/api/data-quality/trend')).toHaveLength(1);
    expect((await measure('national', '/api/data-quality/warnings')).length).toBe(1);
  });
});
