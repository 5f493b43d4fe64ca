/**
 * Builds a module's Lambda handler from its route table: the in-Lambda router plus the one
 * middleware chain. Handlers stay thin: they get validated input and the caller, and return data.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  authorize,
  logRequests,
  mapErrors,
  normalizeEvent,
  parseJsonBody,
  successResponse,
  validateInput,
  type ApiContext,
} from './middleware';
import type { ApiModule } from './route';
import { createRouter } from './router';

export type ApiHandler = (event: APIGatewayProxyEventV2, context: ApiContext) => Promise<APIGatewayProxyStructuredResultV2>;

export function createApiHandler(module: ApiModule): ApiHandler {
  const router = createRouter(module.routes);
  const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, ApiContext>()
    .use(normalizeEvent(router))
    .use(authorize(module.permissions))
    .use(parseJsonBody())
    .use(validateInput())
    .use(logRequests())
    .use(mapErrors())
    .handler(async (_event, context) => {
      const { route, input, ctx } = context.api;
      if (!route || !input) throw new Error('route and input are set by the middleware chain');
      const result = await route.handler(input, ctx);
      return successResponse(route, result, ctx.requestId);
    });
  return handler as unknown as ApiHandler;
}
