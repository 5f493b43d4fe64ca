/** 数据质量 (docs/http-api.md, "数据质量"): warnings raised at ingestion, counted, listed and checked. */
import { defineRoute, type ApiModule, type ModulePermissions } from '#shared/http/route';
import { checkWarning, qualityRegions, qualitySummary, qualityTrend, qualityWarnings } from '#shared/data-quality/queries';
import {
  checkBodySchema,
  periodQuerySchema,
  regionsSchema,
  summarySchema,
  trendQuerySchema,
  trendSchema,
  warningsPageSchema,
  warningsQuerySchema,
  warningViewSchema,
} from './schemas';

export const routes = [
  defineRoute({
    operationId: 'getQualitySummary',
    method: 'GET',
    path: '/data-quality/summary',
    summary: '数据质量：本级（或下级地区）各规则的预警数、已核查与待核查数（可按年、月）',
    tags: ['data-quality'],
    access: 'session',
    query: periodQuerySchema,
    response: summarySchema,
    handler: async ({ query }, ctx) => qualitySummary(ctx.caller, query),
  }),
  defineRoute({
    operationId: 'getQualityTrend',
    method: 'GET',
    path: '/data-quality/trend',
    summary: '数据质量：某年各月各规则的预警数',
    tags: ['data-quality'],
    access: 'session',
    query: trendQuerySchema,
    response: trendSchema,
    handler: async ({ query }, ctx) => qualityTrend(ctx.caller, query),
  }),
  defineRoute({
    operationId: 'getQualityRegions',
    method: 'GET',
    path: '/data-quality/regions',
    summary: '数据质量：各下级地区的预警数（按规则）',
    tags: ['data-quality'],
    access: 'session',
    query: periodQuerySchema,
    response: regionsSchema,
    handler: async ({ query }, ctx) => qualityRegions(ctx.caller, query),
  }),
  defineRoute({
    operationId: 'listQualityWarnings',
    method: 'GET',
    path: '/data-quality/warnings',
    summary: '数据质量：预警列表（规则、记录与触发值），可按地区、规则、核查状态与日期筛选，最新在前，游标分页',
    tags: ['data-quality'],
    access: 'session',
    query: warningsQuerySchema,
    response: warningsPageSchema,
    handler: async ({ query }, ctx) => {
      const { queries: _queries, ...page } = await qualityWarnings(ctx.caller, query);
      return page;
    },
  }),
  defineRoute({
    operationId: 'checkQualityWarning',
    method: 'POST',
    path: '/data-quality/warnings/check',
    summary: '数据质量：将一条预警标记为已核查（记录核查人与时间，写入审计日志）；version 须为列表所示版本',
    tags: ['data-quality'],
    access: 'session',
    body: checkBodySchema,
    response: warningViewSchema,
    handler: async ({ body }, ctx) => checkWarning(ctx.caller, body, ctx.sourceIp),
  }),
];

/** Counters and the warning list; marks a warning on its record (orders, enterprises, products) and audits it. */
export const permissions: ModulePermissions = {
  table: { read: true, write: ['ACCOUNT#', 'ORDER#', 'ENTERPRISE#', 'PRODUCT#', 'AUDIT#'] },
  secrets: ['session', 'origin-verify'],
};

export const module: ApiModule = { name: 'data-quality', routes, permissions };
