/** Service-to-service ingestion of enterprises, products and orders (docs/http-api.md, "Ingestion"). */
import * as z from 'zod';
import { defineRoute, type ApiModule, type ModulePermissions } from '#shared/http/route';
import { eventEnvelopeSchema } from '#shared/financing/model';
import { ingestEvents } from '#shared/financing/ingest';

export const MAX_EVENTS_PER_BATCH = 100;

export const routes = [
  defineRoute({
    operationId: 'ingestEvents',
    throttle: 'ingest',
    method: 'POST',
    path: '/ingest/events',
    summary: '接收企业端与机构端的业务事件（每批至多 100 条；幂等；按订单生命周期校验）',
    tags: ['ingest'],
    access: 'ingest',
    body: z.object({ events: z.array(eventEnvelopeSchema).min(1).max(MAX_EVENTS_PER_BATCH) }),
    response: z.object({
      accepted: z.array(z.string()),
      duplicates: z.array(z.string()),
      rejected: z.array(z.object({ id: z.string(), code: z.string(), message: z.string() })),
    }),
    handler: async ({ body }) => ingestEvents(body.events),
  }),
];

/** The portals' records; IAM-signed, so no session key and no origin token. */
export const permissions: ModulePermissions = { table: { read: true, write: ['ENTERPRISE#', 'PRODUCT#', 'ORDER#'] } };

export const module: ApiModule = { name: 'ingest', routes, permissions };
