/**
 * In the cloud (`REQUIRE_CLOUDFRONT=true`) browser routes answer only requests that came through
 * CloudFront (they carry its origin token); ingestion, IAM-signed, is called directly.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod';
import { createApiHandler } from '#shared/http/handler';
import { defineRoute } from '#shared/http/route';
import type { ApiContext } from '#shared/http/middleware';

const secrets = mockClient(SecretsManagerClient);

beforeAll(() => {
  Object.assign(process.env, {
    STAGE: 'cloud',
    TABLE_NAME: 't',
    UPLOADS_BUCKET: 'u',
    REPORTS_BUCKET: 'r',
    SESSION_SECRET_ARN: 'arn:aws-cn:secretsmanager:cn-north-1:1:secret:s',
    ORIGIN_VERIFY_SECRET_ARN: 'arn:aws-cn:secretsmanager:cn-north-1:1:secret:o',
    REQUIRE_CLOUDFRONT: 'true',
    INGEST_AUTH: 'iam',
  });
  secrets.on(GetSecretValueCommand).resolves({ SecretString: 'the-origin-token' });
});

const handler = createApiHandler({
  name: 'test',
  permissions: {},
  routes: [
    defineRoute({ operationId: 'health', method: 'GET', path: '/health', summary: 'health', access: 'public', response: z.unknown(), handler: async () => ({ status: 'ok' }) }),
    defineRoute({ operationId: 'push', method: 'POST', path: '/ingest/things', summary: 'push', access: 'ingest', handler: async () => ({ accepted: true }) }),
  ],
});

function event(method: string, path: string, headers: Record<string, string>, iam = false): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: `${method} /api${path.slice(4)}`,
    rawPath: path,
    rawQueryString: '',
    headers,
    requestContext: {
      requestId: 'r-1',
      http: { method, path, sourceIp: '198.51.100.7', userAgent: 'test', protocol: 'HTTP/1.1' },
      ...(iam ? { authorizer: { iam: { accessKey: 'AKIA' } } } : {}),
    },
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
}

const call = (e: APIGatewayProxyEventV2) => handler(e, { awsRequestId: 'a-1' } as ApiContext);

describe('browser routes only through CloudFront', () => {
  it('refuses a browser route called around CloudFront with 403 DIRECT_ACCESS_FORBIDDEN', async () => {
    const direct = await call(event('GET', '/api/health', {}));
    expect(direct.statusCode).toBe(403);
    expect(JSON.parse(String(direct.body)).error.code).toBe('DIRECT_ACCESS_FORBIDDEN');
    const forged = await call(event('GET', '/api/health', { 'x-origin-verify': 'guess' }));
    expect(forged.statusCode).toBe(403);
  });

  it('answers a browser route that came through CloudFront', async () => {
    const answer = await call(event('GET', '/api/health', { 'x-origin-verify': 'the-origin-token', 'cloudfront-viewer-address': '203.0.113.9:443' }));
    expect(answer.statusCode).toBe(200);
  });

  it('lets IAM-signed ingestion call the API endpoint directly', async () => {
    const answer = await call(event('POST', '/api/ingest/things', { 'content-type': 'application/json' }, true));
    expect(answer.statusCode).toBe(200);
  });
});
