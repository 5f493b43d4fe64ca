import { beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createApiHandler } from '#shared/http/handler';
import { defineRoute, routeKey } from '#shared/http/route';
import { ConflictError, RateLimitedError } from '#shared/http/errors';
import type { ApiContext } from '#shared/http/middleware';

const echo = defineRoute({
  operationId: 'echo',
  method: 'POST',
  path: '/things/{id}',
  summary: 'echo',
  access: 'public',
  params: z.object({ id: z.coerce.number().int().positive() }),
  query: z.object({ dryRun: z.enum(['true', 'false']).optional() }),
  body: z.object({ name: z.string().min(1), amount: z.number().int().nonnegative() }),
  status: 201,
  handler: async ({ params, body }) => ({ id: params.id, ...body }),
});

const failing = [
  defineRoute({
    operationId: 'conflict',
    method: 'GET',
    path: '/conflict',
    summary: 'conflict',
    access: 'public',
    handler: async () => {
      throw new ConflictError('SOMETHING_TAKEN', '已存在', { id: 3 });
    },
  }),
  defineRoute({
    operationId: 'limited',
    method: 'GET',
    path: '/limited',
    summary: 'limited',
    access: 'public',
    handler: async () => {
      throw new RateLimitedError(42.2);
    },
  }),
  defineRoute({
    operationId: 'crash',
    method: 'GET',
    path: '/crash',
    summary: 'crash',
    access: 'public',
    handler: async () => {
      throw new Error('table xyz exploded at 10.1.2.3');
    },
  }),
  defineRoute({
    operationId: 'nothing',
    method: 'DELETE',
    path: '/things/{id}',
    summary: 'nothing',
    access: 'public',
    handler: async () => undefined,
  }),
];

beforeAll(() => {
  // The configuration every function gets (shared/config.ts); the chain reads it for the origin rule.
  Object.assign(process.env, { STAGE: 'local', TABLE_NAME: 't', UPLOADS_BUCKET: 'u', REPORTS_BUCKET: 'r', SESSION_SECRET_FILE: '/nonexistent', INGEST_API_KEY: 'k' });
});

const handler = createApiHandler({ name: 'test', routes: [echo, ...failing], permissions: {} });

function event(method: string, path: string, init: { body?: string; contentType?: string; routeKey?: string; query?: Record<string, string> } = {}) {
  return {
    version: '2.0',
    routeKey: init.routeKey ?? '$none',
    rawPath: path,
    rawQueryString: '',
    headers: { 'Content-Type': init.contentType ?? 'application/json' },
    queryStringParameters: init.query,
    requestContext: {
      requestId: 'req-1',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
    },
    body: init.body,
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
}

async function call(e: APIGatewayProxyEventV2) {
  const response = await handler(e, { awsRequestId: 'aws-1' } as ApiContext);
  return { ...response, json: response.body ? JSON.parse(response.body) : undefined };
}

describe('middleware chain', () => {
  it('answers a valid request with the route status and coerced input', async () => {
    const response = await call(event('POST', '/api/things/5', { body: '{"name":"a","amount":3}' }));
    expect(response.statusCode).toBe(201);
    expect(response.json).toEqual({ id: 5, name: 'a', amount: 3 });
    expect(response.headers?.['x-request-id']).toBe('req-1');
  });

  it('uses the API Gateway route key when there is one', async () => {
    const response = await call({
      ...event('POST', '/api/things/5', { body: '{"name":"a","amount":3}', routeKey: routeKey(echo) }),
      pathParameters: { id: '5' },
    });
    expect(response.statusCode).toBe(201);
  });

  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    const response = await call(event('POST', '/api/things/5', { body: '{"name":' }));
    expect(response.statusCode).toBe(400);
    expect(response.json.error.code).toBe('MALFORMED_JSON');
    expect(response.json.error.message).toBeTruthy();
  });

  it('answers a body that is not JSON with 415', async () => {
    const response = await call(event('POST', '/api/things/5', { body: 'name=a', contentType: 'application/x-www-form-urlencoded' }));
    expect(response.statusCode).toBe(415);
    expect(response.json.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('lists every invalid field with its path', async () => {
    const response = await call(
      event('POST', '/api/things/abc', { body: '{"name":"","amount":1.5}', query: { dryRun: 'maybe' } }),
    );
    expect(response.statusCode).toBe(400);
    expect(response.json.error.code).toBe('VALIDATION_FAILED');
    const paths = response.json.error.details.map((detail: { path: string }) => detail.path).sort();
    expect(paths).toEqual(['body.amount', 'body.name', 'params.id', 'query.dryRun']);
  });

  it('answers a missing body as a validation failure, not a crash', async () => {
    const response = await call(event('POST', '/api/things/1'));
    expect(response.statusCode).toBe(400);
    expect(response.json.error.details[0].path).toBe('body');
  });

  it('answers an unknown route with 404 ROUTE_NOT_FOUND', async () => {
    const response = await call(event('GET', '/api/nowhere'));
    expect(response.statusCode).toBe(404);
    expect(response.json.error.code).toBe('ROUTE_NOT_FOUND');
  });

  it("answers API Gateway's $default route with 404 ROUTE_NOT_FOUND", async () => {
    const response = await call(event('GET', '/api/conflict', { routeKey: '$default' }));
    expect(response.statusCode).toBe(404);
  });

  it('answers a known path with a wrong method with 405 and Allow', async () => {
    const response = await call(event('PUT', '/api/things/1'));
    expect(response.statusCode).toBe(405);
    expect(response.headers?.allow).toBe('DELETE, POST');
  });

  it('maps typed errors to their status, code and details', async () => {
    const response = await call(event('GET', '/api/conflict'));
    expect(response.statusCode).toBe(409);
    expect(response.json).toEqual({ error: { code: 'SOMETHING_TAKEN', message: '已存在', details: { id: 3 } } });
  });

  it('sets Retry-After on 429', async () => {
    const response = await call(event('GET', '/api/limited'));
    expect(response.statusCode).toBe(429);
    expect(response.headers?.['retry-after']).toBe('43');
  });

  it('hides the internals of an unexpected error behind a 500', async () => {
    const response = await call(event('GET', '/api/crash'));
    expect(response.statusCode).toBe(500);
    expect(response.json.error.code).toBe('INTERNAL_ERROR');
    expect(response.body).not.toContain('exploded');
    expect(response.json.error.requestId).toBe('req-1');
  });

  it('answers 204 with no body when the handler returns nothing', async () => {
    const response = await call(event('DELETE', '/api/things/1'));
    expect(response.statusCode).toBe(204);
    expect(response.body).toBeUndefined();
  });
});
