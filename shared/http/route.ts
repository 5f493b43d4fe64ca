/**
 * The route table types. Each module declares its routes once (`functions/<module>/routes.ts`); the
 * CDK HTTP API, the module's in-Lambda router, the local HTTP server and the OpenAPI document are all
 * generated from those tables, so they cannot drift.
 */
import type * as z from 'zod';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Caller, Role } from '#shared/auth/caller';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Every API path lives under this prefix, in the cloud (CloudFront → API Gateway) and locally. */
export const API_PREFIX = '/api';

/**
 * Who may call a route:
 * - `public`: anyone;
 * - `session`: a signed-in government user, optionally limited to `roles`;
 * - `ingest`: the platform's portals (IAM/SigV4 in the cloud, `x-api-key` locally).
 */
export type Access = 'public' | 'session' | 'ingest';

export interface RequestContext {
  requestId: string;
  sourceIp: string;
  userAgent: string;
  /** Set for `session` routes once the token has been checked. */
  caller?: Caller;
  /** The request as API Gateway sent it (logout and refresh read the bearer token from it). */
  event: APIGatewayProxyEventV2;
}

/** The context of a `session` route: the middleware chain has authenticated the caller. */
export interface SessionContext extends RequestContext {
  caller: Caller;
}

/** The handler context a route of this access gets. */
export type ContextFor<A extends Access> = A extends 'session' ? SessionContext : RequestContext;

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
}

type Infer<T> = T extends z.ZodType ? z.output<T> : undefined;

export interface RouteSpec<
  P extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
  R = unknown,
  A extends Access = Access,
> {
  /** Unique across the API; also the OpenAPI operationId. */
  operationId: string;
  method: HttpMethod;
  /** Path under `/api`, in API Gateway syntax: `/institutions/{id}`. */
  path: string;
  /** One line, Chinese, for the OpenAPI document. */
  summary: string;
  tags?: string[];
  access: A;
  /** For `session` routes: the roles allowed (all roles when absent). */
  roles?: readonly Role[];
  params?: P;
  query?: Q;
  body?: B;
  /** Documented answer shape (OpenAPI only). */
  response?: z.ZodType;
  /** Success status; 200 by default, 204 when the handler returns nothing. */
  status?: number;
  /** Served by the local stack only, never deployed (e.g. the SMS outbox). */
  localOnly?: boolean;
  /**
   * The stage throttle this route gets in the cloud (per-route limits, lib/constructs/api.ts):
   * `sign-in` (codes and login: far tighter than reads), `heavy` (exports), `ingest`; the default
   * limit otherwise.
   */
  throttle?: 'sign-in' | 'heavy' | 'ingest';
  handler: (input: RouteInput<Infer<P>, Infer<Q>, Infer<B>>, ctx: ContextFor<A>) => Promise<R>;
}

// The route table stores routes of many input types side by side.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = Omit<RouteSpec<any, any, any, any, Access>, 'handler'> & { handler: (input: any, ctx: any) => Promise<unknown> };

/** Declares a route with its handler's input inferred from the schemas. */
export function defineRoute<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  R = unknown,
  A extends Access = Access,
>(spec: RouteSpec<P, Q, B, R, A>): RouteSpec<P, Q, B, R, A> {
  return spec;
}

/** The API Gateway route key of a route: `GET /api/institutions/{id}`. */
export function routeKey(route: Pick<AnyRoute, 'method' | 'path'>): string {
  return `${route.method} ${API_PREFIX}${route.path}`;
}

/**
 * What a function may touch in the cloud, declared next to its route table: the CDK app
 * (lib/constructs/permissions.ts) grants exactly this and nothing more, and test/infra holds the
 * synthesized policies to it (docs/security.md, "Least privilege").
 */
export interface ModulePermissions {
  /**
   * The table: `read` allows GetItem, BatchGetItem and Query (table and indexes); `write` lists the
   * partition-key prefixes the function may put, update and delete (`ACCOUNT#` covers sessions;
   * `AUDIT#` the audit log), or `'any'`.
   */
  table?: { read: boolean; write?: readonly string[] | 'any' };
  /** Object key patterns (`*` matches within and across `/`) per bucket, to read (GET, HEAD, presigned GETs) or write (PUT, presigned POSTs). */
  uploads?: { read?: readonly string[]; write?: readonly string[] };
  reports?: { read?: readonly string[]; write?: readonly string[] };
  /** Publishes SMS requests to the SMS topic. */
  publishSms?: boolean;
  /** Secrets read: the session key, the origin token CloudFront adds. */
  secrets?: readonly ('session' | 'origin-verify')[];
}

/** A module: one Lambda function in the cloud, with its route table. */
export interface ApiModule {
  /** kebab-case; names the Lambda and its entry `functions/<name>/index.ts`. */
  name: string;
  routes: readonly AnyRoute[];
  permissions: ModulePermissions;
}

/** True when the module may write the session items (`ACCOUNT#` partitions). */
export function mayWriteSessions(permissions: ModulePermissions): boolean {
  const write = permissions.table?.write;
  return write === 'any' || (write?.includes('ACCOUNT#') ?? false);
}
