/** 数据中心, 区域数据统计 and 机构数据统计 (docs/api.md, "Statistics"). */
import { z } from 'zod';
import { defineRoute, type ApiModule, type ModulePermissions } from '#shared/http/route';
import { pagingSchema, regionCodeSchema } from '#shared/http/schemas';
import { INSTITUTION_TYPE_CODES } from '#shared/reference/institution-types';
import { METRIC_NAMES } from '#shared/statistics/metrics';
import { periodQuerySchema, yearSchema } from '#shared/statistics/period';
import { INSTITUTION_COLUMNS, industries, institutionTypes, regionRows, summary, trend } from '#shared/statistics/queries';
import { institutionTable } from './domain';

const periodQuery = periodQuerySchema;
const order = z.enum(['asc', 'desc']).optional();

const metrics = z.object(Object.fromEntries(METRIC_NAMES.map((name) => [name, z.number().nullable()])));
const regionRef = z.object({ code: z.string(), name: z.string(), level: z.string() });

export const routes = [
  defineRoute({
    operationId: 'getStatsSummary',
    method: 'GET',
    path: '/stats/summary',
    summary: '数据中心：地区（默认本级）在某期间的全部指标',
    tags: ['statistics'],
    access: 'session',
    query: periodQuery,
    response: z.object({ region: regionRef, period: z.object({ year: z.number().nullable(), month: z.number().nullable() }), metrics }),
    handler: async ({ query }, ctx) => summary(ctx.caller, query),
  }),
  defineRoute({
    operationId: 'getStatsTrend',
    method: 'GET',
    path: '/stats/trend',
    summary: '中小微企业融资情况：各年度（或某年各月）需求与放款',
    tags: ['statistics'],
    access: 'session',
    query: z.object({
      region: regionCodeSchema.optional(),
      from: yearSchema.optional(),
      to: yearSchema.optional(),
      granularity: z.enum(['year', 'month']).default('year'),
      year: yearSchema.optional(),
    }).refine((q) => q.from === undefined || q.to === undefined || (q.from <= q.to && q.to - q.from <= 30), { message: 'from 须不晚于 to，且跨度不超过 30 年', path: ['from'] }),
    response: z.array(z.object({ year: z.number(), month: z.number().optional(), demandCount: z.number(), demandAmount: z.number(), loanCount: z.number(), loanAmount: z.number() })),
    handler: async ({ query }, ctx) => trend(ctx.caller, query),
  }),
  defineRoute({
    operationId: 'getStatsRegions',
    method: 'GET',
    path: '/stats/regions',
    summary: '下级地区（省/市/区县）的指标与开通情况：排行、热力图、数据概览',
    tags: ['statistics'],
    access: 'session',
    query: periodQuery.extend({ sort: z.enum([...METRIC_NAMES, 'code']).optional(), order }),
    response: z.array(z.object({ code: z.string(), name: z.string(), level: z.string(), opened: z.boolean().nullable(), openedAt: z.string().nullable(), metrics })),
    handler: async ({ query }, ctx) => (await regionRows(ctx.caller, query)).rows,
  }),
  defineRoute({
    operationId: 'getStatsIndustries',
    method: 'GET',
    path: '/stats/industries',
    summary: '行业分布：20 个门类的需求与放款',
    tags: ['statistics'],
    access: 'session',
    query: periodQuery,
    response: z.array(z.object({ code: z.string(), name: z.string(), demandCount: z.number(), demandAmount: z.number(), loanCount: z.number(), loanAmount: z.number() })),
    handler: async ({ query }, ctx) => industries(ctx.caller, query),
  }),
  defineRoute({
    operationId: 'getStatsInstitutions',
    method: 'GET',
    path: '/stats/institutions',
    summary: '机构数据概览：各金融机构的产品数、受理、放款与正在受理，可按任意列排序',
    tags: ['statistics'],
    access: 'session',
    query: periodQuery.extend(pagingSchema.shape).extend({
      type: z.enum(INSTITUTION_TYPE_CODES).optional(),
      sort: z.enum([...INSTITUTION_COLUMNS, 'name']).optional(),
      order,
    }),
    response: z.object({
      items: z.array(z.object({
        institutionId: z.number(), name: z.string(), shortName: z.string(), type: z.string(), typeName: z.string(), logoUrl: z.string().nullable(),
        ...Object.fromEntries(INSTITUTION_COLUMNS.map((name) => [name, z.number()])),
      })),
      total: z.number(), page: z.number(), pageSize: z.number(),
    }),
    handler: async ({ query }, ctx) => institutionTable(ctx.caller, query),
  }),
  defineRoute({
    operationId: 'getStatsInstitutionTypes',
    method: 'GET',
    path: '/stats/institution-types',
    summary: '类型统计：各类型金融机构的机构数、产品数、受理与放款',
    tags: ['statistics'],
    access: 'session',
    query: periodQuery,
    response: z.array(z.object({ type: z.string(), name: z.string(), institutionCount: z.number(), productCount: z.number(), acceptedCount: z.number(), acceptedAmount: z.number(), loanCount: z.number(), loanAmount: z.number() })),
    handler: async ({ query }, ctx) => institutionTypes(ctx.caller, query),
  }),
];

/** Counters only; presigned logo URLs for 机构数据统计. */
export const permissions: ModulePermissions = {
  table: { read: true, write: ['ACCOUNT#'] },
  uploads: { read: ['uploads/*/institution-logo/*'] },
  secrets: ['session', 'origin-verify'],
};

export const module: ApiModule = { name: 'statistics', routes, permissions };
