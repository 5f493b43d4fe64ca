import { describe, expect, it } from 'vitest';
import { ensureDemoAccounts, DEMO_ACCOUNTS, DEMO_PASSWORD } from '#tools/demo/accounts';
import { loginWithPassword, useLocalStack } from './harness';

const client = useLocalStack();

describe('local stack over HTTP', () => {
  it('serves health without signing in', async () => {
    const response = await client.request('GET', '/api/health');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'ok' });
    expect(typeof response.body.version).toBe('string');
  });

  it('serves the OpenAPI document generated from the route tables', async () => {
    const response = await client.request('GET', '/api/openapi.json');
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
    expect(Object.keys(response.body.paths)).toEqual(
      expect.arrayContaining(['/api/health', '/api/regions', '/api/auth/login', '/api/me', '/api/dev/sms-outbox']),
    );
    const login = response.body.paths['/api/auth/login'].post;
    expect(login.requestBody.content['application/json'].schema).toBeTruthy();
    const regions = response.body.paths['/api/regions'].get;
    expect(regions.parameters).toEqual([expect.objectContaining({ name: 'parent', in: 'query', required: false })]);
  });

  it('refuses reference data without a session', async () => {
    const response = await client.request('GET', '/api/regions');
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('answers an anonymous call of a session route with 401 before looking at its fields', async () => {
    for (const rawBody of ['{}', '{"role":"city"}', '{"phone":']) {
      const response = await client.request('POST', '/api/accounts', { rawBody });
      expect(response.status).toBe(401);
      expect(response.body.error.details).toBeUndefined();
      expect(JSON.stringify(response.body)).not.toMatch(/realName|body\./);
    }
    const query = await client.request('GET', '/api/stats/summary?region=xx&year=abc');
    expect(query.status).toBe(401);
  });

  describe('signed in', () => {
    let token = '';
    it('serves provinces, cities and districts', async () => {
      await ensureDemoAccounts();
      token = await loginWithPassword(client, DEMO_ACCOUNTS[0]!.phone, DEMO_PASSWORD);
      const provinces = await client.request('GET', '/api/regions', { token });
      expect(provinces.status).toBe(200);
      expect(provinces.body).toContainEqual({ code: '350000', name: '福建省', level: 'province' });
      const cities = await client.request('GET', '/api/regions?parent=110000', { token });
      expect(cities.body).toEqual([{ code: '110100', name: '北京市', level: 'city' }]);
      const districts = await client.request('GET', '/api/regions?parent=110100', { token });
      expect(districts.body).toContainEqual({ code: '110105', name: '朝阳区', level: 'district' });
    });

    it('answers an unknown or malformed region code with 400', async () => {
      expect((await client.request('GET', '/api/regions?parent=999999', { token })).status).toBe(400);
      const malformed = await client.request('GET', '/api/regions?parent=abc', { token });
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.details[0].path).toBe('query.parent');
    });

    it('serves the 20 industries and the 11 institution types', async () => {
      const industries = await client.request('GET', '/api/industries', { token });
      expect(industries.body).toHaveLength(20);
      expect(industries.body[0]).toEqual({ code: 'A', name: '农、林、牧、渔业' });
      const types = await client.request('GET', '/api/institution-types', { token });
      expect(types.body).toHaveLength(11);
    });
  });

  it('answers malformed JSON with the 400 error body', async () => {
    const response = await client.request('POST', '/api/auth/login', { rawBody: '{"phone": "138' });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('MALFORMED_JSON');
  });

  it('answers a wrong type with 400 and the field path', async () => {
    const response = await client.request('POST', '/api/auth/sms-codes', { body: { phone: 13800000001, purpose: 'login' } });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toContainEqual(expect.objectContaining({ path: 'body.phone' }));
  });

  it('answers an unknown route with 404 in the error shape', async () => {
    const response = await client.request('GET', '/api/no-such-thing');
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('ROUTE_NOT_FOUND');
  });

  it('survives a path that cannot be decoded', async () => {
    const response = await fetch(`${client.url}/%ZZ`);
    expect(response.status).toBeLessThan(500);
    expect((await client.request('GET', '/api/health')).status).toBe(200);
  });

  it('serves a page at the root even before the site is built', async () => {
    const response = await fetch(`${client.url}/`);
    expect(response.headers.get('content-type')).toContain('text/html');
  });
});
