/**
 * Real dynalite (and, when asked, s3rver) on 127.0.0.1 for one test file, with the environment the
 * shared code reads. Configuration is read on first use, so this must run before any repository call.
 */
import { afterAll, beforeAll } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ensureTable, LOCAL_CREDENTIALS, startDynamo, startS3, type RunningServer } from '#local/embedded-servers';

export interface TestStores {
  dynamoEndpoint: string;
  s3Endpoint?: string;
}

export function useTestStores(options: { s3?: boolean; env?: Record<string, string> } = {}): TestStores {
  const stores = {} as TestStores;
  const servers: RunningServer[] = [];
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xyd-test-'));
    const secretFile = join(dir, 'session-secret');
    await writeFile(secretFile, randomBytes(48).toString('base64url'));
    const dynamo = await startDynamo();
    servers.push(dynamo);
    stores.dynamoEndpoint = dynamo.endpoint;
    if (options.s3) {
      const s3 = await startS3({ buckets: ['test-uploads', 'test-reports'] });
      servers.push(s3);
      stores.s3Endpoint = s3.endpoint;
    }
    Object.assign(process.env, {
      STAGE: 'local',
      AWS_REGION: 'cn-north-1',
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      TABLE_NAME: 'test-table',
      UPLOADS_BUCKET: 'test-uploads',
      REPORTS_BUCKET: 'test-reports',
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      ...(stores.s3Endpoint ? { S3_ENDPOINT: stores.s3Endpoint } : {}),
      SMS_PROVIDER: 'outbox',
      POWERTOOLS_METRICS_DISABLED: 'true',
      INGEST_AUTH: 'api-key',
      INGEST_API_KEY: 'test-ingest-key',
      SESSION_SECRET_FILE: secretFile,
      ...options.env,
    });
    await ensureTable(dynamo.endpoint, 'test-table', 'cn-north-1');
  });
  afterAll(async () => {
    for (const server of servers.reverse()) await server.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return stores;
}

/**
 * Drops the table and creates it again, empty. dynalite deletes and creates tables asynchronously
 * (even with zero delays), so each step waits until DescribeTable shows it done.
 */
export async function recreateTable(endpoint: string, name: string): Promise<void> {
  const { CreateTableCommand, DeleteTableCommand, DescribeTableCommand, DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const { createTableInput } = await import('#shared/db/table');
  const client = new DynamoDBClient({ endpoint, region: 'cn-north-1', credentials: LOCAL_CREDENTIALS });
  const status = async () => {
    try {
      return (await client.send(new DescribeTableCommand({ TableName: name }))).Table?.TableStatus ?? 'UNKNOWN';
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') return 'GONE';
      throw error;
    }
  };
  const until = async (wanted: string) => {
    for (let attempt = 0; attempt < 200 && (await status()) !== wanted; attempt += 1) await new Promise((r) => setTimeout(r, 25));
    if ((await status()) !== wanted) throw new Error(`table ${name} did not become ${wanted}`);
  };
  try {
    await client.send(new DeleteTableCommand({ TableName: name }));
    await until('GONE');
    await client.send(new CreateTableCommand(createTableInput(name)));
    await until('ACTIVE');
  } finally {
    client.destroy();
  }
}
