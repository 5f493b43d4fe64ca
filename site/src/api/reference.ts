/** Reference data (regions, industries, institution types), cached for the page's life. */
import { call, type Answer } from './client';

export type Region = Answer<'listRegions'>[number];
export type CodeName = Answer<'listInstitutionTypes'>[number];

/** The code the statistics use for the whole country. */
export const NATION_CODE = '000000';

const regionCache = new Map<string, Promise<Region[]>>();

/** Provinces (no parent) or the children of a region. */
export function childRegions(parent?: string): Promise<Region[]> {
  const key = parent ?? '';
  let cached = regionCache.get(key);
  if (!cached) {
    cached = call('listRegions', { query: { parent } });
    cached.catch(() => regionCache.delete(key));
    regionCache.set(key, cached);
  }
  return cached;
}

let institutionTypes: Promise<CodeName[]> | undefined;

export function institutionTypeList(): Promise<CodeName[]> {
  if (!institutionTypes) {
    institutionTypes = call('listInstitutionTypes');
    institutionTypes.catch(() => {
      institutionTypes = undefined;
    });
  }
  return institutionTypes;
}

/**
 * The name of a region code (`350203` → 思明区), read through the cached lists of its parents
 * (GB/T 2260 codes carry their parents' digits); the code itself when no list has it.
 */
export async function regionName(code: string): Promise<string> {
  if (code === NATION_CODE) return '全国';
  if (!/^\d{6}$/.test(code)) return code;
  const province = `${code.slice(0, 2)}0000`;
  const city = `${code.slice(0, 4)}00`;
  const chain = [undefined, province, city].slice(0, code === province ? 1 : code === city ? 2 : 3);
  try {
    const lists = await Promise.all(chain.map((parent) => childRegions(parent)));
    return lists[lists.length - 1]!.find((region) => region.code === code)?.name ?? code;
  } catch {
    return code;
  }
}
