/**
 * The admin site: static files in a private bucket behind CloudFront, with the API on the same origin
 * under `/api/*`, a response-headers policy (CSP, HSTS, nosniff) on both, and the console's own domain
 * and certificate when configured.
 *
 * Global regions: Origin Access Control, managed cache and origin-request policies, a CloudFront
 * Function that serves index.html for client-side routes, the web ACL (waf.ts), an ACM certificate.
 *
 * China regions (docs/operations.md, "Deploying in the China regions"): CloudFront there accepts no
 * cache or origin-request policy ids, has no Origin Access Control and no CloudFront Functions, and
 * serves only an ICP-recorded alternate domain with an IAM server certificate. So the behaviours use
 * the legacy forwarded values and TTLs (set below through the CloudFormation properties, which the
 * Distribution construct does not model), the bucket is read through an Origin Access Identity, and
 * client-side routes are served by copies of index.html stored under each route's path. Custom error
 * responses, the usual SPA fallback, are not used: they apply to the whole distribution and would turn
 * the API's own 403 and 404 answers into the site's HTML.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { API_PREFIX } from '#shared/http/route';
import type { Partition } from '../environments';
import { privateBucketDefaults } from './data';
import { acknowledgeManagedPolicy, acknowledgePolicyWildcards } from './nag';

/**
 * The admin site's client-side routes (site/src/router.ts; test/infra/site-routes.test.ts holds the
 * two together). In the China regions each gets a copy of index.html.
 */
export const SPA_PATHS = [
  'login',
  'dashboard',
  'regional-stats',
  'institution-stats',
  'institution-stats/overview',
  'institution-stats/ranking',
  'institution-stats/types',
  'supervision',
  'data-quality',
  'institutions',
  'subordinate-accounts',
  'dynamics',
  'accounts',
  'audit-log',
] as const;

export interface SiteProps {
  partition: Partition;
  /** The console's own domain (required in the China regions, where *.cloudfront.cn cannot serve). */
  domainName?: string;
  /** Global: the ACM certificate (us-east-1) of `domainName`. */
  acmCertificateArn?: string;
  /** China: the IAM server certificate id of `domainName`. */
  iamServerCertificateId?: string;
  /**
   * Sent by CloudFront as `x-origin-verify` with every API request, so the API trusts the
   * `CloudFront-Viewer-Address` header (the user's address) only on requests that came through it,
   * and refuses browser routes without it.
   */
  originVerifyToken: string;
  /** Host name of the HTTP API (`<id>.execute-api.<region>.<suffix>`). */
  apiDomainName: string;
  /** Receives S3 server access logs of the site bucket and CloudFront's standard logs. */
  accessLogsBucket: s3.IBucket;
  /** Origins the site talks to besides its own: the uploads bucket (presigned POSTs and image GETs) and the reports bucket. */
  fileOrigins: string[];
  /** Global: the CloudFront web ACL (waf.ts) protecting the distribution. */
  webAclArn?: string;
  retainData: boolean;
  /**
   * The built site (`site/dist`). When absent, the bucket and distribution are created empty and the
   * site is uploaded by a later deployment.
   */
  siteDistPath?: string;
}

/**
 * Client-side routes of the single-page app (`/accounts`, `/institution-stats/types`) have no object in
 * the bucket; send them to index.html. Done per request on the site behaviour only, because
 * distribution-wide error pages would also rewrite the API's own 403 and 404 answers.
 */
const SPA_REWRITE = `
function handler(event) {
  var request = event.request;
  if (!/\\.[A-Za-z0-9]+$/.test(request.uri)) {
    request.uri = '/index.html';
  }
  return request;
}`;

/** The Content-Security-Policy of the site: its own origin, plus the buckets it uploads to and shows images from. */
export function contentSecurityPolicy(fileOrigins: readonly string[]): string {
  const files = fileOrigins.join(' ');
  return [
    "default-src 'self'",
    "script-src 'self'",
    // Element Plus and ECharts set inline styles.
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob: ${files}`,
    `connect-src 'self' ${files}`,
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export class SiteConstruct extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly responseHeaders: cloudfront.ResponseHeadersPolicy;
  /** The origins browsers see (`https://<domain>`, and the distribution's own name outside China), for S3 CORS. */
  readonly origins: string[];
  /** The address users open. */
  readonly url: string;
  readonly deployments: s3deploy.BucketDeployment[] = [];

  constructor(scope: Construct, id: string, props: SiteProps) {
    super(scope, id);
    const isChina = props.partition === 'aws-cn';
    const removalPolicy = props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...privateBucketDefaults(removalPolicy),
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 's3/site/',
    });

    this.responseHeaders = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: '信易贷 console: CSP, HSTS, nosniff, no framing',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: contentSecurityPolicy(props.fileOrigins), override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
      },
    });

    const functionAssociations: cloudfront.FunctionAssociation[] = [];
    if (!isChina) {
      const spaRewrite = new cloudfront.Function(this, 'SpaRewrite', {
        code: cloudfront.FunctionCode.fromInline(SPA_REWRITE),
        runtime: cloudfront.FunctionRuntime.JS_2_0,
        comment: 'Serves index.html for client-side routes of the admin site',
      });
      functionAssociations.push({ function: spaRewrite, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST });
    }

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: '信易贷 government console',
      defaultRootObject: 'index.html',
      // HTTP/3 is not documented for CloudFront in the China regions; HTTP/2 is.
      httpVersion: isChina ? cloudfront.HttpVersion.HTTP2 : cloudfront.HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: props.accessLogsBucket,
      logFilePrefix: 'cloudfront/',
      ...(!isChina && props.domainName && props.acmCertificateArn
        ? {
            domainNames: [props.domainName],
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.acmCertificateArn),
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      ...(!isChina && props.webAclArn ? { webAclId: props.webAclArn } : {}),
      defaultBehavior: {
        origin: isChina ? origins.S3BucketOrigin.withOriginAccessIdentity(this.bucket) : origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.responseHeaders,
        functionAssociations,
      },
      additionalBehaviors: {
        [`${API_PREFIX}/*`]: {
          origin: new origins.HttpOrigin(props.apiDomainName, {
            protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
            originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
            customHeaders: { 'x-origin-verify': props.originVerifyToken },
          }),
          // A redirect would turn POST into GET in some clients; API calls must be HTTPS from the start.
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          // With caching disabled this forwards Authorization too; Host must stay API Gateway's own.
          // It also forwards CloudFront-Viewer-Address, the user's address (see shared/http/client-ip.ts).
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: this.responseHeaders,
        },
      },
    });
    if (isChina) this.useLegacyChinaSettings(props);

    const distributionOrigin = `https://${this.distribution.distributionDomainName}`;
    const customOrigin = props.domainName ? `https://${props.domainName}` : undefined;
    this.origins = isChina ? [customOrigin ?? distributionOrigin] : [distributionOrigin, ...(customOrigin ? [customOrigin] : [])];
    this.url = customOrigin ?? distributionOrigin;

    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'The console serves government users across mainland China and their travels; access is controlled by accounts (SMS or password sign-in, role and region scope), not by geography.',
      },
      ...(isChina
        ? [
            {
              id: 'AwsSolutions-CFR2',
              reason: 'AWS WAF cannot be associated with CloudFront in the China regions (regional only) nor with an HTTP API; sign-in is limited per phone and address in the handler and by the per-route stage throttles.',
            },
            {
              id: 'AwsSolutions-CFR7',
              reason: 'CloudFront in the China regions has no Origin Access Control; the Origin Access Identity keeps the bucket private instead.',
            },
          ]
        : []),
      ...(isChina && props.domainName
        ? [
            {
              id: 'AwsSolutions-CFR4',
              reason:
                'The China viewer certificate (IAM server certificate, TLSv1.2_2021, SNI) is set through a CloudFormation property override, which the check reads before overrides apply; test/infra/partitions.test.ts asserts the synthesized value.',
            },
          ]
        : []),
      ...(props.domainName
        ? []
        : [
            {
              id: 'AwsSolutions-CFR4',
              reason: 'This environment has no domain of its own (environments.<env>.domainName): the default CloudFront certificate fixes its TLS policy; with a domain the distribution requires TLSv1.2_2021.',
            },
          ]),
    );

    if (props.siteDistPath) this.deploySite(props.siteDistPath, isChina, props.retainData);
  }

  /**
   * China: no policy ids, legacy forwarded values and TTLs instead; the alternate domain and its IAM
   * server certificate. The property paths are CloudFormation's (AWS::CloudFront::Distribution).
   */
  private useLegacyChinaSettings(props: SiteProps): void {
    const cfn = this.distribution.node.defaultChild as cloudfront.CfnDistribution;
    const config = 'DistributionConfig';
    cfn.addPropertyDeletionOverride(`${config}.DefaultCacheBehavior.CachePolicyId`);
    cfn.addPropertyOverride(`${config}.DefaultCacheBehavior.ForwardedValues`, { QueryString: false, Cookies: { Forward: 'none' } });
    cfn.addPropertyOverride(`${config}.DefaultCacheBehavior.MinTTL`, 0);
    cfn.addPropertyOverride(`${config}.DefaultCacheBehavior.DefaultTTL`, 86_400);
    cfn.addPropertyOverride(`${config}.DefaultCacheBehavior.MaxTTL`, 31_536_000);
    // The /api/* behaviour (the only additional one): nothing cached, the viewer headers the API reads
    // forwarded, Host left to CloudFront (API Gateway routes by its own name).
    const api = `${config}.CacheBehaviors.0`;
    cfn.addPropertyDeletionOverride(`${api}.CachePolicyId`);
    cfn.addPropertyDeletionOverride(`${api}.OriginRequestPolicyId`);
    cfn.addPropertyOverride(`${api}.ForwardedValues`, {
      QueryString: true,
      Headers: ['Authorization', 'Content-Type', 'Accept', 'Accept-Language', 'User-Agent', 'CloudFront-Viewer-Address'],
      Cookies: { Forward: 'none' },
    });
    cfn.addPropertyOverride(`${api}.MinTTL`, 0);
    cfn.addPropertyOverride(`${api}.DefaultTTL`, 0);
    cfn.addPropertyOverride(`${api}.MaxTTL`, 0);
    if (props.domainName && props.iamServerCertificateId) {
      cfn.addPropertyOverride(`${config}.Aliases`, [props.domainName]);
      cfn.addPropertyOverride(`${config}.ViewerCertificate`, {
        IamCertificateId: props.iamServerCertificateId,
        SslSupportMethod: 'sni-only',
        MinimumProtocolVersion: 'TLSv1.2_2021',
      });
    }
  }

  private deploySite(siteDistPath: string, isChina: boolean, retainData: boolean): void {
    // The upload handler's own logs, kept (or not) like the environment's other logs.
    const logGroup = new logs.LogGroup(this, 'DeploymentLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const site = new s3deploy.BucketDeployment(this, 'Deployment', {
      sources: [s3deploy.Source.asset(siteDistPath)],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      logGroup,
    });
    this.deployments.push(site);
    if (isChina) {
      // Each client-side route answers with the app itself (see the module comment).
      const indexHtml = readFileSync(join(siteDistPath, 'index.html'), 'utf8');
      const routes = new s3deploy.BucketDeployment(this, 'RouteCopies', {
        sources: SPA_PATHS.map((path) => s3deploy.Source.data(path, indexHtml)),
        destinationBucket: this.bucket,
        prune: false,
        contentType: 'text/html; charset=utf-8',
        cacheControl: [s3deploy.CacheControl.noCache()],
        logGroup,
      });
      routes.node.addDependency(site);
      this.deployments.push(routes);
    }
    for (const deployment of this.deployments) acknowledgeDeploymentFindings(deployment);
  }
}

/**
 * The BucketDeployment handler is CDK's own singleton function: its runtime and its permissions (read
 * the staged asset, replace the site bucket's objects, invalidate the distribution) are CDK's choice.
 */
function acknowledgeDeploymentFindings(deployment: s3deploy.BucketDeployment): void {
  const role = deployment.handlerRole;
  const handler = role.node.scope;
  if (handler) {
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'CDK BucketDeployment handler: CDK chooses and upgrades its runtime.',
    });
  }
  acknowledgeManagedPolicy(
    role,
    'service-role/AWSLambdaBasicExecutionRole',
    'CDK BucketDeployment handler: the managed basic execution policy only lets it write its logs.',
  );
  const policy = role.node.tryFindChild('DefaultPolicy');
  if (policy instanceof iam.Policy) {
    acknowledgePolicyWildcards(
      role,
      policy.document,
      'CDK BucketDeployment handler: reads the staged site asset, replaces the site bucket objects and invalidates the distribution; CDK writes these statements.',
    );
  }
}
