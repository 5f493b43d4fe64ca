/**
 * The counter item (entity `stat`), defined once: what the stream path (functions/rollup/apply.ts)
 * writes next to the counts, what the rebuild (tools/rollups.ts) writes, what the reconcile skips as
 * bookkeeping, and how the readers (shared/db/stats.ts) find items. A test holds the stream path and
 * the rebuild to writing identical items (docs/data-model.md, "Counters").
 *
 * An item holds:
 * - its key (`pk`, `sk`) and description: `entity`, `kind`, `regionCode`, `period`, `day`, the trend
 *   index keys of region items (`gsi1pk`, `gsi1sk`), the rank-index partition of institution items
 *   (`ipk`, their `pk`) and the `ttl` of day items;
 * - counts (`demandCount`, `i_C_loanAmount`, …) and first-seen values (`openedAt`);
 * - per shard of the stream, the last applied sequence number (`wm_<shardId>`) and when it was
 *   written (`wt_<shardId>`): the marks that make redelivery harmless.
 */
import { regionTrendIndexKey } from '#shared/db/keys';
import { RANK_PARTITION_ATTRIBUTE } from '#shared/db/table';
import { dayItemExpiry, type CounterDelta, type CounterRef } from './contributions';

export const COUNTER_ENTITY = 'stat';
/** Per-shard mark: the sequence number of the last stream record applied to the item. */
export const MARK_PREFIX = 'wm_';
/** When the mark of a shard was last written (epoch ms), so that marks of dead shards can be pruned. */
export const MARK_TIME_PREFIX = 'wt_';

export const markAttribute = (shardId: string): string => `${MARK_PREFIX}${shardId}`;
export const markTimeAttribute = (shardId: string): string => `${MARK_TIME_PREFIX}${shardId}`;

/** A stored counter item, as the readers get it. */
export type CounterItem = Record<string, unknown>;

const KEY_ATTRIBUTES = ['pk', 'sk'] as const;
const DESCRIPTION_ATTRIBUTES = ['entity', 'kind', 'regionCode', 'period', 'day', 'ttl', 'gsi1pk', 'gsi1sk', RANK_PARTITION_ATTRIBUTE] as const;

/** The description of a counter item: everything but its key, counts and marks. */
export function counterDescription(ref: CounterRef): Record<string, string | number> {
  const description: Record<string, string | number> = { entity: COUNTER_ENTITY, kind: ref.kind };
  if (ref.regionCode) description.regionCode = ref.regionCode;
  if (ref.period) description.period = ref.period;
  if (ref.day) {
    description.day = ref.day;
    description.ttl = ref.ttl ?? dayItemExpiry(ref.day);
  }
  if (ref.kind === 'region' && ref.regionCode && ref.period) Object.assign(description, regionTrendIndexKey(ref.regionCode, ref.period));
  // Institution items are in the rank indexes of their scope and period (shared/db/table.ts).
  if (ref.kind === 'institution') description[RANK_PARTITION_ATTRIBUTE] = ref.pk;
  return description;
}

/** The whole item the rebuild writes for a computed delta (no marks: no stream record applied yet). */
export function counterItem(entry: CounterDelta): CounterItem {
  const item: CounterItem = { pk: entry.ref.pk, sk: entry.ref.sk, ...counterDescription(entry.ref) };
  for (const [name, value] of entry.values) item[name] = value;
  for (const [name, value] of entry.firsts) item[name] = value;
  return item;
}

/** True for keys, description and marks: attributes that are not counts. */
export function isBookkeepingAttribute(name: string): boolean {
  return (
    (KEY_ATTRIBUTES as readonly string[]).includes(name) ||
    (DESCRIPTION_ATTRIBUTES as readonly string[]).includes(name) ||
    name.startsWith(MARK_PREFIX) ||
    name.startsWith(MARK_TIME_PREFIX)
  );
}

/** The item's counts and first-seen values only. */
export function counterValues(item: CounterItem): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([name]) => !isBookkeepingAttribute(name)));
}
