/**
 * Institution reads against the number of institutions (docs/capacity.md, "Institution reads,
 * bounded by the page"): the national 机构数据统计 page (`/api/stats/institutions`, one page sorted by
 * 放款金额) and 数据排行 (`/api/stats/institution-rankings`) over HTTP on the local stack, first with 250
 * institutions, then with 5,000 (the orders hardly change: 2,000, then 200 more with the new
 * institutions). Goal: a page costs a bounded number of reads, so the ratio stays within 1.5.
 */
import { latenciesAsDataGrows, report } from './stores';

const SMALL = Number(process.env.BENCH_SMALL_INSTITUTIONS ?? 250);
const LARGE = Number(process.env.BENCH_LARGE_INSTITUTIONS ?? 5_000);
const REPEAT = 15;
const GOAL = 1.5;

const REQUESTS = {
  institutionsPage: '/api/stats/institutions?sort=loanAmount&order=desc&page=1&pageSize=20',
  rankings: '/api/stats/institution-rankings',
} as const;

async function main(): Promise<void> {
  const { values, worstRatio } = await latenciesAsDataGrows(
    REQUESTS,
    REPEAT,
    [
      { orders: 2_000, institutions: SMALL, seed: 21, idPrefix: 'bench-i21' },
      { orders: 200, institutions: LARGE - SMALL, seed: 22, idPrefix: 'bench-i22' },
    ],
    [SMALL, LARGE],
  );
  report('institution-reads', { smallInstitutions: SMALL, largeInstitutions: LARGE, ...values, [`goal ratio ≤ ${GOAL}`]: worstRatio <= GOAL ? 'pass' : 'FAIL' });
}

await main();
