import { describe, expect, it } from 'vitest';
import { createRouter } from '#shared/http/router';

const routes = [
  { method: 'GET' as const, path: '/institutions' },
  { method: 'POST' as const, path: '/institutions' },
  { method: 'GET' as const, path: '/institutions/{id}' },
  { method: 'GET' as const, path: '/institutions/{id}/specialists' },
  { method: 'POST' as const, path: '/accounts/batch-delete' },
  { method: 'GET' as const, path: '/accounts/{id}' },
];

describe('router', () => {
  const router = createRouter(routes);

  it('matches a literal path', () => {
    const match = router.match('GET', '/api/institutions');
    expect(match).toMatchObject({ kind: 'found', route: routes[0] });
  });

  it('extracts and decodes path parameters', () => {
    const match = router.match('GET', '/api/institutions/12/specialists');
    expect(match).toEqual({ kind: 'found', route: routes[3], pathParameters: { id: '12' } });
    expect(router.match('GET', '/api/accounts/%E4%B8%AD')).toMatchObject({ pathParameters: { id: '中' } });
  });

  it('prefers a literal segment over a parameter', () => {
    expect(router.match('POST', '/api/accounts/batch-delete')).toMatchObject({ kind: 'found', route: routes[4] });
  });

  it('reports the allowed methods when only the method is wrong', () => {
    expect(router.match('DELETE', '/api/institutions')).toEqual({ kind: 'method-not-allowed', allowed: ['GET', 'POST'] });
  });

  it('does not match outside the api prefix or across segments', () => {
    expect(router.match('GET', '/institutions')).toEqual({ kind: 'not-found' });
    expect(router.match('GET', '/api/institutions/1/2')).toEqual({ kind: 'not-found' });
    expect(router.match('GET', '/api/institutions//specialists')).toEqual({ kind: 'not-found' });
  });

  it('looks routes up by API Gateway route key', () => {
    expect(router.byRouteKey('GET /api/institutions/{id}')).toBe(routes[2]);
    expect(router.byRouteKey('GET /api/nothing')).toBeUndefined();
  });

  it('refuses a table with the same route twice', () => {
    expect(() => createRouter([routes[0]!, { ...routes[0]! }])).toThrow(/duplicate route/);
  });
});
