/**
 * Repairs drifted specialist counters (docs/data-model.md, "Write protocols"). A counter is never lower than the number of
 * specialists, but a request that fails between raising it and writing the specialist (or between
 * deleting a specialist and lowering it) leaves it too high, which blocks the institution's delete.
 * This recounts each institution's specialists with a Query and sets the counter.
 *
 * Racing requests: the counter and its change stamp are read *before* the specialists are counted,
 * and the repair is written only if both are unchanged. A raise (counter below the count: never
 * produced by the repository) is applied at once. A lowering is applied only when the stamp is older
 * than {@link WRITE_SETTLE_MS}: a request between its steps (specialist counted as gone but the counter
 * not yet lowered, or counter raised but the specialist not yet written) stamped the counter before its
 * first step, so a recent stamp means the recount may be off by that request; such counters are
 * reported in `skipped` and left for a later run.
 *
 * Not a request path: the admin CLI runs it. It reads the institution list index one province
 * partition at a time (no Scan).
 */
import { countSpecialists, readSpecialistCounter, setSpecialistCounter, type SpecialistCounter } from '#shared/db/specialist-counter';
import { listInstitutionIds } from '#shared/db/institutions';
import { WRITE_SETTLE_MS } from '#shared/db/guards';
import { childRegions } from '#shared/reference/regions';

export interface CounterDrift {
  institutionId: number;
  stored: number;
  actual: number;
}

export interface ReconcileReport {
  /** Institutions whose counter was checked. */
  checked: number;
  /** Counters set to the recount (with `dryRun`: counters that would be). */
  repaired: CounterDrift[];
  /** Drifted counters left alone: changed recently or while being checked; a later run repairs them. */
  skipped: (CounterDrift & { reason: 'recent-change' | 'changed-meanwhile' })[];
}

export interface ReconcileOptions {
  /** Report the drift without writing. */
  dryRun?: boolean;
  /** The current time (tests). */
  now?: Date;
}

/** What to do with one counter: nothing, set it now, or wait until it has been quiet long enough. */
export type CounterRepair = 'none' | 'set' | 'wait';

/** The decision for a counter read as `seen` and a recount of `actual` specialists at `now`. */
export function planCounterRepair(seen: SpecialistCounter, actual: number, now: Date): CounterRepair {
  if (seen.specialistCount === actual) return 'none';
  if (seen.specialistCount < actual) return 'set';
  const changedAt = seen.specialistCountChangedAt ? Date.parse(seen.specialistCountChangedAt) : Number.NaN;
  const isQuiet = !Number.isFinite(changedAt) || now.getTime() - changedAt > WRITE_SETTLE_MS;
  return isQuiet ? 'set' : 'wait';
}

const CONCURRENCY = 8;

/** Recounts every institution's specialists and repairs drifted counters. */
export async function reconcileSpecialistCounts(options: ReconcileOptions = {}): Promise<ReconcileReport> {
  const now = options.now ?? new Date();
  const report: ReconcileReport = { checked: 0, repaired: [], skipped: [] };
  const ids: number[] = [];
  for (const province of childRegions()) ids.push(...(await listInstitutionIds(province.code)));

  const check = async (institutionId: number) => {
    const seen = await readSpecialistCounter(institutionId);
    if (!seen) return; // deleted since the index was read
    const actual = await countSpecialists(institutionId);
    report.checked += 1;
    const drift = { institutionId, stored: seen.specialistCount, actual };
    const plan = planCounterRepair(seen, actual, now);
    if (plan === 'none') return;
    if (plan === 'wait') {
      report.skipped.push({ ...drift, reason: 'recent-change' });
    } else if (options.dryRun || (await setSpecialistCounter(institutionId, seen, actual))) {
      report.repaired.push(drift);
    } else {
      report.skipped.push({ ...drift, reason: 'changed-meanwhile' });
    }
  };
  for (let start = 0; start < ids.length; start += CONCURRENCY) {
    await Promise.all(ids.slice(start, start + CONCURRENCY).map(check));
  }
  report.repaired.sort((a, b) => a.institutionId - b.institutionId);
  report.skipped.sort((a, b) => a.institutionId - b.institutionId);
  return report;
}
