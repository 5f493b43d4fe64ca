/**
 * Which part of the audit log a caller may read (docs/security.md, "Audit"): national users the
 * whole log, a province user the entries of its province's users (province and city), a city user
 * those of its city's users — narrowed to a region inside that, never widened. Shared by the audit
 * module (the 审计日志 page) and the reports module (its export).
 */
import * as z from 'zod';
import type { Caller } from '#shared/auth/caller';
import { resolveScope, type ScopeRegion } from '#shared/auth/scope';
import { AUDIT_RETENTION_DAYS, type AuditFilters, type AuditScope } from '#shared/db/audit';
import { ValidationError } from '#shared/http/errors';
import { regionCodeSchema } from '#shared/http/schemas';
import { chinaDayStart, chinaIsoDate } from '#shared/time';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '须为 yyyy-mm-dd');

/** The filters of the 审计日志 page and of its export (docs/http-api.md, "Audit log"). */
export const auditFilterFields = {
  /** Narrows the scope (the caller's own by default): a province or city inside it. */
  region: regionCodeSchema.optional(),
  /** An account id, or part of the actor's name or masked phone. */
  actor: z.string().trim().min(1).max(40).optional(),
  /** An action (`account.update`) or its start (`auth.`). */
  action: z.string().trim().regex(/^[a-z.-]{1,40}$/, '动作须为小写字母、点与连字符').optional(),
  /** A target type (`account`) or a target id. */
  target: z.string().trim().min(1).max(40).optional(),
  result: z.enum(['success', 'failure']).optional(),
  /** China-time days, inclusive; the last 30 days by default, at most the days the log keeps. */
  from: day.optional(),
  to: day.optional(),
};
export const auditFilterSchema = z.object(auditFilterFields);
export type AuditFilterRequest = z.output<typeof auditFilterSchema>;

/** The caller's audit region, narrowed to `region` (400 / 403 as for every region, shared/auth/scope.ts). */
export function auditRegionOf(caller: Caller, region: string | undefined, field = 'query.region'): ScopeRegion {
  return resolveScope(caller, region, ['nation', 'province', 'city'], field);
}

/** The audit scope of a region of the caller's (see {@link auditRegionOf}). */
export function auditScopeOf(region: ScopeRegion): AuditScope {
  if (region.level === 'nation') return { level: 'nation' };
  if (region.level === 'province') return { level: 'province', provinceCode: region.code };
  return { level: 'city', cityCode: region.code };
}

const dayStart = (day: string) => chinaDayStart(Number(day.slice(0, 4)), Number(day.slice(5, 7)), Number(day.slice(8, 10)));

/** The filters with their days turned into instants (the last 30 days by default). Throws 400 for a bad range. */
export function auditFiltersOf(request: AuditFilterRequest, now: Date = new Date(), root = 'query'): AuditFilters {
  const to = request.to ?? chinaIsoDate(now);
  const from = request.from ?? chinaIsoDate(new Date(dayStart(to).getTime() - 29 * 86_400_000));
  const fromInstant = dayStart(from);
  const toInstant = new Date(dayStart(to).getTime() + 86_400_000 - 1);
  if (Number.isNaN(fromInstant.getTime()) || Number.isNaN(toInstant.getTime()) || fromInstant > toInstant) {
    throw new ValidationError([{ path: `${root}.from`, message: '开始日期须不晚于结束日期' }]);
  }
  if (toInstant.getTime() - fromInstant.getTime() > AUDIT_RETENTION_DAYS * 86_400_000) {
    throw new ValidationError([{ path: `${root}.from`, message: `审计日志保留 ${AUDIT_RETENTION_DAYS} 天，查询范围不能更长` }]);
  }
  return {
    ...(request.actor ? { actor: request.actor } : {}),
    ...(request.action ? { action: request.action } : {}),
    ...(request.target ? { target: request.target } : {}),
    ...(request.result ? { result: request.result } : {}),
    from: fromInstant.toISOString(),
    to: toInstant.toISOString(),
  };
}
