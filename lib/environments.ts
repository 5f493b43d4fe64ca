/**
 * The deployment environments (`-c env=dev|prod`) and their typed configuration.
 *
 * Values come from the CDK context: the `environments` object in cdk.json (one entry per environment)
 * and, for one-off overrides, `-c <name>.<field>=value`. They are validated here once, so a typo in a
 * field name or a missing value fails `cdk synth` with a message naming it rather than a half-built
 * template. Docs: README "Deploying", docs/operations.md.
 */
import { RegionInfo } from 'aws-cdk-lib/region-info';
import * as z from 'zod';

export const ENVIRONMENT_NAMES = ['dev', 'prod'] as const;

/** The retention periods CloudWatch Logs accepts. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

/** `aws` (global regions) or `aws-cn` (Beijing cn-north-1, Ningxia cn-northwest-1). */
export type Partition = 'aws' | 'aws-cn';

const throttleSchema = z.object({
  /** Steady-state requests per second. */
  rate: z.number().positive(),
  /** Requests accepted in a burst above the rate. */
  burst: z.number().int().positive(),
});

const smsSchema = z.object({
  /**
   * Who delivers the SMS: `aliyun` (Alibaba Cloud SMS, the China regions' default: SNS sends no SMS
   * there), `end-user-messaging` (AWS End User Messaging SMS, the global default) or `none` (messages
   * are dropped and counted; for an environment whose users sign in by password only).
   */
  provider: z.enum(['aliyun', 'end-user-messaging', 'none']).optional(),
  /** The approved SMS signature (签名), e.g. 信易贷. */
  signName: z.string().min(1).default('信易贷'),
  /** Alibaba Cloud: the approved template code of login codes and of phone-binding codes. */
  loginTemplateCode: z.string().default('SMS_LOGIN_TEMPLATE'),
  bindTemplateCode: z.string().default('SMS_BIND_TEMPLATE'),
  /** Alibaba Cloud: the API endpoint host. */
  aliyunEndpoint: z.string().default('dysmsapi.aliyuncs.com'),
  /**
   * End User Messaging SMS: the ARN of the origination identity (phone number, sender id or pool)
   * the messages are sent from. The function may send through this identity only.
   */
  originationIdentityArn: z.string().optional(),
  /** Alarm when more SMS than this are sent in an hour (a bypassed limit shows up here first). */
  hourlySentAlarm: z.number().int().positive().default(500),
});

const environmentSchema = z
  .object({
    /**
     * The console's own domain. In the China regions CloudFront cannot serve the default
     * *.cloudfront.cn name: an ICP-recorded domain is required (prod refuses to synthesize without it).
     */
    domainName: z.string().optional(),
    /** Global: the ACM certificate (in us-east-1) of `domainName`. */
    acmCertificateArn: z.string().optional(),
    /** China: the IAM server certificate id (ASCA…) of `domainName`, uploaded with path /cloudfront/…/. */
    iamServerCertificateId: z.string().optional(),
    /** Who gets the alarms (an SNS topic with e-mail subscriptions). */
    alarmEmails: z.array(z.string().email()).default([]),
    sms: smsSchema.default(smsSchema.parse({})),
    throttles: z
      .object({
        /** Every route not named below. */
        default: throttleSchema.default({ rate: 100, burst: 200 }),
        /** Sign-in: SMS codes and login, far tighter than reads. */
        signIn: throttleSchema.default({ rate: 5, burst: 20 }),
        /** Report exports: each writes a workbook. */
        heavy: throttleSchema.default({ rate: 2, burst: 10 }),
        /** The portals' ingestion. */
        ingest: throttleSchema.default({ rate: 50, burst: 100 }),
      })
      .default({ default: { rate: 100, burst: 200 }, signIn: { rate: 5, burst: 20 }, heavy: { rate: 2, burst: 10 }, ingest: { rate: 50, burst: 100 } }),
    /** WAF (global regions only): requests per 5 minutes per address on /api/auth/* before blocking. */
    signInRateLimitPer5Minutes: z.number().int().min(10).default(100),
    /** One of the retention periods CloudWatch Logs offers (30, 90, 180, 365, 400, 731, 1827, …). */
    logRetentionDays: z
      .number()
      .int()
      .refine((days) => LOG_RETENTION_DAYS.includes(days), { message: `must be a retention CloudWatch Logs offers: ${LOG_RETENTION_DAYS.join(', ')}` })
      .default(365),
    /** X-Ray tracing of the functions (not available for Lambda in the China regions). */
    tracing: z.boolean().default(true),
    /** How long the stream consumer waits to fill a batch; see README "Rollups: freshness and cost". */
    rollupBatchingWindowSeconds: z.number().int().min(0).max(300).default(5),
    /** Stream records older than this are sent to the failure queue instead of being applied. */
    rollupMaxRecordAgeHours: z.number().int().min(1).max(24).default(24),
    /**
     * How many of the table's seven rank indexes to build (shared/db/table.ts). CloudFormation adds
     * one index to a table per deployment: a table deployed before them gets them by deploying with
     * 1, 2, … 7 in turn (docs/operations.md, "Adding table indexes"); until then 机构数据统计 reads all
     * rows, as it does while an index backfills.
     */
    rankIndexes: z.number().int().min(0).max(7).default(7),
    /**
     * 督办 thresholds (shared/supervision/rules.ts): working days a demand may wait for acceptance,
     * and days an accepted demand may wait for a loan or a rejection.
     */
    overdue: z
      .object({ acceptanceWorkdays: z.number().int().min(1).max(30).default(3), decisionDays: z.number().int().min(1).max(90).default(30) })
      .strict()
      .default({ acceptanceWorkdays: 3, decisionDays: 30 }),
  })
  .strict();

export type EnvironmentSettings = z.output<typeof environmentSchema>;

export interface EnvironmentConfig extends EnvironmentSettings {
  name: EnvironmentName;
  partition: Partition;
  region: string;
  /** Stateful resources and secrets survive a stack deletion (prod); dev may be destroyed whole. */
  retainData: boolean;
  sms: EnvironmentSettings['sms'] & { provider: NonNullable<EnvironmentSettings['sms']['provider']> };
}

/** Defaults per environment, under what cdk.json and `-c` give. */
const DEFAULTS: Record<EnvironmentName, Partial<EnvironmentSettings>> = {
  dev: { logRetentionDays: 30 },
  prod: { logRetentionDays: 400 },
};

/** The partition of a region (`cn-north-1` → `aws-cn`). */
export function partitionOf(region: string): Partition {
  return RegionInfo.get(region).partition === 'aws-cn' ? 'aws-cn' : 'aws';
}

/** A configuration problem, reported by `cdk synth` as it is. */
export class EnvironmentConfigError extends Error {
  constructor(message: string) {
    super(`environment configuration: ${message}`);
    this.name = 'EnvironmentConfigError';
  }
}

/**
 * The configuration of `name` in `region`, from `settings` (the context's `environments[name]`)
 * over the defaults. Throws {@link EnvironmentConfigError} for unknown fields, bad values, and a prod
 * environment in the China regions without its ICP-recorded domain and IAM server certificate.
 */
export function resolveEnvironment(name: string, region: string, settings: unknown = {}): EnvironmentConfig {
  if (!(ENVIRONMENT_NAMES as readonly string[]).includes(name)) {
    throw new EnvironmentConfigError(`unknown environment "${name}"; use -c env=${ENVIRONMENT_NAMES.join('|')}`);
  }
  const envName = name as EnvironmentName;
  const parsed = environmentSchema.safeParse({ ...DEFAULTS[envName], ...(settings as object) });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${[envName, ...issue.path].join('.')}: ${issue.message}`);
    throw new EnvironmentConfigError(problems.join('; '));
  }
  const partition = partitionOf(region);
  const value = parsed.data;
  const isChina = partition === 'aws-cn';
  if (isChina && value.acmCertificateArn) {
    throw new EnvironmentConfigError(`${envName}.acmCertificateArn: CloudFront in the China regions takes IAM server certificates only (iamServerCertificateId)`);
  }
  if (!isChina && value.iamServerCertificateId) {
    throw new EnvironmentConfigError(`${envName}.iamServerCertificateId: outside the China regions use an ACM certificate (acmCertificateArn)`);
  }
  if (value.domainName && !(value.acmCertificateArn || value.iamServerCertificateId)) {
    throw new EnvironmentConfigError(`${envName}.domainName is set but no certificate (${isChina ? 'iamServerCertificateId' : 'acmCertificateArn'})`);
  }
  if (isChina && envName === 'prod' && (!value.domainName || !value.iamServerCertificateId)) {
    throw new EnvironmentConfigError(
      `prod in ${region} needs an ICP-recorded domain and its certificate: CloudFront in the China regions cannot serve the default *.cloudfront.cn name. ` +
        'Set environments.prod.domainName and environments.prod.iamServerCertificateId in cdk.json (or -c prod.domainName=… -c prod.iamServerCertificateId=…).',
    );
  }
  const provider = value.sms.provider ?? (isChina ? 'aliyun' : 'end-user-messaging');
  if (isChina && provider === 'end-user-messaging') {
    throw new EnvironmentConfigError(`${envName}.sms.provider: AWS sends no SMS in the China regions; use aliyun`);
  }
  if (provider === 'end-user-messaging' && envName === 'prod' && !value.sms.originationIdentityArn) {
    throw new EnvironmentConfigError(`${envName}.sms.originationIdentityArn: End User Messaging SMS needs the origination identity messages are sent from`);
  }
  return {
    ...value,
    // X-Ray has no Lambda integration in the China regions.
    tracing: value.tracing && !isChina,
    name: envName,
    partition,
    region,
    retainData: envName === 'prod',
    sms: { ...value.sms, provider },
  };
}

/**
 * The `environments[name]` object of the context, with `-c <name>.<field>=value` overrides applied
 * (a dotted path; JSON values are parsed, so `-c prod.alarmEmails='["ops@example.cn"]'` works).
 */
export function environmentSettingsFromContext(name: string, tryGetContext: (key: string) => unknown, contextKeys: readonly string[]): Record<string, unknown> {
  const environments = (tryGetContext('environments') ?? {}) as Record<string, unknown>;
  const settings = structuredClone((environments[name] ?? {}) as Record<string, unknown>);
  const prefix = `${name}.`;
  for (const key of contextKeys) {
    if (!key.startsWith(prefix)) continue;
    const path = key.slice(prefix.length).split('.');
    let raw = tryGetContext(key);
    if (typeof raw === 'string') {
      try {
        raw = JSON.parse(raw);
      } catch {
        // a plain string value
      }
    }
    let target = settings;
    for (const part of path.slice(0, -1)) {
      target[part] ??= {};
      target = target[part] as Record<string, unknown>;
    }
    target[path.at(-1)!] = raw;
  }
  return settings;
}
