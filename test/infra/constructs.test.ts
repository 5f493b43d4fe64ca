/**
 * The constructs on their own, for the cases the real registry does not exercise yet (ingest and
 * local-only routes, duplicate route keys), the site outside the China regions, and the site upload.
 *
 * Function bundling is switched off here (`aws:cdk:bundling-stacks` empty, as `cdk synth
 * --exclusively` does for other stacks): these tests are about structure, and stack.test.ts bundles.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App, Stack, type StackProps } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { z } from 'zod';
import { defineRoute, type AnyRoute, type ApiModule } from '#shared/http/route';
import { ApiConstruct, deployedRoutes } from '#lib/constructs/api';
import { DataConstruct } from '#lib/constructs/data';
import { SmsConstruct } from '#lib/constructs/sms';
import { XinyidaiStack } from '#lib/stack';

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
  const data = new DataConstruct(stack, 'Data');
  const sms = new SmsConstruct(stack, 'Sms');
  const api = new ApiConstruct(stack, 'Api', { modules: apiModules, fallbackModule, data, sms, environment: { STAGE: 'cloud' } });
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

describe('site outside the China regions, with a built site', () => {
  let stack: XinyidaiStack;
  let template: Template;

  beforeAll(() => {
    const siteDir = mkdtempSync(join(tmpdir(), 'xinyidai-site-'));
    writeFileSync(join(siteDir, 'index.html'), '<!doctype html><title>test</title>');
    outdirs.push(siteDir);
    stack = new XinyidaiStack(unbundledApp(), 'SiteTest', {
      env: { region: 'ap-northeast-1' },
      appVersion: '0.0.0-test',
      siteDistPath: siteDir,
    });
    template = Template.fromStack(stack);
  });

  it('reads the bucket through Origin Access Control', () => {
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
  });

  it('rewrites client-side routes to index.html on the site behaviour only', () => {
    const distribution = Object.values(template.findResources('AWS::CloudFront::Distribution'))[0];
    const config = distribution?.Properties.DistributionConfig as {
      DefaultCacheBehavior: { FunctionAssociations?: unknown[] };
      CacheBehaviors: { PathPattern: string; FunctionAssociations?: unknown[] }[];
    };

    expect(config.DefaultCacheBehavior.FunctionAssociations).toEqual([
      expect.objectContaining({ EventType: 'viewer-request' }),
    ]);
    expect(config.CacheBehaviors.find((b) => b.PathPattern === '/api/*')?.FunctionAssociations).toBeUndefined();
  });

  it('uploads the built site and invalidates the distribution', () => {
    template.resourceCountIs('Custom::CDKBucketDeployment', 1);
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DistributionId: Match.anyValue(),
      DistributionPaths: ['/*'],
    });
  });

  it('leaves no AwsSolutions finding unacknowledged, the upload handler included', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);

    const findings = report.violations.flatMap((violation) =>
      violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}`),
    );
    expect(findings).toEqual([]);
  });
});
