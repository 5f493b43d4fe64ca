/**
 * THE API client of the admin site: `call(operationId, {params, query, body})`, with the operations,
 * their inputs and answers generated from the API's OpenAPI document (schema.ts), so the site cannot
 * drift from the route tables. The typed clients per module (auth.ts, accounts.ts, …) are thin
 * layers over it. JSON in and out; sends the session's bearer token, refreshes it shortly before it
 * expires while the user is active, and on 401 clears the session and sends the user to the login
 * page. Errors become `ApiError` carrying the server's Chinese message; callers show them.
 */
import { isUserActive, session } from '../stores/session';
import { OPERATIONS, type Operations } from './schema';
import { waitText } from '../utils/format';

export const API_BASE = '/api';

/** Refresh the token when it expires within this many milliseconds. */
const REFRESH_WINDOW_MS = 5 * 60 * 1000;

export class ApiError extends Error {
  status: number;
  code: string;
  details?: unknown;
  /** The server's own message (`message` may add how long to wait). */
  serverMessage: string;
  /** 429: how long to wait, in seconds (the `Retry-After` header). */
  retryAfterSeconds?: number;

  constructor(status: number, code: string, message: string, details?: unknown, extra: { serverMessage?: string; retryAfterSeconds?: number } = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.serverMessage = extra.serverMessage ?? message;
    this.retryAfterSeconds = extra.retryAfterSeconds;
  }
}

export type Query = Record<string, string | number | boolean | undefined | null>;

type UnauthorizedHandler = (redirect: string) => void;

let unauthorizedHandler: UnauthorizedHandler = (redirect) => {
  window.location.assign(`/login?redirect=${encodeURIComponent(redirect)}`);
};

/** Lets the app route to the login page through the router instead of a full reload. */
export function onUnauthorized(handler: UnauthorizedHandler): void {
  unauthorizedHandler = handler;
}

function buildUrl(path: string, query?: Query): string {
  const url = new URL(API_BASE + (path.startsWith('/') ? path : `/${path}`), window.location.origin);
  if (query) {
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined || value === null || value === '') continue;
      url.searchParams.set(key, String(value));
    }
  }
  return url.pathname + url.search;
}

let refreshing: Promise<void> | null = null;

async function refreshIfDue(): Promise<void> {
  const { token, expiresAt } = session;
  if (!token || !expiresAt) return;
  const remaining = Date.parse(expiresAt) - Date.now();
  if (remaining > REFRESH_WINDOW_MS || remaining <= 0 || !isUserActive()) return;
  if (!refreshing) {
    refreshing = (async () => {
      try {
        const res = await fetch(buildUrl('/auth/refresh'), {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
        });
        if (res.ok) {
          const body = (await res.json()) as { token: string; expiresAt: string };
          // The session may have been cleared (logout) while the refresh was in flight.
          if (session.token === token) session.setToken(body.token, body.expiresAt);
        }
      } catch {
        // A failed refresh is not fatal: the current token is still valid for a while.
      } finally {
        refreshing = null;
      }
    })();
  }
  await refreshing;
}

/**
 * Refreshes the token when it is due (called on a timer too, so an active user who reads a page
 * for a while without requests keeps the session).
 */
export function keepSessionAlive(): Promise<void> {
  return refreshIfDue();
}

function currentLocation(): string {
  const { pathname, search, hash } = window.location;
  return pathname.startsWith('/login') ? '/' : pathname + search + hash;
}


async function toApiError(res: Response): Promise<ApiError> {
  let code = `HTTP_${res.status}`;
  let message = `请求失败（${res.status}）`;
  let details: unknown;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string; details?: unknown } };
    if (body?.error) {
      code = body.error.code ?? code;
      message = body.error.message ?? message;
      details = body.error.details;
    }
  } catch {
    // Not JSON (a proxy error page): keep the generic message.
  }
  const serverMessage = message;
  let retryAfterSeconds: number | undefined;
  if (res.status === 429) {
    const header = Number(res.headers.get('Retry-After'));
    const fromDetails = (details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    const wait = Number.isFinite(header) && header > 0 ? header : typeof fromDetails === 'number' ? fromDetails : undefined;
    if (details === undefined && wait !== undefined) details = { retryAfterSeconds: wait };
    if (wait !== undefined && wait > 0) {
      retryAfterSeconds = wait;
      if (!/\d/.test(message)) message = `${message}（${waitText(wait)}后可重试）`;
    }
  }
  return new ApiError(res.status, code, message, details, { serverMessage, retryAfterSeconds });
}

async function request<T>(method: string, path: string, options: { query?: Query; body?: unknown; anonymous?: boolean } = {}): Promise<T> {
  const anonymous = options.anonymous ?? false;
  if (!anonymous) await refreshIfDue();
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = session.token;
  if (token && !anonymous) headers.Authorization = `Bearer ${token}`;
  let payload: string | undefined;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(options.body);
  }
  let res: Response;
  try {
    res = await fetch(buildUrl(path, options.query), { method, headers, body: payload });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', '网络连接失败，请检查网络后重试');
  }
  if (res.status === 401 && !anonymous) {
    const error = await toApiError(res);
    // Only a request made with the current token ends the session (not one raced by a re-login).
    if (token && session.token === token) {
      session.clear();
      unauthorizedHandler(currentLocation());
    }
    throw error;
  }
  if (!res.ok) throw await toApiError(res);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** An operation of the API (schema.ts). */
export type OperationId = keyof Operations;
/** The JSON answer of an operation. */
export type Answer<K extends OperationId> = Operations[K]['response'];
/** The query of an operation. */
export type QueryOf<K extends OperationId> = Operations[K]['query'];
/** The JSON body of an operation. */
export type BodyOf<K extends OperationId> = Operations[K]['body'];

type NoFields = Record<string, never>;
/** What a call of an operation takes: path parameters and body when it has them, an optional query. */
export type CallInput<K extends OperationId> = (Operations[K]['params'] extends NoFields ? { params?: undefined } : { params: Operations[K]['params'] }) &
  (Operations[K]['query'] extends NoFields ? { query?: undefined } : { query?: Operations[K]['query'] }) &
  (Operations[K]['body'] extends undefined ? { body?: undefined } : { body: Operations[K]['body'] });

/** Operations called without the session's token (signing in needs none). */
const ANONYMOUS: ReadonlySet<OperationId> = new Set<OperationId>(['login', 'requestSmsCode', 'createCaptcha', 'getHealth']);

/**
 * Calls an operation of the API; `{id}` in its path is filled from `params`. A `bind` SMS code is
 * sent with the session (only a signed-in administrator may bind a new phone).
 */
export function call<K extends OperationId>(
  operation: K,
  ...[input]: NoFields extends CallInput<K> ? [input?: CallInput<K>] : [input: CallInput<K>]
): Promise<Answer<K>> {
  const { method, path } = OPERATIONS[operation];
  const given = (input ?? {}) as { params?: Record<string, string | number>; query?: Query; body?: unknown };
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(given.params?.[name] ?? '')));
  const binding = (given.body as { purpose?: string } | undefined)?.purpose === 'bind';
  return request<Answer<K>>(method, filled, { query: given.query, body: given.body, anonymous: ANONYMOUS.has(operation) && !binding });
}

/** The message to show for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error && error.message) return error.message;
  return '操作失败，请稍后重试';
}
