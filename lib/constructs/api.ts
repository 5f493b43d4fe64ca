/**
 * The HTTP API: one Lambda function per API module, one API Gateway route per deployed route of the
 * module's route table, and the `$default` route for everything else.
 */
import { Duration, Fn, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { API_PREFIX, routeKey, type Access, type AnyRoute, type ApiModule } from '#shared/http/route';
import type { DataConstruct } from './data';
import { functionEntry } from '../bundling';
import { createNodeFunction } from './node-function';
import { grantModulePermissions } from './permissions';
import type { SmsConstruct } from './sms';

/** A stage throttle: steady requests per second and the burst above it. */
export interface Throttle {
  rate: number;
  burst: number;
}

export interface ApiProps {
  /** The API modules (normally `API_MODULES` of `functions/registry.ts`). */
  modules: readonly ApiModule[];
  /** The module whose function also answers the `$default` route (unknown paths get the API's 404). */
  fallbackModule: string;
  data: DataConstruct;
  /** Needed when a module publishes SMS requests. */
  sms?: Pick<SmsConstruct, 'grantPublish'>;
  /** The configuration every function reads (`shared/config.ts`). */
  environment: Record<string, string>;
  /** The stage's limit for routes without a throttle class, and the limit of each class. */
  throttles?: { default: Throttle } & Partial<Record<NonNullable<AnyRoute['throttle']>, Throttle>>;
  /** @default one year */
  logRetention?: logs.RetentionDays;
  /** Keep log groups when the stack is deleted. @default true */
  retainLogs?: boolean;
  /** X-Ray active tracing of the functions. @default false */
  tracing?: boolean;
}

const DEFAULT_THROTTLES: NonNullable<ApiProps['throttles']> = { default: { rate: 100, burst: 200 } };

/** Why a route without an API Gateway authorizer is still protected, for the cdk-nag record. */
const UNAUTHORIZED_ROUTE_REASONS: Record<Exclude<Access, 'ingest'>, string> = {
  public: 'Public by design (health, OpenAPI document, login and SMS codes); abuse is limited by per-route stage throttles, the sign-in limits per phone and address in the handler, and (globally) the WAF rate rule on /api/auth/*.',
  session:
    'The function verifies the bearer session token (signature, expiry, revocation, role and scope) before the handler runs; an API Gateway authorizer would duplicate that check.',
};

/** One deployed route: where it came from and what API Gateway should do with it. */
interface DeployedRoute {
  module: ApiModule;
  route: AnyRoute;
  key: string;
}

/** The routes to deploy: every route of every module that is not local-only; route keys must be unique. */
export function deployedRoutes(modules: readonly ApiModule[]): DeployedRoute[] {
  const seen = new Map<string, string>();
  const result: DeployedRoute[] = [];
  for (const module of modules) {
    for (const route of module.routes) {
      if (route.localOnly) continue;
      const key = routeKey(route);
      const owner = seen.get(key);
      if (owner !== undefined) {
        throw new Error(`route ${key} is declared by both module "${owner}" and module "${module.name}"`);
      }
      seen.set(key, module.name);
      result.push({ module, route, key });
    }
  }
  return result;
}

/**
 * The HTTP API and its functions.
 *
 * Everything is derived from the module registry: a module added there gets its function, its routes
 * and its grants here without a change to this construct.
 */
export class ApiConstruct extends Construct {
  readonly httpApi: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  /** The function of each module, by module name. */
  readonly functions: ReadonlyMap<string, NodejsFunction>;
  /** The API's host name (`<id>.execute-api.<region>.<suffix>`), for CloudFront's API origin. */
  readonly domainName: string;
  /** Per-route throttles by route key. */
  readonly routeSettings: Readonly<Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>>;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    if (!props.modules.some((module) => module.name === props.fallbackModule)) {
      throw new Error(`fallback module "${props.fallbackModule}" is not one of the API modules`);
    }
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const throttles = props.throttles ?? DEFAULT_THROTTLES;
    const { data } = props;

    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      description: '信易贷 government console API',
      // The stage is declared below with throttling and access logs, which the implicit one cannot have.
      createDefaultStage: false,
    });

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logRetention,
      removalPolicy: (props.retainLogs ?? true) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: throttles.default.rate, burstLimit: throttles.default.burst },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: apigateway.AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            routeKey: '$context.routeKey',
            path: '$context.path',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            iamUser: '$context.identity.userArn',
          }),
        ),
      },
    });
    this.domainName = Fn.select(2, Fn.split('/', this.httpApi.apiEndpoint));

    const functions = new Map<string, NodejsFunction>();
    const integrations = new Map<string, HttpLambdaIntegration>();
    for (const module of props.modules) {
      const fn = createNodeFunction(this, functionId(module.name), {
        entry: functionEntry(module.name),
        description: `信易贷 API module ${module.name}`,
        // API Gateway gives up on an integration after 30 s; the function must answer before that.
        timeout: Duration.seconds(29),
        environment: props.environment,
        logRetention,
        retainLogs: props.retainLogs ?? true,
        tracing: props.tracing ?? false,
      });
      grantModulePermissions(fn, module.permissions, { data, grantSmsPublish: props.sms ? (grantee) => props.sms!.grantPublish(grantee) : undefined });
      functions.set(module.name, fn);
      integrations.set(module.name, new HttpLambdaIntegration(`${functionId(module.name)}Integration`, fn));
    }
    this.functions = functions;
    const integrationOf = (moduleName: string): HttpLambdaIntegration => {
      const integration = integrations.get(moduleName);
      if (!integration) throw new Error(`no function for API module "${moduleName}"`);
      return integration;
    };

    // SigV4 for the portals' ingest calls; API Gateway rejects unsigned requests before any code runs.
    const iamAuthorizer = new HttpIamAuthorizer();
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const { module, route, key } of deployedRoutes(props.modules)) {
      const httpRoute = new apigwv2.HttpRoute(this, `Route${route.operationId}`, {
        httpApi: this.httpApi,
        routeKey: apigwv2.HttpRouteKey.with(API_PREFIX + route.path, apigwv2.HttpMethod[route.method]),
        integration: integrationOf(module.name),
        authorizer: route.access === 'ingest' ? iamAuthorizer : undefined,
      });
      if (route.access !== 'ingest') {
        Validations.of(httpRoute).acknowledge({ id: 'AwsSolutions-APIG4', reason: UNAUTHORIZED_ROUTE_REASONS[route.access] });
      }
      const limit = route.throttle ? throttles[route.throttle] : undefined;
      if (limit) {
        routeSettings[key] = { ThrottlingRateLimit: limit.rate, ThrottlingBurstLimit: limit.burst };
        // The stage's route settings name the route, which must exist first.
        this.stage.node.addDependency(httpRoute);
      }
    }
    // Per-route limits: HttpStage exposes only the default route settings.
    if (Object.keys(routeSettings).length > 0) {
      (this.stage.node.defaultChild as apigwv2.CfnStage).addPropertyOverride('RouteSettings', routeSettings);
    }
    this.routeSettings = routeSettings;

    const fallback = new apigwv2.HttpRoute(this, 'RouteDefault', {
      httpApi: this.httpApi,
      routeKey: apigwv2.HttpRouteKey.DEFAULT,
      integration: integrationOf(props.fallbackModule),
    });
    Validations.of(fallback).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'The $default route only receives paths no route matches, and answers them with the API 404 error body.',
    });
  }
}

/** `reference` → `ReferenceFunction`, `sms-outbox` → `SmsOutboxFunction`. */
function functionId(moduleName: string): string {
  const pascal = moduleName
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
  return `${pascal}Function`;
}
