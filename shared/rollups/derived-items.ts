/**
 * Items the rollup derives whole from one record, rather than summing: the 数据质量 list
 * (shared/rollups/quality.ts) and the institution entries (shared/rollups/institution-entries.ts).
 * The stream handler writes what a change adds or alters and deletes what it drops; the rebuild and
 * the reconcile compute them from every record (tools/rollups.ts).
 */
import { INSTITUTION_ENTRY_ENTITY, institutionEntryItems } from './institution-entries';
import { QUALITY_FLAG_ENTITY, qualityFlagItems } from './quality';

export const DERIVED_ENTITIES = [QUALITY_FLAG_ENTITY, INSTITUTION_ENTRY_ENTITY] as const;

/** The derived items of a record (none for records that derive none). */
export function derivedItems(image: Record<string, unknown> | undefined): Record<string, unknown>[] {
  return [...qualityFlagItems(image), ...institutionEntryItems(image)];
}

/** Key of a derived item, for diffs. */
export const derivedItemId = (item: Record<string, unknown>) => `${String(item.pk)}|${String(item.sk)}`;

export const isDerivedEntity = (entity: unknown): boolean => (DERIVED_ENTITIES as readonly unknown[]).includes(entity);
