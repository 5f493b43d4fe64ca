/**
 * Statistics latency against data size: the same requests (summary, child regions, institution table)
 * over HTTP on the local stack, first with 1,000 orders loaded, then with 100,000 more, in one run.
 * Reads come from rollup counters, so the ratio should stay near 1 whatever the number of orders.
 */
import { medianLatencies, report, signedInStack } from './stores';

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
  // The stack first: it sets the environment the modules below read when they load.
  const { stack, token } = await signedInStack();
  const { generateDemoData } = await import('#tools/demo/generate');
  const { loadInBulk } = await import('#tools/demo/load');
  const { rebuildRollups } = await import('#tools/rollups');
  const measure = () => medianLatencies(stack.url, token, REQUESTS, REPEAT);

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
