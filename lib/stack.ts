/**
 * The cloud stack of the 信易贷 government console (docs/architecture.md): data, API, rollup and site.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { API_MODULES, FALLBACK_MODULE } from '#functions/registry';
import { ApiConstruct } from './constructs/api';
import { DataConstruct } from './constructs/data';
import { PROJECT_ROOT } from './constructs/node-function';
import { RollupConstruct } from './constructs/rollup';
import { SiteConstruct } from './constructs/site';
import { SmsConstruct } from './constructs/sms';

export interface XinyidaiStackProps extends StackProps {
  /** `APP_VERSION` of every function, reported by `GET /api/health`. */
  appVersion: string;
  /** `POWERTOOLS_LOG_LEVEL` of every function. @default 'INFO' */
  logLevel?: string;
  /**
   * The built admin site to upload. `undefined` uploads `site/dist` when that folder exists at synth
   * time; `null` never uploads (the bucket and distribution are still created).
   */
  siteDistPath?: string | null;
}

/** The default location of the built admin site. */
export const SITE_DIST_PATH = join(PROJECT_ROOT, 'site', 'dist');

/**
 * Everything the console runs on in the cloud. The API's functions and routes come from the module
 * registry (`functions/registry.ts`), the table from `TABLE_DEFINITION`: nothing is listed twice.
 */
export class XinyidaiStack extends Stack {
  readonly data: DataConstruct;
  readonly api: ApiConstruct;
  readonly rollup: RollupConstruct;
  readonly site: SiteConstruct;

  constructor(scope: Construct, id: string, props: XinyidaiStackProps) {
    super(scope, id, props);

    this.data = new DataConstruct(this, 'Data');
    const sms = new SmsConstruct(this, 'Sms');

    // What shared/config.ts reads; the rollup gets the same so its config() check passes too.
    const environment: Record<string, string> = {
      STAGE: 'cloud',
      TABLE_NAME: this.data.table.tableName,
      UPLOADS_BUCKET: this.data.uploadsBucket.bucketName,
      REPORTS_BUCKET: this.data.reportsBucket.bucketName,
      SMS_MODE: 'sns',
      INGEST_AUTH: 'iam',
      SESSION_SECRET_ARN: this.data.sessionSecret.secretArn,
      ORIGIN_VERIFY_SECRET_ARN: this.data.originVerifySecret.secretArn,
      APP_VERSION: props.appVersion,
      POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
    };

    this.api = new ApiConstruct(this, 'Api', {
      modules: API_MODULES,
      fallbackModule: FALLBACK_MODULE,
      data: this.data,
      sms,
      environment,
    });

    this.rollup = new RollupConstruct(this, 'Rollup', { data: this.data, environment });

    const siteDistPath =
      props.siteDistPath === null ? undefined : (props.siteDistPath ?? (existsSync(SITE_DIST_PATH) ? SITE_DIST_PATH : undefined));
    this.site = new SiteConstruct(this, 'Site', {
      apiDomainName: this.api.domainName,
      // A dynamic reference: CloudFormation resolves it at deploy time, the template never holds it.
      originVerifyToken: this.data.originVerifySecret.secretValue.unsafeUnwrap(),
      accessLogsBucket: this.data.accessLogsBucket,
      siteDistPath,
    });
    this.data.allowBrowserAccessFrom(this.site.origin);

    new CfnOutput(this, 'SiteUrl', { value: this.site.origin, description: 'The admin site (API under /api)' });
    new CfnOutput(this, 'ApiUrl', {
      value: this.api.stage.url,
      description: 'The HTTP API itself; SigV4-signed ingest calls go here, not through CloudFront',
    });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    new CfnOutput(this, 'UploadsBucketName', { value: this.data.uploadsBucket.bucketName });
    new CfnOutput(this, 'ReportsBucketName', { value: this.data.reportsBucket.bucketName });
    new CfnOutput(this, 'SiteBucketName', { value: this.site.bucket.bucketName });
    new CfnOutput(this, 'RollupFailureQueueUrl', { value: this.rollup.failureQueue.queueUrl });
  }
}
