/** 报表导出 (API.md "Statistics", `POST /reports`; manual §2.6.3). */
import { z } from 'zod';
import { defineRoute } from '#shared/http/route';
import { regionCodeSchema } from '#shared/http/schemas';
import { exportReport, REPORT_KINDS } from './domain';

const reportRequest = z
  .object({
    kind: z.enum(REPORT_KINDS),
    region: regionCodeSchema.optional(),
    year: z.number().int().min(2000).max(2100).optional(),
    month: z.number().int().min(1).max(12).optional(),
  })
  .superRefine((body, ctx) => {
    if (body.month !== undefined && body.year === undefined) {
      ctx.addIssue({ code: 'custom', path: ['month'], message: '按月导出须同时指定年份' });
    }
  });

/** The reports module's route table. */
export const routes = [
  defineRoute({
    operationId: 'createReport',
    method: 'POST',
    path: '/reports',
    summary: '报表导出：区域数据概览、机构数据统计、行业分布或账号列表（本级范围内）生成 Excel，返回 15 分钟有效的下载地址',
    tags: ['statistics'],
    access: 'session',
    status: 201,
    body: reportRequest,
    response: z.object({ fileName: z.string(), downloadUrl: z.string(), expiresAt: z.string() }),
    handler: async ({ body }, ctx) => exportReport(ctx.caller!, body, ctx.sourceIp),
  }),
];
