/**
 * The middleware chain every module uses, one small middleware per concern, in this order:
 * normalise the event → authenticate and authorise → parse JSON → validate with the route's zod
 * schemas → structured logging with the request id → map errors (last, so its `onError` runs first).
 * Authentication comes before parsing and validation: an anonymous caller learns nothing about a
 * route's fields (docs/security.md).
 */
import type { MiddlewareObj, Request } from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import * as z from 'zod';
import { zhCN } from 'zod/locales';
import { authenticateSession } from '#shared/auth/sessions';
import { authorizeIngest } from '#shared/auth/ingest';
import {
  AppError,
  DirectAccessError,
  ForbiddenError,
  MalformedJsonError,
  MethodNotAllowedError,
  RouteNotFoundError,
  UnsupportedMediaTypeError,
  ValidationError,
  type ErrorDetail,
} from './errors';
import { logger } from './logger';
import { publishMetrics } from '#shared/observability/metrics';
import { resolveClient } from './client-ip';
import { config } from '#shared/config';
import { mayWriteSessions, type AnyRoute, type ModulePermissions, type RequestContext, type RouteInput } from './route';
import type { Router } from './router';

// The Chinese messages only: `z.locales` would bundle every language zod ships.
z.config(zhCN());

/** What the chain learns about a request, step by step. */
export interface ApiState {
  route?: AnyRoute;
  input?: RouteInput<unknown, unknown, unknown>;
  ctx: RequestContext;
  startedAt: number;
}

export type ApiContext = Context & { api: ApiState };
export type ApiRequest = Request<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, ApiContext>;
type ApiMiddleware = MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, ApiContext>;

function lowerCaseHeaders(headers: APIGatewayProxyEventV2['headers'] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) out[key.toLowerCase()] = value;
  }
  return out;
}

/** 1. Normalise the event (header case, base64 body, missing maps) and find the route. */
export function normalizeEvent(router: Router<AnyRoute>): ApiMiddleware {
  return {
    before: async (request) => {
      const event = request.event;
      event.headers = lowerCaseHeaders(event.headers);
      event.queryStringParameters ??= {};
      event.pathParameters ??= {};
      if (event.isBase64Encoded && typeof event.body === 'string') {
        event.body = Buffer.from(event.body, 'base64').toString('utf8');
        event.isBase64Encoded = false;
      }
      const http = event.requestContext?.http;
      const client = await resolveClient(event);
      request.context.api = {
        startedAt: Date.now(),
        ctx: {
          requestId: event.requestContext?.requestId ?? request.context.awsRequestId ?? 'unknown',
          sourceIp: client.address,
          userAgent: http?.userAgent ?? event.headers['user-agent'] ?? '',
          event,
        },
      };
      // The origin token has done its work; it reaches neither handlers nor logs.
      delete event.headers['x-origin-verify'];
      const method = http?.method ?? 'GET';
      const path = event.rawPath ?? http?.path ?? '/';
      // API Gateway sends `$default` only when no route matched: answer with the API's 404 body.
      if (event.routeKey === '$default') throw new RouteNotFoundError(method, path);
      const byKey = event.routeKey ? router.byRouteKey(event.routeKey) : undefined;
      if (byKey) {
        request.context.api.route = byKey;
      } else {
        const match = router.match(method, path);
        if (match.kind === 'method-not-allowed') throw new MethodNotAllowedError(method, match.allowed);
        if (match.kind === 'not-found') throw new RouteNotFoundError(method, path);
        request.context.api.route = match.route;
        event.pathParameters = match.pathParameters;
      }
      // Browsers reach the API through CloudFront only (its WAF, headers and limits apply there); the
      // portals' IAM-signed ingestion calls the API endpoint directly.
      if (config().requireCloudFront && request.context.api.route.access !== 'ingest' && !client.viaCloudFront) {
        throw new DirectAccessError();
      }
    },
  };
}

/** 3. Parse a JSON body for routes that take one; malformed JSON is a 400, not middy's 415. */
export function parseJsonBody(): ApiMiddleware {
  const parser = httpJsonBodyParser();
  return {
    before: async (request) => {
      const route = request.context.api.route;
      const event = request.event as APIGatewayProxyEventV2 & { body?: unknown };
      if (!route?.body) return;
      if (event.body === undefined || event.body === null || event.body === '') {
        event.body = undefined;
        return;
      }
      try {
        await parser.before?.(request as never);
      } catch (error) {
        const message = error instanceof Error ? error.message : '';
        if (message.startsWith('Unsupported Media Type')) throw new UnsupportedMediaTypeError();
        throw new MalformedJsonError();
      }
    },
  };
}

/** Turns zod issues into the API's `{path, message}` details, rooted at `params`, `query` or `body`. */
export function issuesToDetails(root: string, issues: readonly z.core.$ZodIssue[]): ErrorDetail[] {
  return issues.map((issue) => ({
    path: [root, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}

function parsePart(root: string, schema: z.ZodType | undefined, value: unknown, details: ErrorDetail[]): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  details.push(...issuesToDetails(root, result.error.issues));
  return undefined;
}

/** 4. Validate path parameters, query and body with the route's schemas; report every failing field. */
export function validateInput(): ApiMiddleware {
  return {
    before: (request) => {
      const route = request.context.api.route;
      if (!route) return;
      const event = request.event as APIGatewayProxyEventV2 & { body?: unknown };
      const details: ErrorDetail[] = [];
      const params = parsePart('params', route.params, event.pathParameters ?? {}, details);
      const query = parsePart('query', route.query, event.queryStringParameters ?? {}, details);
      const body = parsePart('body', route.body, event.body, details);
      if (details.length > 0) throw new ValidationError(details);
      request.context.api.input = { params, query, body };
    },
  };
}

/** 2. Authenticate (session token or ingest credentials) and check the route's roles. */
export function authorize(permissions: ModulePermissions = {}): ApiMiddleware {
  const mayWrite = mayWriteSessions(permissions);
  return {
    before: async (request) => {
      const { route, ctx } = request.context.api;
      if (!route || route.access === 'public') return;
      if (route.access === 'ingest') {
        authorizeIngest(request.event);
        return;
      }
      const caller = await authenticateSession(request.event, { mayWrite });
      ctx.caller = caller;
      if (route.roles && !route.roles.includes(caller.role)) {
        throw new ForbiddenError('当前角色无权使用该功能');
      }
    },
  };
}

/** 5. One structured log line per request, keyed by the request id. */
export function logRequests(): ApiMiddleware {
  const finish = (request: ApiRequest) => {
    const api = request.context.api;
    const status = request.response?.statusCode ?? 500;
    const fields = {
      requestId: api?.ctx.requestId,
      route: api?.route ? `${api.route.method} ${api.route.path}` : request.event.routeKey,
      status,
      durationMs: api ? Date.now() - api.startedAt : undefined,
      accountId: api?.ctx.caller?.accountId,
    };
    if (status >= 500) logger.error('request failed', fields);
    else logger.info('request completed', fields);
    publishMetrics();
  };
  return {
    before: (request) => {
      logger.appendKeys({ requestId: request.context.api?.ctx.requestId });
    },
    after: (request) => {
      finish(request);
      logger.resetKeys();
    },
    onError: (request) => {
      finish(request);
      logger.resetKeys();
    },
  };
}

const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
};

/** The API's error body for any thrown value. Unknown errors become a bare 500 and are logged. */
export function errorResponse(error: unknown, requestId: string): APIGatewayProxyStructuredResultV2 {
  let appError: AppError;
  if (error instanceof AppError) {
    appError = error;
  } else if (error instanceof z.ZodError) {
    appError = new ValidationError(issuesToDetails('body', error.issues));
  } else {
    logger.error('unhandled error', { requestId, error: error as Error });
    appError = new AppError(500, 'INTERNAL_ERROR', '服务器内部错误，请稍后再试');
  }
  const body: { error: { code: string; message: string; details?: unknown; requestId?: string } } = {
    error: { code: appError.code, message: appError.message },
  };
  if (appError.details !== undefined) body.error.details = appError.details;
  if (appError.status >= 500) body.error.requestId = requestId;
  return {
    statusCode: appError.status,
    headers: { ...JSON_HEADERS, 'x-request-id': requestId, ...(appError.headers ?? {}) },
    body: JSON.stringify(body),
  };
}

/** 6. Map errors to the API's error shape (last in the chain, so it runs first on error). */
export function mapErrors(): ApiMiddleware {
  return {
    onError: (request) => {
      const requestId = request.context.api?.ctx.requestId ?? request.context.awsRequestId ?? 'unknown';
      request.response = errorResponse(request.error, requestId);
    },
  };
}

/** The success answer: JSON with the route's status, or 204 when the handler returns nothing. */
export function successResponse(route: AnyRoute, result: unknown, requestId: string): APIGatewayProxyStructuredResultV2 {
  if (result === undefined) {
    return { statusCode: route.status ?? 204, headers: { 'cache-control': 'no-store', 'x-request-id': requestId } };
  }
  return {
    statusCode: route.status ?? 200,
    headers: { ...JSON_HEADERS, 'x-request-id': requestId },
    body: JSON.stringify(result),
  };
}
