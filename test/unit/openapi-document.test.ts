/**
 * The docs function serves the OpenAPI document as data (functions/docs/openapi.json), generated from
 * the route tables at build time; this fails when a route changed and the file was not regenerated
 * (`npm run api-types`), and checks what the deployed function answers.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { currentOpenApiJson, GENERATED_VERSION, OPENAPI_FILE } from '#tools/api-types';

describe('generated OpenAPI document', () => {
  it('functions/docs/openapi.json matches the route tables (run `npm run api-types` after changing a route)', () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8') === currentOpenApiJson(), 'functions/docs/openapi.json is stale: run `npm run api-types`').toBe(true);
  });

  describe('the deployed docs function', () => {
    const saved = { ...process.env };
    afterAll(() => {
      process.env = saved;
    });

    it('answers with the generated document and the deployed version', async () => {
      Object.assign(process.env, { STAGE: 'cloud', TABLE_NAME: 't', UPLOADS_BUCKET: 'u', REPORTS_BUCKET: 'r', SESSION_SECRET_ARN: 'arn:aws-cn:secretsmanager:cn-north-1:1:secret:s', APP_VERSION: '1.2.3' });
      const { routes } = await import('#functions/docs/routes');
      const document = (await routes[0]!.handler({ params: undefined, query: undefined, body: undefined } as never, {} as never)) as Record<string, any>;
      const generated = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8'));
      expect(generated.info.version).toBe(GENERATED_VERSION);
      expect(document).toEqual({ ...generated, info: { ...generated.info, version: '1.2.3' } });
      expect(Object.keys(document.paths)).not.toContain('/api/dev/sms-outbox');
    });
  });
});
