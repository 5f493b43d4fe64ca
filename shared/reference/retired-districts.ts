/**
 * County-level divisions that no longer exist in the current region codes (shared/reference/regions.ts)
 * but that portals still send now and then, with the current district that took them over. An
 * enterprise registered under one of them is accepted, counted in its successor and flagged for
 * 数据质量 (shared/financing/quality.ts, `retired-district`); a code that is neither current nor
 * listed here is still refused (UNKNOWN_DISTRICT).
 *
 * Add a line when a division is merged or renamed and its code leaves the region data.
 */
import { findRegion } from './regions';

export interface RetiredDistrict {
  code: string;
  name: string;
  /** The current district that took it over. */
  successor: string;
  /** When it was withdrawn. */
  retired: number;
}

export const RETIRED_DISTRICTS: readonly RetiredDistrict[] = [
  { code: '110103', name: '崇文区', successor: '110101', retired: 2010 },
  { code: '110104', name: '宣武区', successor: '110102', retired: 2010 },
  { code: '310103', name: '卢湾区', successor: '310101', retired: 2011 },
  { code: '310108', name: '闸北区', successor: '310106', retired: 2015 },
  { code: '310119', name: '南汇区', successor: '310115', retired: 2009 },
  { code: '330103', name: '下城区', successor: '330105', retired: 2021 },
  { code: '330185', name: '临安市', successor: '330112', retired: 2017 },
  { code: '350182', name: '长乐市', successor: '350112', retired: 2017 },
  { code: '350202', name: '鼓浪屿区', successor: '350203', retired: 2003 },
  { code: '350204', name: '开元区', successor: '350203', retired: 2003 },
  { code: '370181', name: '章丘市', successor: '370114', retired: 2016 },
  { code: '440116', name: '萝岗区', successor: '440112', retired: 2014 },
  { code: '440183', name: '增城市', successor: '440118', retired: 2014 },
  { code: '440184', name: '从化市', successor: '440117', retired: 2014 },
];

const BY_CODE = new Map(RETIRED_DISTRICTS.map((entry) => [entry.code, entry]));

for (const entry of RETIRED_DISTRICTS) {
  // A retired code must really be gone, and its successor must be a current district.
  if (findRegion(entry.code)) throw new Error(`retired districts: ${entry.code} is still a current region`);
  if (findRegion(entry.successor)?.level !== 'district') throw new Error(`retired districts: successor ${entry.successor} of ${entry.code} is no district`);
}

/** The retired district of a code, or undefined (current codes included). */
export function findRetiredDistrict(code: string): RetiredDistrict | undefined {
  return BY_CODE.get(code);
}
