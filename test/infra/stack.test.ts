/**
 * The synthesized cloud stack, checked against the sources it is generated from: the module registry
 * (routes, functions), TABLE_DEFINITION (table) and the rollup stream filter.
 *
 * The stack is synthesized once (prod, cn-north-1), with real esbuild bundling of every function,
 * exactly as `npm run synth` does it (same feature flags from cdk.json). test/infra/partitions.test.ts
 * covers what differs between regions and environments, permissions.test.ts the grants.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { BUNDLE_FILE, bundleFunction, deployedFunctions } from '#lib/bundling';
import { API_MODULES, FALLBACK_MODULE } from '#functions/registry';
import { keyAttributes, rollupStreamFilterPatterns, TABLE_DEFINITION, type IndexDefinition } from '#shared/db/table';
import { routeKey } from '#shared/http/route';
import type { XinyidaiStack } from '#lib/stack';
import { cleanUpSynth, PROD_SETTINGS, synth, type Resources, type Synthesized } from './synth';

let synthesized: Synthesized;
let stack: XinyidaiStack;
let template: Template;

beforeAll(() => {
  // A China region, where the console is meant to run: CloudFormation's built-in validation then also
  // rejects resource types that do not exist there.
  synthesized = synth({ region: 'cn-north-1', env: 'prod', bundle: true, settings: PROD_SETTINGS['aws-cn'] });
  ({ stack, template } = synthesized);
});

afterAll(() => cleanUpSynth());

const logicalId = (construct: { node: { defaultChild?: unknown } }) => synthesized.logicalId(construct);

function routesByKey(): Map<string, Record<string, unknown>> {
  const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route') as Resources);
  return new Map(routes.map((route) => [route.Properties.RouteKey as string, route.Properties]));
}

describe('HTTP API', () => {
  const deployed = API_MODULES.flatMap((module) =>
    module.routes.filter((route) => !route.localOnly).map((route) => ({ module: module.name, route })),
  );

  it('has exactly the registry routes that are not local-only, plus $default', () => {
    const keys = Object.values(template.findResources('AWS::ApiGatewayV2::Route') as Resources).map(
      (route) => route.Properties.RouteKey,
    );

    const expected = [...deployed.map(({ route }) => routeKey(route)), '$default'];
    expect([...keys].sort()).toEqual([...expected].sort());
  });

  it('puts IAM authorization on ingest routes and no authorizer on any other route', () => {
    const routes = routesByKey();

    for (const { route } of deployed) {
      const expected = route.access === 'ingest' ? 'AWS_IAM' : 'NONE';
      expect({ route: routeKey(route), auth: routes.get(routeKey(route))?.AuthorizationType }).toEqual({
        route: routeKey(route),
        auth: expected,
      });
    }
    expect(routes.get('$default')?.AuthorizationType).toBe('NONE');
  });

  it('sends each route to the function of the module that declares it, and $default to the fallback module', () => {
    const routes = routesByKey();
    const integrations = template.findResources('AWS::ApiGatewayV2::Integration') as Resources;
    const functionOfRoute = (key: string): string => {
      const target = routes.get(key)?.Target as { 'Fn::Join': [string, unknown[]] };
      const integrationRef = target['Fn::Join'][1][1] as { Ref: string };
      const integration = integrations[integrationRef.Ref];
      return (integration?.Properties.IntegrationUri as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    };
    const functionIdOf = (moduleName: string): string => {
      const fn = stack.api.functions.get(moduleName);
      if (!fn) throw new Error(`no function for module ${moduleName}`);
      return logicalId(fn);
    };

    for (const { module, route } of deployed) {
      expect({ route: routeKey(route), fn: functionOfRoute(routeKey(route)) }).toEqual({
        route: routeKey(route),
        fn: functionIdOf(module),
      });
    }
    expect(functionOfRoute('$default')).toBe(functionIdOf(FALLBACK_MODULE));
  });

  it('throttles the default stage, sign-in routes far tighter, and writes access logs', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
    });
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage') as Resources)[0]!;
    const settings = stage.Properties.RouteSettings as Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>;
    for (const key of ['POST /api/auth/login', 'POST /api/auth/sms-codes', 'PUT /api/me/password']) {
      expect(settings[key], key).toEqual({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 20 });
    }
    expect(settings['POST /api/reports']).toEqual({ ThrottlingRateLimit: 2, ThrottlingBurstLimit: 10 });
    expect(settings['POST /api/ingest/events']).toEqual({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 });
    // Every throttled route exists before the stage names it.
    const routeIds = Object.entries(template.findResources('AWS::ApiGatewayV2::Route') as Resources)
      .filter(([, route]) => route.Properties.RouteKey as string in settings)
      .map(([id]) => id);
    const stageDependencies = (Object.values(template.toJSON().Resources as Record<string, { Type: string; DependsOn?: string[] }>).find(
      (resource) => resource.Type === 'AWS::ApiGatewayV2::Stage',
    )?.DependsOn ?? []);
    expect(stageDependencies).toEqual(expect.arrayContaining(routeIds));
  });
});

describe('functions', () => {
  it('has one function per API module plus the rollup and the SMS function, all nodejs22.x on arm64', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function') as Resources);

    expect(functions).toHaveLength(API_MODULES.length + 2);
    expect([...stack.api.functions.keys()].sort()).toEqual(API_MODULES.map((module) => module.name).sort());
    for (const fn of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.Handler).toBe('index.handler');
    }
  });

  it('gives every function the configuration shared/config.ts requires in the cloud', () => {
    const required = [
      'TABLE_NAME',
      'UPLOADS_BUCKET',
      'REPORTS_BUCKET',
      'SESSION_SECRET_ARN',
      'ORIGIN_VERIFY_SECRET_ARN',
      'APP_VERSION',
      'POWERTOOLS_LOG_LEVEL',
    ];

    for (const fn of Object.values(template.findResources('AWS::Lambda::Function') as Resources)) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables).toMatchObject({ STAGE: 'cloud', INGEST_AUTH: 'iam', REQUIRE_CLOUDFRONT: 'true', APP_VERSION: '9.9.9-test', OVERDUE_ACCEPTANCE_WORKDAYS: '3', OVERDUE_DECISION_DAYS: '30' });
      expect(variables.SMS_TOPIC_ARN ?? variables.SMS_PROVIDER).toBeDefined();
      for (const name of required) expect(variables[name], name).toBeDefined();
    }
  });

  it('deploys byte for byte the bundles that lib/bundling.ts builds (which the budget test measures)', async () => {
    const deployed = new Map<string, IFunction>([...stack.api.functions, ['rollup', stack.rollup.function], ['sms', stack.sms.function]]);
    expect([...deployed.keys()].sort()).toEqual(deployedFunctions().sort());
    for (const [name, fn] of deployed) {
      const { Code, Environment } = template.toJSON().Resources[logicalId(fn)].Properties as { Code: { S3Key: string }; Environment: { Variables: Record<string, unknown> } };
      const asset = join(synthesized.app.outdir, `asset.${Code.S3Key.replace(/\.zip$/, '')}`, BUNDLE_FILE);
      const built = await bundleFunction(name);
      expect(Buffer.from(built.code!).equals(readFileSync(asset)), `${name}: the synthesized bundle differs from lib/bundling.ts's`).toBe(true);
      // Source maps are written beside the bundle but not loaded at start (lib/bundling.ts).
      expect(Environment.Variables.NODE_OPTIONS, name).toBeUndefined();
    }
  });

  it('answers API requests within API Gateway’s 30 second integration limit', () => {
    for (const fn of stack.api.functions.values()) {
      const properties = template.toJSON().Resources[logicalId(fn)].Properties as { Timeout: number };
      expect(properties.Timeout).toBeLessThan(30);
    }
  });
});

describe('table', () => {
  it('is built from TABLE_DEFINITION with stream, TTL and point-in-time recovery, and is retained', () => {
    const { partitionKey, sortKey, ttlAttribute, streamView, globalIndexes } = TABLE_DEFINITION;
    const keySchema = (hash: string, range: string) => [
      { AttributeName: hash, KeyType: 'HASH' },
      { AttributeName: range, KeyType: 'RANGE' },
    ];

    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: keySchema(partitionKey, sortKey),
        GlobalSecondaryIndexes: Object.entries(globalIndexes as Record<string, IndexDefinition>).map(([name, keys]) => ({
          IndexName: name,
          KeySchema: keySchema(keys.partitionKey, keys.sortKey),
          Projection: { ProjectionType: keys.projection ?? 'ALL' },
        })),
        StreamSpecification: { StreamViewType: streamView },
        TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true },
        Replicas: [
          Match.objectLike({
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            DeletionProtectionEnabled: true,
          }),
        ],
      },
    });
  });

  it('declares every key attribute once with its type, as the local table does', () => {
    const table = Object.values(template.findResources('AWS::DynamoDB::GlobalTable') as Resources)[0];
    const definitions = table?.Properties.AttributeDefinitions as { AttributeName: string; AttributeType: string }[];
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    expect(definitions.map((d) => ({ name: d.AttributeName, type: d.AttributeType })).sort(byName)).toEqual(keyAttributes().sort(byName));
  });
});

describe('rollup', () => {
  it('consumes the stream with partial batch failures, bisection, bounded retries and a failure queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId(stack.rollup.function) },
      EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.data.table), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 1000,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      TumblingWindowInSeconds: 1,
      MaximumRetryAttempts: Match.anyValue(),
      ParallelizationFactor: 1,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(stack.rollup.failureQueue), 'Arn'] } } },
    });
  });

  it('filters the stream with exactly the rollup filter patterns', () => {
    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping') as Resources);
    const filters = (mappings[0]?.Properties.FilterCriteria as { Filters: { Pattern: string }[] }).Filters;

    expect(mappings).toHaveLength(1);
    expect(filters.map((filter) => JSON.parse(filter.Pattern))).toEqual(rollupStreamFilterPatterns());
  });

  it('alarms when the rollup falls behind the stream and when records land in the failure queue', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IteratorAge',
      Statistic: 'Maximum',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(stack.rollup.function) } }],
      Threshold: 60_000,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(stack.rollup.failureQueue), 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });
});

describe('buckets and site', () => {
  it('blocks public access on every bucket', () => {
    const buckets = Object.values(template.findResources('AWS::S3::Bucket') as Resources);

    expect(buckets.length).toBeGreaterThanOrEqual(4);
    for (const bucket of buckets) {
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
  });

  it('expires reports and versions uploads', () => {
    const bucket = (construct: { node: { defaultChild?: unknown } }) =>
      template.toJSON().Resources[logicalId(construct)].Properties as Record<string, unknown>;

    expect(bucket(stack.data.uploadsBucket).VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket(stack.data.reportsBucket).LifecycleConfiguration).toMatchObject({
      Rules: expect.arrayContaining([expect.objectContaining({ ExpirationInDays: 7, Status: 'Enabled' })]),
    });
  });

  it('keeps API error statuses out of SPA error pages (no custom error responses)', () => {
    const distribution = Object.values(template.findResources('AWS::CloudFront::Distribution') as Resources)[0];
    const config = distribution?.Properties.DistributionConfig as Record<string, unknown>;

    expect(config.CacheBehaviors).toEqual([expect.objectContaining({ PathPattern: '/api/*', AllowedMethods: expect.arrayContaining(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) })]);
    expect(config.CustomErrorResponses).toBeUndefined();
  });

  it('adds the origin token to API requests, resolved from Secrets Manager at deploy time', () => {
    const distribution = Object.values(template.findResources('AWS::CloudFront::Distribution') as Resources)[0];
    const origins = (distribution?.Properties.DistributionConfig as { Origins: { CustomOriginConfig?: unknown; OriginCustomHeaders?: { HeaderName: string; HeaderValue: unknown }[] }[] }).Origins;
    const api = origins.find((origin) => origin.CustomOriginConfig);
    expect(api?.OriginCustomHeaders).toEqual([{ HeaderName: 'x-origin-verify', HeaderValue: expect.anything() }]);
    expect(JSON.stringify(api?.OriginCustomHeaders)).toContain('resolve:secretsmanager');
  });

  it('keeps to what CloudFront offers in the China regions: Origin Access Identity, no CloudFront Functions', () => {
    template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 1);
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 0);
    template.resourceCountIs('AWS::CloudFront::Function', 0);
  });

  it('uploads no site when none is built', () => {
    template.resourceCountIs('Custom::CDKBucketDeployment', 0);
  });
});

describe('cdk-nag', () => {
  it('leaves no AwsSolutions finding unacknowledged', () => {
    expect(synthesized.nagFindings()).toEqual([]);
  });
});
