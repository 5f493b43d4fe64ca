/**
 * The S3 client of this process and the presigning helpers. Uploads go straight from the browser to
 * S3 with a presigned POST whose policy limits type and size; downloads use short-lived presigned GETs.
 */
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost, type PresignedPostOptions } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
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

export interface UploadPolicy {
  bucket: string;
  key: string;
  contentType: string;
  maxBytes: number;
  expiresSeconds: number;
}

/** The presigned-POST options for an upload: exact content type, 1 byte to `maxBytes`, exact key. */
export function presignedPostOptions(policy: UploadPolicy): PresignedPostOptions {
  return {
    Bucket: policy.bucket,
    Key: policy.key,
    Conditions: [
      ['content-length-range', 1, policy.maxBytes],
      ['eq', '$Content-Type', policy.contentType],
      ['eq', '$key', policy.key],
    ],
    Fields: { 'Content-Type': policy.contentType },
    Expires: policy.expiresSeconds,
  };
}

export async function presignUpload(policy: UploadPolicy): Promise<{ url: string; fields: Record<string, string> }> {
  return createPresignedPost(s3Client(), presignedPostOptions(policy));
}

/** Content types of the files the project stores, by extension. */
export const FILE_CONTENT_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  webp: 'image/webp',
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export interface DownloadOptions {
  /** `inline` for images shown in the page, `attachment` for files saved under `fileName`. */
  disposition: 'inline' | 'attachment';
  /** The name the browser saves the file under (Chinese allowed). */
  fileName?: string;
}

/** `Content-Disposition` with a UTF-8 file name (RFC 6266) and an ASCII fallback for old clients. */
export function contentDisposition(options: DownloadOptions): string {
  if (!options.fileName) return options.disposition;
  const ascii = options.fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${options.disposition}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(options.fileName)}`;
}

/**
 * A presigned GET valid for `expiresSeconds`. The answer carries the exact content type of the key's
 * extension and the given disposition, whatever the object's own metadata says, so a browser has
 * nothing to sniff: images are shown inline as images, letters and reports are saved as files.
 */
export async function presignDownload(bucket: string, key: string, expiresSeconds: number, options: DownloadOptions): Promise<string> {
  const extension = key.slice(key.lastIndexOf('.') + 1).toLowerCase();
  const contentType = FILE_CONTENT_TYPES[extension] ?? 'application/octet-stream';
  return getSignedUrl(
    s3Client(),
    new GetObjectCommand({
      Bucket: bucket,
      Key: key,
      ResponseContentType: contentType,
      ResponseContentDisposition: contentDisposition(options),
      ResponseCacheControl: 'private, no-store',
    }),
    { expiresIn: expiresSeconds },
  );
}

/** Size and type of an object, or undefined when it does not exist. */
export async function headObject(bucket: string, key: string): Promise<{ size: number; contentType?: string } | undefined> {
  try {
    const head = await s3Client().send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return { size: head.ContentLength ?? 0, contentType: head.ContentType };
  } catch (error) {
    const name = (error as Error).name;
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (name === 'NotFound' || name === 'NoSuchKey' || status === 404) return undefined;
    throw error;
  }
}
