/**
 * Permission matrix of the accounts API: every route × national / province / city caller × targets
 * in and out of the caller's scope. No out-of-scope read or write succeeds.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createAccount, getAccountById, type NewAccount } from '#shared/db/accounts';
import { hashPassword } from '#shared/auth/passwords';
import { type Role } from '#shared/auth/caller';
import { loginWithPassword, useLocalStack } from './harness';
import { NATION_CODE } from '#shared/reference/regions';

const client = useLocalStack();
const PASSWORD = 'Matrix#2026';

interface Person {
  id: number;
  phone: string;
  token: string;
}

const people: Record<string, Person> = {};
let phoneSeq = 0;

async function person(role: Role, provinceCode: string, cityCode?: string, extra: Partial<NewAccount> = {}) {
  phoneSeq += 1;
  return createAccount({
    phone: `1770000${String(phoneSeq).padStart(4, '0')}`,
    passwordHash: await hashPassword(PASSWORD),
    realName: `用户${phoneSeq}`,
    gender: 'male',
    unit: '测试单位',
    role,
    provinceCode,
    ...(cityCode ? { cityCode } : {}),
    status: 'enabled',
    auditStatus: 'approved',
    ...extra,
  });
}

const DEFINITIONS: Record<string, [Role, string, string?]> = {
  N1: ['national', NATION_CODE],
  N2: ['national', NATION_CODE],
  FJ: ['province', '350000'],
  FJ2: ['province', '350000'],
  GD: ['province', '440000'],
  XM: ['city', '350000', '350200'],
  XM2: ['city', '350000', '350200'],
  FZ: ['city', '350000', '350100'],
  GZ: ['city', '440000', '440100'],
};

/** Who sees whom: callers N1, FJ, XM against every other person. */
const VISIBLE: Record<string, string[]> = {
  N1: ['N2', 'FJ', 'FJ2', 'GD'],
  FJ: ['FJ2', 'XM', 'XM2', 'FZ'],
  XM: ['XM2'],
};
const CALLERS = Object.keys(VISIBLE);

beforeAll(async () => {
  for (const [name, [role, province, city]] of Object.entries(DEFINITIONS)) {
    const account = await person(role, province, city);
    people[name] = { id: account.id, phone: account.phone, token: '' };
  }
  for (const name of CALLERS) people[name]!.token = await loginWithPassword(client, people[name]!.phone, PASSWORD);
});

describe('accounts permission matrix', () => {
  for (const caller of CALLERS) {
    for (const target of Object.keys(DEFINITIONS).filter((name) => name !== caller)) {
      const visible = VISIBLE[caller]!.includes(target);
      it(`${caller} → ${target}: GET and PATCH answer ${visible ? '200/409' : '404'}`, async () => {
        const { token } = people[caller]!;
        const id = people[target]!.id;
        const read = await client.request('GET', `/api/accounts/${id}`, { token });
        expect(read.status).toBe(visible ? 200 : 404);
        // A stale version proves the write path is reachable without changing anything.
        const write = await client.request('PATCH', `/api/accounts/${id}`, { token, body: { version: 999, remark: 'x' } });
        expect(write.status).toBe(visible ? 409 : 404);
        const del = visible ? undefined : await client.request('DELETE', `/api/accounts/${id}`, { token });
        if (del) expect(del.status).toBe(404);
        const audit = await client.request('POST', `/api/accounts/${id}/audit`, { token, body: { decision: 'approve', version: 1 } });
        expect([403, 404, 409]).toContain(audit.status);
        if (!visible) expect(audit.status).toBe(404);
        expect((await getAccountById(id))?.remark).toBeUndefined();
      });
    }
  }

  it('lists exactly the peer and subordinate tiers of each caller', async () => {
    const expectations: Record<string, { peer: string[]; subordinate: string[] | 403 }> = {
      N1: { peer: ['N1', 'N2'], subordinate: ['FJ', 'FJ2', 'GD'] },
      FJ: { peer: ['FJ', 'FJ2'], subordinate: ['XM', 'XM2', 'FZ'] },
      XM: { peer: ['XM', 'XM2'], subordinate: 403 },
    };
    for (const [caller, expected] of Object.entries(expectations)) {
      const { token } = people[caller]!;
      const peer = await client.request('GET', '/api/accounts?tier=peer&pageSize=100', { token });
      const ids = (peer.body.items as { id: number }[]).map((item) => item.id);
      for (const name of expected.peer) expect(ids).toContain(people[name]!.id);
      const outsiders = Object.keys(DEFINITIONS).filter((name) => !expected.peer.includes(name));
      for (const name of outsiders) expect(ids).not.toContain(people[name]!.id);

      const sub = await client.request('GET', '/api/accounts?tier=subordinate&pageSize=100', { token });
      if (expected.subordinate === 403) {
        expect(sub.status).toBe(403);
        continue;
      }
      const subIds = (sub.body.items as { id: number }[]).map((item) => item.id);
      for (const name of Object.keys(DEFINITIONS)) {
        expect(subIds.includes(people[name]!.id)).toBe(expected.subordinate.includes(name));
      }
    }
  });

  it('refuses a region filter outside the scope with 403, not an empty list', async () => {
    const fj = people.FJ!.token;
    expect((await client.request('GET', '/api/accounts?tier=subordinate&regionCode=350200', { token: fj })).status).toBe(200);
    expect((await client.request('GET', '/api/accounts?tier=subordinate&regionCode=440100', { token: fj })).status).toBe(403);
    expect((await client.request('GET', '/api/accounts?tier=peer&regionCode=440000', { token: fj })).status).toBe(403);
    const xm = people.XM!.token;
    expect((await client.request('GET', '/api/accounts?tier=peer&regionCode=350100', { token: xm })).status).toBe(403);
    const n1 = people.N1!.token;
    const gd = await client.request('GET', '/api/accounts?tier=subordinate&regionCode=440000', { token: n1 });
    expect((gd.body.items as { id: number }[]).map((item) => item.id)).toEqual([people.GD!.id]);
  });

  it('lets each caller create only its own level or the level below, inside its scope', async () => {
    const base = { realName: '新用户', gender: 'female', unit: '单位', status: 'enabled' };
    const cases: [string, Record<string, unknown>, number][] = [
      ['N1', { role: 'province', regionCode: '320000' }, 201],
      ['N1', { role: 'city', regionCode: '320100' }, 403],
      ['FJ', { role: 'city', regionCode: '350300' }, 201],
      ['FJ', { role: 'city', regionCode: '440300' }, 403],
      ['FJ', { role: 'province', regionCode: '440000' }, 403],
      ['FJ', { role: 'national' }, 403],
      ['XM', { role: 'city', regionCode: '350100' }, 403],
      ['XM', { role: 'province' }, 403],
    ];
    let seq = 0;
    for (const [caller, extra, status] of cases) {
      seq += 1;
      const response = await client.request('POST', '/api/accounts', {
        token: people[caller]!.token,
        body: { ...base, ...extra, phone: `1880000${String(seq).padStart(4, '0')}` },
      });
      expect(`${caller} ${JSON.stringify(extra)} ${response.status}`).toBe(`${caller} ${JSON.stringify(extra)} ${status}`);
    }
  });

  it('refuses to delete, disable or audit oneself', async () => {
    const fj = people.FJ!;
    const me = await client.request('GET', `/api/accounts/${fj.id}`, { token: fj.token });
    expect((await client.request('DELETE', `/api/accounts/${fj.id}`, { token: fj.token })).status).toBe(403);
    const disable = await client.request('PATCH', `/api/accounts/${fj.id}`, { token: fj.token, body: { version: me.body.version, status: 'disabled' } });
    expect(disable.status).toBe(403);
    const audit = await client.request('POST', `/api/accounts/${fj.id}/audit`, { token: fj.token, body: { decision: 'approve', version: me.body.version } });
    expect(audit.status).toBe(403);
    // One's own password changes only through PUT /me/password, which asks for the current one.
    const password = await client.request('PATCH', `/api/accounts/${fj.id}`, { token: fj.token, body: { version: me.body.version, password: 'Hijack#2026' } });
    expect(password.status).toBe(403);
    expect((await client.request('POST', '/api/auth/login', { body: { phone: fj.phone, password: 'Hijack#2026' } })).status).toBe(401);
  });

  it('lets the right auditor decide pending accounts, and nobody else', async () => {
    const pendingCity = await person('city', '350000', '350200', { auditStatus: 'pending', createdBy: people.XM!.id });
    const pendingProvince = await person('province', '350000', undefined, { auditStatus: 'pending', createdBy: people.FJ!.id });
    const pendingNational = await person('national', NATION_CODE, undefined, { auditStatus: 'pending', createdBy: people.N1!.id });
    const decide = (who: string, id: number) =>
      client.request('POST', `/api/accounts/${id}/audit`, { token: people[who]!.token, body: { decision: 'approve', version: 1 } });

    const seenBy = async (who: string, id: number) => (await client.request('GET', `/api/accounts/${id}`, { token: people[who]!.token })).body;
    expect(await seenBy('FJ', pendingCity.id)).toMatchObject({ canAudit: true, createdBy: people.XM!.id });
    expect(await seenBy('XM', pendingCity.id)).toMatchObject({ canAudit: false });
    expect(await seenBy('N1', pendingNational.id)).toMatchObject({ canAudit: false }); // its creator
    expect((await decide('XM', pendingCity.id)).status).toBe(403); // a peer cannot approve
    expect((await decide('FJ', pendingProvince.id)).status).toBe(403);
    expect((await decide('N1', pendingNational.id)).status).toBe(403); // its creator
    expect((await decide('FJ', pendingCity.id)).status).toBe(200);
    expect((await decide('N1', pendingProvince.id)).status).toBe(200);
    const n2 = await loginWithPassword(client, people.N2!.phone, PASSWORD);
    const byOther = await client.request('POST', `/api/accounts/${pendingNational.id}/audit`, { token: n2, body: { decision: 'reject', reason: '材料不全', version: 1 } });
    expect(byOther.status).toBe(200);
    expect(byOther.body).toMatchObject({ auditStatus: 'rejected', auditReason: '材料不全' });
    // A rejected account can be decided again once corrected; an approved one cannot.
    const again = await client.request('POST', `/api/accounts/${pendingNational.id}/audit`, { token: n2, body: { decision: 'approve', version: byOther.body.version } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ auditStatus: 'approved', auditReason: null });
    expect((await decide('FJ', pendingCity.id)).status).toBe(409); // no longer pending
  });

  it('refuses a phone change with 400', async () => {
    const xm2 = people.XM2!;
    const current = await client.request('GET', `/api/accounts/${xm2.id}`, { token: people.XM!.token });
    const response = await client.request('PATCH', `/api/accounts/${xm2.id}`, {
      token: people.XM!.token,
      body: { version: current.body.version, phone: '13900000000' },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('PHONE_IMMUTABLE');
  });
});
