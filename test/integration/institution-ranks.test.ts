/**
 * The nation's 机构数据统计 answers from the rank indexes (shared/statistics/queries.ts,
 * `leadingInstitutionRows`) are exactly what sorting all rows gives — every column, both region
 * bases, with and without a type, in several periods, at limits inside and past the rows with a value
 * (ties at the edge included) — and their reads do not grow with the institutions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '#local/stack';
import type { Caller } from '#shared/auth/caller';
import { NATION_CODE } from '#shared/reference/regions';
import { INSTITUTION_COLUMNS, institutionRows, leadingInstitutionRows, sortInstitutionRows, type InstitutionQuery } from '#shared/statistics/queries';
import { generateDemoData } from '#tools/demo/generate';
import { loadInBulk } from '#tools/demo/load';
import { rebuildRollups } from '#tools/rollups';
import { measureRoundTrips } from '#tools/round-trips';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ memory: true, port: 0 });
  await loadInBulk(generateDemoData({ orders: 1_500, institutions: 60, seed: 17 }));
  await stack.capture.drain(120_000);
  await rebuildRollups();
}, 300_000);
afterAll(async () => {
  await stack?.stop();
});

const national: Caller = { accountId: 1, realName: '国家', phone: '13600000000', role: 'national', provinceCode: NATION_CODE, sessionId: 's' };

describe('rank indexes', () => {
  it('give the nation exactly the rows that sorting all rows gives', async () => {
    const queries: InstitutionQuery[] = [
      {},
      { regionBasis: 'institution' },
      { type: 'bank' },
      { type: 'guarantee', regionBasis: 'institution' },
      { year: 2024 },
      { year: 2025, month: 6 },
    ];
    let fromIndex = 0;
    let answers = 0;
    for (const query of queries) {
      const { rows: all } = await institutionRows(national, query);
      for (const limit of [1, 10, 20, 45, 400]) {
        // The rankings ask every column at once; a page one column.
        const together = await leadingInstitutionRows(national, query, INSTITUTION_COLUMNS.map((column) => ({ column })), limit);
        for (const [i, column] of INSTITUTION_COLUMNS.entries()) {
          const expected = sortInstitutionRows([...all], column).slice(0, limit);
          const alone = await leadingInstitutionRows(national, query, [{ column }], limit);
          const label = `${JSON.stringify(query)} ${column} top ${limit}`;
          expect(alone.total, label).toBe(all.length);
          expect(alone.rows[0], label).toEqual(expected);
          expect(together.rows[i], label).toEqual(expected);
          answers += 1;
          if (alone.fromIndex) fromIndex += 1;
        }
        expect(together.total).toBe(all.length);
      }
    }
    // Many answers came from the indexes; those past the rows with a value from all rows.
    expect(fromIndex).toBeGreaterThan(answers / 3);
    expect(fromIndex).toBeLessThan(answers);
  }, 300_000);

  it('read a page with a number of calls that does not depend on the institutions', async () => {
    const calls = async () => {
      const { result, roundTrips } = await measureRoundTrips(() => leadingInstitutionRows(national, {}, [{ column: 'loanAmount' }], 20));
      expect(result.fromIndex).toBe(true);
      return roundTrips;
    };
    const before = await calls();
    await loadInBulk(generateDemoData({ orders: 50, institutions: 400, seed: 18, idPrefix: 'more', institutionId: (index) => 10_000 + index }));
    await stack.capture.drain(120_000);
    await rebuildRollups();
    const after = await calls();
    expect(after.byCommand.GetItemCommand).toBe(1);
    expect(after.calls).toBe(before.calls);
    expect(after.sequential).toBeLessThanOrEqual(3);
  }, 300_000);
});
