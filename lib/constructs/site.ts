/**
 * The admin site: static files in a private bucket behind CloudFront, with the API on the same origin
 * under `/api/*`.
 */
import { Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { API_PREFIX } from '#shared/http/route';
import { privateBucketDefaults } from './data';
import { acknowledgeManagedPolicy, acknowledgePolicyWildcards } from './nag';

export interface SiteProps {
  /**
   * Sent by CloudFront as `x-origin-verify` with every API request, so the API trusts the
   * `CloudFront-Viewer-Address` header (the user's address) only on requests that came through it.
   */
  originVerifyToken?: string;
  /** Host name of the HTTP API (`<id>.execute-api.<region>.<suffix>`). */
  apiDomainName: string;
  /** Receives S3 server access logs of the site bucket and CloudFront's standard logs. */
  accessLogsBucket: s3.IBucket;
  /**
   * The built site (`site/dist`). When absent, the bucket and distribution are created empty and the
   * site is uploaded by a later deployment.
   */
  siteDistPath?: string;
}

/**
 * Client-side routes of the single-page app (`/accounts`, `/institutions/12`) have no object in the
 * bucket; send them to index.html. Done per request on the site behaviour only, because
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

/**
 * The distribution users open. `/api/*` goes uncached to the HTTP API with every viewer header except
 * Host (the bearer token included); everything else is the site from its private bucket.
 *
 * In the China regions CloudFront has neither Origin Access Control nor CloudFront Functions, so
 * there the bucket is read through an Origin Access Identity and client-side routes are not rewritten
 * (the site must use hash-mode routing there).
 */
export class SiteConstruct extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /** `https://<distribution domain>`: the origin browsers see, for S3 CORS. */
  readonly origin: string;
  readonly deployment?: s3deploy.BucketDeployment;

  constructor(scope: Construct, id: string, props: SiteProps) {
    super(scope, id);

    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...privateBucketDefaults(),
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 's3/site/',
    });

    const region = Stack.of(this).region;
    const isChinaRegion = !Token.isUnresolved(region) && region.startsWith('cn-');
    const functionAssociations: cloudfront.FunctionAssociation[] = [];
    if (!isChinaRegion) {
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
      httpVersion: isChinaRegion ? cloudfront.HttpVersion.HTTP2 : cloudfront.HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: props.accessLogsBucket,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: isChinaRegion
          ? origins.S3BucketOrigin.withOriginAccessIdentity(this.bucket)
          : origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
        functionAssociations,
      },
      additionalBehaviors: {
        [`${API_PREFIX}/*`]: {
          origin: new origins.HttpOrigin(props.apiDomainName, {
            protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
            originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
            ...(props.originVerifyToken ? { customHeaders: { 'x-origin-verify': props.originVerifyToken } } : {}),
          }),
          // A redirect would turn POST into GET in some clients; API calls must be HTTPS from the start.
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          // With caching disabled this forwards Authorization too; Host must stay API Gateway's own.
          // It also forwards CloudFront-Viewer-Address, the user's address (see shared/http/client-ip.ts).
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
        },
      },
    });
    this.origin = `https://${this.distribution.distributionDomainName}`;

    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'No geographic restriction has been asked for; access is controlled by accounts (SMS or password sign-in, role and region scope).',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason: 'No WAF web ACL yet: the API enforces per-phone and per-IP rate limits itself and the API stage is throttled.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason: 'The distribution uses the default *.cloudfront.net certificate, whose minimum TLS version CloudFront fixes; a custom domain with its own certificate raises it.',
      },
    );

    if (isChinaRegion) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR7',
        reason: 'CloudFront in the China regions has no Origin Access Control; the Origin Access Identity keeps the bucket private instead.',
      });
    }

    if (props.siteDistPath) {
      this.deployment = new s3deploy.BucketDeployment(this, 'Deployment', {
        sources: [s3deploy.Source.asset(props.siteDistPath)],
        destinationBucket: this.bucket,
        distribution: this.distribution,
        distributionPaths: ['/*'],
      });
      acknowledgeDeploymentFindings(this.deployment);
    }
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
