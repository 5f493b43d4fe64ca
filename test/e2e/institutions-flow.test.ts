/**
 * 机构管理 end to end on the local stack (docs/console.md, "机构管理"): a city user adds an institution with an
 * uploaded logo, manages its specialists, and can delete it only once they are gone; list order,
 * search, filters and paging; the conflicts and refusals a user can run into.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ensureDemoAccounts, DEMO_ACCOUNTS, DEMO_PASSWORD } from '#tools/demo/accounts';
import { documentClient, tableName } from '#shared/db/client';
import { chinaDay } from '#shared/time';
import { loginWithPassword, useLocalStack } from './harness';
import { institutionBody, PNG, uploadImage } from './institutions-helpers';

const client = useLocalStack();
const [nationalDemo, provinceDemo, cityDemo] = DEMO_ACCOUNTS;
const startedAt = new Date();
let cityToken = '';
let provinceToken = '';
let nationalToken = '';
let logoKey = '';

beforeAll(async () => {
  await ensureDemoAccounts();
  cityToken = await loginWithPassword(client, cityDemo!.phone, DEMO_PASSWORD);
  provinceToken = await loginWithPassword(client, provinceDemo!.phone, DEMO_PASSWORD);
  nationalToken = await loginWithPassword(client, nationalDemo!.phone, DEMO_PASSWORD);
  logoKey = await uploadImage(client, cityToken, 'institution-logo');
});

const addInstitution = (overrides: Record<string, unknown> = {}) =>
  client.request('POST', '/api/institutions', { token: cityToken, body: institutionBody(logoKey, overrides) });

async function auditEntries(targetType: string, targetId: number) {
  const days = new Set([chinaDay(startedAt), chinaDay(new Date())]);
  const entries: Record<string, any>[] = [];
  for (const day of days) {
    const page = await documentClient().send(
      new QueryCommand({ TableName: tableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `AUDIT#${day}` } }),
    );
    entries.push(...(page.Items ?? []).filter((item) => item.targetType === targetType && item.targetId === String(targetId)));
  }
  return entries;
}

describe('institution management end to end', () => {
  it('adds an institution with a logo, manages two specialists and deletes it once they are gone', async () => {
    const created = await client.request('POST', '/api/institutions', {
      token: cityToken,
      body: {
        type: 'bank',
        parentName: '交通银行',
        fullName: '交通银行股份有限公司厦门分行',
        shortName: '交通银行厦门分行',
        logoKey,
        districtCode: '350203',
        address: '思明区湖滨中路 9 号',
        sortOrder: 0,
        intro: '国有大型商业银行',
        status: 'enabled',
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      type: 'bank',
      typeName: '银行',
      parentName: '交通银行',
      districtName: '思明区',
      cityCode: '350200',
      cityName: '厦门市',
      provinceCode: '350000',
      provinceName: '福建省',
      level: 'settled',
      levelName: '入驻机构',
      specialistCount: 0,
      version: 1,
    });
    const logo = await fetch(created.body.logoUrl);
    expect(Buffer.from(await logo.arrayBuffer())).toEqual(PNG.bytes);
    // Shown inline, as exactly the image type its key says: nothing for a browser to sniff.
    expect(logo.headers.get('content-type')).toBe('image/png');
    expect(logo.headers.get('content-disposition')).toBe('inline');
    const id = created.body.id as number;

    const avatarKey = await uploadImage(client, cityToken, 'specialist-avatar');
    const wang = await client.request('POST', `/api/institutions/${id}/specialists`, {
      token: cityToken,
      body: { phone: '18859663914', realName: '王慧', gender: 'female', position: '专管员', avatarKey, status: 'enabled' },
    });
    expect(wang.status).toBe(201);
    expect(wang.body).toMatchObject({ institutionId: id, phone: '18859663914', gender: 'female', position: '专管员', department: null });
    expect(Buffer.from(await (await fetch(wang.body.avatarUrl)).arrayBuffer())).toEqual(PNG.bytes);
    const li = await client.request('POST', `/api/institutions/${id}/specialists`, {
      token: cityToken,
      body: { phone: '13906001234', realName: '李明', department: '普惠金融部', status: 'enabled' },
    });
    expect(li.status).toBe(201);
    expect(li.body).toMatchObject({ gender: null, avatarUrl: null });

    const byPhone = await client.request('GET', `/api/institutions/${id}/specialists?keyword=6639`, { token: cityToken });
    expect(byPhone.body).toMatchObject({ total: 1, page: 1, pageSize: 10 });
    expect(byPhone.body.items.map((s: { realName: string }) => s.realName)).toEqual(['王慧']);
    const byName = await client.request('GET', `/api/institutions/${id}/specialists?keyword=${encodeURIComponent('李')}`, { token: cityToken });
    expect(byName.body.items.map((s: { phone: string }) => s.phone)).toEqual(['13906001234']);
    const all = await client.request('GET', `/api/institutions/${id}/specialists`, { token: cityToken });
    expect(all.body.items.map((s: { id: number }) => s.id)).toEqual([wang.body.id, li.body.id]);

    const refused = await client.request('DELETE', `/api/institutions/${id}`, { token: cityToken });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'INSTITUTION_HAS_SPECIALISTS', details: { specialistCount: 2 } });
    expect(refused.body.error.message).toContain('2 名专管员');
    expect((await client.request('GET', `/api/institutions/${id}`, { token: cityToken })).body.specialistCount).toBe(2);

    expect((await client.request('DELETE', `/api/institutions/${id}/specialists/${wang.body.id}`, { token: cityToken })).status).toBe(204);
    const stillOne = await client.request('DELETE', `/api/institutions/${id}`, { token: cityToken });
    expect(stillOne.body.error.details).toEqual({ specialistCount: 1 });
    expect((await client.request('DELETE', `/api/institutions/${id}/specialists/${li.body.id}`, { token: cityToken })).status).toBe(204);
    expect((await client.request('DELETE', `/api/institutions/${id}`, { token: cityToken })).status).toBe(204);
    expect((await client.request('GET', `/api/institutions/${id}`, { token: cityToken })).status).toBe(404);

    const actions = (await auditEntries('institution', id)).map((entry) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['institution.create', 'institution.delete']));
    const specialistActions = (await auditEntries('specialist', wang.body.id)).map((entry) => entry.action);
    expect(specialistActions).toEqual(expect.arrayContaining(['specialist.create', 'specialist.delete']));
  });

  it('lists by sort order, then id, with fuzzy name search, a type filter and a total', async () => {
    const tag = '排序测试';
    const made: { id: number; sortOrder: number }[] = [];
    for (const [sortOrder, type] of [[3, 'bank'], [1, 'guarantee'], [3, 'bank'], [0, 'trust'], [1, 'bank']] as const) {
      const response = await addInstitution({ fullName: `${tag}机构${made.length + 1}`, sortOrder, type });
      expect(response.status).toBe(201);
      made.push({ id: response.body.id, sortOrder });
    }
    const expected = [...made].sort((a, b) => a.sortOrder - b.sortOrder || a.id - b.id).map((row) => row.id);
    const listed = await client.request('GET', `/api/institutions?name=${encodeURIComponent(tag)}`, { token: cityToken });
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ total: 5, page: 1, pageSize: 10 });
    expect(listed.body.items.map((item: { id: number }) => item.id)).toEqual(expected);
    expect(listed.body.items[0]).toMatchObject({ typeName: '信托公司', provinceName: '福建省', cityName: '厦门市', levelName: '入驻机构' });

    const banks = await client.request('GET', `/api/institutions?name=${encodeURIComponent(tag)}&type=bank`, { token: cityToken });
    expect(banks.body.total).toBe(3);
    expect(banks.body.items.every((item: { type: string }) => item.type === 'bank')).toBe(true);
    const fragment = await client.request('GET', `/api/institutions?name=${encodeURIComponent('序测试机构4')}`, { token: cityToken });
    expect(fragment.body.items.map((item: { id: number }) => item.id)).toEqual([made[3]!.id]);
    const byShortName = await client.request('GET', `/api/institutions?name=${encodeURIComponent('不存在的名称')}`, { token: cityToken });
    expect(byShortName.body).toMatchObject({ items: [], total: 0 });
  });

  it('pages ten at a time and reports the total', async () => {
    const tag = '分页测试';
    for (let i = 1; i <= 12; i += 1) expect((await addInstitution({ fullName: `${tag}${i}`, shortName: `${tag}简称${i}` })).status).toBe(201);
    const first = await client.request('GET', `/api/institutions?name=${encodeURIComponent(tag)}`, { token: cityToken });
    expect(first.body.items).toHaveLength(10);
    expect(first.body.total).toBe(12);
    const second = await client.request('GET', `/api/institutions?name=${encodeURIComponent(tag)}&page=2`, { token: cityToken });
    expect(second.body).toMatchObject({ total: 12, page: 2, pageSize: 10 });
    expect(second.body.items).toHaveLength(2);
    const ids = [...first.body.items, ...second.body.items].map((item: { id: number }) => item.id);
    expect(new Set(ids).size).toBe(12);
  });

  it('shows the province and the nation the institutions in their scope, read-only', async () => {
    const created = await addInstitution({ fullName: '省级可见机构', districtCode: '350206' });
    const id = created.body.id;
    const byProvince = await client.request('GET', `/api/institutions?regionCode=350206&name=${encodeURIComponent('省级可见')}`, { token: provinceToken });
    expect(byProvince.body.items.map((item: { id: number }) => item.id)).toEqual([id]);
    const byNation = await client.request('GET', `/api/institutions?regionCode=350000&name=${encodeURIComponent('省级可见')}`, { token: nationalToken });
    expect(byNation.body.total).toBe(1);
    const nationWide = await client.request('GET', `/api/institutions?name=${encodeURIComponent('省级可见')}`, { token: nationalToken });
    expect(nationWide.body.total).toBe(1);
    expect((await client.request('GET', `/api/institutions/${id}`, { token: provinceToken })).body.fullName).toBe('省级可见机构');
    const write = await client.request('PATCH', `/api/institutions/${id}`, { token: provinceToken, body: { version: 1, intro: '省级修改' } });
    expect(write.status).toBe(403);
  });

  it('refuses a full name the city already has with 409', async () => {
    expect((await addInstitution({ fullName: '中国工商银行股份有限公司厦门分行' })).status).toBe(201);
    const duplicate = await addInstitution({ fullName: '中国工商银行股份有限公司厦门分行' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.code).toBe('INSTITUTION_NAME_TAKEN');
    const renamed = await addInstitution({ fullName: '中国工商银行股份有限公司厦门分行二' });
    const rename = await client.request('PATCH', `/api/institutions/${renamed.body.id}`, {
      token: cityToken,
      body: { version: renamed.body.version, fullName: '中国工商银行股份有限公司厦门分行' },
    });
    expect(rename.status).toBe(409);
  });

  it('refuses a district outside the city with 403 and one that is not a district with 400', async () => {
    const fuzhou = await addInstitution({ districtCode: '350102' });
    expect(fuzhou.status).toBe(403);
    expect(fuzhou.body.error.code).toBe('OUT_OF_SCOPE');
    const city = await addInstitution({ districtCode: '350200' });
    expect(city.status).toBe(400);
    expect(city.body.error).toMatchObject({ code: 'INVALID_REGION', details: [{ path: 'body.districtCode', message: '须为区县' }] });
    const created = await addInstitution();
    const move = await client.request('PATCH', `/api/institutions/${created.body.id}`, { token: cityToken, body: { version: 1, districtCode: '440103' } });
    expect(move.status).toBe(403);
    const inside = await client.request('PATCH', `/api/institutions/${created.body.id}`, { token: cityToken, body: { version: 1, districtCode: '350211' } });
    expect(inside.body).toMatchObject({ districtCode: '350211', districtName: '集美区', version: 2 });
  });

  it('answers a stale version with 409 and applies nothing', async () => {
    const created = await addInstitution();
    const id = created.body.id;
    const first = await client.request('PATCH', `/api/institutions/${id}`, { token: cityToken, body: { version: 1, sortOrder: 8, status: 'disabled' } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ sortOrder: 8, status: 'disabled', version: 2 });
    const stale = await client.request('PATCH', `/api/institutions/${id}`, { token: cityToken, body: { version: 1, shortName: '过期' } });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'VERSION_CONFLICT', details: { currentVersion: 2 } });
    expect((await client.request('GET', `/api/institutions/${id}`, { token: cityToken })).body.shortName).not.toBe('过期');

    const specialist = await client.request('POST', `/api/institutions/${id}/specialists`, {
      token: cityToken,
      body: { phone: '13906005555', realName: '赵敏', status: 'enabled' },
    });
    const path = `/api/institutions/${id}/specialists/${specialist.body.id}`;
    expect((await client.request('PATCH', path, { token: cityToken, body: { version: 1, status: 'disabled' } })).body).toMatchObject({ status: 'disabled', version: 2 });
    expect((await client.request('PATCH', path, { token: cityToken, body: { version: 1, realName: '过期' } })).status).toBe(409);

    const actions = (await auditEntries('institution', id)).map((entry) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['institution.create', 'institution.disable']));
    const disable = (await auditEntries('institution', id)).find((entry) => entry.action === 'institution.disable')!;
    expect(disable).toMatchObject({ before: { sortOrder: 0, status: 'enabled' }, after: { sortOrder: 8, status: 'disabled' } });
  });

  it('keeps specialist phones unique and lets a phone change free the old one', async () => {
    const a = await addInstitution();
    const b = await addInstitution();
    const first = await client.request('POST', `/api/institutions/${a.body.id}/specialists`, {
      token: cityToken,
      body: { phone: '13906007777', realName: '陈一', status: 'enabled' },
    });
    const taken = await client.request('POST', `/api/institutions/${b.body.id}/specialists`, {
      token: cityToken,
      body: { phone: '13906007777', realName: '陈二', status: 'enabled' },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('SPECIALIST_PHONE_TAKEN');
    const moved = await client.request('PATCH', `/api/institutions/${a.body.id}/specialists/${first.body.id}`, {
      token: cityToken,
      body: { version: first.body.version, phone: '13906008888', department: null },
    });
    expect(moved.body).toMatchObject({ phone: '13906008888', version: 2 });
    const reuse = await client.request('POST', `/api/institutions/${b.body.id}/specialists`, {
      token: cityToken,
      body: { phone: '13906007777', realName: '陈二', status: 'enabled' },
    });
    expect(reuse.status).toBe(201);
  });

  it('accepts a logo only once it is uploaded, by the caller, with an allowed type', async () => {
    const grant = await client.request('POST', '/api/uploads', { token: cityToken, body: { purpose: 'institution-logo', contentType: 'image/png', size: 100 } });
    const missing = await addInstitution({ logoKey: grant.body.key });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'UPLOAD_MISSING', details: [{ path: 'body.logoKey', message: '文件不存在' }] });
    const avatar = await uploadImage(client, cityToken, 'specialist-avatar');
    expect((await addInstitution({ logoKey: avatar })).body.error.code).toBe('UPLOAD_NOT_OWNED');
    const html = await uploadImage(client, cityToken, 'institution-logo', { type: 'text/html', bytes: Buffer.from('<script>') }).catch(() => undefined);
    if (html) expect((await addInstitution({ logoKey: html })).status).toBe(415);
  });

  it('documents every institution route in the OpenAPI document', async () => {
    const document = await client.request('GET', '/api/openapi.json');
    const paths = document.body.paths;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining(['/api/institutions', '/api/institutions/{id}', '/api/institutions/{id}/specialists', '/api/institutions/{id}/specialists/{specialistId}']),
    );
    expect(Object.keys(paths['/api/institutions/{id}']).sort()).toEqual(['delete', 'get', 'patch']);
    expect(paths['/api/institutions'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['name', 'type', 'regionCode', 'page', 'pageSize']),
    );
    expect(paths['/api/institutions'].post.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['type', 'fullName', 'shortName', 'logoKey', 'districtCode']),
    );
  });

  it('answers bad input with 400 and field paths, never 500', async () => {
    const bad = await addInstitution({ type: 'pawnshop', sortOrder: -1, fullName: '' });
    expect(bad.status).toBe(400);
    const paths = bad.body.error.details.map((detail: { path: string }) => detail.path);
    expect(paths).toEqual(expect.arrayContaining(['body.type', 'body.sortOrder', 'body.fullName']));
    expect((await client.request('GET', '/api/institutions/abc', { token: cityToken })).status).toBe(400);
    expect((await client.request('GET', '/api/institutions?type=pawnshop', { token: cityToken })).status).toBe(400);
    expect((await client.request('GET', '/api/institutions?regionCode=999999', { token: cityToken })).status).toBe(400);
    expect((await client.request('GET', '/api/institutions/999999', { token: cityToken })).status).toBe(404);
    const badPhone = await client.request('POST', '/api/institutions/1/specialists', { token: cityToken, body: { phone: '12345', realName: '' } });
    expect(badPhone.status).toBe(400);
    expect(badPhone.body.error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['body.phone', 'body.realName']));
    const malformed = await client.request('POST', '/api/institutions', { token: cityToken, rawBody: '{"type":' });
    expect(malformed.status).toBe(400);
    const noVersion = await client.request('PATCH', '/api/institutions/1', { token: cityToken, body: { shortName: 'x' } });
    expect(noVersion.body.error.details).toContainEqual(expect.objectContaining({ path: 'body.version' }));
  });
});
