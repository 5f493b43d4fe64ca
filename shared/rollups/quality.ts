/**
 * What 数据质量 warnings contribute (docs/data-model.md, "Data-quality warnings"), as pure functions
 * of a record (an enterprise, product or order carrying `quality`):
 *
 * - counts: `q_<rule>` (warnings) and `qc_<rule>` (of them checked) on the region items of the
 *   record's nation, province, city and district, in the period of the warning (when it was raised),
 *   so counts by rule are one item, the children one Query and the months of a year one Query, as
 *   for every other metric;
 * - the list: one item per warning in the lists of the record's nation, province and city (all rules
 *   in the table partition, one rule in gsi3), newest first, rewritten with the record.
 */
import { qualityFlagKeys } from '#shared/db/keys';
import { isQualityRule, type QualityFlag, type QualityRule } from '#shared/financing/quality';
import { NATION_CODE } from '#shared/reference/regions';

type Item = Record<string, unknown>;

export const QUALITY_FLAG_ENTITY = 'quality-flag';

/** Counter names of a rule: warnings raised, and of them checked. */
export const qualityCountName = (rule: QualityRule) => `q_${rule}`;
export const qualityCheckedName = (rule: QualityRule) => `qc_${rule}`;

/** The warnings of a record, by rule (unknown rules ignored). */
export function flagsOf(item: Item | undefined): [QualityRule, QualityFlag][] {
  const quality = item?.quality;
  if (!quality || typeof quality !== 'object') return [];
  return Object.entries(quality as Record<string, QualityFlag>).filter((entry): entry is [QualityRule, QualityFlag] => isQualityRule(entry[0]));
}

/** The counts a record's warnings add, each at the time it was raised. */
export function qualityMetrics(item: Item): { at: string; metrics: Record<string, number> }[] {
  return flagsOf(item).map(([rule, flag]) => ({
    at: flag.flaggedAt,
    metrics: { [qualityCountName(rule)]: 1, ...(flag.checkedAt ? { [qualityCheckedName(rule)]: 1 } : {}) },
  }));
}

/** The record kind and id of a financing item. */
export function recordRef(item: Item): { kind: 'enterprise' | 'product' | 'order'; id: string } | undefined {
  if (item.entity === 'order') return { kind: 'order', id: String(item.orderId) };
  if (item.entity === 'enterprise') return { kind: 'enterprise', id: String(item.enterpriseId) };
  if (item.entity === 'product') return { kind: 'product', id: String(item.productId) };
  return undefined;
}

/** The name a warning shows for its record: the enterprise (orders and enterprises) or the product. */
function recordName(item: Item): string {
  if (item.entity === 'order') return String(item.enterpriseName ?? '');
  return String(item.name ?? '');
}

/** The list items of a record's warnings (see the file's comment). Deterministic: same record, same items. */
export function qualityFlagItems(item: Item | undefined): Record<string, unknown>[] {
  if (!item) return [];
  const ref = recordRef(item);
  if (!ref) return [];
  const place = { districtCode: String(item.districtCode), cityCode: String(item.cityCode), provinceCode: String(item.provinceCode) };
  return flagsOf(item).flatMap(([rule, flag]) =>
    [NATION_CODE, place.provinceCode, place.cityCode].map((region) => ({
      ...qualityFlagKeys(region, flag.flaggedAt, rule, ref.kind, ref.id),
      entity: QUALITY_FLAG_ENTITY,
      rule,
      recordKind: ref.kind,
      recordId: ref.id,
      name: recordName(item),
      ...place,
      flaggedAt: flag.flaggedAt,
      eventId: flag.eventId,
      values: flag.values,
      occurrences: flag.occurrences,
      ...(flag.checkedAt ? { checkedAt: flag.checkedAt, checkedBy: flag.checkedBy, ...(flag.checkNote ? { checkNote: flag.checkNote } : {}) } : {}),
      recordVersion: Number(item.version ?? 0),
    })),
  );
}
