/** The institution and specialist views of the API (functions/institutions/view.ts). */

export type Status = 'enabled' | 'disabled';
export type Gender = 'male' | 'female';

export interface Institution {
  id: number;
  type: string;
  typeName: string;
  parentName: string | null;
  fullName: string;
  shortName: string;
  logoKey: string;
  logoUrl: string;
  districtCode: string;
  districtName: string;
  cityCode: string;
  cityName: string;
  provinceCode: string;
  provinceName: string;
  address: string | null;
  sortOrder: number;
  intro: string | null;
  status: Status;
  level: 'settled';
  levelName: string;
  specialistCount: number;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface Specialist {
  id: number;
  institutionId: number;
  phone: string;
  realName: string;
  gender: Gender | null;
  department: string | null;
  position: string | null;
  avatarKey: string | null;
  avatarUrl: string | null;
  status: Status;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export const GENDER_NAMES: Record<Gender, string> = { male: '男', female: '女' };

/** The largest 排序 the API stores (shared/db/keys.ts: six digits). */
export const MAX_SORT_ORDER = 999_999;
