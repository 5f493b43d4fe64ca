/**
 * The demo data generator and the bulk loader: orders per second for the default set (20,000
 * orders), and the rollup rebuild that follows it.
 */
import { report, startBenchStores } from './stores';

const ORDERS = Number(process.env.BENCH_DEMO_ORDERS ?? 20_000);

async function main(): Promise<void> {
  const stores = await startBenchStores();
  const { generateDemoData } = await import('#tools/demo/generate');
  const { loadInBulk } = await import('#tools/demo/load');
  const { rebuildRollups } = await import('#tools/rollups');
  let started = performance.now();
  const description = generateDemoData({ orders: ORDERS, seed: 1 });
  const generateSeconds = (performance.now() - started) / 1000;
  const load = await loadInBulk(description);
  started = performance.now();
  const rebuilt = await rebuildRollups();
  const rebuildSeconds = (performance.now() - started) / 1000;
  report('demo-load', {
    orders: description.counts.orders,
    events: description.counts.events,
    generatedOrdersPerSecond: Math.round(description.counts.orders / generateSeconds),
    bulkLoadSeconds: Number((load.elapsedMs / 1000).toFixed(1)),
    bulkLoadOrdersPerSecond: Math.round(load.ordersPerSecond),
    itemsWritten: load.itemsWritten,
    rebuildSeconds: Number(rebuildSeconds.toFixed(1)),
    counterItems: rebuilt.baseCounters,
  });
  await stores.stop();
}

await main();
