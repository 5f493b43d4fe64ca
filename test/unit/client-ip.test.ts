import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { parseViewerAddress, resolveClient } from '#shared/http/client-ip';

const clientAddress = async (e: APIGatewayProxyEventV2) => (await resolveClient(e)).address;

const secrets = mockClient(SecretsManagerClient);

beforeAll(() => {
  Object.assign(process.env, {
    STAGE: 'cloud',
    TABLE_NAME: 't',
    UPLOADS_BUCKET: 'u',
    REPORTS_BUCKET: 'r',
    SESSION_SECRET_ARN: 'arn:aws-cn:secretsmanager:cn-north-1:1:secret:s',
    ORIGIN_VERIFY_SECRET_ARN: 'arn:aws-cn:secretsmanager:cn-north-1:1:secret:o',
  });
  secrets.on(GetSecretValueCommand).resolves({ SecretString: 'the-origin-token' });
});
afterEach(() => undefined);

const event = (headers: Record<string, string>) =>
  ({ headers, requestContext: { http: { sourceIp: '130.176.1.1' } } }) as unknown as APIGatewayProxyEventV2;

describe('client address', () => {
  it('parses IPv4 and IPv6 viewer addresses and drops the port', () => {
    expect(parseViewerAddress('203.0.113.9:4123')).toBe('203.0.113.9');
    expect(parseViewerAddress('2001:db8::1:443')).toBe('2001:db8::1');
    expect(parseViewerAddress('garbage')).toBeUndefined();
    expect(parseViewerAddress('evil<script>:1')).toBeUndefined();
  });

  it('uses the viewer address of a request that came through CloudFront', async () => {
    expect(await clientAddress(event({ 'cloudfront-viewer-address': '203.0.113.9:4123', 'x-origin-verify': 'the-origin-token' }))).toBe('203.0.113.9');
  });

  it('tells whether a request came through CloudFront by the origin token alone', async () => {
    expect(await resolveClient(event({ 'x-origin-verify': 'the-origin-token' }))).toEqual({ address: '130.176.1.1', viaCloudFront: true });
    expect(await resolveClient(event({ 'x-origin-verify': 'guess' }))).toEqual({ address: '130.176.1.1', viaCloudFront: false });
    expect(await resolveClient(event({}))).toEqual({ address: '130.176.1.1', viaCloudFront: false });
  });

  it('ignores a viewer address sent without the right origin token', async () => {
    expect(await clientAddress(event({ 'cloudfront-viewer-address': '203.0.113.9:4123', 'x-origin-verify': 'guess' }))).toBe('130.176.1.1');
    expect(await clientAddress(event({ 'cloudfront-viewer-address': '203.0.113.9:4123' }))).toBe('130.176.1.1');
    expect(await clientAddress(event({}))).toBe('130.176.1.1');
  });
});
