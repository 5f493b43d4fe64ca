/**
 * The embedded DynamoDB-compatible (dynalite, LevelDB) and S3-compatible (s3rver) servers of the local
 * stack and the integration tests, on 127.0.0.1 and a free port each.
 */
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTableInput } from '#shared/db/table';

const require = createRequire(import.meta.url);

export interface RunningServer {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * Local credentials. dynalite accepts any; s3rver knows only its built-in pair and checks request
 * signatures against it, so the local stack signs everything with that pair.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/**
 * Starts dynalite in a child process (its LevelDB work then runs on another core than the handlers
 * and bulk jobs); `path` keeps its store there, otherwise everything lives in memory.
 */
export async function startDynamo(options: { path?: string } = {}): Promise<RunningServer> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./dynalite-process.cjs', import.meta.url)), options.path ? [options.path] : [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: [],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { port?: number; error?: string }) =>
      message.port ? resolve(message.port) : reject(new Error(`dynalite: ${message.error ?? 'failed to start'}`)),
    );
    child.once('exit', (code) => reject(new Error(`dynalite exited with ${code} before listening`)));
    child.once('error', reject);
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send('stop');
      }),
  };
}

/** Creates the table if it does not exist yet (idempotent: a kept data dir already has it). */
export async function ensureTable(endpoint: string, tableName: string, region: string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region, credentials: LOCAL_CREDENTIALS });
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
    await client.send(new CreateTableCommand(createTableInput(tableName)));
  } finally {
    client.destroy();
  }
}

/**
 * The admin site uploads straight to S3 with presigned POSTs and downloads reports with presigned
 * GETs, from another origin than the local S3's: allow it (the cloud buckets get the same rule).
 */
const BROWSER_CORS = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedMethod>POST</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

/**
 * Starts s3rver with the given buckets. Without `directory` the objects go to a fresh folder in the OS
 * temp dir that is removed on stop.
 */
export async function startS3(options: { directory?: string; buckets: string[] }): Promise<RunningServer> {
  const S3rver = require('s3rver') as new (opts: Record<string, unknown>) => {
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
  };
  const ephemeral = options.directory ? undefined : await mkdtemp(join(tmpdir(), 'xyd-s3-'));
  const directory = options.directory ?? ephemeral!;
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    vhostBuckets: false,
    configureBuckets: options.buckets.map((name) => ({ name, configs: [BROWSER_CORS] })),
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      await server.close();
      if (ephemeral) await rm(ephemeral, { recursive: true, force: true });
    },
  };
}
