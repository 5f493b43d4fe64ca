/**
 * The API contract, generated from the route tables (shared/http/openapi.ts) by `npm run api-types`:
 *
 * - `functions/docs/openapi.json`, the OpenAPI document of the deployed API. The docs function serves
 *   it as data (GET /api/openapi.json), so it does not bundle every module to build it at run time
 *   (docs/architecture.md, "Cold start and bundles"). `test/unit/openapi-document.test.ts` fails when
 *   the committed file is stale.
 * - `site/src/api/schema.ts`, the admin site's API types: one entry per operation with its path
 *   parameters, query, body and answer, and the method and path of each. The site's typed clients
 *   (site/src/api/) call the API only through these, so a renamed or retyped field fails `vue-tsc`
 *   instead of breaking a page. `test/unit/api-types.test.ts` fails when the committed file is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { API_MODULES } from '#functions/registry';
import { API_PREFIX } from '#shared/http/route';
import { buildOpenApiDocument } from '#shared/http/openapi';

/** Where the generated file lives. */
export const API_TYPES_FILE = fileURLToPath(new URL('../site/src/api/schema.ts', import.meta.url));

/** Where the generated OpenAPI document lives (imported by functions/docs/routes.ts). */
export const OPENAPI_FILE = fileURLToPath(new URL('../functions/docs/openapi.json', import.meta.url));

/** The version the committed document carries; the docs function answers with the deployed version. */
export const GENERATED_VERSION = 'generated';

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  description?: string;
};

interface Parameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: JsonSchema;
}

interface Operation {
  operationId: string;
  summary?: string;
  parameters?: Parameter[];
  requestBody?: { content: { 'application/json': { schema: JsonSchema } } };
  responses: Record<string, { content?: { 'application/json': { schema: JsonSchema } } } | { $ref: string }>;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const key = (name: string) => (IDENTIFIER.test(name) ? name : quote(name));
const quote = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const literal = (value: unknown) => (typeof value === 'string' ? quote(value) : JSON.stringify(value));
const pad = (depth: number) => '  '.repeat(depth);

function union(members: string[]): string {
  const unique = [...new Set(members)];
  return unique.length === 1 ? unique[0]! : unique.join(' | ');
}

/** The TypeScript type of a JSON schema, as zod's `toJSONSchema` writes them. */
function typeOf(schema: JsonSchema | undefined, depth: number): string {
  if (!schema || Object.keys(schema).length === 0) return 'unknown';
  if (schema.$ref) throw new Error(`api-types: references are not generated (${schema.$ref})`);
  if (schema.anyOf ?? schema.oneOf) return union((schema.anyOf ?? schema.oneOf)!.map((member) => typeOf(member, depth)));
  if (schema.allOf) return schema.allOf.map((member) => typeOf(member, depth)).join(' & ');
  if ('const' in schema) return literal(schema.const);
  if (schema.enum) return union(schema.enum.map(literal));
  if (Array.isArray(schema.type)) return union(schema.type.map((type) => typeOf({ ...schema, type }, depth)));
  switch (schema.type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array': {
      if (schema.prefixItems) return `[${schema.prefixItems.map((item) => typeOf(item, depth)).join(', ')}]`;
      const item = typeOf(schema.items, depth);
      return /[|&\s]/.test(item) && !item.startsWith('{') ? `(${item})[]` : `${item}[]`;
    }
    case 'object':
      return objectType(schema, depth);
    default:
      return 'unknown';
  }
}

function objectType(schema: JsonSchema, depth: number): string {
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0) {
    if (schema.additionalProperties === false) return 'Record<string, never>';
    const values = typeof schema.additionalProperties === 'object' ? typeOf(schema.additionalProperties, depth) : 'unknown';
    return `Record<string, ${values}>`;
  }
  const required = new Set(schema.required ?? []);
  const lines = properties.map(([name, property]) => {
    const comment = property.description ? `${pad(depth + 1)}/** ${property.description} */\n` : '';
    return `${comment}${pad(depth + 1)}${key(name)}${required.has(name) ? '' : '?'}: ${typeOf(property, depth + 1)};`;
  });
  return `{\n${lines.join('\n')}\n${pad(depth)}}`;
}

function parametersType(parameters: Parameter[], where: 'path' | 'query', depth: number): string {
  const chosen = parameters.filter((parameter) => parameter.in === where);
  if (chosen.length === 0) return 'Record<string, never>';
  return objectType(
    {
      type: 'object',
      properties: Object.fromEntries(chosen.map((parameter) => [parameter.name, parameter.schema])),
      required: chosen.filter((parameter) => parameter.required).map((parameter) => parameter.name),
    },
    depth,
  );
}

function responseType(operation: Operation, depth: number): string {
  const success = Object.entries(operation.responses).find(([status]) => status.startsWith('2'));
  if (!success) return 'undefined';
  const [, response] = success;
  if ('$ref' in response) return 'unknown';
  const schema = response.content?.['application/json']?.schema;
  return schema ? typeOf(schema, depth) : 'undefined';
}

/** The source of `site/src/api/schema.ts` for an OpenAPI document. */
export function apiTypesSource(document: { paths: Record<string, Record<string, Operation>> }): string {
  const entries: string[] = [];
  const routes: string[] = [];
  for (const [fullPath, methods] of Object.entries(document.paths)) {
    const path = fullPath.startsWith(API_PREFIX) ? fullPath.slice(API_PREFIX.length) : fullPath;
    for (const [method, operation] of Object.entries(methods)) {
      const parameters = operation.parameters ?? [];
      const body = operation.requestBody?.content['application/json'].schema;
      entries.push(
        [
          `  /** ${method.toUpperCase()} ${fullPath}${operation.summary ? `: ${operation.summary}` : ''} */`,
          `  ${operation.operationId}: {`,
          `    params: ${parametersType(parameters, 'path', 2)};`,
          `    query: ${parametersType(parameters, 'query', 2)};`,
          `    body: ${body ? typeOf(body, 2) : 'undefined'};`,
          `    response: ${responseType(operation, 2)};`,
          '  };',
        ].join('\n'),
      );
      routes.push(`  ${operation.operationId}: { method: '${method.toUpperCase()}', path: '${path}' },`);
    }
  }
  return [
    '/**',
    ' * The API contract as the site sees it, generated from the OpenAPI document of the route tables',
    ' * (tools/api-types.ts; `npm run api-types`). Do not edit: test/unit/api-types.test.ts fails when',
    ' * this file no longer matches the routes.',
    ' */',
    '',
    '/** Every operation: path parameters, query, JSON body and the JSON answer of its success status. */',
    'export interface Operations {',
    entries.join('\n'),
    '}',
    '',
    '/** Method and path (under `/api`) of every operation. */',
    'export const OPERATIONS = {',
    routes.join('\n'),
    '} as const satisfies Record<keyof Operations, { method: string; path: string }>;',
    '',
  ].join('\n');
}

/** The OpenAPI document of the deployed API (local-only routes left out). */
export function deployedApiDocument() {
  return buildOpenApiDocument(API_MODULES, GENERATED_VERSION, false);
}

/** The text of `functions/docs/openapi.json`. */
export function currentOpenApiJson(): string {
  return `${JSON.stringify(deployedApiDocument(), null, 2)}\n`;
}

/** The generated source for the deployed API (local-only routes left out). */
export function currentApiTypes(): string {
  return apiTypesSource(deployedApiDocument() as unknown as Parameters<typeof apiTypesSource>[0]);
}

/** Writes `text` to `file` unless it already holds it; returns whether it changed. */
function writeIfChanged(file: string, text: string): boolean {
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // first generation
  }
  if (current === text) return false;
  writeFileSync(file, text);
  return true;
}

/** Writes the site's API types; resolves to whether they changed. */
export function writeApiTypes(file = API_TYPES_FILE): boolean {
  return writeIfChanged(file, currentApiTypes());
}

/** Writes the OpenAPI document the docs function serves; returns whether it changed. */
export function writeOpenApiDocument(file = OPENAPI_FILE): boolean {
  return writeIfChanged(file, currentOpenApiJson());
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [file, changed] of [
    [OPENAPI_FILE, writeOpenApiDocument()],
    [API_TYPES_FILE, writeApiTypes()],
  ] as const) {
    console.log(changed ? `wrote ${file}` : `${file} is up to date`);
  }
}
