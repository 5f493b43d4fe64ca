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
