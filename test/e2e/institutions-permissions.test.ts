/**
 * Permission matrix of the institutions API: every route × national / province / city caller ×
 * institutions inside and outside the caller's scope. Reads: the nation everywhere, a province and a
 * city inside themselves (404 outside). Writes: only users of the institution's own city (province and
 * national callers 403, another city 404). Denied writes change nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '#shared/db/accounts';
import { hashPassword } from '#shared/auth/passwords';
import { type Role } from '#shared/auth/caller';
import { createInstitution, getInstitution, type NewInstitution } from '#shared/db/institutions';
import { createSpecialist, getSpecialist } from '#shared/db/specialists';
import { loginWithPassword, useLocalStack } from './harness';
import { institutionBody, uploadImage } from './institutions-helpers';
import { NATION_CODE } from '#shared/reference/regions';

const client = useLocalStack();
const PASSWORD = 'Matrix#2026';

const CALLERS: Record<string, [Role, string, string?]> = {
  N1: ['national', NATION_CODE],
  FJ: ['province', '350000'],
  GD: ['province', '440000'],
  XM: ['city', '350000', '350200'],
  XM2: ['city', '350000', '350200'],
  FZ: ['city', '350000', '350100'],
};

/** One institution in each of three cities (two in 福建, one in 广东). */
const PLACES: Record<string, Pick<NewInstitution, 'provinceCode' | 'cityCode' | 'districtCode'>> = {
  XM: { provinceCode: '350000', cityCode: '350200', districtCode: '350203' },
  FZ: { provinceCode: '350000', cityCode: '350100', districtCode: '350102' },
  GZ: { provinceCode: '440000', cityCode: '440100', districtCode: '440103' },
};
const TARGETS = Object.keys(PLACES);

/** Which targets each caller may read and which it may manage. */
const READS: Record<string, string[]> = {
  N1: ['XM', 'FZ', 'GZ'],
  FJ: ['XM', 'FZ'],
  GD: ['GZ'],
  XM: ['XM'],
  XM2: ['XM'],
  FZ: ['FZ'],
};
const MANAGES: Record<string, string[]> = { N1: [], FJ: [], GD: [], XM: ['XM'], XM2: ['XM'], FZ: ['FZ'] };

const tokens: Record<string, string> = {};
const logos: Record<string, string> = {};
const targets: Record<string, { id: number; specialistId: number }> = {};
let seq = 0;
let phoneSeq = 0;

const nextPhone = () => `1360000${String((phoneSeq += 1)).padStart(4, '0')}`;

async function institutionIn(place: string) {
  seq += 1;
  return createInstitution({
    type: 'bank',
    fullName: `矩阵测试机构${seq}`,
    shortName: `矩阵${seq}`,
    logoKey: 'uploads/0/institution-logo/matrix.png',
    ...PLACES[place]!,
    sortOrder: 0,
    status: 'enabled',
    createdBy: 0,
  });
}

const specialistIn = (institutionId: number) =>
  createSpecialist(institutionId, { phone: nextPhone(), realName: '矩阵专管员', status: 'enabled', createdBy: 0 });

/** The expected status of a manage route for a caller and target, given the status on success. */
function manageStatus(caller: string, target: string, success: number): number {
  if (CALLERS[caller]![0] !== 'city') return 403;
  return MANAGES[caller]!.includes(target) ? success : 404;
}

beforeAll(async () => {
  let phone = 0;
  for (const [name, [role, provinceCode, cityCode]] of Object.entries(CALLERS)) {
    phone += 1;
    const account = await createAccount({
      phone: `1770001${String(phone).padStart(4, '0')}`,
      passwordHash: await hashPassword(PASSWORD),
      realName: `矩阵${name}`,
      gender: 'male',
      unit: '测试单位',
      role,
      provinceCode,
      ...(cityCode ? { cityCode } : {}),
      status: 'enabled',
      auditStatus: 'approved',
    });
    tokens[name] = await loginWithPassword(client, account.phone, PASSWORD);
    if (role === 'city') logos[name] = await uploadImage(client, tokens[name]!, 'institution-logo');
  }
  for (const place of TARGETS) {
    const institution = await institutionIn(place);
    const specialist = await specialistIn(institution.id);
    targets[place] = { id: institution.id, specialistId: specialist.id };
  }
});

describe('institutions permission matrix', () => {
  for (const caller of Object.keys(CALLERS)) {
    for (const target of TARGETS) {
      const canRead = READS[caller]!.includes(target);
      const canManage = MANAGES[caller]!.includes(target);
      const writes = canManage ? '2xx' : CALLERS[caller]![0] === 'city' ? '404' : '403';

      it(`${caller} → ${target}: GET ${canRead ? 200 : 404}`, async () => {
        const response = await client.request('GET', `/api/institutions/${targets[target]!.id}`, { token: tokens[caller] });
        expect(response.status).toBe(canRead ? 200 : 404);
      });

      it(`${caller} → ${target}: PATCH institution ${writes}`, async () => {
        const { id } = targets[target]!;
        const before = (await getInstitution(id))!;
        const intro = `${caller} 修改`;
        const response = await client.request('PATCH', `/api/institutions/${id}`, { token: tokens[caller], body: { version: before.version, intro } });
        expect(response.status).toBe(manageStatus(caller, target, 200));
        expect((await getInstitution(id))!.intro === intro).toBe(canManage);
      });

      it(`${caller} → ${target}: DELETE institution ${writes}`, async () => {
        const doomed = await institutionIn(target);
        const response = await client.request('DELETE', `/api/institutions/${doomed.id}`, { token: tokens[caller] });
        expect(response.status).toBe(manageStatus(caller, target, 204));
        expect((await getInstitution(doomed.id)) === undefined).toBe(canManage);
      });

      it(`${caller} → ${target}: GET specialists ${writes}`, async () => {
        const response = await client.request('GET', `/api/institutions/${targets[target]!.id}/specialists`, { token: tokens[caller] });
        expect(response.status).toBe(manageStatus(caller, target, 200));
        if (canManage) expect(response.body.total).toBeGreaterThanOrEqual(1);
      });

      it(`${caller} → ${target}: POST specialist ${writes}`, async () => {
        const { id } = targets[target]!;
        const countBefore = (await getInstitution(id))!.specialistCount;
        const response = await client.request('POST', `/api/institutions/${id}/specialists`, {
          token: tokens[caller],
          body: { phone: nextPhone(), realName: '新专管员', status: 'enabled' },
        });
        expect(response.status).toBe(manageStatus(caller, target, 201));
        expect((await getInstitution(id))!.specialistCount).toBe(countBefore + (canManage ? 1 : 0));
      });

      it(`${caller} → ${target}: PATCH specialist ${writes}`, async () => {
        const { id, specialistId } = targets[target]!;
        const before = (await getSpecialist(id, specialistId))!;
        const realName = `${caller}改名`;
        const response = await client.request('PATCH', `/api/institutions/${id}/specialists/${specialistId}`, {
          token: tokens[caller],
          body: { version: before.version, realName },
        });
        expect(response.status).toBe(manageStatus(caller, target, 200));
        expect((await getSpecialist(id, specialistId))!.realName === realName).toBe(canManage);
      });

      it(`${caller} → ${target}: DELETE specialist ${writes}`, async () => {
        const { id } = targets[target]!;
        const doomed = await specialistIn(id);
        const response = await client.request('DELETE', `/api/institutions/${id}/specialists/${doomed.id}`, { token: tokens[caller] });
        expect(response.status).toBe(manageStatus(caller, target, 204));
        expect((await getSpecialist(id, doomed.id)) === undefined).toBe(canManage);
      });

      it(`${caller} → ${target}: POST institution there ${CALLERS[caller]![0] !== 'city' ? 403 : canManage ? 201 : 403}`, async () => {
        const logoKey = logos[caller] ?? 'uploads/0/institution-logo/none.png';
        const response = await client.request('POST', '/api/institutions', {
          token: tokens[caller],
          body: institutionBody(logoKey, { districtCode: PLACES[target]!.districtCode }),
        });
        // Creating in another city is a scope violation (403), not an unknown record.
        expect(response.status).toBe(canManage ? 201 : 403);
      });
    }
  }

  it('lists exactly the institutions of each caller’s scope', async () => {
    for (const caller of Object.keys(CALLERS)) {
      const listed = await client.request('GET', `/api/institutions?name=${encodeURIComponent('矩阵测试机构')}&pageSize=100`, { token: tokens[caller] });
      expect(listed.status).toBe(200);
      const ids = (listed.body.items as { id: number }[]).map((item) => item.id);
      for (const target of TARGETS) {
        expect(`${caller} sees ${target}: ${ids.includes(targets[target]!.id)}`).toBe(`${caller} sees ${target}: ${READS[caller]!.includes(target)}`);
      }
    }
  });

  it('narrows a list by a region inside the scope and refuses one outside with 403', async () => {
    const cases: [string, string, number][] = [
      ['N1', '440000', 200],
      ['N1', '440103', 200],
      ['FJ', '350200', 200],
      ['FJ', '350102', 200],
      ['FJ', '440100', 403],
      ['FJ', NATION_CODE, 403],
      ['GD', '350000', 403],
      ['XM', '350203', 200],
      ['XM', '350100', 403],
      ['XM', '350000', 403],
      ['FZ', '350200', 403],
    ];
    for (const [caller, regionCode, status] of cases) {
      const response = await client.request('GET', `/api/institutions?regionCode=${regionCode}`, { token: tokens[caller] });
      expect(`${caller} ${regionCode} ${response.status}`).toBe(`${caller} ${regionCode} ${status}`);
    }
    const guangdong = await client.request('GET', `/api/institutions?regionCode=440000&pageSize=100`, { token: tokens.N1 });
    expect(guangdong.body.items.every((item: { provinceCode: string }) => item.provinceCode === '440000')).toBe(true);
    expect(guangdong.body.items.map((item: { id: number }) => item.id)).toContain(targets.GZ!.id);
  });

  it('finds a specialist only through its own institution', async () => {
    const other = await institutionIn('XM');
    const response = await client.request('PATCH', `/api/institutions/${other.id}/specialists/${targets.XM!.specialistId}`, {
      token: tokens.XM,
      body: { version: 1, realName: '串号' },
    });
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('SPECIALIST_NOT_FOUND');
    const deleted = await client.request('DELETE', `/api/institutions/${other.id}/specialists/${targets.XM!.specialistId}`, { token: tokens.XM });
    expect(deleted.status).toBe(404);
  });

  it('refuses logo and avatar uploads to province and national users', async () => {
    for (const caller of ['N1', 'FJ']) {
      const response = await client.request('POST', '/api/uploads', { token: tokens[caller], body: { purpose: 'institution-logo', contentType: 'image/png', size: 10 } });
      expect(response.status).toBe(403);
    }
  });

  it('refuses every route without a session', async () => {
    const { id, specialistId } = targets.XM!;
    const calls: [string, string][] = [
      ['GET', '/api/institutions'],
      ['POST', '/api/institutions'],
      ['GET', `/api/institutions/${id}`],
      ['PATCH', `/api/institutions/${id}`],
      ['DELETE', `/api/institutions/${id}`],
      ['GET', `/api/institutions/${id}/specialists`],
      ['POST', `/api/institutions/${id}/specialists`],
      ['PATCH', `/api/institutions/${id}/specialists/${specialistId}`],
      ['DELETE', `/api/institutions/${id}/specialists/${specialistId}`],
    ];
    for (const [method, path] of calls) {
      const body = method === 'POST' || method === 'PATCH' ? (path.includes('specialists') ? { version: 1, phone: '13900000000', realName: 'x' } : { ...institutionBody('k'), version: 1 }) : undefined;
      const response = await client.request(method, path, { body });
      expect(`${method} ${path} ${response.status}`).toBe(`${method} ${path} 401`);
    }
  });
});
