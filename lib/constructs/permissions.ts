/**
 * Least privilege per module (docs/security.md, "Least privilege"): each module declares what it
 * touches next to its route table (`ModulePermissions`, shared/http/route.ts) and this grants exactly
 * that to its function. Table writes are limited to the declared partition-key prefixes with the
 * `dynamodb:LeadingKeys` condition; object access to the declared key patterns; secrets, the SMS topic
 * and its key one by one. Nothing is granted on `*`.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import type { ModulePermissions } from '#shared/http/route';
import { TABLE_DEFINITION } from '#shared/db/table';
import type { DataConstruct } from './data';
import { acknowledgeWildcardResource } from './nag';

/** Item reads, never Scan (no Scan on any request path). */
export const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'];
export const TABLE_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

/** What a function can be granted besides the declaration: the SMS topic lives in another construct. */
export interface GrantTargets {
  data: DataConstruct;
  /** Grants publishing SMS requests (the SMS topic and its key). */
  grantSmsPublish?: (grantee: iam.IGrantable & IConstruct) => void;
}

type Grantee = IConstruct & iam.IGrantable;

/** Grants the table part of a declaration. */
export function grantTable(grantee: Grantee, data: DataConstruct, table: NonNullable<ModulePermissions['table']>): void {
  const tableArn = data.table.tableArn;
  if (table.read) {
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: TABLE_READ_ACTIONS, resources: [tableArn] }));
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: Object.keys(TABLE_DEFINITION.globalIndexes).map((name) => `${tableArn}/index/${name}`),
      }),
    );
  }
  if (table.write === 'any') {
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: TABLE_WRITE_ACTIONS, resources: [tableArn] }));
  } else if (table.write && table.write.length > 0) {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: TABLE_WRITE_ACTIONS,
        resources: [tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': table.write.map((prefix) => `${prefix}*`) } },
      }),
    );
  }
}

function grantObjects(grantee: Grantee, bucket: s3.IBucket, bucketName: string, access: { read?: readonly string[]; write?: readonly string[] }): void {
  for (const [actions, patterns] of [
    [['s3:GetObject'], access.read ?? []],
    [['s3:PutObject'], access.write ?? []],
  ] as const) {
    if (patterns.length === 0) continue;
    const resources = patterns.map((pattern) => bucket.arnForObjects(pattern));
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...actions], resources }));
    for (const resource of resources) {
      acknowledgeWildcardResource(
        grantee,
        resource,
        `Object keys carry the account id and a random id generated per ${bucketName === 'reports' ? 'report' : 'upload'} at run time; the grant is limited to this key pattern of this one bucket.`,
      );
    }
  }
  if ((access.read ?? []).length > 0) {
    // Without ListBucket a missing key answers 403 instead of 404, and "not uploaded yet" reads as denied.
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
  }
}

/** Grants exactly what `permissions` declares. */
export function grantModulePermissions(grantee: Grantee, permissions: ModulePermissions, targets: GrantTargets): void {
  const { data } = targets;
  if (permissions.table) grantTable(grantee, data, permissions.table);
  if (permissions.uploads) grantObjects(grantee, data.uploadsBucket, 'uploads', permissions.uploads);
  if (permissions.reports) grantObjects(grantee, data.reportsBucket, 'reports', permissions.reports);
  for (const secret of permissions.secrets ?? []) {
    (secret === 'session' ? data.sessionSecret : data.originVerifySecret).grantRead(grantee);
  }
  if (permissions.publishSms) {
    if (!targets.grantSmsPublish) throw new Error('a module publishes SMS requests but no SMS topic was given');
    targets.grantSmsPublish(grantee);
  }
}
