/** 报表导出 (docs/http-api.md, "Statistics", `POST /reports`; docs/console.md, "区域数据统计"). */
import { defineRoute, type ApiModule, type ModulePermissions } from '#shared/http/route';
import { exportReport } from './domain';
import { reportFileSchema, reportRequestSchema } from './schemas';

/** The reports module's route table. */
export const routes = [
  defineRoute({
    operationId: 'createReport',
    throttle: 'heavy',
    method: 'POST',
    path: '/reports',
    summary: '报表导出：区域数据概览、机构数据统计、行业分布、账号列表、审计日志、督办超时需求或数据质量预警（本级范围内）生成 Excel，返回 15 分钟有效的下载地址',
    tags: ['statistics'],
    access: 'session',
    status: 201,
    body: reportRequestSchema,
    response: reportFileSchema,
    handler: async ({ body }, ctx) => exportReport(ctx.caller, body, ctx.sourceIp),
  }),
];

/** Counters and account lists to export, the audit log; the only module that writes reports. */
export const permissions: ModulePermissions = {
  table: { read: true, write: ['ACCOUNT#', 'AUDIT#'] },
  reports: { read: ['reports/*'], write: ['reports/*'] },
  secrets: ['session', 'origin-verify'],
};

export const module: ApiModule = { name: 'reports', routes, permissions };
