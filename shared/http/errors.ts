/**
 * Typed API errors. Every error the API answers with is one of these classes: the class carries the
 * HTTP status and the API code, and its message (Chinese) is what the user reads. Only 4xx messages
 * reach the client; anything else is answered as a bare 500 and logged with its cause.
 */

export interface ErrorDetail {
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details?: unknown;
  readonly headers?: Record<string, string>;

  constructor(status: number, code: string, message: string, details?: unknown, headers?: Record<string, string>) {
    super(message);
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.details = details;
    this.headers = headers;
  }
}

/** 400: the request failed schema validation; `details` lists `{path, message}`. */
export class ValidationError extends AppError {
  constructor(details: ErrorDetail[], message = '请求参数不正确') {
    super(400, 'VALIDATION_FAILED', message, details);
  }
}

/** 400: the body is not valid JSON. */
export class MalformedJsonError extends AppError {
  constructor() {
    super(400, 'MALFORMED_JSON', '请求体不是有效的 JSON', [{ path: 'body', message: '无法解析的 JSON' }]);
  }
}

/** 400: a rule that the schema cannot express was broken (e.g. a field that may never change). */
export class BadRequestError extends AppError {
  constructor(code: string, message: string, details?: ErrorDetail[]) {
    super(400, code, message, details);
  }
}

/** 401: no valid session. */
export class UnauthenticatedError extends AppError {
  constructor(message = '请先登录', code = 'UNAUTHENTICATED') {
    super(401, code, message);
  }
}

/** 403: signed in, but not allowed to do this (role or scope). */
export class ForbiddenError extends AppError {
  constructor(message = '无权访问', code = 'FORBIDDEN') {
    super(403, code, message);
  }
}

/** 404: the record does not exist, or lies outside what the caller may see. */
export class NotFoundError extends AppError {
  constructor(message = '记录不存在', code = 'NOT_FOUND') {
    super(404, code, message);
  }
}

/** 404: no route matches the method and path. */
export class RouteNotFoundError extends AppError {
  constructor(method: string, path: string) {
    super(404, 'ROUTE_NOT_FOUND', '接口不存在', [{ path: 'route', message: `${method} ${path}` }]);
  }
}

/** 405: the path exists but not with this method. */
export class MethodNotAllowedError extends AppError {
  constructor(method: string, allowed: string[]) {
    super(405, 'METHOD_NOT_ALLOWED', '不支持该请求方法', [{ path: 'method', message: method }], {
      allow: allowed.join(', '),
    });
  }
}

/** 409: the write conflicts with the current state (duplicate, stale version, lifecycle). */
export class ConflictError extends AppError {
  constructor(code: string, message: string, details?: unknown) {
    super(409, code, message, details);
  }
}

/** 409: the `version` sent with an update is not the record's current version. */
export class VersionConflictError extends ConflictError {
  constructor(current?: number) {
    super('VERSION_CONFLICT', '记录已被他人修改，请刷新后重试', current === undefined ? undefined : { currentVersion: current });
  }
}

/** 413: the payload is larger than allowed. */
export class PayloadTooLargeError extends AppError {
  constructor(message = '请求内容过大', details?: unknown) {
    super(413, 'PAYLOAD_TOO_LARGE', message, details);
  }
}

/** 415: the body is not JSON, or an uploaded file's type is not allowed. */
export class UnsupportedMediaTypeError extends AppError {
  constructor(message = '请求体须为 application/json', code = 'UNSUPPORTED_MEDIA_TYPE', details?: unknown) {
    super(415, code, message, details);
  }
}

/** 429: too many requests; `retryAfterSeconds` becomes the `Retry-After` header. */
export class RateLimitedError extends AppError {
  constructor(retryAfterSeconds: number, message = '操作过于频繁，请稍后再试', code = 'RATE_LIMITED') {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super(429, code, message, { retryAfterSeconds: seconds }, { 'retry-after': String(seconds) });
  }
}

/** 503: a dependency (SMS gateway, …) is unavailable; nothing was changed. */
export class ServiceUnavailableError extends AppError {
  constructor(code: string, message: string) {
    super(503, code, message);
  }
}

/** 403 DIRECT_ACCESS_FORBIDDEN: a browser route called around CloudFront (docs/security.md, "Edge"). */
export class DirectAccessError extends ForbiddenError {
  constructor() {
    super('请通过控制台地址访问', 'DIRECT_ACCESS_FORBIDDEN');
  }
}
