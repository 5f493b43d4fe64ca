/**
 * Everything that holds state: the one DynamoDB table, the uploads and reports buckets, the bucket for
 * access logs, and the session signing secret. Grants are made per module (permissions.ts).
 */
import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { INSTITUTION_RANK_COLUMNS, rankIndexName, TABLE_DEFINITION, type IndexDefinition } from '#shared/db/table';

export interface DataProps {
  /**
   * Names the buckets `xinyidai-<env>-<purpose>-<account>-<region>`: known before deployment, so the
   * site's CSP and the buckets' CORS rules can name each other without a dependency cycle.
   */
  environmentName: string;
  /**
   * Keep the table, the buckets and the secrets when the stack is deleted (prod). Without it (dev)
   * they go with the stack: the table loses its deletion protection, emptied buckets are removed.
   */
  retainData: boolean;
  /** How long generated reports stay downloadable before S3 deletes them. @default 7 days */
  reportsExpiry?: Duration;
  /** How long access logs are kept. @default 365 days */
  accessLogsExpiry?: Duration;
  /** How many of the rank indexes the table has (one more per deployment on an existing table). @default all */
  rankIndexes?: number;
}

/** The table's indexes: the general ones and the first `rankIndexes` rank indexes. */
function builtIndexes(indexes: Record<string, IndexDefinition>, rankIndexes: number = INSTITUTION_RANK_COLUMNS.length): [string, IndexDefinition][] {
  const rank = new Set(INSTITUTION_RANK_COLUMNS.slice(0, rankIndexes).map(rankIndexName));
  return Object.entries(indexes).filter(([name]) => !name.startsWith('rank_') || rank.has(name));
}

/**
 * The stateful resources of the stack.
 *
 * The table is built from `TABLE_DEFINITION` (the same definition the local stack creates its table
 * from), so the key schema and indexes cannot drift between the two.
 */
export class DataConstruct extends Construct {
  readonly table: dynamodb.TableV2;
  readonly uploadsBucket: s3.Bucket;
  readonly reportsBucket: s3.Bucket;
  /** Receives S3 server access logs and CloudFront standard logs. */
  readonly accessLogsBucket: s3.Bucket;
  readonly sessionSecret: secretsmanager.Secret;
  /** The token CloudFront adds to API requests, proving their viewer address header is CloudFront's. */
  readonly originVerifySecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: DataProps) {
    super(scope, id);
    const removalPolicy = props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const { partitionKey, sortKey, ttlAttribute, streamView, globalIndexes } = TABLE_DEFINITION;
    const stringKey = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });
    const indexKey = (name: string, type: 'S' | 'N' = 'S'): dynamodb.Attribute => ({ name, type: type === 'N' ? dynamodb.AttributeType.NUMBER : dynamodb.AttributeType.STRING });

    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: stringKey(partitionKey),
      sortKey: stringKey(sortKey),
      billing: dynamodb.Billing.onDemand(),
      timeToLiveAttribute: ttlAttribute,
      dynamoStream: dynamodb.StreamViewType[streamView],
      globalSecondaryIndexes: builtIndexes(globalIndexes, props.rankIndexes).map(([indexName, keys]) => ({
        indexName,
        partitionKey: indexKey(keys.partitionKey),
        sortKey: indexKey(keys.sortKey, keys.sortKeyType),
        projectionType: keys.projection === 'KEYS_ONLY' ? dynamodb.ProjectionType.KEYS_ONLY : dynamodb.ProjectionType.ALL,
      })),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.retainData,
      removalPolicy,
    });

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogsBucket', {
      ...privateBucketDefaults(removalPolicy),
      // CloudFront standard logging writes through bucket ACLs, so ACLs must stay enabled here.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: props.accessLogsExpiry ?? Duration.days(365) }],
    });

    this.uploadsBucket = new s3.Bucket(this, 'UploadsBucket', {
      ...privateBucketDefaults(removalPolicy),
      bucketName: bucketNameFor(props.environmentName, 'uploads'),
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 's3/uploads/',
      // Authorization letters are evidence for account audits: keep overwritten or deleted versions.
      versioned: true,
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        { id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(90) },
      ],
    });

    this.reportsBucket = new s3.Bucket(this, 'ReportsBucket', {
      ...privateBucketDefaults(removalPolicy),
      bucketName: bucketNameFor(props.environmentName, 'reports'),
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 's3/reports/',
      // Reports are generated on demand and handed out through short-lived URLs; S3 cleans them up.
      lifecycleRules: [
        { id: 'expire-reports', expiration: props.reportsExpiry ?? Duration.days(7) },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });

    this.sessionSecret = new secretsmanager.Secret(this, 'SessionSecret', {
      description: 'HMAC key for session tokens and SMS code hashes of the 信易贷 government console',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy,
    });
    Validations.of(this.sessionSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'An operator rotates the session key with `npm run admin -- rotate-session-key` (docs/operations.md); the previous key stays valid for an hour, so no user is signed out, which a scheduled rotation Lambda would not know to arrange.',
    });

    this.originVerifySecret = new secretsmanager.Secret(this, 'OriginVerifySecret', {
      description: 'Header value CloudFront adds to /api requests so the API can trust CloudFront-Viewer-Address',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy,
    });
    Validations.of(this.originVerifySecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The value is part of the CloudFront distribution config; rotating it means redeploying the distribution, which an operator does.',
    });
  }

  /**
   * Lets browsers on `origins` (the site's addresses) send presigned POST uploads and read presigned
   * GETs. Called once the site's origins are known, which is after this construct is created.
   */
  allowBrowserAccessFrom(origins: string[]): void {
    for (const bucket of [this.uploadsBucket, this.reportsBucket]) {
      bucket.addCorsRule({
        allowedOrigins: origins,
        allowedMethods: [s3.HttpMethods.GET, s3.HttpMethods.HEAD, s3.HttpMethods.POST],
        allowedHeaders: ['*'],
        exposedHeaders: ['ETag'],
        maxAge: 3600,
      });
    }
  }
}

/** `xinyidai-<env>-<purpose>-<account>-<region>`, from pseudo parameters only (no resource reference). */
export function bucketNameFor(environmentName: string, purpose: string): string {
  return `xinyidai-${environmentName}-${purpose}-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
}

/** The virtual-hosted origin of a bucket named by {@link bucketNameFor}, as presigned URLs use it. */
export function bucketOrigin(environmentName: string, purpose: string): string {
  return `https://${bucketNameFor(environmentName, purpose)}.s3.${Aws.REGION}.${Aws.URL_SUFFIX}`;
}

/** Private, encrypted, TLS-only: what every bucket of this stack starts from. */
export function privateBucketDefaults(removalPolicy: RemovalPolicy): Pick<
  s3.BucketProps,
  'blockPublicAccess' | 'encryption' | 'enforceSSL' | 'removalPolicy'
> {
  return {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    removalPolicy,
  };
}
