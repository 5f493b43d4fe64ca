/**
 * Presigned S3 URLs and HEAD checks. Uploads go straight from the browser to S3 with a presigned POST
 * whose policy limits type and size; downloads use short-lived presigned GETs.
 *
 * These are signatures (and one bodiless HEAD), so they are made with the SDK's own SigV4 signer
 * (`@smithy/signature-v4`) and the SDK's credential chain, without the S3 client: the client (its
 * schemas, endpoint rules, XML protocol and checksums, ≈ 180 KB) stays out of the functions that only
 * sign (docs/architecture.md, "Cold start and bundles"). The URLs, fields and policies are exactly the
 * SDK's `getSignedUrl` and `createPresignedPost` output, which test/unit/s3-signing.test.ts checks
 * for both partitions and the local path-style endpoint. Requests with a body use the SDK client
 * (shared/storage/s3-client.ts).
 */
import type { PresignedPostOptions } from '@aws-sdk/s3-presigned-post';
import { Sha256 } from '@smithy/core/checksum';
import { createScope, getSigningKey } from '@smithy/signature-v4';
import { awsCredentials, awsDnsSuffix, awsSigner, signedFetch } from '#shared/aws/signed-request';
import { config } from '#shared/config';

/** encodeURIComponent plus the characters it leaves that S3's signing encodes (RFC 3986). */
function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** A bucket S3 serves under its own host name (`<bucket>.s3.<region>.<suffix>`). */
function virtualHostable(bucket: string): boolean {
  return /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket) && !/^\d+\.\d+\.\d+\.\d+$/.test(bucket);
}

interface S3Location {
  protocol: string;
  hostname: string;
  port?: number;
  /** The bucket's root: `/` (virtual-hosted) or `/<bucket>` (path-style). */
  root: string;
}

/** Where a bucket is addressed: the local endpoint path-style, else S3's regional virtual-hosted name. */
function locate(bucket: string, region: string, endpoint: string | undefined): S3Location {
  if (endpoint) {
    const url = new URL(endpoint);
    return { protocol: url.protocol, hostname: url.hostname, ...(url.port ? { port: Number(url.port) } : {}), root: `${url.pathname.replace(/\/$/, '')}/${bucket}` };
  }
  const suffix = awsDnsSuffix(region);
  return virtualHostable(bucket)
    ? { protocol: 'https:', hostname: `${bucket}.s3.${region}.${suffix}`, root: '/' }
    : { protocol: 'https:', hostname: `s3.${region}.${suffix}`, root: `/${bucket}` };
}

function formatUrl(location: S3Location, path: string, query: Record<string, string>): string {
  const host = `${location.hostname}${location.port ? `:${location.port}` : ''}`;
  const search = Object.keys(query)
    .sort()
    .map((name) => `${uriEncode(name)}=${uriEncode(query[name]!)}`)
    .join('&');
  return `${location.protocol}//${host}${path}${search ? `?${search}` : ''}`;
}

/** The path of an object under its bucket's root, each segment encoded as S3's signing expects. */
function objectPath(location: S3Location, key: string): string {
  return `${location.root.replace(/\/$/, '')}/${key.split('/').map(uriEncode).join('/')}`;
}

/** A presigned URL for one object: SigV4 in the query, payload unsigned, as the SDK's presigner makes it. */
async function presignObject(method: 'GET', bucket: string, key: string, expiresSeconds: number, query: Record<string, string>): Promise<string> {
  const cfg = config();
  const location = locate(bucket, cfg.awsRegion, cfg.s3Endpoint);
  const path = objectPath(location, key);
  const signer = awsSigner('s3', cfg.awsRegion, { uriEscapePath: false, applyChecksum: false });
  const signed = await signer.presign(
    {
      method,
      protocol: location.protocol,
      hostname: location.hostname,
      ...(location.port ? { port: location.port } : {}),
      path,
      query,
      headers: { host: `${location.hostname}${location.port ? `:${location.port}` : ''}`, 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' },
    },
    { expiresIn: expiresSeconds, unsignableHeaders: new Set(['content-type']), unhoistableHeaders: new Set() },
  );
  return formatUrl(location, signed.path, signed.query as Record<string, string>);
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

const iso8601 = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * A presigned POST: the form fields and the policy signed with the SigV4 signing key, in the SDK's
 * `createPresignedPost` order (the browser sends the fields in this order, the file last).
 */
export async function presignPost(options: PresignedPostOptions): Promise<{ url: string; fields: Record<string, string> }> {
  const { Bucket, Key, Conditions = [], Fields = {}, Expires = 3600 } = options;
  const cfg = config();
  const now = new Date();
  const signingDate = iso8601(now).replace(/[-:]/g, '');
  const shortDate = signingDate.slice(0, 8);
  const identity = await awsCredentials()();
  const fields: Record<string, string> = {
    ...Fields,
    bucket: Bucket,
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${identity.accessKeyId}/${createScope(shortDate, cfg.awsRegion, 's3')}`,
    'X-Amz-Date': signingDate,
    ...(identity.sessionToken ? { 'X-Amz-Security-Token': identity.sessionToken } : {}),
  };
  const conditions = new Set<string>();
  for (const condition of Conditions) conditions.add(JSON.stringify(condition));
  for (const [name, value] of Object.entries(fields)) conditions.add(JSON.stringify({ [name]: value }));
  conditions.add(JSON.stringify({ key: Key }));
  const policy = Buffer.from(
    JSON.stringify({ expiration: iso8601(new Date(now.valueOf() + Expires * 1000)), conditions: [...conditions].map((item) => JSON.parse(item) as unknown) }),
    'utf8',
  ).toString('base64');
  const signingKey = await getSigningKey(Sha256, identity, shortDate, cfg.awsRegion, 's3');
  const hmac = new Sha256(signingKey);
  hmac.update(Buffer.from(policy, 'utf8'));
  const signature = Buffer.from(await hmac.digest()).toString('hex');
  const location = locate(Bucket, cfg.awsRegion, cfg.s3Endpoint);
  return { url: formatUrl(location, location.root, {}), fields: { ...fields, key: Key, Policy: policy, 'X-Amz-Signature': signature } };
}

export async function presignUpload(policy: UploadPolicy): Promise<{ url: string; fields: Record<string, string> }> {
  return presignPost(presignedPostOptions(policy));
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
  return presignObject('GET', bucket, key, expiresSeconds, {
    'response-cache-control': 'private, no-store',
    'response-content-disposition': contentDisposition(options),
    'response-content-type': contentType,
    'x-id': 'GetObject',
  });
}

/**
 * Size and type of an object, or undefined when it does not exist: one signed HEAD request, retried
 * like the SDK's standard mode when S3 or the network fails (shared/aws/signed-request.ts).
 */
export async function headObject(bucket: string, key: string): Promise<{ size: number; contentType?: string } | undefined> {
  const cfg = config();
  const location = locate(bucket, cfg.awsRegion, cfg.s3Endpoint);
  const url = new URL(formatUrl(location, objectPath(location, key), {}));
  const response = await signedFetch({ service: 's3', region: cfg.awsRegion, method: 'HEAD', url, accept: [404], signing: { uriEscapePath: false } });
  if (response.status === 404) return undefined;
  return { size: Number(response.headers.get('content-length') ?? 0), contentType: response.headers.get('content-type') ?? undefined };
}
