/**
 * Institution reads against the number of institutions (docs/capacity.md, "Institution reads,
 * bounded by the page"): the national 机构数据统计 page (`/api/stats/institutions`, one page sorted by
 * 放款金额) and 数据排行 (`/api/stats/institution-rankings`) over HTTP on the local stack, first with 250
 * institutions, then with 5,000 (the orders hardly change: 2,000, then 200 more with the new
 * institutions). Goal: a page costs a bounded number of reads, so the ratio stays within 1.5.
 */
import { medianLatencies, report, signedInStack } from './stores';

const SMALL = Number(process.env.BENCH_SMALL_INSTITUTIONS ?? 250);
const LARGE = Number(process.env.BENCH_LARGE_INSTITUTIONS ?? 5_000);
const REPEAT = 15;
const GOAL = 1.5;

const REQUESTS = {
  institutionsPage: '/api/stats/institutions?sort=loanAmount&order=desc&page=1&pageSize=20',
  rankings: '/api/stats/institution-rankings',
} as const;

async function main(): Promise<void> {
  // The stack first: it sets the environment the modules below read when they load.
  const { stack, token } = await signedInStack();
  const { generateDemoData } = await import('#tools/demo/generate');
  const { loadInBulk } = await import('#tools/demo/load');
  const { rebuildRollups } = await import('#tools/rollups');
  const measure = () => medianLatencies(stack.url, token, REQUESTS, REPEAT);

  const load = async (institutions: number, orders: number, seed: number) => {
    await loadInBulk(generateDemoData({ orders, institutions, seed, idPrefix: `bench-i${seed}` }));
    await stack.capture.drain(300_000);
    await rebuildRollups();
  };

  await load(SMALL, 2_000, 21);
  const small = await measure();
  await load(LARGE - SMALL, 200, 22);
  const large = await measure();
  await stack.stop();

  const values: Record<string, number | string> = { smallInstitutions: SMALL, largeInstitutions: LARGE };
  let worst = 0;
  for (const name of Object.keys(REQUESTS)) {
    const ratio = large[name]! / small[name]!;
    worst = Math.max(worst, ratio);
    values[`${name}MsAt${SMALL}`] = Number(small[name]!.toFixed(1));
    values[`${name}MsAt${LARGE}`] = Number(large[name]!.toFixed(1));
    values[`${name}Ratio`] = Number(ratio.toFixed(2));
  }
  values[`goal ratio ≤ ${GOAL}`] = worst <= GOAL ? 'pass' : 'FAIL';
  report('institution-reads', values);
}

await main();
