/**
 * Upload rules (docs/security.md): each purpose has its content types and size limit; keys live under the
 * uploader's own prefix; a record accepts a key only after the object is verified to exist with an
 * allowed type and size (s3rver enforces no POST policy, so this check is what holds locally).
 */
import { randomUUID } from 'node:crypto';
import { config } from '#shared/config';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from '#shared/http/errors';
import { headObject, presignUpload } from './s3';

export const UPLOAD_PURPOSES = {
  'authorization-letter': {
    contentTypes: { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png' },
    maxBytes: 5 * 1024 * 1024,
  },
  // Raster images only: an SVG can carry script.
  'institution-logo': {
    contentTypes: { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' },
    maxBytes: 2 * 1024 * 1024,
  },
  'specialist-avatar': {
    contentTypes: { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' },
    maxBytes: 2 * 1024 * 1024,
  },
} as const satisfies Record<string, { contentTypes: Record<string, string>; maxBytes: number }>;

export type UploadPurpose = keyof typeof UPLOAD_PURPOSES;
export const UPLOAD_PURPOSE_NAMES = Object.keys(UPLOAD_PURPOSES) as [UploadPurpose, ...UploadPurpose[]];

const UPLOAD_LIFETIME_SECONDS = 10 * 60;

/** `uploads/<accountId>/<purpose>/`: the only place an account's uploads may live. */
export function uploadPrefix(accountId: number, purpose: UploadPurpose): string {
  return `uploads/${accountId}/${purpose}/`;
}

function checkTypeAndSize(purpose: UploadPurpose, contentType: string, size: number): string {
  const rule = UPLOAD_PURPOSES[purpose];
  const extension = (rule.contentTypes as Record<string, string>)[contentType.toLowerCase()];
  if (!extension) {
    const allowed = Object.keys(rule.contentTypes);
    throw new UnsupportedMediaTypeError(`文件类型须为 ${allowed.join('、')}`, 'UNSUPPORTED_FILE_TYPE', { allowed });
  }
  if (size > rule.maxBytes) {
    throw new PayloadTooLargeError(`文件不能超过 ${rule.maxBytes / 1024 / 1024} MB`, { maxBytes: rule.maxBytes });
  }
  return extension;
}

/** A presigned POST for one upload by `accountId`. */
export async function createUpload(accountId: number, input: { purpose: UploadPurpose; contentType: string; size: number }) {
  const extension = checkTypeAndSize(input.purpose, input.contentType, input.size);
  const key = `${uploadPrefix(accountId, input.purpose)}${randomUUID()}.${extension}`;
  const maxBytes = UPLOAD_PURPOSES[input.purpose].maxBytes;
  const { url, fields } = await presignUpload({
    bucket: config().uploadsBucket,
    key,
    contentType: input.contentType.toLowerCase(),
    maxBytes,
    expiresSeconds: UPLOAD_LIFETIME_SECONDS,
  });
  return { key, url, fields, maxBytes, expiresAt: new Date(Date.now() + UPLOAD_LIFETIME_SECONDS * 1000).toISOString() };
}

/**
 * Confirms that `key` is an upload of `accountId` for `purpose` that exists with an allowed type and
 * size. `field` names the request field in error details.
 */
export async function verifyUpload(accountId: number, purpose: UploadPurpose, key: string, field: string): Promise<void> {
  const name = key.slice(uploadPrefix(accountId, purpose).length);
  // Only the exact form createUpload hands out: a prefix, a UUID and a known extension.
  if (!key.startsWith(uploadPrefix(accountId, purpose)) || !/^[0-9a-f-]{36}\.(pdf|jpg|png|webp)$/.test(name)) {
    throw new BadRequestError('UPLOAD_NOT_OWNED', '文件不属于当前用户的上传', [{ path: field, message: '无效的文件' }]);
  }
  const head = await headObject(config().uploadsBucket, key);
  if (!head) {
    throw new BadRequestError('UPLOAD_MISSING', '文件尚未上传成功', [{ path: field, message: '文件不存在' }]);
  }
  checkTypeAndSize(purpose, head.contentType ?? '', head.size);
}
