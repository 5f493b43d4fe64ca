/** The signed-in government user a request acts for, and the roles the console knows. */

export const ROLES = ['national', 'province', 'city'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_NAMES: Record<Role, string> = {
  national: '国家级',
  province: '省级',
  city: '市级',
};

/** The country-wide scope's region code. */
export const NATION_CODE = '000000';

export interface Caller {
  accountId: number;
  phone: string;
  role: Role;
  /** `NATION_CODE` for national users. */
  provinceCode: string;
  /** Set for city users only. */
  cityCode?: string;
  sessionId: string;
}

/** The region code a caller's scope is rooted at: the nation, their province or their city. */
export function scopeRegionCode(caller: Pick<Caller, 'role' | 'provinceCode' | 'cityCode'>): string {
  if (caller.role === 'national') return NATION_CODE;
  if (caller.role === 'province') return caller.provinceCode;
  return caller.cityCode ?? caller.provinceCode;
}
