/**
 * Statistics latency against data size: the same requests (summary, child regions, institution table)
 * over HTTP on the local stack, first with 1,000 orders loaded, then with 100,000 more, in one run.
 * Reads come from rollup counters, so the ratio should stay near 1 whatever the number of orders.
 */
import { latenciesAsDataGrows, report } from './stores';

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
  const { values, secondLoad } = await latenciesAsDataGrows(
    REQUESTS,
    REPEAT,
    [
      { orders: SMALL, seed: 11, idPrefix: 'bench-11' },
      { orders: LARGE, seed: 12, idPrefix: 'bench-12' },
    ],
    [SMALL, SMALL + LARGE],
  );
  report('statistics-latency', { smallOrders: SMALL, largeOrders: SMALL + LARGE, bulkLoadOrdersPerSecond: Math.round(secondLoad.ordersPerSecond), ...values });
}

await main();
