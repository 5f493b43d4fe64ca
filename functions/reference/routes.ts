/** Reference data and health: regions, industries, institution types. */
import * as z from 'zod';
import { UnknownRegionError } from '#shared/auth/scope';
import { defineRoute, type ApiModule, type ModulePermissions } from '#shared/http/route';
import { childRegions, findRegion } from '#shared/reference/regions';
import { INDUSTRIES } from '#shared/reference/industries';
import { INSTITUTION_TYPES } from '#shared/reference/institution-types';
import { config } from '#shared/config';

const regionCode = z.string().regex(/^\d{6}$/, '须为 6 位行政区划代码');

const regionSchema = z.object({
  code: z.string(),
  name: z.string(),
  level: z.enum(['province', 'city', 'district']),
});

const codeName = z.object({ code: z.string(), name: z.string() });

export const routes = [
  defineRoute({
    operationId: 'getHealth',
    method: 'GET',
    path: '/health',
    summary: '健康检查',
    tags: ['reference'],
    access: 'public',
    response: z.object({ status: z.literal('ok'), version: z.string() }),
    handler: async () => ({ status: 'ok' as const, version: config().version }),
  }),
  defineRoute({
    operationId: 'listRegions',
    method: 'GET',
    path: '/regions',
    summary: '行政区划：省份，或某地区的下级地区',
    tags: ['reference'],
    access: 'session',
    query: z.object({ parent: regionCode.optional() }),
    response: z.array(regionSchema),
    handler: async ({ query }) => {
      if (query.parent && !findRegion(query.parent)) throw new UnknownRegionError('query.parent');
      return childRegions(query.parent).map(({ code, name, level }) => ({ code, name, level }));
    },
  }),
  defineRoute({
    operationId: 'listIndustries',
    method: 'GET',
    path: '/industries',
    summary: '国民经济行业分类 20 个门类',
    tags: ['reference'],
    access: 'session',
    response: z.array(codeName),
    handler: async () => INDUSTRIES.map(({ code, name }) => ({ code, name })),
  }),
  defineRoute({
    operationId: 'listInstitutionTypes',
    method: 'GET',
    path: '/institution-types',
    summary: '金融机构类型（11 类）',
    tags: ['reference'],
    access: 'session',
    response: z.array(codeName),
    handler: async () => INSTITUTION_TYPES.map(({ code, name }) => ({ code, name })),
  }),
];

/** Reference data needs only to check the session: no writes, no files, no SMS. */
export const permissions: ModulePermissions = { table: { read: true }, secrets: ['session', 'origin-verify'] };

export const module: ApiModule = { name: 'reference', routes, permissions };
