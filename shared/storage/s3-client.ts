/**
 * The AWS SDK's S3 client of this process, for the few callers that send S3 requests with a body
 * (the reports function's PutObject, the demo logos). Presigned URLs and HEAD checks do not need it
 * (shared/storage/s3.ts): a function that only signs URLs does not bundle it.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { config } from '#shared/config';

let client: S3Client | undefined;

export function s3Client(): S3Client {
  if (!client) {
    const cfg = config();
    client = new S3Client({
      region: cfg.awsRegion,
      ...(cfg.s3Endpoint ? { endpoint: cfg.s3Endpoint, forcePathStyle: true } : {}),
      // Real S3 rejects browser POST uploads that carry SDK-computed checksums it cannot verify.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }
  return client;
}
