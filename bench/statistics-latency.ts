/**
 * Statistics latency against data size: the same requests (summary, child regions, institution table)
 * over HTTP on the local stack, first with 1,000 orders loaded, then with 100,000 more, in one run.
 * Reads come from rollup counters, so the ratio should stay near 1 whatever the number of orders.
 */
import { report } from './stores';

const SMALL = Number(process.env.BENCH_SMALL_ORDERS ?? 1_000);
const LARGE = Number(process.env.BENCH_LARGE_ORDERS ?? 100_000);
const REPEAT = 25;

const REQUESTS = {
  summary: '/api/stats/summary',
  summaryMonth: '/api/stats/summary?year=2025&month=6',
  regions: '/api/stats/regions',
  institutions: '/api/stats/institutions?sort=loanAmount&order=desc',
} as const;

async function main(): Promise<void> {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.SMS_ECHO = '0';
  const { startLocalStack } = await import('#local/stack');
  const { ensureDemoAccounts, DEMO_ACCOUNTS, DEMO_PASSWORD } = await import('#tools/demo/accounts');
  const { generateDemoData } = await import('#tools/demo/generate');
  const { loadInBulk } = await import('#tools/demo/load');
  const { rebuildRollups } = await import('#tools/rollups');

  const stack = await startLocalStack({ memory: true, port: 0 });
  await ensureDemoAccounts();
  const login = await fetch(`${stack.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone: DEMO_ACCOUNTS[0]!.phone, password: DEMO_PASSWORD }),
  });
  const { token } = (await login.json()) as { token: string };

  const measure = async () => {
    const medians: Record<string, number> = {};
    for (const [name, path] of Object.entries(REQUESTS)) {
      const times: number[] = [];
      for (let i = 0; i < REPEAT; i += 1) {
        const started = performance.now();
        const response = await fetch(`${stack.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      medians[name] = times[Math.floor(times.length / 2)]!;
    }
    return medians;
  };

  const load = async (orders: number, seed: number) => {
    const description = generateDemoData({ orders, seed, idPrefix: `bench-${seed}` });
    const result = await loadInBulk(description);
    await stack.capture.drain(120_000);
    await rebuildRollups();
    return result;
  };

  await load(SMALL, 11);
  const small = await measure();
  const large = await load(LARGE, 12);
  const big = await measure();
  await stack.stop();

  const values: Record<string, number> = { smallOrders: SMALL, largeOrders: SMALL + LARGE, bulkLoadOrdersPerSecond: Math.round(large.ordersPerSecond) };
  for (const name of Object.keys(REQUESTS)) {
    values[`${name}MsAt${SMALL}`] = Number(small[name]!.toFixed(1));
    values[`${name}MsAt${SMALL + LARGE}`] = Number(big[name]!.toFixed(1));
    values[`${name}Ratio`] = Number((big[name]! / small[name]!).toFixed(2));
  }
  report('statistics-latency', values);
}

await main();
