/**
 * The demo government accounts of a fresh local system: one national, one province (福建省) and one
 * city (厦门市) user, each with a password so the console can be tried at once.
 */
import { createAccount, getAccountByPhone } from '#shared/db/accounts';
import { hashPassword } from '#shared/auth/passwords';
import { ROLE_NAMES, type Role } from '#shared/auth/caller';
import { NATION_CODE } from '#shared/reference/regions';

export const DEMO_PASSWORD = 'Demo@2026';

export const DEMO_ACCOUNTS: readonly {
  phone: string;
  role: Role;
  provinceCode: string;
  cityCode?: string;
  realName: string;
  unit: string;
}[] = [
  { phone: '13800000001', role: 'national', provinceCode: NATION_CODE, realName: '国家演示用户', unit: '国家发展和改革委员会' },
  { phone: '13800000002', role: 'province', provinceCode: '350000', realName: '福建演示用户', unit: '福建省发展和改革委员会' },
  { phone: '13800000003', role: 'city', provinceCode: '350000', cityCode: '350200', realName: '厦门演示用户', unit: '厦门市发展和改革委员会' },
];

/** Creates the demo accounts that are missing; returns the login lines to print. */
export async function ensureDemoAccounts(): Promise<string[]> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const lines: string[] = [];
  for (const demo of DEMO_ACCOUNTS) {
    if (!(await getAccountByPhone(demo.phone))) {
      await createAccount({ ...demo, gender: 'male', passwordHash, status: 'enabled', auditStatus: 'approved' });
    }
    lines.push(`${ROLE_NAMES[demo.role]}  手机号 ${demo.phone}  密码 ${DEMO_PASSWORD}`);
  }
  return lines;
}
