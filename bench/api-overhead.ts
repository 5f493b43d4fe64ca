/**
 * What a request costs beyond its reads (docs/capacity.md, "API overhead"), and how soon an event
 * shows on the dashboard:
 * - requests per second of `GET /api/stats/summary` through the local HTTP stack (fixed concurrency,
 *   fixed duration) against a bare GetItem loop on the same engine in the same run (goal ≥ 0.4);
 * - event to dashboard: one `order.submitted` ingested, then the summary polled until its demand
 *   count shows it; p50 and p99 over a bounded number of tries (goal p99 ≤ 2 s locally).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ingestOverHttp, report } from './stores';

const SECONDS = Number(process.env.BENCH_API_SECONDS ?? 5);
const CONCURRENCY = 8;
const TRIES = Number(process.env.BENCH_E2D_TRIES ?? 40);

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

/** How many times `work` completes in `seconds` with `concurrency` loops. */
async function throughput(seconds: number, concurrency: number, work: () => Promise<void>): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await work();
        done += 1;
      }
    }),
  );
  return done / seconds;
}

async function main(): Promise<void> {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  const { startLocalStack, DEFAULT_INGEST_API_KEY } = await import('#local/stack');
  const stack = await startLocalStack({ memory: true, port: 0 });
  const { documentClient, tableName } = await import('#shared/db/client');
  const { ensureDemoAccounts, DEMO_ACCOUNTS, DEMO_PASSWORD } = await import('#tools/demo/accounts');
  const { creditCodeCheckChar } = await import('#shared/reference/credit-code');
  await ensureDemoAccounts();
  const national = DEMO_ACCOUNTS.find((account) => account.role === 'national')!;
  const login = await fetch(`${stack.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone: national.phone, password: DEMO_PASSWORD }),
  });
  const { token } = (await login.json()) as { token: string };
  const summary = async (): Promise<{ metrics: { demandCount: number } }> => {
    const response = await fetch(`${stack.url}/api/stats/summary`, { headers: { authorization: `Bearer ${token}` } });
    if (response.status !== 200) throw new Error(`summary answered ${response.status}`);
    return (await response.json()) as { metrics: { demandCount: number } };
  };
  const ingest = ingestOverHttp(stack.url, DEFAULT_INGEST_API_KEY);

  // Some data, so that the summary reads real counter items.
  const first17 = '91350203MA2BENCH1';
  await ingest([{ id: 'bench-e0', type: 'enterprise.registered', occurredAt: new Date().toISOString(), data: { enterpriseId: 'bench-e0', name: '测速企业', creditCode: first17 + creditCodeCheckChar(first17), industry: 'C', districtCode: '350203' } }]);
  await stack.capture.drain(60_000);
  await summary();

  const apiPerSecond = await throughput(SECONDS, CONCURRENCY, async () => {
    await summary();
  });
  const getPerSecond = await throughput(SECONDS, CONCURRENCY, async () => {
    await documentClient().send(new GetCommand({ TableName: tableName(), Key: { pk: 'STAT#ROOT#all', sk: 'REGION#000000' } }));
  });

  // Event to dashboard.
  const latencies: number[] = [];
  for (let i = 0; i < TRIES; i += 1) {
    const before = (await summary()).metrics.demandCount;
    const started = performance.now();
    await ingest([{ id: `bench-o${i}`, type: 'order.submitted', occurredAt: new Date().toISOString(), data: { orderId: `bench-o${i}`, enterpriseId: 'bench-e0', requestedAmount: 100_000 } }]);
    for (;;) {
      if ((await summary()).metrics.demandCount > before) break;
      if (performance.now() - started > 30_000) throw new Error('the event did not reach the dashboard within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    latencies.push(performance.now() - started);
  }
  const p99 = percentile(latencies, 99);
  report('api-overhead', {
    summaryRequestsPerSecond: Math.round(apiPerSecond),
    bareGetItemsPerSecond: Math.round(getPerSecond),
    ratio: Number((apiPerSecond / getPerSecond).toFixed(2)),
    'goal ratio ≥ 0.4': apiPerSecond / getPerSecond >= 0.4 ? 'pass' : 'FAIL',
    eventToDashboardP50Ms: Math.round(percentile(latencies, 50)),
    eventToDashboardP99Ms: Math.round(p99),
    'goal p99 ≤ 2000 ms': p99 <= 2000 ? 'pass' : 'FAIL',
  });
  await stack.stop();
}

await main();
