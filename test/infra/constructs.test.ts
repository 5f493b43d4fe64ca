/**
 * The constructs on their own, for the cases the real registry does not exercise (local-only routes
 * on a deployed module, duplicate route keys, a fallback module that is not deployed).
 *
 * Function bundling is switched off here (`aws:cdk:bundling-stacks` empty, as `cdk synth
 * --exclusively` does for other stacks): these tests are about structure, and stack.test.ts bundles.
 */
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { App, Stack, type StackProps } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as z from 'zod';
import { defineRoute, type AnyRoute, type ApiModule } from '#shared/http/route';
import { ApiConstruct, deployedRoutes } from '#lib/constructs/api';
import { DataConstruct } from '#lib/constructs/data';

const outdirs: string[] = [];

afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

function unbundledApp(): App {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  };
  const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
  outdirs.push(app.outdir);
  return app;
}

function route(operationId: string, method: AnyRoute['method'], path: string, access: AnyRoute['access'], localOnly?: boolean) {
  return defineRoute({
    operationId,
    method,
    path,
    summary: operationId,
    access,
    localOnly,
    response: z.unknown(),
    handler: async () => undefined,
  }) as AnyRoute;
}

// Module names must have an entry file (functions/<name>/index.ts); the routes are made up.
const modules: ApiModule[] = [
  {
    name: 'reference',
    routes: [
      route('readThing', 'GET', '/things/{id}', 'session'),
      route('pushOrders', 'POST', '/ingest/orders', 'ingest'),
      route('peekOutbox', 'GET', '/dev/outbox', 'public', true),
    ],
    permissions: { table: { read: true } },
  },
  { name: 'docs', routes: [route('getDoc', 'GET', '/doc', 'public')], permissions: {} },
];

function apiStack(apiModules: readonly ApiModule[], fallbackModule: string, props: StackProps = {}) {
  const stack = new Stack(unbundledApp(), 'ApiTest', props);
  const data = new DataConstruct(stack, 'Data', { retainData: true, environmentName: 'test' });
  const api = new ApiConstruct(stack, 'Api', { modules: apiModules, fallbackModule, data, environment: { STAGE: 'cloud' } });
  return { stack, api };
}

describe('deployedRoutes', () => {
  it('leaves out local-only routes', () => {
    const keys = deployedRoutes(modules).map((deployed) => deployed.key);

    expect(keys).toEqual(['GET /api/things/{id}', 'POST /api/ingest/orders', 'GET /api/doc']);
  });

  it('rejects a route key declared by two modules', () => {
    const clash: ApiModule[] = [...modules, { name: 'auth', routes: [route('readThingAgain', 'GET', '/things/{id}', 'public')], permissions: {} }];

    expect(() => deployedRoutes(clash)).toThrow(/GET \/api\/things\/\{id\}.*"reference".*"auth"/);
  });
});

describe('ApiConstruct', () => {
  it('signs ingest routes with IAM, leaves the others to the function, and skips local-only routes', () => {
    const template = Template.fromStack(apiStack(modules, 'reference').stack);
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (resource) => resource.Properties as { RouteKey: string; AuthorizationType: string },
    );

    expect(Object.fromEntries(routes.map((r) => [r.RouteKey, r.AuthorizationType]))).toEqual({
      'GET /api/things/{id}': 'NONE',
      'POST /api/ingest/orders': 'AWS_IAM',
      'GET /api/doc': 'NONE',
      $default: 'NONE',
    });
  });

  it('creates one function per module', () => {
    const { api } = apiStack(modules, 'reference');

    expect([...api.functions.keys()]).toEqual(['reference', 'docs']);
  });

  it('refuses a fallback module that is not deployed', () => {
    expect(() => apiStack(modules, 'dev')).toThrow(/fallback module "dev"/);
  });
});
