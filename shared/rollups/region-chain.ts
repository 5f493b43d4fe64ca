/** The regions a record counts in: the nation, its province, city and district, each with the parent its counters live under. */
import { STAT_ROOT } from '#shared/db/keys';
import { findRegion, NATION_CODE } from '#shared/reference/regions';

export interface RegionLevel {
  code: string;
  parent: string;
  /** Nation, province and city items carry the industry and type splits; districts do not. */
  carriesSplits: boolean;
}

/** Nation, province, city, district of a district code. Throws for a code that is no district. */
export function regionChain(districtCode: string): RegionLevel[] {
  const district = findRegion(districtCode);
  const city = district?.parentCode ? findRegion(district.parentCode) : undefined;
  if (!district || district.level !== 'district' || !city?.parentCode) {
    throw new Error(`rollup: unknown district ${districtCode}`);
  }
  return [
    { code: NATION_CODE, parent: STAT_ROOT, carriesSplits: true },
    { code: city.parentCode, parent: NATION_CODE, carriesSplits: true },
    { code: city.code, parent: city.parentCode, carriesSplits: true },
    { code: district.code, parent: city.code, carriesSplits: false },
  ];
}
