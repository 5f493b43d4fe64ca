/** The OpenAPI 3.1 document, generated from the route tables and their zod schemas. */
import * as z from 'zod';
import { API_PREFIX, type AnyRoute, type ApiModule } from './route';

type JsonSchema = Record<string, unknown>;

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return json;
}

function parameters(route: AnyRoute): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [where, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!schema) continue;
    const json = schemaOf(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      out.push({
        name,
        in: where,
        required: where === 'path' || (json.required ?? []).includes(name),
        schema: property,
        ...(typeof property.description === 'string' ? { description: property.description } : {}),
      });
    }
  }
  const pathNames = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  for (const name of pathNames) {
    if (!out.some((p) => p.in === 'path' && p.name === name)) {
      out.push({ name, in: 'path', required: true, schema: { type: 'string' } });
    }
  }
  return out;
}

const errorBody = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: {},
      },
    },
  },
};

function operation(route: AnyRoute): JsonSchema {
  const status = String(route.status ?? (route.response ? 200 : 204));
  const responses: JsonSchema = {
    [status]: route.response
      ? { description: 'OK', content: { 'application/json': { schema: schemaOf(route.response, 'output') } } }
      : { description: 'No content' },
    '400': { $ref: '#/components/responses/Error' },
  };
  if (route.access === 'session') {
    responses['401'] = { $ref: '#/components/responses/Error' };
    responses['403'] = { $ref: '#/components/responses/Error' };
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: route.tags ?? [],
    ...(route.access === 'session' ? { security: [{ bearer: [] }] } : {}),
    ...(route.access === 'ingest' ? { security: [{ sigv4: [] }, { apiKey: [] }] } : {}),
    parameters: parameters(route),
    ...(route.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(route.body, 'input') } } } }
      : {}),
    responses,
  };
}

export function buildOpenApiDocument(modules: readonly ApiModule[], version: string, includeLocalOnly: boolean) {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const module of modules) {
    for (const route of module.routes) {
      if (route.localOnly && !includeLocalOnly) continue;
      const path = `${API_PREFIX}${route.path}`;
      paths[path] ??= {};
      paths[path][route.method.toLowerCase()] = operation(route);
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: '信易贷政府管理端 API',
      version,
      description: '全国中小企业融资综合信用服务平台（信易贷）政府用户管理端接口。金额单位为元（整数），比率为 [0,1] 的小数或 null。',
    },
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: '仅本地运行环境' },
        sigv4: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'AWS SigV4（IAM）' },
      },
      responses: {
        Error: { description: '错误', content: { 'application/json': { schema: errorBody } } },
      },
    },
  };
}
