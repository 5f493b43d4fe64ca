/** The signed-in government user a request acts for, and the roles the console knows. */

export const ROLES = ['national', 'province', 'city'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_NAMES: Record<Role, string> = {
  national: '国家级',
  province: '省级',
  city: '市级',
};

export interface Caller {
  accountId: number;
  /** 真实姓名, for audit entries. */
  realName: string;
  phone: string;
  role: Role;
  /** `NATION_CODE` (shared/reference/regions.ts) for national users. */
  provinceCode: string;
  /** Set for city users only. */
  cityCode?: string;
  sessionId: string;
}
