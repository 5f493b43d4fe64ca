/**
 * The whole local stack in one process: embedded DynamoDB (dynalite) and S3 (s3rver) on 127.0.0.1,
 * the table and buckets, the change capture feeding the rollup handler, and the HTTP server that runs
 * the same module handlers as the cloud. One stack per process: the handlers read their configuration
 * from the environment this sets.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onDynamoClientCreated } from '#shared/db/client';
import { rollupStreamFilterPatterns } from '#shared/db/table';
import { logger } from '#shared/http/logger';
import { ensureTable, LOCAL_CREDENTIALS, startDynamo, startS3, type RunningServer } from './embedded-servers';
import { startLocalHttpServer, type LocalHttpServer, type ModuleHandler } from './http-server';
import { ChangeCapture } from './change-capture';
import { startLocalSmsTopic } from './sms-topic';

const REPO_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

export const LOCAL_TABLE = 'xinyidai-local';
export const LOCAL_UPLOADS_BUCKET = 'xinyidai-uploads';
export const LOCAL_REPORTS_BUCKET = 'xinyidai-reports';
export const DEFAULT_INGEST_API_KEY = 'local-ingest-key';

export interface LocalStackOptions {
  /** Keep nothing on disk. */
  memory?: boolean;
  /** Where the stores live between runs (default `.data/`). */
  dataDir?: string;
  /** HTTP port; 0 picks a free one. */
  port?: number;
  /** Serve the admin site from here (default `site/dist` when it exists). */
  siteDir?: string;
  /** Stream delivery tuning (tests). */
  capture?: { batchSize?: number; batchWindowMs?: number; shardCount?: number };
}

export interface LocalStack {
  url: string;
  dataDir?: string;
  capture: ChangeCapture;
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

/** Starts everything; resolves once the HTTP server listens. */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (error) {
        logger.warn('local stack: stop step failed', { error: error as Error });
      }
    }
  };
  try {
    const dataDir = options.memory ? undefined : resolve(options.dataDir ?? process.env.DATA_DIR ?? '.data');
    const secretsDir = dataDir ?? (await mkdtemp(join(tmpdir(), 'xyd-local-')));
    if (dataDir) await mkdir(join(dataDir, 's3'), { recursive: true });
    else stops.push(() => rm(secretsDir, { recursive: true, force: true }));

    const dynamo: RunningServer = await startDynamo(dataDir ? { path: join(dataDir, 'dynamo') } : {});
    stops.push(dynamo.stop);
    const s3 = await startS3({
      directory: dataDir ? join(dataDir, 's3') : undefined,
      buckets: [LOCAL_UPLOADS_BUCKET, LOCAL_REPORTS_BUCKET],
    });
    stops.push(s3.stop);

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
      S3_ENDPOINT: s3.endpoint,
      SMS_PROVIDER: 'outbox',
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
      INGEST_AUTH: 'api-key',
      INGEST_API_KEY: process.env.INGEST_API_KEY || DEFAULT_INGEST_API_KEY,
      SESSION_SECRET_FILE: await sessionSecretFile(secretsDir),
    });
    await ensureTable(dynamo.endpoint, LOCAL_TABLE, region);

    const { handler: rollupHandler } = await import('#functions/rollup/index');
    const capture = new ChangeCapture({
      tableName: LOCAL_TABLE,
      region,
      handler: rollupHandler,
      filterPatterns: rollupStreamFilterPatterns(),
      // The same batch size as the cloud event source mapping (lib/constructs/rollup.ts).
      batchSize: 1000,
      ...options.capture,
    });
    stops.push(() => capture.stop());
    onDynamoClientCreated((client) => capture.attach(client));

    // SMS requests reach the same SMS function the cloud's topic subscribes.
    const { handler: smsHandler } = await import('#functions/sms/index');
    const stopSmsTopic = startLocalSmsTopic(smsHandler);
    stops.push(async () => stopSmsTopic());

    const { API_MODULES, LOCAL_MODULES, FALLBACK_MODULE } = await import('#functions/registry');
    const { setLocalRuntime } = await import('#functions/dev/runtime');
    setLocalRuntime({ pendingRecords: () => capture.pending() });
    // The deployed docs function serves the generated document; locally it includes the dev routes.
    const { useLocalDocument } = await import('#functions/docs/routes');
    const { buildOpenApiDocument } = await import('#shared/http/openapi');
    useLocalDocument((version) => buildOpenApiDocument([...API_MODULES, ...LOCAL_MODULES], version, true));
    const modules = [...API_MODULES, ...LOCAL_MODULES];
    const handlers = new Map<string, ModuleHandler>();
    for (const module of modules) {
      const entry = (await import(`../functions/${module.name}/index.ts`)) as { handler: ModuleHandler };
      handlers.set(module.name, entry.handler);
    }
    const defaultSite = join(REPO_ROOT, 'site', 'dist');
    const siteDir = options.siteDir ?? (existsSync(join(defaultSite, 'index.html')) ? defaultSite : undefined);
    const http: LocalHttpServer = await startLocalHttpServer({
      modules,
      handlers,
      fallbackModule: FALLBACK_MODULE,
      port: options.port ?? Number(process.env.PORT ?? 3000),
      siteDir,
    });
    stops.push(http.close);

    return { url: http.url, dataDir, capture, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
