/** The OpenAPI document of the whole API, generated from every module's route table. */
import * as z from 'zod';
import { defineRoute, type ApiModule, type ModulePermissions } from '#shared/http/route';
import { buildOpenApiDocument } from '#shared/http/openapi';
import { config } from '#shared/config';

let cached: unknown;

export const routes = [
  defineRoute({
    operationId: 'getOpenApiDocument',
    method: 'GET',
    path: '/openapi.json',
    summary: 'OpenAPI 文档',
    tags: ['reference'],
    access: 'public',
    response: z.record(z.string(), z.unknown()),
    handler: async () => {
      if (!cached) {
        // Imported lazily: the registry lists this module too.
        const { API_MODULES, LOCAL_MODULES } = await import('../registry');
        const cfg = config();
        const local = cfg.stage === 'local';
        cached = buildOpenApiDocument(local ? [...API_MODULES, ...LOCAL_MODULES] : API_MODULES, cfg.version, local);
      }
      return cached;
    },
  }),
];

/** The OpenAPI document is public and built from the route tables alone. */
export const permissions: ModulePermissions = { secrets: ['origin-verify'] };

export const module: ApiModule = { name: 'docs', routes, permissions };
