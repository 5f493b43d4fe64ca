/**
 * Counts the DynamoDB calls a piece of work makes and its sequential round trips: the length of the
 * longest chain of calls in which each call started only after the previous one had answered. Calls
 * in flight together count once. Used by the ingestion tests and `npm run bench` (bench/ingest.ts).
 *
 * Attribution is by async context: only calls made inside {@link measureRoundTrips} count, so other
 * work of the process (the local change capture, other requests) does not.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { dynamoClient } from '#shared/db/client';

export interface RoundTrips {
  /** DynamoDB calls made. */
  calls: number;
  /** The longest chain of calls each waiting for the one before. */
  sequential: number;
  /** Calls per command name. */
  byCommand: Record<string, number>;
}

interface Tally extends RoundTrips {
  /** The depth of the deepest call that has answered so far. */
  answeredDepth: number;
}

const current = new AsyncLocalStorage<Tally>();
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  dynamoClient().middlewareStack.add(
    (next, context) => async (args) => {
      const tally = current.getStore();
      if (!tally) return next(args);
      const depth = tally.answeredDepth + 1;
      tally.calls += 1;
      const command = context.commandName ?? 'unknown';
      tally.byCommand[command] = (tally.byCommand[command] ?? 0) + 1;
      tally.sequential = Math.max(tally.sequential, depth);
      try {
        return await next(args);
      } finally {
        tally.answeredDepth = Math.max(tally.answeredDepth, depth);
      }
    },
    { step: 'initialize', name: 'countRoundTrips' },
  );
}

/** Runs `work` and tells how many DynamoDB calls it made and how many of them were sequential. */
export async function measureRoundTrips<T>(work: () => Promise<T>): Promise<{ result: T; roundTrips: RoundTrips }> {
  install();
  const tally: Tally = { calls: 0, sequential: 0, byCommand: {}, answeredDepth: 0 };
  const result = await current.run(tally, work);
  const { answeredDepth: _depth, ...roundTrips } = tally;
  return { result, roundTrips };
}
