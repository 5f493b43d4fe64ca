/**
 * Everything that holds state: the one DynamoDB table, the uploads and reports buckets, the bucket for
 * access logs, and the session signing secret.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, type IConstruct } from 'constructs';
import { TABLE_DEFINITION } from '#shared/db/table';
import { acknowledgeWildcardResource } from './nag';

export interface DataProps {
  /** How long generated reports stay downloadable before S3 deletes them. @default 7 days */
  reportsExpiry?: Duration;
  /** How long access logs are kept. @default 365 days */
  accessLogsExpiry?: Duration;
}

/** DynamoDB item actions a request may need; Scan is left out on purpose (no Scan on any request path). */
const TABLE_ITEM_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
];

/**
 * The stateful resources of the stack. Everything here is retained when the stack is deleted.
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

  constructor(scope: Construct, id: string, props: DataProps = {}) {
    super(scope, id);
    const { partitionKey, sortKey, ttlAttribute, streamView, globalIndexes } = TABLE_DEFINITION;
    const stringKey = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });

    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: stringKey(partitionKey),
      sortKey: stringKey(sortKey),
      billing: dynamodb.Billing.onDemand(),
      timeToLiveAttribute: ttlAttribute,
      dynamoStream: dynamodb.StreamViewType[streamView],
      globalSecondaryIndexes: Object.entries(globalIndexes).map(([indexName, keys]) => ({
        indexName,
        partitionKey: stringKey(keys.partitionKey),
        sortKey: stringKey(keys.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      })),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogsBucket', {
      ...privateBucketDefaults(),
      // CloudFront standard logging writes through bucket ACLs, so ACLs must stay enabled here.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: props.accessLogsExpiry ?? Duration.days(365) }],
    });

    this.uploadsBucket = new s3.Bucket(this, 'UploadsBucket', {
      ...privateBucketDefaults(),
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
      ...privateBucketDefaults(),
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
    });
    Validations.of(this.sessionSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The key signs live sessions and hashes pending SMS codes; rotating it logs every user out, so it is rotated by an operator, not on a schedule.',
    });

    this.originVerifySecret = new secretsmanager.Secret(this, 'OriginVerifySecret', {
      description: 'Header value CloudFront adds to /api requests so the API can trust CloudFront-Viewer-Address',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(this.originVerifySecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The value is part of the CloudFront distribution config; rotating it means redeploying the distribution, which an operator does.',
    });
  }

  /**
   * Lets browsers on `origin` (the site) send presigned POST/PUT uploads and read presigned GETs.
   * Called once the site's origin is known, which is after this construct is created.
   */
  allowBrowserAccessFrom(origin: string): void {
    for (const bucket of [this.uploadsBucket, this.reportsBucket]) {
      bucket.addCorsRule({
        allowedOrigins: [origin],
        allowedMethods: [s3.HttpMethods.GET, s3.HttpMethods.HEAD, s3.HttpMethods.POST, s3.HttpMethods.PUT],
        allowedHeaders: ['*'],
        exposedHeaders: ['ETag'],
        maxAge: 3600,
      });
    }
  }

  /**
   * Grants a function what a request handler needs: item reads and writes on the table and Query on
   * each index (named one by one rather than `index/*`), object reads and writes in both buckets, and
   * reading the session secret.
   */
  grantRequestAccess(grantee: IConstruct & iam.IGrantable): void {
    this.grantTableAccess(grantee);
    for (const bucket of [this.uploadsBucket, this.reportsBucket]) {
      grantee.grantPrincipal.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
          resources: [bucket.arnForObjects('*')],
        }),
      );
      // Without ListBucket a missing key answers 403 instead of 404, and "not uploaded yet" reads as denied.
      grantee.grantPrincipal.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
      );
      acknowledgeWildcardResource(
        grantee,
        bucket.arnForObjects('*'),
        'Object keys are generated per upload or report at run time; the grant is limited to this one bucket.',
      );
    }
    this.sessionSecret.grantRead(grantee);
    this.originVerifySecret.grantRead(grantee);
  }

  /** Item reads and writes on the table, Query on each index. */
  grantTableAccess(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: TABLE_ITEM_ACTIONS, resources: [this.table.tableArn] }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: Object.keys(TABLE_DEFINITION.globalIndexes).map((name) => `${this.table.tableArn}/index/${name}`),
      }),
    );
  }
}

/** Private, encrypted, TLS-only: what every bucket of this stack starts from. */
export function privateBucketDefaults(): Pick<
  s3.BucketProps,
  'blockPublicAccess' | 'encryption' | 'enforceSSL' | 'removalPolicy'
> {
  return {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    removalPolicy: RemovalPolicy.RETAIN,
  };
}
