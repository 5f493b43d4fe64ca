/** 融资动态 (docs/http-api.md, "Statistics": dynamics). */
import * as z from 'zod';
import { defineRoute, type ApiModule, type ModulePermissions } from '#shared/http/route';
import { regionCodeSchema } from '#shared/http/schemas';
import { FEED_KINDS } from '#shared/db/keys';
import { daily, feed } from './domain';

export const routes = [
  defineRoute({
    operationId: 'getDynamicsDaily',
    method: 'GET',
    path: '/dynamics/daily',
    summary: '近 N 天（默认 15 天）每日融资需求、放款、新增企业与新增机构，按日期升序',
    tags: ['dynamics'],
    access: 'session',
    query: z.object({ region: regionCodeSchema.optional(), days: z.coerce.number().int().min(1).max(60).default(15) }),
    response: z.array(z.object({
      date: z.string(), demandCount: z.number(), demandAmount: z.number(), loanCount: z.number(), loanAmount: z.number(), newEnterprises: z.number(), newInstitutions: z.number(),
    })),
    handler: async ({ query }, ctx) => daily(ctx.caller, query),
  }),
  defineRoute({
    operationId: 'getDynamicsFeed',
    method: 'GET',
    path: '/dynamics/feed',
    summary: '融资动态：放款、需求、企业与机构入驻，最新在前，游标分页',
    tags: ['dynamics'],
    access: 'session',
    query: z.object({
      region: regionCodeSchema.optional(),
      kind: z.enum(FEED_KINDS).optional(),
      cursor: z.string().max(2000).optional(),
      limit: z.coerce.number().int().min(1).max(50).default(20),
    }),
    response: z.object({
      items: z.array(z.object({
        time: z.string(), kind: z.enum(FEED_KINDS), title: z.string(), enterpriseName: z.string().nullable(), amount: z.number().nullable(),
        regionCode: z.string(), regionName: z.string(), institutionName: z.string().nullable(),
      })),
      nextCursor: z.string().nullable(),
    }),
    handler: async ({ query }, ctx) => feed(ctx.caller, query),
  }),
];

/** Day counters and the feed. */
export const permissions: ModulePermissions = { table: { read: true, write: ['ACCOUNT#'] }, secrets: ['session', 'origin-verify'] };

export const module: ApiModule = { name: 'dynamics', routes, permissions };
