/**
 * Embedded stores for a benchmark process: dynalite (+ s3rver) on 127.0.0.1 with the environment the
 * shared code reads, and no change capture (a benchmark drives the code it measures directly).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ensureTable, LOCAL_CREDENTIALS, startDynamo, startS3, type RunningServer } from '#local/embedded-servers';
import type { DemoOptions } from '#tools/demo/generate';

export async function startBenchStores(): Promise<{ stop(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'xyd-bench-'));
  const secretFile = join(dir, 'session-secret');
  await writeFile(secretFile, randomBytes(48).toString('base64url'));
  const servers: RunningServer[] = [await startDynamo()];
  servers.push(await startS3({ buckets: ['bench-uploads', 'bench-reports'] }));
  Object.assign(process.env, {
    STAGE: 'local',
    AWS_REGION: 'cn-north-1',
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    TABLE_NAME: 'bench-table',
    UPLOADS_BUCKET: 'bench-uploads',
    REPORTS_BUCKET: 'bench-reports',
    DYNAMODB_ENDPOINT: servers[0]!.endpoint,
    S3_ENDPOINT: servers[1]!.endpoint,
    SMS_PROVIDER: 'outbox',
    POWERTOOLS_METRICS_DISABLED: 'true',
    SMS_ECHO: '0',
    INGEST_AUTH: 'api-key',
    INGEST_API_KEY: 'bench',
    SESSION_SECRET_FILE: secretFile,
  });
  await ensureTable(servers[0]!.endpoint, 'bench-table', 'cn-north-1');
  return {
    stop: async () => {
      for (const server of servers.reverse()) await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Prints one result line the runner collects (JSON after a marker). */
export function report(section: string, values: Record<string, number | string>): void {
  console.log(`BENCH ${JSON.stringify({ section, ...values })}`);
}

/** The answer of `POST /api/ingest/events`. */
export interface IngestAnswer {
  accepted: string[];
  duplicates: string[];
  rejected: { id: string; code: string; message: string }[];
}

/** Sends events to a local stack's ingestion API (its development API key); throws on any status but 200. */
export function ingestOverHttp(baseUrl: string, apiKey: string): (events: unknown[]) => Promise<IngestAnswer> {
  return async (events) => {
    const response = await fetch(`${baseUrl}/api/ingest/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ events }),
    });
    if (response.status !== 200) throw new Error(`ingest answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
    return (await response.json()) as IngestAnswer;
  };
}

/**
 * A local stack in memory on a free port, with the demo accounts and a national user's token, as the
 * read benchmarks use it (statistics-latency, institution-reads).
 */
export async function signedInStack() {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.SMS_ECHO = '0';
  const { startLocalStack } = await import('#local/stack');
  const { ensureDemoAccounts, DEMO_ACCOUNTS, DEMO_PASSWORD } = await import('#tools/demo/accounts');
  const stack = await startLocalStack({ memory: true, port: 0 });
  await ensureDemoAccounts();
  const login = await fetch(`${stack.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone: DEMO_ACCOUNTS[0]!.phone, password: DEMO_PASSWORD }),
  });
  const { token } = (await login.json()) as { token: string };
  return { stack, token };
}

/** The median time of each GET request over `repeat` tries, one after the other; throws on any status but 200. */
export async function medianLatencies(baseUrl: string, token: string, requests: Record<string, string>, repeat: number): Promise<Record<string, number>> {
  const medians: Record<string, number> = {};
  for (const [name, path] of Object.entries(requests)) {
    const times: number[] = [];
    for (let i = 0; i < repeat; i += 1) {
      const started = performance.now();
      const response = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    medians[name] = times[Math.floor(times.length / 2)]!;
  }
  return medians;
}

/**
 * The read benchmarks' question, "does it grow with the data?": the median latency of each request
 * on a signed-in local stack after a first bulk load, then again after a second one adds to it (each
 * load's rollups rebuilt), with the ratio of the two per request, labelled by `sizes`.
 */
export async function latenciesAsDataGrows(
  requests: Record<string, string>,
  repeat: number,
  loads: [DemoOptions, DemoOptions],
  sizes: [number, number],
): Promise<{ values: Record<string, number>; worstRatio: number; secondLoad: { ordersPerSecond: number } }> {
  // The stack first: it sets the environment the modules below read when they load.
  const { stack, token } = await signedInStack();
  const { generateDemoData } = await import('#tools/demo/generate');
  const { loadInBulk } = await import('#tools/demo/load');
  const { rebuildRollups } = await import('#tools/rollups');
  const load = async (options: DemoOptions) => {
    const result = await loadInBulk(generateDemoData(options));
    await stack.capture.drain(300_000);
    await rebuildRollups();
    return result;
  };
  await load(loads[0]);
  const before = await medianLatencies(stack.url, token, requests, repeat);
  const secondLoad = await load(loads[1]);
  const after = await medianLatencies(stack.url, token, requests, repeat);
  await stack.stop();

  const values: Record<string, number> = {};
  let worstRatio = 0;
  for (const name of Object.keys(requests)) {
    const ratio = after[name]! / before[name]!;
    worstRatio = Math.max(worstRatio, ratio);
    values[`${name}MsAt${sizes[0]}`] = Number(before[name]!.toFixed(1));
    values[`${name}MsAt${sizes[1]}`] = Number(after[name]!.toFixed(1));
    values[`${name}Ratio`] = Number(ratio.toFixed(2));
  }
  return { values, worstRatio, secondLoad };
}
