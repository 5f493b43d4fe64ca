/**
 * Account management: 账号管理 (peers), 市级/省级账号管理 (subordinates) and the audit workflow.
 * Every read and write checks the caller's tier over the target (shared/auth/account-policy.ts);
 * every change is
 * audit-logged with the fields it changed.
 */
import type { Caller } from '#shared/auth/caller';
import {
  createAccount,
  deleteAccount,
  getAccountById,
  listAccountsInScope,
  updateAccount,
  type AccountChanges,
  type AccountRecord,
} from '#shared/db/accounts';
import { changedFields, actorOf, writeAudit } from '#shared/db/audit';
import { assertStrongPassword, hashPassword } from '#shared/auth/passwords';
import { verifyCode } from '#shared/auth/sms-codes';
import { endSessions } from '#shared/auth/sessions';
import { config } from '#shared/config';
import { AppError, BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '#shared/http/errors';
import { presignDownload } from '#shared/storage/s3';
import { verifyUpload } from '#shared/storage/uploads';
import { maskPhone, presentAccount, type AccountView } from '#shared/views/account';
import { OutOfScopeError } from '#shared/auth/scope';
import type { AuditInput, CreateInput, EditInput, ListQuery } from './schemas';
import { canAudit, childRole, narrowScope, subordinateRegion, tierOf, tierScope } from '#shared/auth/account-policy';

const LETTER_URL_SECONDS = 5 * 60;

async function view(caller: Caller, account: AccountRecord): Promise<AccountView> {
  const administers = tierOf(caller, account) !== undefined || account.id === caller.accountId;
  const authorizationLetterUrl =
    administers && account.authorizationLetterKey
      ? await presignDownload(config().uploadsBucket, account.authorizationLetterKey, LETTER_URL_SECONDS, {
          disposition: 'attachment',
          fileName: `授权书_${account.realName}${account.authorizationLetterKey.slice(account.authorizationLetterKey.lastIndexOf('.'))}`,
        })
      : undefined;
  return presentAccount(account, {
    revealPhone: administers,
    canAudit: account.auditStatus !== 'approved' && canAudit(caller, account),
    authorizationLetterUrl,
  });
}

/** The target if the caller may see it; 404 otherwise (existence is not revealed). */
async function visibleAccount(caller: Caller, id: number): Promise<AccountRecord> {
  const account = await getAccountById(id);
  // Everyone a caller may audit is also in one of its tiers, so the tiers decide visibility.
  if (!account || tierOf(caller, account) === undefined) throw new NotFoundError('账号不存在');
  return account;
}


export async function listAccounts(caller: Caller, query: ListQuery) {
  const scope = narrowScope(tierScope(caller, query.tier), query.regionCode);
  const name = query.name?.trim();
  const matching = (await listAccountsInScope(scope.role, scope.provinceCode, scope.cityCode)).filter(
    (account) =>
      (!name || account.realName.includes(name)) &&
      (!query.status || account.status === query.status) &&
      (!query.auditStatus || account.auditStatus === query.auditStatus),
  );
  const start = (query.page - 1) * query.pageSize;
  const items = await Promise.all(matching.slice(start, start + query.pageSize).map((account) => view(caller, account)));
  return { items, total: matching.length, page: query.page, pageSize: query.pageSize };
}

export async function getAccount(caller: Caller, id: number): Promise<AccountView> {
  return view(caller, await visibleAccount(caller, id));
}


export async function addAccount(caller: Caller, input: CreateInput, sourceIp: string): Promise<AccountView> {
  const isPeer = input.role === caller.role;
  if (!isPeer && input.role !== childRole(caller.role)) {
    throw new ForbiddenError('只能添加本级或下一级账号', 'ROLE_NOT_ALLOWED');
  }
  if (input.password) assertStrongPassword(input.password, 'body.password');

  let region: { provinceCode: string; cityCode?: string };
  if (isPeer) {
    const own = caller.role === 'city' ? caller.cityCode : caller.role === 'province' ? caller.provinceCode : undefined;
    if (input.regionCode && input.regionCode !== own) throw new OutOfScopeError('本级账号只能添加在本地区');
    const missing = [
      ...(input.authorizationLetterKey ? [] : [{ path: 'body.authorizationLetterKey', message: '请上传授权书' }]),
      ...(input.smsCode ? [] : [{ path: 'body.smsCode', message: '请输入手机验证码' }]),
    ];
    if (missing.length > 0) throw new BadRequestError('VALIDATION_FAILED', '请求参数不正确', missing);
    region = { provinceCode: caller.provinceCode, ...(caller.cityCode ? { cityCode: caller.cityCode } : {}) };
  } else {
    region = subordinateRegion(caller, input.regionCode);
  }
  if (input.authorizationLetterKey) {
    await verifyUpload(caller.accountId, 'authorization-letter', input.authorizationLetterKey, 'body.authorizationLetterKey');
  }
  if (isPeer && !(await verifyCode(input.phone, 'bind', input.smsCode!))) {
    throw new BadRequestError('INVALID_SMS_CODE', '手机验证码错误或已过期', [{ path: 'body.smsCode', message: '验证码错误或已过期' }]);
  }

  const account = await createAccount({
    phone: input.phone,
    ...(input.password ? { passwordHash: await hashPassword(input.password) } : {}),
    realName: input.realName,
    gender: input.gender,
    unit: input.unit,
    ...(input.department ? { department: input.department } : {}),
    ...(input.position ? { position: input.position } : {}),
    ...(input.remark ? { remark: input.remark } : {}),
    role: input.role,
    ...region,
    status: input.status,
    auditStatus: isPeer ? 'pending' : 'approved',
    ...(input.authorizationLetterKey ? { authorizationLetterKey: input.authorizationLetterKey } : {}),
    createdBy: caller.accountId,
  });
  await writeAudit({
    action: 'account.create',
    outcome: 'success',
    actor: actorOf(caller),
    sourceIp,
    targetType: 'account',
    targetId: account.id,
    after: { role: account.role, provinceCode: account.provinceCode, cityCode: account.cityCode, auditStatus: account.auditStatus, status: account.status },
  });
  return view(caller, account);
}


const EDITABLE = ['realName', 'gender', 'unit', 'department', 'position', 'remark', 'status'] as const;

export async function editAccount(caller: Caller, id: number, input: EditInput, sourceIp: string): Promise<AccountView> {
  if (input.phone !== undefined) {
    throw new BadRequestError('PHONE_IMMUTABLE', '手机号码不可修改', [{ path: 'body.phone', message: '手机号码不可修改' }]);
  }
  const target = await visibleAccount(caller, id);
  const self = target.id === caller.accountId;
  if (self && input.status === 'disabled') throw new ForbiddenError('不能禁用自己的账号', 'CANNOT_MODIFY_SELF');
  // One's own password changes only through PUT /me/password, which asks for the current one.
  if (self && input.password) throw new ForbiddenError('请在“修改密码”中修改本人密码', 'CANNOT_MODIFY_SELF');
  if (input.password) assertStrongPassword(input.password, 'body.password');

  const changes: AccountChanges = {};
  for (const field of EDITABLE) {
    const value = input[field];
    if (value !== undefined) (changes as Record<string, unknown>)[field] = value ?? '';
  }
  if (input.password) changes.passwordHash = await hashPassword(input.password);
  const revokeSessions = Boolean(input.password) || (input.status === 'disabled' && target.status !== 'disabled');
  const updated = await updateAccount(target.phone, input.version, changes, { revokeSessions });

  const diff = changedFields(target as unknown as Record<string, unknown>, updated as unknown as Record<string, unknown>, EDITABLE);
  if (input.password) {
    diff.before.password = '***';
    diff.after.password = '(已重置)';
  }
  const statusChanged = target.status !== updated.status;
  await writeAudit({
    action: statusChanged ? `account.${updated.status === 'disabled' ? 'disable' : 'enable'}` : 'account.update',
    outcome: 'success',
    actor: actorOf(caller),
    sourceIp,
    targetType: 'account',
    targetId: target.id,
    ...(input.password ? { reason: 'password reset' } : {}),
    ...diff,
  });
  return view(caller, updated);
}

export async function removeAccount(caller: Caller, id: number, sourceIp: string): Promise<void> {
  const target = await visibleAccount(caller, id);
  if (target.id === caller.accountId) throw new ForbiddenError('不能删除自己的账号', 'CANNOT_MODIFY_SELF');
  await deleteAccount(target.phone);
  await endSessions(target.phone);
  await writeAudit({
    action: 'account.delete',
    outcome: 'success',
    actor: actorOf(caller),
    sourceIp,
    targetType: 'account',
    targetId: target.id,
    before: { phone: maskPhone(target.phone), realName: target.realName, role: target.role, provinceCode: target.provinceCode, cityCode: target.cityCode },
  });
}

export async function removeAccounts(caller: Caller, ids: number[], sourceIp: string) {
  const deleted: number[] = [];
  const failed: { id: number; error: { code: string; message: string } }[] = [];
  for (const id of [...new Set(ids)]) {
    try {
      await removeAccount(caller, id, sourceIp);
      deleted.push(id);
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      failed.push({ id, error: { code: error.code, message: error.message } });
    }
  }
  await writeAudit({
    action: 'account.batch-delete',
    outcome: failed.length === 0 ? 'success' : 'failure',
    actor: actorOf(caller),
    sourceIp,
    targetType: 'account',
    reason: `${deleted.length} deleted, ${failed.length} refused`,
    after: { deleted, failed: failed.map(({ id, error }) => ({ id, code: error.code })) },
  });
  return { deleted, failed };
}

export async function auditAccount(
  caller: Caller,
  id: number,
  input: AuditInput,
  sourceIp: string,
): Promise<AccountView> {
  const target = await visibleAccount(caller, id);
  if (!canAudit(caller, target)) {
    throw new ForbiddenError(target.id === caller.accountId ? '不能审核自己的账号' : '无权审核该账号', 'AUDIT_NOT_ALLOWED');
  }
  // A rejected account can be decided again (after its administrators corrected it); an approved one is final.
  if (target.auditStatus === 'approved') throw new ConflictError('ACCOUNT_NOT_PENDING', '该账号已审核通过');
  const reason = input.reason?.trim();
  if (input.decision === 'reject' && !reason) {
    throw new BadRequestError('VALIDATION_FAILED', '驳回时须填写原因', [{ path: 'body.reason', message: '请填写驳回原因' }]);
  }
  const now = new Date();
  const updated = await updateAccount(
    target.phone,
    input.version,
    {
      auditStatus: input.decision === 'approve' ? 'approved' : 'rejected',
      auditReason: input.decision === 'reject' ? reason : '',
      auditedBy: caller.accountId,
      auditedAt: now.toISOString(),
    },
    { now },
  );
  await writeAudit({
    action: `account.${input.decision}`,
    outcome: 'success',
    actor: actorOf(caller),
    sourceIp,
    targetType: 'account',
    targetId: target.id,
    before: { auditStatus: target.auditStatus },
    after: { auditStatus: updated.auditStatus, ...(reason ? { auditReason: reason } : {}) },
  });
  return view(caller, updated);
}
