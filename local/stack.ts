/**
 * The whole local stack in one process: the HTTP server (site, API, files), embedded DynamoDB (dynalite)
 * and S3 (s3rver) in child processes on 127.0.0.1, the table and buckets, and the change capture
 * feeding the rollup handler — durable in the data directory (docs/architecture.md, "Local and
 * cloud"). One stack per process: the handlers read their configuration from the environment this sets.
 *
 * Start-up order: the HTTP server listens first (so its address is known: the S3 endpoint and the
 * stand-ins' allowed origins are derived from it) but answers `/api` only at the end; then the
 * stand-ins, the table, the change capture, which first redelivers what an earlier run left in the
 * change log and resolves its unfinished writes, and only then the API.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { onDynamoClientCreated } from '#shared/db/client';
import { rollupStreamFilterPatterns } from '#shared/db/table';
import { logger } from '#shared/http/logger';
import { ensureTable, LOCAL_CREDENTIALS, startDynamo, startS3, type DynamoStandIn, type S3StandIn, type StandInExit } from './embedded-servers';
import { FILES_PREFIX, parseAllowedHosts, startLocalHttpServer, type LocalHttpApp, type LocalHttpServer, type ModuleHandler } from './http-server';
import { ChangeCapture, type RecoverySummary } from './change-capture';
import { startLocalSmsTopic } from './sms-topic';
import { guardTableAccess } from './permission-guard';

const REPO_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

export const LOCAL_TABLE = 'xinyidai-local';
export const LOCAL_UPLOADS_BUCKET = 'xinyidai-uploads';
export const LOCAL_REPORTS_BUCKET = 'xinyidai-reports';
export const DEFAULT_INGEST_API_KEY = 'local-ingest-key';
/** The change log in a data directory (local/change-log.ts). */
export const CHANGE_LOG_FILE = 'change-log.jsonl';

export interface LocalStackOptions {
  /** Keep nothing on disk. */
  memory?: boolean;
  /** Where the stores live between runs (default `.data/`). */
  dataDir?: string;
  /** HTTP port; 0 picks a free one. */
  port?: number;
  /** Serve the admin site from here (default `site/dist` when it exists). */
  siteDir?: string;
  /** More host names the HTTP server answers (default: `ALLOWED_HOSTS`). */
  allowedHosts?: readonly string[];
  /** Stream delivery tuning (tests). */
  capture?: { batchSize?: number; batchWindowMs?: number; shardCount?: number };
  /** Progress lines for people (Chinese): what the start-up recovered. */
  onProgress?: (line: string) => void;
  /**
   * Called once the stack has stopped because a part it cannot run without failed (the DynamoDB
   * stand-in's process died, or the S3 stand-in kept dying); the message says what happened.
   */
  onFatal?: (error: Error) => void;
}

export interface LocalStack {
  url: string;
  dataDir?: string;
  capture: ChangeCapture;
  /** What the start took over from the change log of an earlier run. */
  recovery: RecoverySummary;
  /** The stand-ins' process ids (tests). */
  processes: { readonly dynamo: number | undefined; readonly s3: number | undefined };
  /** The S3 stand-in (tests): its direct endpoint and restart count. */
  s3: Pick<S3StandIn, 'endpoint' | 'restarts'>;
  /** Drains and stops everything; idempotent. */
  stop(): Promise<void>;
}

async function sessionSecretFile(dir: string): Promise<string> {
  const file = join(dir, 'session-secret');
  if (!existsSync(file)) {
    await writeFile(file, randomBytes(48).toString('base64url'), { mode: 0o600 });
  } else if ((await readFile(file, 'utf8')).trim().length < 32) {
    throw new Error(`${file} holds a session secret shorter than 32 characters`);
  }
  return file;
}

function describeExit(exit: StandInExit): string {
  return exit.signal ? `信号 ${exit.signal}` : `退出码 ${exit.code}`;
}

/** The route tables and the handler of every module the local server runs. */
async function loadApi(): Promise<LocalHttpApp> {
  const { API_MODULES, LOCAL_MODULES, FALLBACK_MODULE } = await import('#functions/registry');
  const modules = [...API_MODULES, ...LOCAL_MODULES];
  // The deployed docs function serves the generated document; locally it includes the dev routes.
  const { useLocalDocument } = await import('#functions/docs/routes');
  const { buildOpenApiDocument } = await import('#shared/http/openapi');
  useLocalDocument((version) => buildOpenApiDocument(modules, version, true));
  const handlers = new Map<string, ModuleHandler>();
  for (const module of modules) {
    const entry = (await import(`../functions/${module.name}/index.ts`)) as { handler: ModuleHandler };
    handlers.set(module.name, entry.handler);
  }
  return { modules, handlers, fallbackModule: FALLBACK_MODULE };
}

/** Starts everything; resolves once the API answers. */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  /** Stop steps, run last-added first; each is given whether the stop is an orderly one. */
  const stops: ((orderly: boolean) => Promise<void>)[] = [];
  let stopFirst: (() => Promise<void>) | undefined;
  let stopping: Promise<void> | undefined;
  const stopAll = (orderly = true) =>
    (stopping ??= (async () => {
      for (const stop of [...(stopFirst ? [stopFirst] : []), ...[...stops].reverse()]) {
        try {
          await stop(orderly);
        } catch (error) {
          logger.warn('local stack: stop step failed', { error: error as Error });
        }
      }
    })());
  let startupFailure: Error | undefined;
  /** A part the stack cannot run without has failed: say so, stop everything, tell the caller. */
  const fatal = (error: Error) => {
    if (stopping) return;
    startupFailure ??= error;
    console.error(`\n${error.message}`);
    void stopAll(false).then(() => options.onFatal?.(error));
  };
  try {
    const dataDir = options.memory ? undefined : resolve(options.dataDir ?? process.env.DATA_DIR ?? '.data');
    const secretsDir = dataDir ?? (await mkdtemp(join(tmpdir(), 'xyd-local-')));
    if (dataDir) await mkdir(join(dataDir, 's3'), { recursive: true });
    else stops.push(() => rm(secretsDir, { recursive: true, force: true }));

    const defaultSite = join(REPO_ROOT, 'site', 'dist');
    const http: LocalHttpServer = await startLocalHttpServer({
      port: options.port ?? Number(process.env.PORT ?? 3000),
      siteDir: options.siteDir ?? (existsSync(join(defaultSite, 'index.html')) ? defaultSite : undefined),
      allowedHosts: options.allowedHosts ?? parseAllowedHosts(process.env.ALLOWED_HOSTS),
    });
    // Stopped first of all: no new requests while the rest drains.
    stopFirst = () => http.close();

    // Both stand-ins start at once (each is a process of its own); a failure stops the other too.
    const [dynamoStart, s3Start] = await Promise.allSettled([
      startDynamo({
        ...(dataDir ? { path: join(dataDir, 'dynamo') } : {}),
        allowedOrigins: http.origins,
        onExit: (exit) =>
          fatal(
            new Error(
              `本地 DynamoDB 替身（dynalite）进程意外退出（${describeExit(exit)}），服务无法继续，已停止。` +
                (dataDir ? '数据目录中尚未汇总的变更会在下次启动时补发；' : '') +
                '请重新运行 npm start。',
            ),
          ),
      }),
      startS3({
        directory: dataDir ? join(dataDir, 's3') : undefined,
        buckets: [LOCAL_UPLOADS_BUCKET, LOCAL_REPORTS_BUCKET],
        allowedOrigins: http.origins,
        onGiveUp: (error) => fatal(new Error(`本地 S3 替身（s3rver）反复意外退出，服务已停止（${error.message}）。请重新运行 npm start。`)),
      }),
    ]);
    if (dynamoStart.status === 'fulfilled') stops.push(() => dynamoStart.value.stop());
    if (s3Start.status === 'fulfilled') stops.push(() => s3Start.value.stop());
    if (dynamoStart.status === 'rejected') throw dynamoStart.reason;
    if (s3Start.status === 'rejected') throw s3Start.reason;
    const dynamo: DynamoStandIn = dynamoStart.value;
    const s3: S3StandIn = s3Start.value;
    http.serveFiles(s3.forward);

    const region = process.env.AWS_REGION ?? 'cn-north-1';
    Object.assign(process.env, {
      STAGE: 'local',
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      TABLE_NAME: LOCAL_TABLE,
      UPLOADS_BUCKET: LOCAL_UPLOADS_BUCKET,
      REPORTS_BUCKET: LOCAL_REPORTS_BUCKET,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      // Through the console's own origin: presigned upload and download URLs then point there too.
      S3_ENDPOINT: `${http.url}${FILES_PREFIX}`,
      SMS_PROVIDER: 'outbox',
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
      INGEST_AUTH: 'api-key',
      INGEST_API_KEY: process.env.INGEST_API_KEY || DEFAULT_INGEST_API_KEY,
      SESSION_SECRET_FILE: await sessionSecretFile(secretsDir),
    });
    // The module handlers load meanwhile (their configuration is read on first use).
    const loadingApi = loadApi();
    loadingApi.catch(() => undefined); // awaited below; a failure surfaces there
    await ensureTable(dynamo.endpoint, LOCAL_TABLE, region, dataDir ? { upgradeIn: dataDir, progress: options.onProgress } : {});
    // A new store is of the current rollup generation; a kept older one is upgraded by `npm start`.
    const { recordGenerationOfNewStore } = await import('#shared/db/stats');
    await recordGenerationOfNewStore();

    const { handler: rollupHandler } = await import('#functions/rollup/index');
    const { applyBatch } = await import('#functions/rollup/apply');
    const capture = new ChangeCapture({
      tableName: LOCAL_TABLE,
      region,
      handler: rollupHandler,
      // What an earlier run left is rolled up as of that run's last change (see change-capture.ts).
      recoveryHandler: (event, now) => (event.Records.length === 0 ? rollupHandler(event) : applyBatch(event, now)),
      filterPatterns: rollupStreamFilterPatterns(),
      // The same batch size as the cloud event source mapping (lib/constructs/rollup.ts).
      batchSize: 1000,
      ...(dataDir ? { log: join(dataDir, CHANGE_LOG_FILE) } : {}),
      onLogError: (error) =>
        fatal(
          new Error(
            `无法写入数据目录中的变更日志（${error.message}），服务已停止。请检查磁盘空间后重新运行 npm start，` +
              '再运行 npm run rollups -- reconcile 核对统计汇总。',
          ),
        ),
      ...options.capture,
    });
    // An orderly stop lets the rollup catch up for a while; what is left stays in the change log.
    stops.push((orderly) => capture.stop(orderly ? 10_000 : 1_000));
    const progress = options.onProgress ?? (() => undefined);
    const reader = new DynamoDBClient({ endpoint: dynamo.endpoint, region, credentials: LOCAL_CREDENTIALS });
    let recovery: RecoverySummary;
    try {
      recovery = await capture.recover(reader);
    } finally {
      reader.destroy();
    }
    if (recovery.redelivered + recovery.unfinishedWrites > 0) {
      progress(
        `上次运行未正常结束：正在补发 ${recovery.redelivered} 条尚未汇总的变更` +
          (recovery.unfinishedWrites > 0 ? `，并核对 ${recovery.unfinishedWrites} 个未完成的写入（补记 ${recovery.rebuilt} 条）` : '') +
          (recovery.lost > 0 ? `；其中 ${recovery.lost} 处变更无法补记，请稍后运行 npm run rollups -- reconcile 核对` : '') +
          '…',
      );
    }
    onDynamoClientCreated((client) => {
      capture.attach(client);
      guardTableAccess(client);
    });
    // Ready only once the earlier run's changes are rolled up: the counters are then complete.
    await capture.drain(30 * 60 * 1000);
    if (recovery.redelivered + recovery.unfinishedWrites > 0) progress('上次运行遗留的变更已全部汇总。');
    if (startupFailure) throw startupFailure;

    // SMS requests reach the same SMS function the cloud's topic subscribes.
    const { handler: smsHandler } = await import('#functions/sms/index');
    const stopSmsTopic = startLocalSmsTopic(smsHandler);
    stops.push(async () => stopSmsTopic());

    const api = await loadingApi;
    const { setLocalRuntime } = await import('#functions/dev/runtime');
    setLocalRuntime({ pendingRecords: () => capture.pending() });
    if (startupFailure) throw startupFailure;
    http.serveApi(api);

    return {
      url: http.url,
      dataDir,
      capture,
      recovery,
      processes: {
        get dynamo() {
          return dynamo.pid;
        },
        get s3() {
          return s3.pid;
        },
      },
      s3,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
