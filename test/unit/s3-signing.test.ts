/**
 * shared/storage/s3.ts signs URLs and POST policies without the S3 client (so that functions which
 * only sign do not bundle it). Its output must be exactly what the SDK makes: the same URL, fields,
 * policy and signature as `getSignedUrl` and `createPresignedPost`, for both partitions, a bucket that
 * cannot be virtual-hosted and the local path-style endpoint.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { contentDisposition, presignedPostOptions } from '#shared/storage/s3';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session/token+=' };

const CASES = [
  { name: 'China (Beijing)', region: 'cn-north-1', bucket: 'xinyidai-prod-uploads-111122223333-cn-north-1' },
  { name: 'China (Ningxia)', region: 'cn-northwest-1', bucket: 'xinyidai-prod-reports-111122223333-cn-northwest-1' },
  { name: 'a global region', region: 'us-east-1', bucket: 'xinyidai-dev-uploads-111122223333-us-east-1' },
  { name: 'a bucket name S3 does not virtual-host', region: 'cn-north-1', bucket: 'Legacy.Bucket' },
  { name: 'the local endpoint (path-style)', region: 'cn-north-1', bucket: 'local-uploads', endpoint: 'http://127.0.0.1:4569' },
];

const KEYS = ['uploads/7/institution-logo/0f8e2b7c-1d2e-4f5a-9b8c-7d6e5f4a3b2c.png', 'reports/1/区域数据统计 2026(1)+!*.xlsx'];

async function signingModule(region: string, endpoint?: string) {
  vi.resetModules();
  Object.assign(process.env, {
    AWS_REGION: region,
    TABLE_NAME: 't',
    UPLOADS_BUCKET: 'u',
    REPORTS_BUCKET: 'r',
    SESSION_SECRET_FILE: '/nonexistent',
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: CREDENTIALS.sessionToken,
  });
  if (endpoint) process.env.S3_ENDPOINT = endpoint;
  else delete process.env.S3_ENDPOINT;
  return import('#shared/storage/s3');
}

function sdkClient(region: string, endpoint?: string): S3Client {
  return new S3Client({
    region,
    credentials: CREDENTIALS,
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

describe('S3 signing without the S3 client', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-03-15T08:09:10.123Z'), toFake: ['Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
    process.env = { ...saved };
  });

  for (const { name, region, bucket, endpoint } of CASES) {
    it(`presigns GETs exactly as the SDK does: ${name}`, async () => {
      const { presignDownload } = await signingModule(region, endpoint);
      for (const key of KEYS) {
        for (const options of [{ disposition: 'inline' as const }, { disposition: 'attachment' as const, fileName: '区域数据统计_福建省.xlsx' }]) {
          const expected = await getSignedUrl(
            sdkClient(region, endpoint),
            new GetObjectCommand({
              Bucket: bucket,
              Key: key,
              ResponseContentType: key.endsWith('.png') ? 'image/png' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
              ResponseContentDisposition: contentDisposition(options),
              ResponseCacheControl: 'private, no-store',
            }),
            { expiresIn: 900 },
          );
          expect(await presignDownload(bucket, key, 900, options)).toBe(expected);
        }
      }
    });

    it(`signs upload policies exactly as the SDK does: ${name}`, async () => {
      const { presignUpload } = await signingModule(region, endpoint);
      const policy = { bucket, key: KEYS[0]!, contentType: 'image/png', maxBytes: 2 * 1024 * 1024, expiresSeconds: 600 };
      const expected = await createPresignedPost(sdkClient(region, endpoint), presignedPostOptions(policy));
      const actual = await presignUpload(policy);
      expect(actual).toEqual(expected);
      // The browser posts the fields in this order, the file last.
      expect(Object.keys(actual.fields)).toEqual(Object.keys(expected.fields));
    });
  }
});
