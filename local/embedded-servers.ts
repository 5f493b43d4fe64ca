/**
 * The embedded DynamoDB-compatible (dynalite, LevelDB) and S3-compatible (s3rver) servers of the local
 * stack and the integration tests, each in a child process of its own on 127.0.0.1 and a free port.
 * Both answer only requests addressed to their own host and, from browsers, only the origins they are
 * given (stand-in-guard.cjs). The S3 stand-in is restarted on the same port when its process dies;
 * the death of the DynamoDB stand-in is reported to `onExit`, since nothing can go on without it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { request as httpRequest } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTableInput } from '#shared/db/table';
import { tableStatus, upgradePending, upgradeTable } from './table-upgrade';

export interface RunningServer {
  endpoint: string;
  stop(): Promise<void>;
}

/** How a stand-in's process ended when nobody asked it to. */
export interface StandInExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Local credentials. dynalite accepts any; s3rver knows only its built-in pair and checks request
 * signatures against it, so the local stack signs everything with that pair.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** Forks a stand-in script and resolves with the child once it reports its port. */
async function forkStandIn(script: string, config: unknown): Promise<{ child: ChildProcess; port: number }> {
  const child: ChildProcess = fork(fileURLToPath(new URL(script, import.meta.url)), [JSON.stringify(config)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: [],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (message: { port?: number; error?: string }) =>
        message.port ? resolve(message.port) : reject(new Error(`${script}: ${message.error ?? 'failed to start'}`)),
      );
      child.once('exit', (code, signal) => reject(new Error(`${script} exited (${signal ?? code}) before listening`)));
      child.once('error', reject);
    });
    return { child, port };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

/** Asks a stand-in to stop and resolves once its process has ended. */
function stopChild(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    if (child.connected) child.send('stop');
    else child.kill('SIGTERM');
  });
}

export interface DynamoStandIn extends RunningServer {
  /** The process id (tests). */
  readonly pid: number | undefined;
}

/**
 * Starts dynalite in a child process (its LevelDB work then runs on another core than the handlers
 * and bulk jobs); `path` keeps its store there, otherwise everything lives in memory. `onExit` is
 * called when the process ends without having been asked to stop.
 */
export async function startDynamo(
  options: { path?: string; allowedOrigins?: readonly string[]; onExit?: (exit: StandInExit) => void } = {},
): Promise<DynamoStandIn> {
  const { child, port } = await forkStandIn('./dynalite-process.cjs', { path: options.path, allowedOrigins: options.allowedOrigins ?? [] });
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping) options.onExit?.({ code, signal });
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    pid: child.pid,
    stop: () => {
      stopping = true;
      return stopChild(child);
    },
  };
}

/**
 * Creates the table if it does not exist yet (idempotent: a kept data dir already has it). With
 * `upgradeIn` (the data directory), a kept table older than the definition gets its missing indexes
 * (local/table-upgrade.ts).
 */
export async function ensureTable(
  endpoint: string,
  tableName: string,
  region: string,
  options: { upgradeIn?: string; progress?: (line: string) => void } = {},
): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region, credentials: LOCAL_CREDENTIALS });
  try {
    const exists = (await tableStatus(client, tableName)) !== undefined;
    // A kept table is upgraded; so is one an interrupted upgrade dropped (its items wait in the file).
    if (options.upgradeIn && (exists || (await upgradePending(options.upgradeIn)))) await upgradeTable(client, tableName, options.upgradeIn, options.progress);
    else if (!exists) await client.send(new CreateTableCommand(createTableInput(tableName)));
  } finally {
    client.destroy();
  }
}

/**
 * The buckets' CORS rule: only the given origins (the admin site's), as the cloud buckets allow only
 * the site's domain. Locally the site reaches files through its own origin (`/s3/…`, see
 * http-server.ts), so it needs no CORS at all; the rule is for anything that calls the stand-in
 * directly.
 */
export function bucketCors(origins: readonly string[]): string {
  const escape = (text: string) => text.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!);
  // s3rver needs one origin per rule; with none, a rule that no browser origin can match.
  const allowed = origins.length > 0 ? origins : ['null-origin.invalid'];
  return `<CORSConfiguration>${allowed
    .map(
      (origin) => `
  <CORSRule>
    <AllowedOrigin>${escape(origin)}</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedMethod>POST</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>`,
    )
    .join('')}
</CORSConfiguration>`;
}

/** Restarts allowed within {@link RESTART_WINDOW_MS} before the S3 stand-in is given up. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;
/** How long a request waits for a restarting S3 stand-in. */
const RESTART_WAIT_MS = 15_000;
/** Largest browser upload body the guard reads (the upload policies allow at most 5 MB). */
const MAX_POST_BYTES = 20 * 1024 * 1024;

export interface S3StandIn extends RunningServer {
  /** The current process id (tests). */
  readonly pid: number | undefined;
  /** Times the process was started again after it died. */
  readonly restarts: number;
  /**
   * Passes a request on to the stand-in (`path` with its query string, as the stand-in sees it): the
   * local HTTP server's `/s3/…`. A malformed multipart upload is answered 400 here; while the process
   * restarts, requests wait for it; a request that was in flight when it died gets 503.
   */
  forward(request: IncomingMessage, response: ServerResponse, path: string): void;
}

function s3Error(response: ServerResponse, status: number, code: string, message: string): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message.replace(/[<>&]/g, ' ')}</Message></Error>`;
  response.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

/**
 * Why a multipart/form-data body is one the stand-in must not see, or undefined when it is well formed
 * enough: a boundary, and part headers that are `name: value` lines without continuation lines (a
 * header line starting with a space or tab makes s3rver's multipart parser throw outside any request
 * handler, which would end its process).
 */
export function malformedMultipart(contentType: string, body: Buffer): string | undefined {
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) return 'multipart body without a boundary';
  const delimiter = Buffer.from(`--${boundary}`);
  let at = body.indexOf(delimiter);
  while (at >= 0 && at !== 0 && !(body[at - 2] === 0x0d && body[at - 1] === 0x0a)) at = body.indexOf(delimiter, at + 1);
  while (at >= 0) {
    const after = at + delimiter.length;
    if (body[after] === 0x2d && body[after + 1] === 0x2d) return undefined; // the closing delimiter
    const lineEnd = body.indexOf('\r\n', after);
    if (lineEnd < 0) return undefined; // cut short: the parser waits for more and fails cleanly
    const headersEnd = body.indexOf('\r\n\r\n', lineEnd);
    const block = body.subarray(lineEnd + 2, headersEnd < 0 ? body.length : headersEnd).toString('latin1');
    for (const line of block.split('\r\n')) {
      if (line === '') continue;
      if (line.startsWith(' ') || line.startsWith('\t')) return 'a part header line starts with whitespace';
      if (!/^[^:]+:/.test(line)) return 'a part header line is not "name: value"';
    }
    if (headersEnd < 0) return undefined;
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headersEnd);
    at = next < 0 ? -1 : next + 2;
  }
  return undefined;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

/**
 * Starts s3rver with the given buckets in a child process, and starts it again on the same port when
 * it dies (at most {@link MAX_RESTARTS} times a minute; then `onGiveUp`). Without `directory` the
 * objects go to a fresh folder in the OS temp dir that is removed on stop.
 */
export async function startS3(options: {
  directory?: string;
  buckets: string[];
  allowedOrigins?: readonly string[];
  onGiveUp?: (error: Error) => void;
}): Promise<S3StandIn> {
  const ephemeral = options.directory ? undefined : await mkdtemp(join(tmpdir(), 'xyd-s3-'));
  const directory = options.directory ?? ephemeral!;
  const allowedOrigins = options.allowedOrigins ?? [];
  const config = { directory, buckets: options.buckets, cors: bucketCors(allowedOrigins), allowedOrigins, port: 0 };
  const first = await forkStandIn('./s3rver-process.cjs', config);
  let child = first.child;
  const port = first.port;
  config.port = port;
  let stopping = false;
  let restarts = 0;
  const restartTimes: number[] = [];
  /** Set while the process is being started again; requests wait for it. */
  let restarting: Promise<void> | undefined;

  const watch = (current: ChildProcess) => {
    current.once('exit', (code, signal) => {
      if (stopping) return;
      const now = Date.now();
      restartTimes.push(now);
      while (restartTimes.length > 0 && restartTimes[0]! < now - RESTART_WINDOW_MS) restartTimes.shift();
      if (restartTimes.length > MAX_RESTARTS) {
        options.onGiveUp?.(new Error(`the S3 stand-in died ${restartTimes.length} times within a minute (last: ${signal ?? `exit code ${code}`})`));
        return;
      }
      console.error(`本地 S3 替身进程意外退出（${signal ?? `退出码 ${code}`}），正在重新启动…`);
      restarting = (async () => {
        for (let attempt = 1; ; attempt += 1) {
          try {
            ({ child } = await forkStandIn('./s3rver-process.cjs', config));
            restarts += 1;
            watch(child);
            return;
          } catch (error) {
            if (stopping) return;
            if (attempt >= 5) {
              options.onGiveUp?.(new Error('the S3 stand-in could not be started again', { cause: error }));
              return;
            }
            await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
          }
        }
      })().finally(() => {
        restarting = undefined;
      });
    });
  };
  watch(child);

  const send = (request: IncomingMessage, response: ServerResponse, path: string, body: Buffer | undefined) => {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    headers.host = `127.0.0.1:${port}`;
    if (body) headers['content-length'] = String(body.length);
    const upstream = httpRequest({ host: '127.0.0.1', port, method: request.method, path, headers }, (answer) => {
      const out: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
      }
      response.writeHead(answer.statusCode ?? 502, out);
      answer.pipe(response);
      answer.on('error', () => response.destroy());
    });
    // The process died under the request (or is not listening yet): S3's "try again" answer.
    upstream.on('error', () => s3Error(response, 503, 'ServiceUnavailable', 'the local S3 stand-in is restarting; try again'));
    if (body) upstream.end(body);
    else request.pipe(upstream);
    response.on('close', () => {
      if (!response.writableFinished) upstream.destroy();
    });
  };

  const forward = (request: IncomingMessage, response: ServerResponse, path: string) => {
    void (async () => {
      let body: Buffer | undefined;
      const contentType = String(request.headers['content-type'] ?? '');
      if (request.method === 'POST' && /^multipart\/form-data/i.test(contentType)) {
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of request as AsyncIterable<Buffer>) {
          size += chunk.length;
          if (size > MAX_POST_BYTES) return s3Error(response, 400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
          chunks.push(chunk);
        }
        body = Buffer.concat(chunks);
        const problem = malformedMultipart(contentType, body);
        if (problem) return s3Error(response, 400, 'MalformedPOSTRequest', `The body of your POST request is not well-formed multipart/form-data: ${problem}`);
      }
      if (restarting) {
        const waited = await Promise.race([restarting.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), RESTART_WAIT_MS).unref())]);
        if (!waited) return s3Error(response, 503, 'ServiceUnavailable', 'the local S3 stand-in is restarting; try again');
      }
      send(request, response, path, body);
    })().catch(() => s3Error(response, 400, 'IncompleteBody', 'The request body could not be read'));
  };

  return {
    get endpoint() {
      return `http://127.0.0.1:${port}`;
    },
    get pid() {
      return child.pid;
    },
    get restarts() {
      return restarts;
    },
    forward,
    stop: async () => {
      stopping = true;
      await restarting;
      await stopChild(child);
      if (ephemeral) await rm(ephemeral, { recursive: true, force: true });
    },
  };
}
