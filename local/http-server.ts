/**
 * The local HTTP server: turns each request under `/api` into the API Gateway HTTP API (payload v2)
 * event that API Gateway would send, with the same `routeKey` and `pathParameters`, and hands it to the
 * same module handler the cloud runs. `/s3/…` goes to the S3 stand-in, so that uploads and downloads
 * (presigned POST and GET) use the console's own origin; anything else is served from `site/dist`
 * when it exists.
 *
 * It answers only requests addressed to it: the `Host` must be `127.0.0.1:PORT`, `localhost:PORT` or a
 * name listed in `ALLOWED_HOSTS`. A page elsewhere on the web that makes its own name resolve to
 * 127.0.0.1 (DNS rebinding) would otherwise count as same-origin here and could read, say, the SMS
 * outbox with its login codes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { API_PREFIX, routeKey, type AnyRoute, type ApiModule } from '#shared/http/route';
import { createRouter } from '#shared/http/router';
import { errorResponse } from '#shared/http/middleware';
import { AppError, PayloadTooLargeError } from '#shared/http/errors';
import { runAsModule } from './permission-guard';

export type ModuleHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** The API the server answers under `/api` once {@link LocalHttpServer.serveApi} is called. */
export interface LocalHttpApp {
  modules: readonly ApiModule[];
  handlers: ReadonlyMap<string, ModuleHandler>;
  fallbackModule: string;
}

/** Passes a request on to the S3 stand-in; `path` is what follows `/s3`, with the query string. */
export type FileForwarder = (request: IncomingMessage, response: ServerResponse, path: string) => void;

export interface LocalHttpServerOptions {
  port: number;
  siteDir?: string;
  /** More host names it answers (`name` or `name:port`), from `ALLOWED_HOSTS`. */
  allowedHosts?: readonly string[];
}

/** Where the S3 stand-in is reached on the console's own origin. */
export const FILES_PREFIX = '/s3';

/** How long {@link LocalHttpServer.close} lets requests in progress finish. */
const CLOSE_GRACE_MS = 10_000;

/**
 * `ALLOWED_HOSTS`: names separated by commas or spaces, each `host` or `host:port` (`[v6]:port`).
 * Throws an `Error` naming a malformed entry.
 */
export function parseAllowedHosts(value: string | undefined): string[] {
  const entries = (value ?? '').split(/[\s,]+/).filter(Boolean).map((entry) => entry.toLowerCase());
  for (const entry of entries) {
    if (!/^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9.-]*[a-z0-9])?)(:\d{1,5})?$/.test(entry)) {
      throw new Error(`ALLOWED_HOSTS: "${entry}" is not a host name or host:port`);
    }
  }
  return entries;
}

const hasPort = (host: string) => /:\d+$/.test(host);

/** `127.0.0.1`, `localhost` and `[::1]`, with or without a port. */
const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;

/**
 * The hosts a server on `port` answers: the loopback names (on any port: a browser sends such a Host
 * only for a page of this machine, and a local development proxy such as `npm run dev:site` forwards
 * its own) and the allowed names (`name` on this port or without one, `name:port` exactly).
 */
export function servedHosts(port: number, allowedHosts: readonly string[] = []): (host: string) => boolean {
  const names = new Set<string>();
  for (const entry of allowedHosts) {
    names.add(entry);
    if (!hasPort(entry)) names.add(`${entry}:${port}`);
  }
  return (host) => LOOPBACK_HOST.test(host) || names.has(host);
}

/**
 * The browser origins the stand-ins allow (CORS): the console's own, those of `ALLOWED_HOSTS`, and
 * pages of this machine (`http://localhost:*`, `http://127.0.0.1:*`: `npm run dev:site`).
 */
export function siteOrigins(port: number, allowedHosts: readonly string[] = []): string[] {
  const origins = [`http://127.0.0.1:${port}`, `http://localhost:${port}`, 'http://127.0.0.1:*', 'http://localhost:*'];
  for (const entry of allowedHosts) {
    origins.push(`http://${entry}`, `https://${entry}`);
    if (!hasPort(entry)) origins.push(`http://${entry}:${port}`);
  }
  return [...new Set(origins)];
}

/** API Gateway HTTP APIs accept payloads up to 10 MB; our JSON bodies are far smaller. */
const MAX_BODY_BYTES = 6 * 1024 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
};

interface TaggedRoute extends Pick<AnyRoute, 'method' | 'path'> {
  module: string;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new PayloadTooLargeError());
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolvePromise(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function headersOf(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || name === 'cookie') continue;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
}

function queryOf(search: URLSearchParams): Record<string, string> | undefined {
  const query: Record<string, string> = {};
  for (const key of new Set(search.keys())) query[key] = search.getAll(key).join(',');
  return Object.keys(query).length > 0 ? query : undefined;
}

function isTextual(contentType: string | undefined): boolean {
  return !contentType || /json|text|xml|x-www-form-urlencoded/.test(contentType);
}

/** Builds the payload v2 event API Gateway would deliver for this request. */
export function toApiGatewayEvent(
  request: IncomingMessage,
  body: Buffer,
  url: URL,
  match: { routeKey: string; pathParameters?: Record<string, string> },
  requestId: string,
): APIGatewayProxyEventV2 {
  const headers = headersOf(request);
  const now = new Date();
  const textual = isTextual(headers['content-type']);
  const rawCookies = request.headers.cookie;
  return {
    version: '2.0',
    routeKey: match.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    ...(rawCookies ? { cookies: rawCookies.split(/;\s*/) } : {}),
    headers,
    queryStringParameters: queryOf(url.searchParams),
    ...(match.pathParameters && Object.keys(match.pathParameters).length > 0 ? { pathParameters: match.pathParameters } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: match.routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body: textual ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !textual,
  };
}

function lambdaContext(moduleName: string, requestId: string): Context {
  const deadline = Date.now() + 29_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `local-${moduleName}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:local-${moduleName}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/local-${moduleName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function send(response: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const headers: Record<string, string | number | boolean> = { ...(result.headers ?? {}) };
  if (result.cookies?.length) headers['set-cookie'] = result.cookies.join(', ');
  response.writeHead(result.statusCode ?? 200, headers as Record<string, string>);
  if (result.body === undefined) {
    response.end();
    return;
  }
  response.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
}

async function serveStatic(siteDir: string | undefined, url: URL, response: ServerResponse): Promise<void> {
  if (!siteDir) {
    response.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><meta charset="utf-8"><title>信易贷政府管理端</title><p>管理端页面尚未构建。接口位于 <a href="/api/openapi.json">/api</a>。</p>');
    return;
  }
  const root = resolve(siteDir);
  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
    response.end('bad request');
    return;
  }
  const wanted = normalize(join(root, decoded));
  // Only files inside the site folder (not a sibling whose name merely starts the same).
  let file = wanted === root || wanted.startsWith(root + sep) ? wanted : join(root, 'index.html');
  try {
    if (!(await stat(file)).isFile()) file = join(root, 'index.html');
  } catch {
    file = join(root, 'index.html'); // single-page app: unknown paths are client-side routes
  }
  try {
    const content = await readFile(file);
    const immutable = file.includes(`${join(root, 'assets')}`);
    response.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    response.end(content);
  } catch {
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    response.end('not found');
  }
}

export interface LocalHttpServer {
  url: string;
  port: number;
  /** The browser origins the stand-ins allow (see {@link siteOrigins}). */
  origins: string[];
  /** Starts answering `/api` (until then it answers 503 `STARTING`). */
  serveApi(app: LocalHttpApp): void;
  /** Passes `/s3/…` to the S3 stand-in (until then 503). */
  serveFiles(forward: FileForwarder): void;
  /** Stops accepting connections, lets requests in progress finish (up to 10 s), then closes. */
  close(): Promise<void>;
}

class HostNotAllowedError extends AppError {
  constructor(host: string, port: number) {
    super(
      403,
      'HOST_NOT_ALLOWED',
      `本地服务不响应主机名 ${host || '（空）'} 的请求：请使用 http://127.0.0.1:${port} 或 http://localhost:${port} 访问，其他名称须列入 ALLOWED_HOSTS`,
    );
  }
}

class StartingError extends AppError {
  constructor() {
    super(503, 'STARTING', '服务正在启动，请稍候再试', undefined, { 'retry-after': '1' });
  }
}

/**
 * Presigned file URLs point at `http://127.0.0.1:PORT/s3/…` (the stack's S3 endpoint); a request that
 * came in under another name of this server (`localhost:PORT`, an `ALLOWED_HOSTS` name) gets them
 * under that name, so that files work wherever the console was opened from. A loopback name on
 * another port is a local development proxy, which forwards only `/api`: its links stay as they are.
 */
function withRequestOrigin(result: APIGatewayProxyStructuredResultV2, request: IncomingMessage, port: number): APIGatewayProxyStructuredResultV2 {
  const host = String(request.headers.host ?? '').toLowerCase();
  if (host === `127.0.0.1:${port}` || typeof result.body !== 'string' || result.isBase64Encoded) return result;
  if (LOOPBACK_HOST.test(host) && host !== `localhost:${port}` && host !== `[::1]:${port}`) return result;
  const base = `http://127.0.0.1:${port}${FILES_PREFIX}/`;
  if (!result.body.includes(base)) return result;
  const protocol = String(request.headers['x-forwarded-proto'] ?? '').split(',')[0]!.trim() === 'https' ? 'https' : 'http';
  return { ...result, body: result.body.split(base).join(`${protocol}://${host}${FILES_PREFIX}/`) };
}

/** Starts the server on 127.0.0.1 (port 0 picks a free one); `/api` waits for {@link LocalHttpServer.serveApi}. */
export async function startLocalHttpServer(options: LocalHttpServerOptions): Promise<LocalHttpServer> {
  let api: { app: LocalHttpApp; router: ReturnType<typeof createRouter<TaggedRoute>> } | undefined;
  let files: FileForwarder | undefined;
  let isServed: (host: string) => boolean = () => false;
  let port = 0;
  let inFlight = 0;
  const idleWaiters = new Set<() => void>();

  const server: Server = createServer((request, response) => {
    inFlight += 1;
    response.once('close', () => {
      inFlight -= 1;
      if (inFlight === 0) for (const waiter of [...idleWaiters]) waiter();
    });
    const requestId = randomUUID();
    const host = String(request.headers.host ?? '').toLowerCase();
    if (!isServed(host)) {
      request.resume();
      send(response, errorResponse(new HostNotAllowedError(host, port), requestId));
      return;
    }
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://127.0.0.1');
    } catch {
      request.resume();
      send(response, errorResponse(new AppError(400, 'BAD_REQUEST', '请求地址无效'), requestId));
      return;
    }
    if (url.pathname === FILES_PREFIX || url.pathname.startsWith(`${FILES_PREFIX}/`)) {
      if (!files) {
        request.resume();
        send(response, errorResponse(new StartingError(), requestId));
        return;
      }
      const raw = request.url ?? '/';
      files(request, response, raw.slice(FILES_PREFIX.length) || '/');
      return;
    }
    if (url.pathname !== API_PREFIX && !url.pathname.startsWith(`${API_PREFIX}/`)) {
      request.resume();
      serveStatic(options.siteDir, url, response).catch(() => {
        if (!response.headersSent) response.writeHead(500);
        response.end();
      });
      return;
    }
    void (async () => {
      try {
        const body = await readBody(request);
        if (!api) throw new StartingError();
        const match = api.router.match(request.method ?? 'GET', url.pathname);
        const moduleName = match.kind === 'found' ? match.route.module : api.app.fallbackModule;
        const handler = api.app.handlers.get(moduleName);
        if (!handler) throw new Error(`no handler loaded for module ${moduleName}`);
        const event = toApiGatewayEvent(
          request,
          body,
          url,
          match.kind === 'found'
            ? { routeKey: routeKey(match.route), pathParameters: match.pathParameters }
            : { routeKey: '$default' },
          requestId,
        );
        const module = api.app.modules.find((candidate) => candidate.name === moduleName);
        const invoke = () => handler(event, lambdaContext(moduleName, requestId));
        // The module's declared permissions hold for its table calls, as IAM holds them in the cloud.
        send(response, withRequestOrigin(await (module ? runAsModule(module, invoke) : invoke()), request, port));
      } catch (error) {
        send(response, errorResponse(error, requestId));
      }
    })();
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolvePromise());
  });
  port = (server.address() as AddressInfo).port;
  isServed = servedHosts(port, options.allowedHosts);
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    origins: siteOrigins(port, options.allowedHosts),
    serveApi: (app) => {
      const tagged: TaggedRoute[] = app.modules.flatMap((module) =>
        module.routes.map((route) => ({ method: route.method, path: route.path, module: module.name })),
      );
      api = { app, router: createRouter(tagged) };
    },
    serveFiles: (forward) => {
      files = forward;
    },
    close: () =>
      (closing ??= new Promise((resolvePromise, reject) => {
        server.close((error) => (error ? reject(error) : resolvePromise()));
        server.closeIdleConnections();
        const finish = () => {
          clearTimeout(timer);
          idleWaiters.delete(finish);
          server.closeAllConnections();
        };
        const timer = setTimeout(finish, CLOSE_GRACE_MS);
        idleWaiters.add(finish);
        if (inFlight === 0) finish();
      })),
  };
}
