/**
 * The local HTTP server: turns each request under `/api` into the API Gateway HTTP API (payload v2)
 * event that API Gateway would send, with the same `routeKey` and `pathParameters`, and hands it to the
 * same module handler the cloud runs. Anything else is served from `site/dist` when it exists.
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
import { PayloadTooLargeError } from '#shared/http/errors';

export type ModuleHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export interface LocalHttpServerOptions {
  modules: readonly ApiModule[];
  handlers: ReadonlyMap<string, ModuleHandler>;
  fallbackModule: string;
  port: number;
  siteDir?: string;
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
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1 (port 0 picks a free one). */
export async function startLocalHttpServer(options: LocalHttpServerOptions): Promise<LocalHttpServer> {
  const tagged: TaggedRoute[] = options.modules.flatMap((module) =>
    module.routes.map((route) => ({ method: route.method, path: route.path, module: module.name })),
  );
  const router = createRouter(tagged);

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== API_PREFIX && !url.pathname.startsWith(`${API_PREFIX}/`)) {
      serveStatic(options.siteDir, url, response).catch(() => {
        if (!response.headersSent) response.writeHead(500);
        response.end();
      });
      return;
    }
    const requestId = randomUUID();
    void (async () => {
      try {
        const body = await readBody(request);
        const match = router.match(request.method ?? 'GET', url.pathname);
        const moduleName = match.kind === 'found' ? match.route.module : options.fallbackModule;
        const handler = options.handlers.get(moduleName);
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
        send(response, await handler(event, lambdaContext(moduleName, requestId)));
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
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise((resolvePromise, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolvePromise()));
      }),
  };
}
