/** The reports module's request and answer schemas (docs/http-api.md, `POST /reports`). */
import * as z from 'zod';
import { auditFilterFields } from '#shared/audit-scope';
import { regionCodeSchema } from '#shared/http/schemas';
import { INSTITUTION_TYPE_CODES } from '#shared/reference/institution-types';
import { REGION_BASES } from '#shared/statistics/queries';
import { QUALITY_RULES } from '#shared/financing/quality';
import { OVERDUE_RULES } from '#shared/supervision/rules';

/** What can be exported: 区域数据统计 数据概览, 机构数据统计, 行业分布, 账号列表, 审计日志, 督办 (超时需求), 数据质量 (预警). */
export const REPORT_KINDS = ['regional-overview', 'institutions', 'industries', 'accounts', 'audit-log', 'overdue-demands', 'quality-warnings'] as const;
/** One of {@link REPORT_KINDS}. */
export type ReportKind = (typeof REPORT_KINDS)[number];

/**
 * The body of `POST /reports`: the region defaults to the caller's own and must lie inside it (403
 * otherwise); the period applies to statistics reports (ignored for accounts), and `month` needs `year`;
 * the 审计日志 export takes the page's filters (actor, action, target, result, from, to); the 督办 export
 * the list's (rule `acceptance|decision`, keyword, institutionId, order) and the 数据质量 export its own
 * (rule one of the 数据质量 rules, status, from, to).
 */
export const reportRequestSchema = z
  .object({
    kind: z.enum(REPORT_KINDS),
    region: regionCodeSchema.optional(),
    year: z.number().int().min(2000).max(2100).optional(),
    month: z.number().int().min(1).max(12).optional(),
    /** 机构数据统计: the region basis (服务企业所在地 by default, or 机构所在地) and an institution type, as on the page. */
    regionBasis: z.enum(REGION_BASES).optional(),
    type: z.enum(INSTITUTION_TYPE_CODES).optional(),
    actor: auditFilterFields.actor,
    action: auditFilterFields.action,
    target: auditFilterFields.target,
    result: auditFilterFields.result,
    from: auditFilterFields.from,
    to: auditFilterFields.to,
    rule: z.enum([...OVERDUE_RULES, ...QUALITY_RULES]).optional(),
    keyword: z.string().trim().min(1).max(50).optional(),
    institutionId: z.number().int().positive().optional(),
    order: z.enum(['asc', 'desc']).optional(),
    status: z.enum(['checked', 'unchecked']).optional(),
  })
  .superRefine((body, ctx) => {
    if (body.month !== undefined && body.year === undefined) {
      ctx.addIssue({ code: 'custom', path: ['month'], message: '按月导出须同时指定年份' });
    }
    if (body.rule !== undefined && body.kind === 'overdue-demands' && !(OVERDUE_RULES as readonly string[]).includes(body.rule)) {
      ctx.addIssue({ code: 'custom', path: ['rule'], message: `督办规则须为 ${OVERDUE_RULES.join('、')}` });
    }
    if (body.rule !== undefined && body.kind === 'quality-warnings' && !(QUALITY_RULES as readonly string[]).includes(body.rule)) {
      ctx.addIssue({ code: 'custom', path: ['rule'], message: `数据质量规则须为 ${QUALITY_RULES.join('、')}` });
    }
  });
export type ReportRequest = z.output<typeof reportRequestSchema>;

export const reportFileSchema = z.object({
  /** The Chinese download name, e.g. `区域数据统计_福建省_2024年4月_20261127-1015.xlsx`. */
  fileName: z.string(),
  downloadUrl: z.string(),
  expiresAt: z.string(),
});
export type ReportFile = z.output<typeof reportFileSchema>;
