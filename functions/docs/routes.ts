/**
 * The OpenAPI document of the whole API. It is generated from every module's route table at build
 * time (`npm run api-types`, tools/api-types.ts) into `openapi.json`, which this function serves as
 * data: building it here would bundle every module (docs/architecture.md, "Cold start and bundles").
 * The local stack serves the document of its own routes, local-only ones included
 * ({@link useLocalDocument}).
 */
import * as z from 'zod';
import { defineRoute, type ApiModule, type ModulePermissions } from '#shared/http/route';
import { config } from '#shared/config';
import generated from './openapi.json' with { type: 'json' };

let served: unknown;
let localDocument: ((version: string) => unknown) | undefined;

/** The local stack's document (built from the registry with the local-only routes); never in the cloud. */
export function useLocalDocument(build: ((version: string) => unknown) | undefined): void {
  localDocument = build;
  served = undefined;
}

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
      const { version } = config();
      served ??= localDocument ? localDocument(version) : { ...generated, info: { ...generated.info, version } };
      return served;
    },
  }),
];

/** The OpenAPI document is public and built from the route tables alone. */
export const permissions: ModulePermissions = { secrets: ['origin-verify'] };

export const module: ApiModule = { name: 'docs', routes, permissions };
