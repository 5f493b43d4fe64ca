/**
 * 审计日志 (GET /api/audit-log): each level reads its own scope's entries and nothing else, narrows to
 * a region inside it (403 outside), filters by actor, action, target, result and dates, pages with a
 * cursor across month partitions without losing or repeating an entry, and never shows a full phone;
 * the Excel export (POST /api/reports, kind audit-log) holds exactly what the page lists.
 */
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '#shared/db/accounts';
import { actorOf, writeAudit } from '#shared/db/audit';
import { hashPassword } from '#shared/auth/passwords';
import type { Role } from '#shared/auth/caller';
import { NATION_CODE } from '#shared/reference/regions';
import { chinaIsoDate } from '#shared/time';
import { loginWithPassword, useLocalStack } from './harness';

const client = useLocalStack();
const PASSWORD = 'Audit#2026';

const DEFINITIONS: Record<string, [Role, string, string?]> = {
  N: ['national', NATION_CODE],
  FJ: ['province', '350000'],
  XM: ['city', '350000', '350200'],
  FZ: ['city', '350000', '350100'],
  GD: ['province', '440000'],
  GZ: ['city', '440000', '440100'],
};
const people: Record<string, { id: number; phone: string; name: string; token: string }> = {};
const UNKNOWN_PHONE = '13911112222';

interface Entry {
  id: string;
  time: string;
  action: string;
  actionName: string;
  result: 'success' | 'failure';
  actor: { accountId: number | null; name: string | null; phone: string | null; regionName: string | null };
  target: { type: string | null; typeName: string | null; id: string | null };
}

async function all(token: string, query: string): Promise<Entry[]> {
  const entries: Entry[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 200; page += 1) {
    const suffix: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const response = await client.request('GET', `/api/audit-log?${query}${suffix}`, { token });
    expect(response.status, response.text).toBe(200);
    entries.push(...(response.body.items as Entry[]));
    cursor = response.body.nextCursor;
    if (!cursor) return entries;
  }
  throw new Error('too many pages');
}

const actorsOf = (entries: Entry[]) => new Set(entries.map((entry) => entry.actor.accountId));

beforeAll(async () => {
  let seq = 0;
  for (const [key, [role, province, city]] of Object.entries(DEFINITIONS)) {
    seq += 1;
    const name = `审计${key}`;
    const account = await createAccount({
      phone: `1760000${String(seq).padStart(4, '0')}`,
      passwordHash: await hashPassword(PASSWORD),
      realName: name,
      gender: 'male',
      unit: '测试单位',
      role,
      provinceCode: province,
      ...(city ? { cityCode: city } : {}),
      status: 'enabled',
      auditStatus: 'approved',
    });
    people[key] = { id: account.id, phone: account.phone, name, token: '' };
  }
  for (const key of Object.keys(DEFINITIONS)) people[key]!.token = await loginWithPassword(client, people[key]!.phone, PASSWORD);
  // A wrong password for XM and a sign-in attempt for a phone without an account.
  expect((await client.request('POST', '/api/auth/login', { body: { phone: people.XM!.phone, password: 'Wrong#0000' } })).status).toBe(401);
  expect((await client.request('POST', '/api/auth/login', { body: { phone: UNKNOWN_PHONE, password: 'Wrong#0000' } })).status).toBe(401);
  // Entries of XM in the two months before this one, so pages cross month partitions.
  const xm = { ...actorOf({ accountId: people.XM!.id, role: 'city', provinceCode: '350000', cityCode: '350200', phone: people.XM!.phone }), realName: people.XM!.name };
  const now = Date.now();
  for (let i = 0; i < 12; i += 1) {
    await writeAudit({ action: 'account.update', outcome: 'success', actor: xm, targetType: 'account', targetId: 9000 + i, sourceIp: '10.0.0.1' }, new Date(now - (20 + i * 3) * 86_400_000));
  }
});

describe('audit log scope', () => {
  const since = () => chinaIsoDate(new Date(Date.now() - 90 * 86_400_000));

  it('shows the national user every entry, including sign-in attempts for unknown phones', async () => {
    const entries = await all(people.N!.token, `from=${since()}&limit=100`);
    const actors = actorsOf(entries);
    for (const key of Object.keys(DEFINITIONS)) expect(actors.has(people[key]!.id)).toBe(true);
    const unknown = entries.filter((entry) => entry.actor.accountId === null && entry.action === 'auth.login');
    expect(unknown.length).toBeGreaterThanOrEqual(1);
    expect(unknown[0]!.actor.phone).toBe('139****2222');
    expect(unknown[0]!.result).toBe('failure');
  });

  it('shows a province user its province and its cities, nothing of other provinces or of the nation', async () => {
    const actors = actorsOf(await all(people.FJ!.token, `from=${since()}&limit=100`));
    expect([...actors].sort()).toEqual([people.FJ!.id, people.XM!.id, people.FZ!.id].sort());
  });

  it('shows a city user its city only', async () => {
    const actors = actorsOf(await all(people.XM!.token, `from=${since()}&limit=100`));
    expect([...actors]).toEqual([people.XM!.id]);
  });

  it('narrows to a region inside the scope and refuses one outside it with 403', async () => {
    const inside = await all(people.FJ!.token, `region=350100&from=${since()}`);
    expect([...actorsOf(inside)]).toEqual([people.FZ!.id]);
    expect((await client.request('GET', '/api/audit-log?region=440000', { token: people.FJ!.token })).status).toBe(403);
    expect((await client.request('GET', '/api/audit-log?region=350000', { token: people.XM!.token })).status).toBe(403);
    expect((await client.request('GET', '/api/audit-log?region=350100', { token: people.XM!.token })).status).toBe(403);
    const gd = await all(people.N!.token, `region=440000&from=${since()}`);
    expect([...actorsOf(gd)].sort()).toEqual([people.GD!.id, people.GZ!.id].sort());
  });

  it('refuses callers without a session', async () => {
    expect((await client.request('GET', '/api/audit-log')).status).toBe(401);
  });
});

describe('audit log filters and paging', () => {
  const since = () => chinaIsoDate(new Date(Date.now() - 90 * 86_400_000));

  it('filters by action prefix, result, actor and target', async () => {
    const token = people.N!.token;
    const failures = await all(token, `action=auth.&result=failure&from=${since()}`);
    expect(failures.length).toBeGreaterThanOrEqual(2);
    expect(failures.every((entry) => entry.action.startsWith('auth.') && entry.result === 'failure')).toBe(true);
    const byName = await all(token, `actor=${encodeURIComponent('审计XM')}&from=${since()}`);
    expect(byName.length).toBe(12 + 2);
    expect(byName.every((entry) => entry.actor.accountId === people.XM!.id)).toBe(true);
    const byId = await all(token, `actor=${people.GD!.id}&from=${since()}`);
    expect(byId.map((entry) => entry.action)).toEqual(['auth.login']);
    const byTarget = await all(token, `target=9003&from=${since()}`);
    expect(byTarget).toHaveLength(1);
    expect(byTarget[0]!.actionName).toBe('编辑账号');
  });

  it('limits by date: the default is the last 30 days', async () => {
    const recent = await all(people.XM!.token, 'limit=100');
    const old = recent.filter((entry) => Date.now() - Date.parse(entry.time) > 31 * 86_400_000);
    expect(old).toEqual([]);
    const longer = await all(people.XM!.token, `from=${since()}&limit=100`);
    expect(longer.length).toBeGreaterThan(recent.length);
  });

  it('pages with a cursor across months: every entry once, newest first, same as one long page', async () => {
    const token = people.FJ!.token;
    const whole = await all(token, `from=${since()}&limit=100`);
    const paged = await all(token, `from=${since()}&limit=3`);
    expect(paged.map((entry) => entry.id)).toEqual(whole.map((entry) => entry.id));
    expect(new Set(paged.map((entry) => entry.id)).size).toBe(paged.length);
    const times = paged.map((entry) => entry.time);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('answers 400 for a bad cursor, a reversed or too long range, and a malformed action', async () => {
    const token = people.N!.token;
    const cases = ['cursor=not-a-cursor', 'from=2026-05-02&to=2026-05-01', 'from=2024-01-01&to=2026-05-01', 'action=DROP%20TABLE', 'limit=1000'];
    for (const query of cases) {
      const response = await client.request('GET', `/api/audit-log?${query}`, { token });
      expect(response.status, query).toBe(400);
      expect(response.body.error.code).toBeTruthy();
    }
  });

  it('never shows a full phone number', async () => {
    const response = await client.request('GET', `/api/audit-log?from=${since()}&limit=100`, { token: people.N!.token });
    for (const person of Object.values(people)) expect(response.text).not.toContain(person.phone);
    expect(response.text).not.toContain(UNKNOWN_PHONE);
  });
});

describe('audit log export', () => {
  const since = () => chinaIsoDate(new Date(Date.now() - 90 * 86_400_000));

  async function sheetOf(token: string, body: Record<string, unknown>) {
    const answer = await client.request('POST', '/api/reports', { token, body: { kind: 'audit-log', ...body } });
    expect(answer.status, answer.text).toBe(201);
    const response = await fetch(answer.body.downloadUrl);
    expect(response.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as never);
    return { sheet: workbook.worksheets[0]!, fileName: answer.body.fileName as string };
  }

  it('writes the rows the page lists, in its order, under the scope and filters, phones masked, no totals row', async () => {
    const token = people.FJ!.token;
    const listed = await all(token, `from=${since()}&action=account.&limit=100`);
    const { sheet, fileName } = await sheetOf(token, { from: since(), action: 'account.' });
    expect(fileName).toMatch(/^审计日志_福建省_\d{4}-\d{2}-\d{2}至\d{4}-\d{2}-\d{2}_\d{8}-\d{4}\.xlsx$/);
    expect(sheet.getRow(2).getCell(1).value).toBe('时间');
    expect(sheet.getRow(2).getCell(7).value).toBe('操作');
    const rows: string[][] = [];
    sheet.eachRow((row, number) => {
      if (number > 2) rows.push([String(row.getCell(3).value), String(row.getCell(7).value), String(row.getCell(9).value)]);
    });
    expect(rows).toEqual(listed.map((entry) => [String(entry.actor.accountId), entry.actionName, `${entry.target.typeName} ${entry.target.id}`]));
    expect(rows.length).toBe(12);
    const phones = new Set<string>();
    sheet.eachRow((row) => row.eachCell((cell) => phones.add(String(cell.value))));
    for (const person of Object.values(people)) expect([...phones].some((value) => value.includes(person.phone))).toBe(false);
  });

  it('refuses a region outside the scope and records the export itself in the log', async () => {
    const token = people.XM!.token;
    const outside = await client.request('POST', '/api/reports', { token, body: { kind: 'audit-log', region: '350100' } });
    expect(outside.status).toBe(403);
    const failures = await sheetOf(token, { result: 'failure' });
    const reasons: string[] = [];
    failures.sheet.eachRow((row, number) => {
      if (number > 2) reasons.push(String(row.getCell(11).value ?? ''));
    });
    // The wrong password of beforeAll, in words.
    expect(reasons).toContain('密码登录：密码错误');
    const exports = await all(token, 'action=report.export');
    expect(exports.some((entry) => entry.target.id === 'audit-log')).toBe(true);
  });
});
