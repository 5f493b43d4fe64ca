/**
 * Configuration, read from the environment once per module scope. A missing required variable fails
 * fast with a message naming it, at the first use rather than somewhere deep inside a request.
 */

export type Stage = 'local' | 'cloud';

export interface Config {
  stage: Stage;
  awsRegion: string;
  tableName: string;
  uploadsBucket: string;
  reportsBucket: string;
  /** Local stack only: the embedded DynamoDB-compatible server. */
  dynamoEndpoint?: string;
  /** Local stack only: the embedded S3-compatible server. */
  s3Endpoint?: string;
  /** Cloud: the SNS topic SMS requests are published to (shared/sms/publish.ts). */
  smsTopicArn?: string;
  /** `iam`: API Gateway has checked SigV4; `api-key`: compare the `x-api-key` header. */
  ingestAuth: 'iam' | 'api-key';
  ingestApiKey?: string;
  /** Where the session signing secret comes from. */
  sessionSecretArn?: string;
  sessionSecretFile?: string;
  /** Cloud: the token CloudFront adds to API requests (see shared/http/client-ip.ts). */
  originVerifySecretArn?: string;
  /** Cloud: refuse browser routes that did not come through CloudFront (`REQUIRE_CLOUDFRONT=true`). */
  requireCloudFront: boolean;
  version: string;
}

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`configuration: environment variable ${name} is required but not set`);
  }
  return value;
}

function oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
  const value = process.env[name] ?? fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new Error(`configuration: ${name} must be one of ${allowed.join(', ')} (got "${value}")`);
  }
  return value as T;
}

let cached: Config | undefined;

/** The configuration of this process, read on first use. */
export function config(): Config {
  if (cached) return cached;
  const stage = oneOf<Stage>('STAGE', ['local', 'cloud'], 'cloud');
  const next: Config = {
    stage,
    awsRegion: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'cn-north-1',
    tableName: required('TABLE_NAME'),
    uploadsBucket: required('UPLOADS_BUCKET'),
    reportsBucket: required('REPORTS_BUCKET'),
    dynamoEndpoint: process.env.DYNAMODB_ENDPOINT || undefined,
    s3Endpoint: process.env.S3_ENDPOINT || undefined,
    smsTopicArn: process.env.SMS_TOPIC_ARN || undefined,
    ingestAuth: oneOf('INGEST_AUTH', ['iam', 'api-key'], stage === 'local' ? 'api-key' : 'iam'),
    ingestApiKey: process.env.INGEST_API_KEY || undefined,
    sessionSecretArn: process.env.SESSION_SECRET_ARN || undefined,
    sessionSecretFile: process.env.SESSION_SECRET_FILE || undefined,
    originVerifySecretArn: process.env.ORIGIN_VERIFY_SECRET_ARN || undefined,
    requireCloudFront: process.env.REQUIRE_CLOUDFRONT === 'true',
    version: process.env.APP_VERSION ?? '0.1.0',
  };
  if (next.ingestAuth === 'api-key' && !next.ingestApiKey) {
    throw new Error('configuration: INGEST_API_KEY is required when INGEST_AUTH=api-key');
  }
  if (next.requireCloudFront && !next.originVerifySecretArn) {
    throw new Error('configuration: REQUIRE_CLOUDFRONT=true needs ORIGIN_VERIFY_SECRET_ARN');
  }
  if (!next.sessionSecretArn && !next.sessionSecretFile) {
    throw new Error('configuration: set SESSION_SECRET_ARN (cloud) or SESSION_SECRET_FILE (local)');
  }
  cached = next;
  return next;
}

/** The 督办 thresholds (docs/data-model.md, "Overdue demands"). */
export interface OverdueThresholds {
  /** 待受理超时: a demand not accepted within this many working days after the day it was submitted. */
  acceptanceWorkdays: number;
  /** 对接超时: an accepted demand without a decision this many days after the day it was accepted. */
  decisionDays: number;
}

/** The largest thresholds the counters' day window can serve (shared/rollups/open-demands.ts). */
export const MAX_ACCEPTANCE_WORKDAYS = 30;
export const MAX_DECISION_DAYS = 90;

function integerSetting(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new Error(`configuration: ${name} must be an integer from ${min} to ${max} (got "${raw}")`);
  }
  return value;
}

/**
 * The 督办 thresholds from `OVERDUE_ACCEPTANCE_WORKDAYS` (default 3, at most 30) and
 * `OVERDUE_DECISION_DAYS` (default 30, at most 90). Read on every call: they are two numbers.
 */
export function overdueThresholds(): OverdueThresholds {
  return {
    acceptanceWorkdays: integerSetting('OVERDUE_ACCEPTANCE_WORKDAYS', 3, 1, MAX_ACCEPTANCE_WORKDAYS),
    decisionDays: integerSetting('OVERDUE_DECISION_DAYS', 30, 1, MAX_DECISION_DAYS),
  };
}
