/** 数据中心, 区域数据统计 and 机构数据统计 (docs/http-api.md, "Statistics"). */
import { defineRoute, type ApiModule, type ModulePermissions } from '#shared/http/route';
import { periodQuerySchema } from '#shared/statistics/period';
import { industries, institutionTypes, regionRows, summary, summaryWithComparison, trend } from '#shared/statistics/queries';
import { institutionRankings, institutionTable } from './domain';
import {
  industriesSchema,
  institutionsPageSchema,
  institutionsQuerySchema,
  institutionTypesSchema,
  rankingsQuerySchema,
  rankingsSchema,
  regionRowsSchema,
  regionsQuerySchema,
  summaryQuerySchema,
  summarySchema,
  trendQuerySchema,
  trendSchema,
} from './schemas';

export const routes = [
  defineRoute({
    operationId: 'getStatsSummary',
    method: 'GET',
    path: '/stats/summary',
    summary: '数据中心：地区（默认本级）在某期间的全部指标；compare=true 时另给累计值与同比、环比',
    tags: ['statistics'],
    access: 'session',
    query: summaryQuerySchema,
    response: summarySchema,
    handler: async ({ query }, ctx) => (query.compare ? summaryWithComparison(ctx.caller, query) : summary(ctx.caller, query)),
  }),
  defineRoute({
    operationId: 'getStatsTrend',
    method: 'GET',
    path: '/stats/trend',
    summary: '中小微企业融资情况：各年度（或某年各月）需求与放款',
    tags: ['statistics'],
    access: 'session',
    query: trendQuerySchema,
    response: trendSchema,
    handler: async ({ query }, ctx) => trend(ctx.caller, query),
  }),
  defineRoute({
    operationId: 'getStatsRegions',
    method: 'GET',
    path: '/stats/regions',
    summary: '下级地区（省/市/区县）的指标与开通情况：排行、地图、数据概览',
    tags: ['statistics'],
    access: 'session',
    query: regionsQuerySchema,
    response: regionRowsSchema,
    handler: async ({ query }, ctx) => (await regionRows(ctx.caller, query)).rows,
  }),
  defineRoute({
    operationId: 'getStatsIndustries',
    method: 'GET',
    path: '/stats/industries',
    summary: '行业分布：20 个门类的需求与放款',
    tags: ['statistics'],
    access: 'session',
    query: periodQuerySchema,
    response: industriesSchema,
    handler: async ({ query }, ctx) => industries(ctx.caller, query),
  }),
  defineRoute({
    operationId: 'getStatsInstitutions',
    method: 'GET',
    path: '/stats/institutions',
    summary: '机构数据概览：各金融机构的产品数、受理、放款与正在受理，可按任意列排序；regionBasis 选地区口径（服务企业所在地/机构所在地）',
    tags: ['statistics'],
    access: 'session',
    query: institutionsQuerySchema,
    response: institutionsPageSchema,
    handler: async ({ query }, ctx) => institutionTable(ctx.caller, query),
  }),
  defineRoute({
    operationId: 'getStatsInstitutionRankings',
    method: 'GET',
    path: '/stats/institution-rankings',
    summary: '机构数据排行：七项指标各自的前 N 名（默认 10），一次读取计数器',
    tags: ['statistics'],
    access: 'session',
    query: rankingsQuerySchema,
    response: rankingsSchema,
    handler: async ({ query }, ctx) => institutionRankings(ctx.caller, query),
  }),
  defineRoute({
    operationId: 'getStatsInstitutionTypes',
    method: 'GET',
    path: '/stats/institution-types',
    summary: '类型统计：各类型金融机构的机构数、产品数、受理与放款',
    tags: ['statistics'],
    access: 'session',
    query: periodQuerySchema,
    response: institutionTypesSchema,
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
