/** 督办 (docs/http-api.md, "督办"): overdue demands of the caller's scope, from the open-demand counters and index. */
import { defineRoute, type ApiModule, type ModulePermissions } from '#shared/http/route';
import { overdueDemands, overdueInstitutions, supervisionRegions, supervisionSummary } from '#shared/supervision/queries';
import { demandsPageSchema, demandsQuerySchema, institutionsQuerySchema, institutionsSchema, regionQuerySchema, regionsSchema, summarySchema } from './schemas';

export const routes = [
  defineRoute({
    operationId: 'getSupervisionSummary',
    method: 'GET',
    path: '/supervision/summary',
    summary: '督办：本级（或下级地区）超时未办的融资需求数（待受理超时、对接超时）与较昨日变化',
    tags: ['supervision'],
    access: 'session',
    query: regionQuerySchema,
    response: summarySchema,
    handler: async ({ query }, ctx) => supervisionSummary(ctx.caller, query),
  }),
  defineRoute({
    operationId: 'getSupervisionRegions',
    method: 'GET',
    path: '/supervision/regions',
    summary: '督办：地区合计与各下级地区的超时需求数（表格与地图）',
    tags: ['supervision'],
    access: 'session',
    query: regionQuerySchema,
    response: regionsSchema,
    handler: async ({ query }, ctx) => supervisionRegions(ctx.caller, query),
  }),
  defineRoute({
    operationId: 'listOverdueDemands',
    method: 'GET',
    path: '/supervision/demands',
    summary: '督办：超时需求列表（按规则，可按地区、企业名称、受理机构筛选），游标分页',
    tags: ['supervision'],
    access: 'session',
    query: demandsQuerySchema,
    response: demandsPageSchema,
    handler: async ({ query }, ctx) => {
      const { queries: _queries, ...page } = await overdueDemands(ctx.caller, query);
      return page;
    },
  }),
  defineRoute({
    operationId: 'getOverdueInstitutions',
    method: 'GET',
    path: '/supervision/institutions',
    summary: '督办：对接超时需求最多的金融机构排行（本级企业的订单）',
    tags: ['supervision'],
    access: 'session',
    query: institutionsQuerySchema,
    response: institutionsSchema,
    handler: async ({ query }, ctx) => overdueInstitutions(ctx.caller, query),
  }),
];

/** Counters and the open-demand index; institutions' names. Writes nothing but sessions. */
export const permissions: ModulePermissions = { table: { read: true, write: ['ACCOUNT#'] }, secrets: ['session', 'origin-verify'] };

export const module: ApiModule = { name: 'supervision', routes, permissions };
