/**
 * The cloud stack of the 信易贷 government console (docs/architecture.md): data, API, SMS, rollup,
 * site, edge protection and monitoring, for one environment (lib/environments.ts) in one region.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { API_MODULES, FALLBACK_MODULE } from '#functions/registry';
import type { EnvironmentConfig } from './environments';
import { ApiConstruct } from './constructs/api';
import { bucketOrigin, DataConstruct } from './constructs/data';
import { MonitoringConstruct } from './constructs/monitoring';
import { PROJECT_ROOT } from './constructs/node-function';
import { RollupConstruct } from './constructs/rollup';
import { SiteConstruct } from './constructs/site';
import { SmsConstruct } from './constructs/sms';
import { WebAclConstruct } from './constructs/waf';

export interface XinyidaiStackProps extends StackProps {
  config: EnvironmentConfig;
  /** `APP_VERSION` of every function, reported by `GET /api/health`. */
  appVersion: string;
  /** `POWERTOOLS_LOG_LEVEL` of every function. @default 'INFO' */
  logLevel?: string;
  /**
   * The built admin site to upload. `undefined` uploads `site/dist` when that folder exists at synth
   * time; `null` never uploads (the bucket and distribution are still created).
   */
  siteDistPath?: string | null;
  /**
   * Global regions other than us-east-1: the CloudFront web ACL made by the edge stack there
   * (lib/edge-stack.ts). In us-east-1 the stack makes its own.
   */
  webAclArn?: string;
}

/** The default location of the built admin site. */
export const SITE_DIST_PATH = join(PROJECT_ROOT, 'site', 'dist');

/** The stack id of an environment: `XinyidaiGov-dev`, `XinyidaiGov-prod`. */
export const stackId = (config: Pick<EnvironmentConfig, 'name'>) => `XinyidaiGov-${config.name}`;

/**
 * Everything the console runs on in the cloud. The API's functions, routes and grants come from the
 * module registry (`functions/registry.ts`), the table from `TABLE_DEFINITION`: nothing is listed twice.
 */
export class XinyidaiStack extends Stack {
  readonly config: EnvironmentConfig;
  readonly data: DataConstruct;
  readonly sms: SmsConstruct;
  readonly api: ApiConstruct;
  readonly rollup: RollupConstruct;
  readonly site: SiteConstruct;
  readonly webAcl?: WebAclConstruct;
  readonly monitoring: MonitoringConstruct;

  constructor(scope: Construct, id: string, props: XinyidaiStackProps) {
    super(scope, id, { ...props, env: { ...props.env, region: props.config.region } });
    const { config } = props;
    this.config = config;
    const logRetention = config.logRetentionDays as logs.RetentionDays;

    this.data = new DataConstruct(this, 'Data', { retainData: config.retainData, environmentName: config.name, rankIndexes: config.rankIndexes });

    // What shared/config.ts reads; every function gets the same, so its config() check passes.
    const environment: Record<string, string> = {
      STAGE: 'cloud',
      TABLE_NAME: this.data.table.tableName,
      UPLOADS_BUCKET: this.data.uploadsBucket.bucketName,
      REPORTS_BUCKET: this.data.reportsBucket.bucketName,
      INGEST_AUTH: 'iam',
      SESSION_SECRET_ARN: this.data.sessionSecret.secretArn,
      ORIGIN_VERIFY_SECRET_ARN: this.data.originVerifySecret.secretArn,
      REQUIRE_CLOUDFRONT: 'true',
      APP_VERSION: props.appVersion,
      POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
      OVERDUE_ACCEPTANCE_WORKDAYS: String(config.overdue.acceptanceWorkdays),
      OVERDUE_DECISION_DAYS: String(config.overdue.decisionDays),
    };

    this.sms = new SmsConstruct(this, 'Sms', { config, environment });
    environment.SMS_TOPIC_ARN = this.sms.topic.topicArn;

    this.api = new ApiConstruct(this, 'Api', {
      modules: API_MODULES,
      fallbackModule: FALLBACK_MODULE,
      data: this.data,
      sms: this.sms,
      environment,
      throttles: { default: config.throttles.default, 'sign-in': config.throttles.signIn, heavy: config.throttles.heavy, ingest: config.throttles.ingest },
      logRetention,
      retainLogs: config.retainData,
      tracing: config.tracing,
    });

    this.rollup = new RollupConstruct(this, 'Rollup', {
      data: this.data,
      environment,
      logRetention,
      retainLogs: config.retainData,
      tracing: config.tracing,
      batchingWindow: Duration.seconds(config.rollupBatchingWindowSeconds),
      maxRecordAge: Duration.hours(config.rollupMaxRecordAgeHours),
    });

    let webAclArn = props.webAclArn;
    if (config.partition === 'aws' && !webAclArn) {
      if (config.region !== 'us-east-1') {
        throw new Error(`the CloudFront web ACL must be created in us-east-1: deploy ${config.region} with the edge stack (bin/app.ts does)`);
      }
      this.webAcl = new WebAclConstruct(this, 'WebAcl', { signInRateLimitPer5Minutes: config.signInRateLimitPer5Minutes });
      webAclArn = this.webAcl.arn;
    }

    const siteDistPath =
      props.siteDistPath === null ? undefined : (props.siteDistPath ?? (existsSync(join(SITE_DIST_PATH, 'index.html')) ? SITE_DIST_PATH : undefined));
    this.site = new SiteConstruct(this, 'Site', {
      partition: config.partition,
      domainName: config.domainName,
      acmCertificateArn: config.acmCertificateArn,
      iamServerCertificateId: config.iamServerCertificateId,
      apiDomainName: this.api.domainName,
      // A dynamic reference: CloudFormation resolves it at deploy time, the template never holds it.
      originVerifyToken: this.data.originVerifySecret.secretValue.unsafeUnwrap(),
      accessLogsBucket: this.data.accessLogsBucket,
      fileOrigins: ['uploads', 'reports'].map((purpose) => bucketOrigin(config.name, purpose)),
      webAclArn,
      retainData: config.retainData,
      siteDistPath,
    });
    this.data.allowBrowserAccessFrom(this.site.origins);

    const functions = new Map<string, lambda.IFunction>([...this.api.functions, ['rollup', this.rollup.function], ['sms', this.sms.function]]);
    this.monitoring = new MonitoringConstruct(this, 'Monitoring', {
      alarmEmails: config.alarmEmails,
      retainData: config.retainData,
      httpApi: this.api.httpApi,
      table: this.data.table,
      functions,
      alarms: [this.rollup.iteratorAgeAlarm, this.rollup.failureAlarm, ...this.sms.alarms],
      rollupFunction: this.rollup.function,
    });

    new CfnOutput(this, 'SiteUrl', { value: this.site.url, description: 'The admin site (API under /api)' });
    new CfnOutput(this, 'DistributionDomainName', { value: this.site.distribution.distributionDomainName, description: 'Point the domain’s CNAME here' });
    new CfnOutput(this, 'ApiUrl', {
      value: this.api.stage.url,
      description: 'The HTTP API itself: SigV4-signed ingestion calls go here; browser routes answer only through CloudFront',
    });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    new CfnOutput(this, 'UploadsBucketName', { value: this.data.uploadsBucket.bucketName });
    new CfnOutput(this, 'ReportsBucketName', { value: this.data.reportsBucket.bucketName });
    new CfnOutput(this, 'SiteBucketName', { value: this.site.bucket.bucketName });
    new CfnOutput(this, 'SessionSecretArn', { value: this.data.sessionSecret.secretArn });
    new CfnOutput(this, 'SmsTopicArn', { value: this.sms.topic.topicArn });
    if (this.sms.vendorSecret) {
      new CfnOutput(this, 'SmsVendorSecretArn', { value: this.sms.vendorSecret.secretArn, description: 'Put the Alibaba Cloud SMS AccessKey here' });
    }
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.topic.topicArn });
    new CfnOutput(this, 'RollupFailureQueueUrl', { value: this.rollup.failureQueue.queueUrl });
  }
}
