/** 审计日志 (docs/http-api.md, "Audit log"): the security audit trail of the caller's scope. */
import { defineRoute, type ApiModule, type ModulePermissions } from '#shared/http/route';
import { auditFiltersOf, auditRegionOf, auditScopeOf } from '#shared/audit-scope';
import { queryAuditLog } from '#shared/db/audit';
import { presentAuditEntry } from '#shared/views/audit';
import { auditPageSchema, auditQuerySchema } from './schemas';

export const routes = [
  defineRoute({
    operationId: 'listAuditLog',
    method: 'GET',
    path: '/audit-log',
    summary: '审计日志：本级范围内的登录、账号与机构变更、审核、导出等安全事件，可按操作人、动作、对象、结果与日期筛选，游标分页',
    tags: ['audit'],
    access: 'session',
    query: auditQuerySchema,
    response: auditPageSchema,
    handler: async ({ query }, ctx) => {
      const page = await queryAuditLog(auditScopeOf(auditRegionOf(ctx.caller, query.region)), auditFiltersOf(query), { limit: query.limit, cursor: query.cursor });
      return { items: page.items.map((item) => presentAuditEntry(item, ctx.caller)), nextCursor: page.nextCursor ?? null };
    },
  }),
];

/** Reads the log and checks sessions; writes nothing. */
export const permissions: ModulePermissions = { table: { read: true, write: ['ACCOUNT#'] }, secrets: ['session', 'origin-verify'] };

export const module: ApiModule = { name: 'audit', routes, permissions };
