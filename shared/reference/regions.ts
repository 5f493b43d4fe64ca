/**
 * GB/T 2260 administrative divisions, from the maintained `@vant/area-data` package, shaped for the
 * console (docs/architecture.md, "Roles and scopes"):
 * - three levels everywhere: province → city → district;
 * - municipalities (北京, 天津, 上海, 重庆) keep one city named after them (`110000` → `110100` 北京市),
 *   and every district of the municipality (including 重庆's counties listed under `500200`) hangs
 *   under that city;
 * - province-administered county-level cities keep their grouping entry (`429000`
 *   省直辖县级行政区划) as their city-level parent;
 * - statistical-only development zones (district codes ending 71–79) are dropped.
 */
import { areaList } from '@vant/area-data';

export type RegionLevel = 'province' | 'city' | 'district';

/**
 * The whole country as a region code: the national users' scope, the nation's statistics and feed.
 * Not a GB/T 2260 code (none exists for the country); {@link findRegion} does not know it.
 */
export const NATION_CODE = '000000';
export const NATION_NAME = '全国';

export interface Region {
  code: string;
  name: string;
  level: RegionLevel;
  /** The enclosing region's code (none for provinces). */
  parentCode?: string;
}

const MUNICIPALITIES = new Set(['110000', '120000', '310000', '500000']);
const GROUPING_NAME = '省直辖县级行政区划';

function isDevelopmentZone(code: string): boolean {
  const tail = Number(code.slice(4));
  return tail >= 71 && tail <= 79;
}

function provinceOf(code: string): string {
  return `${code.slice(0, 2)}0000`;
}

function build(): Map<string, Region> {
  const regions = new Map<string, Region>();
  for (const [code, name] of Object.entries(areaList.province_list)) {
    regions.set(code, { code, name, level: 'province' });
  }
  for (const [code, rawName] of Object.entries(areaList.city_list)) {
    const province = provinceOf(code);
    if (MUNICIPALITIES.has(province)) {
      const cityCode = `${code.slice(0, 2)}0100`;
      const provinceName = areaList.province_list[province] ?? rawName;
      regions.set(cityCode, { code: cityCode, name: provinceName, level: 'city', parentCode: province });
      continue;
    }
    const name = code.endsWith('9000') ? GROUPING_NAME : rawName;
    regions.set(code, { code, name, level: 'city', parentCode: province });
  }
  for (const [code, name] of Object.entries(areaList.county_list)) {
    if (isDevelopmentZone(code)) continue;
    const province = provinceOf(code);
    const parentCode = MUNICIPALITIES.has(province) ? `${code.slice(0, 2)}0100` : `${code.slice(0, 4)}00`;
    if (!regions.has(parentCode)) throw new Error(`region data: district ${code} has no city ${parentCode}`);
    regions.set(code, { code, name, level: 'district', parentCode });
  }
  return regions;
}

const REGIONS = build();
const CHILDREN = new Map<string, Region[]>();
for (const region of REGIONS.values()) {
  const key = region.parentCode ?? '';
  const list = CHILDREN.get(key) ?? [];
  list.push(region);
  CHILDREN.set(key, list);
}
// Codes are six ASCII digits: code-unit order is numeric order. (localeCompare gave the same order but
// loaded the ICU collator at module load: a third of this module's load time, in every cold start.)
for (const list of CHILDREN.values()) list.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));

/** A region by code, or undefined. */
export function findRegion(code: string): Region | undefined {
  return REGIONS.get(code);
}

/** The provinces (no parent) or the children of a region, sorted by code. */
export function childRegions(parentCode?: string): Region[] {
  return CHILDREN.get(parentCode ?? '') ?? [];
}

/** The chain from province down to the region itself. */
export function regionPath(code: string): Region[] {
  const path: Region[] = [];
  let current = REGIONS.get(code);
  while (current) {
    path.unshift(current);
    current = current.parentCode ? REGIONS.get(current.parentCode) : undefined;
  }
  return path;
}

/** True when `code` is `ancestorCode` itself or lies inside it. */
export function isWithin(code: string, ancestorCode: string): boolean {
  return regionPath(code).some((region) => region.code === ancestorCode);
}

/** Every region, for tests and the demo data. */
export function allRegions(): Region[] {
  return [...REGIONS.values()];
}
