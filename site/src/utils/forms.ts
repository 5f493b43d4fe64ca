/**
 * What the console's forms share (账号管理, 机构管理, and every dialog built on useEntityForm): server
 * field errors on form items, the write-error messages, and file checks before an upload. The input
 * rules themselves are in rules.ts.
 */
import { ElMessage } from 'element-plus';
import { ApiError, errorMessage } from '../api/client';

/** Error messages by form field (`phone`, `smsCode`, ...), bound to `el-form-item :error`. */
export type FieldErrors = Record<string, string>;

interface ErrorDetail {
  path?: unknown;
  message?: unknown;
}

/** Error codes the server answers without `details`, but which belong to one field. */
const FIELD_OF_CODE: Record<string, string> = {
  PHONE_TAKEN: 'phone',
  SPECIALIST_PHONE_TAKEN: 'phone',
  INVALID_SMS_CODE: 'smsCode',
  WEAK_PASSWORD: 'password',
};

/**
 * The field errors of a 400/409 answer: `details[].path` such as `body.phone` becomes `phone`.
 * Only fields the form shows are kept; `aliases` maps API fields to form fields
 * (e.g. `authorizationLetterKey` → `letter`).
 */
export function fieldErrorsOf(error: unknown, fields: readonly string[], aliases: Record<string, string> = {}): FieldErrors {
  const found: FieldErrors = {};
  if (!(error instanceof ApiError)) return found;
  const wanted = new Set(fields);
  const place = (apiField: string, message: string) => {
    const field = aliases[apiField] ?? apiField;
    if (wanted.has(field) && !found[field]) found[field] = message;
  };
  if (Array.isArray(error.details)) {
    for (const detail of error.details as ErrorDetail[]) {
      if (typeof detail?.path !== 'string') continue;
      const field = detail.path.replace(/^(body|query|params)\./, '').split('.')[0] ?? '';
      place(field, typeof detail.message === 'string' ? detail.message : error.message);
    }
  }
  const byCode = FIELD_OF_CODE[error.code];
  if (byCode && Object.keys(found).length === 0) place(byCode, error.message);
  return found;
}

export function isVersionConflict(error: unknown): boolean {
  return error instanceof ApiError && error.status === 409 && error.code === 'VERSION_CONFLICT';
}

export const VERSION_CONFLICT_MESSAGE = '记录已被他人修改，请刷新后重试';

/**
 * Shows the failure of a write. A stale version gets the fixed conflict message and `reload` runs;
 * anything else shows the server's message. Returns true for a version conflict.
 */
export function reportWriteError(error: unknown, reload?: () => unknown): boolean {
  if (isVersionConflict(error)) {
    ElMessage.error(VERSION_CONFLICT_MESSAGE);
    void reload?.();
    return true;
  }
  ElMessage.error(errorMessage(error));
  return false;
}

export interface FileRule {
  /** Allowed MIME types. */
  types: readonly string[];
  /** Allowed extensions, for files the browser gives no type. */
  extensions: readonly string[];
  maxBytes: number;
  /** What the user reads, e.g. `PDF、JPEG、PNG`. */
  label: string;
}

export const AUTHORIZATION_LETTER_RULE: FileRule = {
  types: ['application/pdf', 'image/jpeg', 'image/png'],
  extensions: ['pdf', 'jpg', 'jpeg', 'png'],
  maxBytes: 5 * 1024 * 1024,
  label: 'PDF、JPEG、PNG',
};

export const INSTITUTION_LOGO_RULE: FileRule = {
  types: ['image/png', 'image/jpeg', 'image/webp'],
  extensions: ['png', 'jpg', 'jpeg', 'webp'],
  maxBytes: 2 * 1024 * 1024,
  label: 'PNG、JPEG、WebP',
};

export const SPECIALIST_AVATAR_RULE: FileRule = {
  types: ['image/png', 'image/jpeg', 'image/webp'],
  extensions: ['png', 'jpg', 'jpeg', 'webp'],
  maxBytes: 2 * 1024 * 1024,
  label: 'PNG、JPEG、WebP',
};

const TYPE_OF_EXTENSION: Record<string, string> = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
};

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot >= 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/** What is wrong with a file before it is uploaded, or undefined when it may go. */
export function fileProblem(file: File, rule: FileRule): string | undefined {
  const extension = extensionOf(file.name);
  const type = (file.type || TYPE_OF_EXTENSION[extension] || '').toLowerCase();
  if (!rule.types.includes(type) || (extension !== '' && !rule.extensions.includes(extension))) {
    return `文件格式须为 ${rule.label}`;
  }
  if (file.size === 0) return '文件为空，请重新选择';
  if (file.size > rule.maxBytes) return `文件大小不能超过 ${rule.maxBytes / 1024 / 1024} MB`;
  return undefined;
}

/**
 * The same file with its MIME type filled in from the extension when the browser left it empty,
 * so the presigned POST names the right content type.
 */
export function withContentType(file: File): File {
  if (file.type) return file;
  const type = TYPE_OF_EXTENSION[extensionOf(file.name)];
  return type ? new File([file], file.name, { type }) : file;
}

export function isPdf(file: File | undefined): boolean {
  return !!file && (file.type === 'application/pdf' || extensionOf(file.name) === 'pdf');
}

/** `1.2 MB`, `34 KB`. */
export function fileSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** The seconds to wait from a 429's details, if any. */
export function retryAfterOf(error: unknown): number | undefined {
  if (!(error instanceof ApiError) || error.status !== 429) return undefined;
  const details = error.details as { retryAfterSeconds?: unknown } | undefined;
  const seconds = Number(details?.retryAfterSeconds);
  return Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : undefined;
}

/** `{a: ' x ', b: ''}` → `{a: 'x'}`: trimmed text, empty values left out. */
export function compactText<T extends Record<string, string>>(values: T): Partial<T> {
  const result: Partial<T> = {};
  for (const [key, value] of Object.entries(values) as [keyof T, string][]) {
    const trimmed = value.trim();
    if (trimmed) result[key] = trimmed as T[keyof T];
  }
  return result;
}
