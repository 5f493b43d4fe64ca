/**
 * The first national account of a fresh platform (`npm run admin -- bootstrap`, or `BOOTSTRAP_PHONE`
 * at `npm start`). Every other account is created inside the console (docs/architecture.md, "Roles
 * and scopes").
 */
import { assertStrongPassword, hashPassword } from '#shared/auth/passwords';
import { createAccount, getAccountByPhone, type AccountRecord } from '#shared/db/accounts';
import { writeAudit } from '#shared/db/audit';
import { recordGenerationOfNewStore } from '#shared/db/stats';
import { NATION_CODE } from '#shared/reference/regions';

export interface BootstrapInput {
  phone: string;
  /** Without one, the account signs in by SMS first and then sets its password. */
  password?: string;
  realName?: string;
  unit?: string;
}

/**
 * Creates the national account unless the phone already has an account (idempotent: an existing
 * account is left as it is). Throws BadRequestError 400 WEAK_PASSWORD for a password that breaks
 * the complexity rule.
 */
export async function bootstrapNationalAccount(input: BootstrapInput): Promise<{ created: boolean; account: AccountRecord }> {
  // A new deployment's table: what the rollup writes is of the current generation (docs/operations.md).
  await recordGenerationOfNewStore();
  const existing = await getAccountByPhone(input.phone);
  if (existing) return { created: false, account: existing };
  if (input.password) assertStrongPassword(input.password, 'password');
  const account = await createAccount({
    phone: input.phone,
    ...(input.password ? { passwordHash: await hashPassword(input.password) } : {}),
    realName: input.realName ?? '系统管理员',
    gender: 'male',
    unit: input.unit ?? '国家发展和改革委员会',
    role: 'national',
    provinceCode: NATION_CODE,
    status: 'enabled',
    auditStatus: 'approved',
  });
  await writeAudit({ action: 'account.bootstrap', outcome: 'success', targetType: 'account', targetId: account.id, reason: 'first national account' });
  return { created: true, account };
}
