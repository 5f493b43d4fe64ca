/**
 * Account management end to end on the local stack: subordinate and peer creation, the audit
 * workflow, disabling, uploads verified before use, and concurrent writes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoAccounts, DEMO_ACCOUNTS, DEMO_PASSWORD } from '#tools/demo/accounts';
import { loginWithPassword, useLocalStack, type Client } from './harness';

const client = useLocalStack();
const [, provinceDemo, cityDemo] = DEMO_ACCOUNTS;
let provinceToken = '';
let cityToken = '';

beforeAll(async () => {
  await ensureDemoAccounts();
  provinceToken = await loginWithPassword(client, provinceDemo!.phone, DEMO_PASSWORD);
  cityToken = await loginWithPassword(client, cityDemo!.phone, DEMO_PASSWORD);
});

async function upload(c: Client, token: string, file: { type: string; bytes: Buffer }, declaredType = file.type) {
  const grant = await c.request('POST', '/api/uploads', {
    token,
    body: { purpose: 'authorization-letter', contentType: declaredType, size: file.bytes.length },
  });
  expect(grant.status).toBe(201);
  const form = new FormData();
  for (const [name, value] of Object.entries(grant.body.fields as Record<string, string>)) form.append(name, value);
  form.set('Content-Type', file.type);
  form.append('file', new Blob([file.bytes], { type: file.type }), 'letter');
  const posted = await fetch(grant.body.url, { method: 'POST', body: form });
  expect(posted.status).toBeLessThan(300);
  return grant.body.key as string;
}

const PDF = { type: 'application/pdf', bytes: Buffer.from('%PDF-1.4\n% 授权书\n') };

async function bindCode(phone: string): Promise<string> {
  const requested = await client.request('POST', '/api/auth/sms-codes', { token: cityToken, body: { phone, purpose: 'bind' } });
  expect(requested.status).toBe(202);
  const outbox = await client.request('GET', `/api/dev/sms-outbox?phone=${phone}`);
  return outbox.body.find((message: { purpose: string }) => message.purpose === 'bind').code;
}

describe('accounts end to end', () => {
  it('a province adds a city account that is approved and can log in', async () => {
    const created = await client.request('POST', '/api/accounts', {
      token: provinceToken,
      body: { role: 'city', regionCode: '350100', phone: '15900000001', password: 'City#2026x', realName: '王五', gender: 'male', unit: '福州市发改委', status: 'enabled' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ role: 'city', provinceName: '福建省', cityName: '福州市', auditStatus: 'approved', phone: '15900000001' });
    await expect(loginWithPassword(client, '15900000001', 'City#2026x')).resolves.toBeTruthy();

    const listed = await client.request('GET', '/api/accounts?tier=subordinate&name=王', { token: provinceToken });
    expect(listed.body.items.map((item: { phone: string }) => item.phone)).toContain('15900000001');
    expect(listed.body).toMatchObject({ page: 1, pageSize: 10 });
  });

  it('a city user adds a pending peer; the province approves it; disabling kills its session', async () => {
    const key = await upload(client, cityToken, PDF);
    const code = await bindCode('15900000002');
    const created = await client.request('POST', '/api/accounts', {
      token: cityToken,
      body: {
        role: 'city', phone: '15900000002', smsCode: code, password: 'Peer#2026x', realName: '陈西',
        gender: 'female', unit: '厦门市发展和改革委员会', department: '信用科', status: 'enabled', authorizationLetterKey: key,
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ auditStatus: 'pending', cityCode: '350200' });
    expect(created.body.authorizationLetterUrl).toMatch(/^http/);
    const letter = await fetch(created.body.authorizationLetterUrl);
    expect(Buffer.from(await letter.arrayBuffer()).toString()).toContain('%PDF-1.4');

    const pendingLogin = await client.request('POST', '/api/auth/login', { body: { phone: '15900000002', password: 'Peer#2026x' } });
    expect(pendingLogin.status).toBe(403);
    expect(pendingLogin.body.error.code).toBe('ACCOUNT_PENDING_AUDIT');

    const pending = await client.request('GET', '/api/accounts?tier=subordinate&auditStatus=pending', { token: provinceToken });
    const entry = pending.body.items.find((item: { phone: string }) => item.phone === '15900000002');
    expect(entry).toBeTruthy();
    const approved = await client.request('POST', `/api/accounts/${entry.id}/audit`, {
      token: provinceToken,
      body: { decision: 'approve', version: entry.version },
    });
    expect(approved.status).toBe(200);
    const peerToken = await loginWithPassword(client, '15900000002', 'Peer#2026x');
    expect((await client.request('GET', '/api/me', { token: peerToken })).status).toBe(200);

    const disabled = await client.request('PATCH', `/api/accounts/${entry.id}`, {
      token: cityToken,
      body: { version: approved.body.version, status: 'disabled' },
    });
    expect(disabled.status).toBe(200);
    expect((await client.request('GET', '/api/me', { token: peerToken })).status).toBe(401);
    const again = await client.request('POST', '/api/auth/login', { body: { phone: '15900000002', password: 'Peer#2026x' } });
    expect(again.body.error.code).toBe('ACCOUNT_DISABLED');
  });

  it('refuses a peer without a valid bind code or without a letter', async () => {
    const key = await upload(client, cityToken, PDF);
    const base = { role: 'city', phone: '15900000003', realName: '李四', gender: 'male', unit: '单位', status: 'enabled' };
    const noLetter = await client.request('POST', '/api/accounts', { token: cityToken, body: { ...base, smsCode: '123456' } });
    expect(noLetter.status).toBe(400);
    expect(noLetter.body.error.details).toContainEqual(expect.objectContaining({ path: 'body.authorizationLetterKey' }));
    const wrongCode = await client.request('POST', '/api/accounts', { token: cityToken, body: { ...base, smsCode: '000000', authorizationLetterKey: key } });
    expect(wrongCode.status).toBe(400);
    expect(wrongCode.body.error.code).toBe('INVALID_SMS_CODE');
  });

  it('accepts an upload key only from its owner, once the object exists with an allowed type and size', async () => {
    const base = { role: 'city', regionCode: '350300', realName: '赵六', gender: 'male', unit: '单位', status: 'enabled' };
    const cityKey = await upload(client, cityToken, PDF);
    const foreign = await client.request('POST', '/api/accounts', { token: provinceToken, body: { ...base, phone: '15900000004', authorizationLetterKey: cityKey } });
    expect(foreign.body.error?.code).toBe('UPLOAD_NOT_OWNED');

    const grant = await client.request('POST', '/api/uploads', { token: provinceToken, body: { purpose: 'authorization-letter', contentType: 'application/pdf', size: 10 } });
    const missing = await client.request('POST', '/api/accounts', { token: provinceToken, body: { ...base, phone: '15900000005', authorizationLetterKey: grant.body.key } });
    expect(missing.body.error?.code).toBe('UPLOAD_MISSING');

    // The local S3 enforces no POST policy: the server's own check must catch a wrong type.
    const html = await upload(client, provinceToken, { type: 'text/html', bytes: Buffer.from('<script>') }, 'application/pdf');
    const wrongType = await client.request('POST', '/api/accounts', { token: provinceToken, body: { ...base, phone: '15900000006', authorizationLetterKey: html } });
    expect(wrongType.status).toBe(415);

    const odd = await client.request('POST', '/api/accounts', { token: provinceToken, body: { ...base, phone: '15900000007', authorizationLetterKey: `${grant.body.key.slice(0, -4)}\u0000.pdf` } });
    expect(odd.body.error?.code).toBe('UPLOAD_NOT_OWNED');

    const tooBig = await client.request('POST', '/api/uploads', { token: provinceToken, body: { purpose: 'authorization-letter', contentType: 'application/pdf', size: 6 * 1024 * 1024 } });
    expect(tooBig.status).toBe(413);
    const badType = await client.request('POST', '/api/uploads', { token: provinceToken, body: { purpose: 'authorization-letter', contentType: 'application/zip', size: 100 } });
    expect(badType.status).toBe(415);
    const logo = await client.request('POST', '/api/uploads', { token: provinceToken, body: { purpose: 'institution-logo', contentType: 'image/png', size: 100 } });
    expect(logo.status).toBe(403);
  });

  it('lets exactly one of two parallel creates of the same phone succeed', async () => {
    const body = { role: 'city', regionCode: '350400', phone: '15900000010', realName: '并发', gender: 'male', unit: '单位', status: 'enabled' };
    const answers = await Promise.all([0, 1, 2].map(() => client.request('POST', '/api/accounts', { token: provinceToken, body })));
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409, 409]);
    expect(answers.find((answer) => answer.status === 409)!.body.error.code).toBe('PHONE_TAKEN');
  });

  it('lets exactly one of two parallel edits with the same version succeed', async () => {
    const created = await client.request('POST', '/api/accounts', {
      token: provinceToken,
      body: { role: 'city', regionCode: '350500', phone: '15900000011', realName: '版本', gender: 'male', unit: '单位', status: 'enabled' },
    });
    const { id, version } = created.body;
    const edits = await Promise.all(
      ['甲', '乙', '丙'].map((unit) => client.request('PATCH', `/api/accounts/${id}`, { token: provinceToken, body: { version, unit } })),
    );
    expect(edits.map((edit) => edit.status).sort()).toEqual([200, 409, 409]);
    const winner = edits.find((edit) => edit.status === 200)!.body.unit;
    const now = await client.request('GET', `/api/accounts/${id}`, { token: provinceToken });
    expect(now.body).toMatchObject({ unit: winner, version: version + 1 });
  });

  it('deletes in batches with a result per id', async () => {
    const ids: number[] = [];
    for (const phone of ['15900000020', '15900000021']) {
      const created = await client.request('POST', '/api/accounts', {
        token: provinceToken,
        body: { role: 'city', regionCode: '350600', phone, realName: '删除', gender: 'male', unit: '单位', status: 'enabled' },
      });
      ids.push(created.body.id);
    }
    const me = await client.request('GET', '/api/me', { token: provinceToken });
    const result = await client.request('POST', '/api/accounts/batch-delete', { token: provinceToken, body: { ids: [...ids, me.body.account.id, 999999] } });
    expect(result.status).toBe(200);
    expect(result.body.deleted.sort()).toEqual(ids.sort());
    expect(result.body.failed).toEqual([
      { id: me.body.account.id, error: expect.objectContaining({ code: 'CANNOT_MODIFY_SELF' }) },
      { id: 999999, error: expect.objectContaining({ code: 'NOT_FOUND' }) },
    ]);
    expect((await client.request('GET', `/api/accounts/${ids[0]}`, { token: provinceToken })).status).toBe(404);
  });
});
