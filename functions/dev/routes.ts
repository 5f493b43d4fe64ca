/** Local-only helpers (never deployed): the SMS outbox and the rollup backlog. */
import * as z from 'zod';
import { defineRoute, type ApiModule, type ModulePermissions } from '#shared/http/route';
import { phoneSchema } from '#shared/http/schemas';
import { outboxMessages } from '#shared/sms/outbox';
import { localRuntime } from './runtime';

export const routes = [
  defineRoute({
    operationId: 'devSmsOutbox',
    method: 'GET',
    path: '/dev/sms-outbox',
    summary: '（仅本地）短信发件箱，最新在前',
    tags: ['dev'],
    access: 'public',
    localOnly: true,
    query: z.object({ phone: phoneSchema.optional() }),
    response: z.array(z.object({ phone: z.string(), code: z.string(), purpose: z.string(), sentAt: z.string() })),
    handler: async ({ query }) => outboxMessages(query.phone),
  }),
  defineRoute({
    operationId: 'devRollupStatus',
    method: 'GET',
    path: '/dev/rollup-status',
    summary: '（仅本地）尚未汇总的变更记录数',
    tags: ['dev'],
    access: 'public',
    localOnly: true,
    response: z.object({ pending: z.number().int() }),
    handler: async () => ({ pending: localRuntime().pendingRecords() }),
  }),
];

/** Local only; never deployed. */
export const permissions: ModulePermissions = {};

export const module: ApiModule = { name: 'dev', routes, permissions };
