/**
 * Institution entries (docs/data-model.md, "Institution entries"): what a row of 机构数据统计 shows
 * of an institution — names, type, logo, place, status — derived from the institution item like the
 * 数据质量 list, one item in the nation's partition (by id) and one in the province's (by city, then
 * id). Listing a scope's institutions reads these small items instead of the institution records,
 * and the nation's are one partition instead of one per province.
 */
import { nationInstitutionEntryKey, provinceInstitutionEntryKey } from '#shared/db/keys';
import { NATION_CODE } from '#shared/reference/regions';

export const INSTITUTION_ENTRY_ENTITY = 'institution-entry';

/** The attributes an entry carries, besides its keys. */
export interface InstitutionEntry {
  id: number;
  type: string;
  fullName: string;
  shortName: string;
  logoKey: string;
  status: string;
  provinceCode: string;
  cityCode: string;
  districtCode: string;
}

/** The entries of an institution item (none for any other item). Deterministic: same institution, same items. */
export function institutionEntryItems(image: Record<string, unknown> | undefined): Record<string, unknown>[] {
  if (image?.entity !== 'institution') return [];
  const entry: InstitutionEntry = {
    id: Number(image.id),
    type: String(image.type),
    fullName: String(image.fullName),
    shortName: String(image.shortName ?? ''),
    logoKey: String(image.logoKey ?? ''),
    status: String(image.status),
    provinceCode: String(image.provinceCode),
    cityCode: String(image.cityCode),
    districtCode: String(image.districtCode),
  };
  return [
    { ...nationInstitutionEntryKey(NATION_CODE, entry.id), entity: INSTITUTION_ENTRY_ENTITY, ...entry },
    { ...provinceInstitutionEntryKey(entry.provinceCode, entry.cityCode, entry.id), entity: INSTITUTION_ENTRY_ENTITY, ...entry },
  ];
}
