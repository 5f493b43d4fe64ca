/**
 * The account and session items behind a token, read once and kept for a moment (docs/security.md,
 * "Session checks").
 *
 * Every API request checks its session: the account (status, audit state, token version) and the
 * session item (idle and absolute limits), one strongly consistent BatchGetItem. A console page asks
 * several questions at once and a user moves between screens within a second, so the same pair is
 * read again and again; this keeps each pair for at most {@link SESSION_READ_TTL_MS} and lets
 * concurrent checks of one session share one read.
 *
 * What a revocation costs: a write through this process (sign-out, password change, disabling,
 * auditing, deleting an account — shared/db/accounts.ts and shared/auth/sessions.ts call
 * {@link forgetSessionReads}) takes effect at once; a write through another process (another
 * function instance, the admin command) within {@link SESSION_READ_TTL_MS}.
 */
import { batchGetItems } from './batch';
import { accountKey, sessionKey } from './keys';

export const SESSION_READ_TTL_MS = 1_000;
let keptFor = SESSION_READ_TTL_MS;
/** Distinct sessions kept at most; the oldest read goes first. */
const MAX_ENTRIES = 2_000;

type Items = Record<string, unknown>[];
const reads = new Map<string, { phone: string; readAt: number; items: Promise<Items> }>();

/** The account item and the session item of a token's phone and session id (either may be missing). */
export function readAccountAndSession(phone: string, sessionId: string): Promise<Items> {
  const id = `${phone}\u0000${sessionId}`;
  const now = Date.now();
  const kept = reads.get(id);
  if (kept && now - kept.readAt < keptFor) return kept.items;
  reads.delete(id);
  const items = batchGetItems([{ ...accountKey(phone) }, { ...sessionKey(phone, sessionId) }], { consistentRead: true });
  if (keptFor === 0) return items;
  const entry = { phone, readAt: now, items };
  reads.set(id, entry);
  // A failed read is not kept: the next check reads again.
  items.catch(() => {
    if (reads.get(id) === entry) reads.delete(id);
  });
  if (reads.size > MAX_ENTRIES) reads.delete(reads.keys().next().value!);
  return items;
}

/**
 * Sets how long reads are kept (0: every check reads) and returns the previous setting; the API
 * overhead bench measures both (bench/api-overhead.ts).
 */
export function keepSessionReadsFor(ms: number): number {
  const previous = keptFor;
  if (ms !== previous) reads.clear();
  keptFor = ms;
  return previous;
}

/** Forgets what was read for an account's sessions (after any write to the account or its sessions). */
export function forgetSessionReads(phone: string): void {
  for (const [id, entry] of reads) if (entry.phone === phone) reads.delete(id);
}
