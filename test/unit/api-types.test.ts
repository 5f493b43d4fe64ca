/**
 * The site's API types (site/src/api/schema.ts) are generated from the OpenAPI document of the route
 * tables; this fails when a route changed and the file was not regenerated (`npm run api-types`).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, apiTypesSource, currentApiTypes } from '#tools/api-types';

describe('generated API types', () => {
  it('site/src/api/schema.ts matches the route tables (run `npm run api-types` after changing a route)', () => {
    expect(readFileSync(API_TYPES_FILE, 'utf8') === currentApiTypes(), 'site/src/api/schema.ts is stale: run `npm run api-types`').toBe(true);
  });

  it('writes parameters, bodies and answers as TypeScript', () => {
    const source = apiTypesSource({
      paths: {
        '/api/things/{id}': {
          patch: {
            operationId: 'updateThing',
            summary: '修改',
            parameters: [
              { name: 'id', in: 'path', required: true, schema: { type: 'integer' } },
              { name: 'dry-run', in: 'query', required: false, schema: { type: 'string', enum: ['0', '1'] } },
            ],
            requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { note: { type: ['string', 'null'] } }, required: ['note'] } } } },
            responses: {
              '200': {
                content: {
                  'application/json': {
                    schema: {
                      type: 'object',
                      properties: { tags: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'number' }] } }, kind: { const: 'thing' } },
                      required: ['kind'],
                    },
                  },
                },
              },
            },
          },
        },
      },
    });
    expect(source).toContain('/** PATCH /api/things/{id}: 修改 */');
    expect(source).toContain("'dry-run'?: '0' | '1';");
    expect(source).toContain('id: number;');
    expect(source).toContain('note: string | null;');
    expect(source).toContain('tags?: (string | number)[];');
    expect(source).toContain("kind: 'thing';");
    expect(source).toContain("updateThing: { method: 'PATCH', path: '/things/{id}' },");
  });
});
