import { describe, expect, it } from 'vitest';
import { backoffDelay, untilProcessed, UnprocessedItemsError, type BatchRetryPolicy } from '#shared/db/batch';

const FAST: BatchRetryPolicy = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 2 };

describe('untilProcessed', () => {
  it('asks again for exactly what a call left unprocessed until nothing is left', async () => {
    const calls: number[][] = [];
    await untilProcessed('test', [1, 2, 3, 4], async (pending) => {
      calls.push(pending);
      return pending.slice(2); // half done each time
    }, FAST);
    expect(calls).toEqual([[1, 2, 3, 4], [3, 4]]);
  });

  it('gives up after the policy’s attempts with an error naming what is left', async () => {
    let calls = 0;
    const stuck = untilProcessed('BatchWriteItem', ['a', 'b'], async (pending) => {
      calls += 1;
      return pending;
    }, FAST);
    await expect(stuck).rejects.toThrow(UnprocessedItemsError);
    await expect(stuck).rejects.toMatchObject({ operation: 'BatchWriteItem', remaining: 2, attempts: 4 });
    expect(calls).toBe(4);
  });

  it('sends nothing for nothing', async () => {
    let calls = 0;
    await untilProcessed('test', [], async () => {
      calls += 1;
      return [];
    });
    expect(calls).toBe(0);
  });
});

describe('backoffDelay', () => {
  it('grows exponentially with jitter and never passes the cap', () => {
    const policy: BatchRetryPolicy = { maxAttempts: 10, baseDelayMs: 25, maxDelayMs: 2000 };
    for (let attempt = 2; attempt <= 10; attempt += 1) {
      const ceiling = Math.min(2000, 25 * 2 ** (attempt - 1));
      for (let i = 0; i < 20; i += 1) {
        const delay = backoffDelay(attempt, policy);
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
  });
});
