/**
 * Helpers for acknowledging cdk-nag findings precisely.
 *
 * cdk-nag 3 names some findings after the CloudFormation value they are about, e.g.
 * `AwsSolutions-IAM5[Resource::<UploadsBucket1234.Arn>/*]`, and an acknowledgement must match the id
 * exactly. Building the id from the same token the policy uses keeps an acknowledgement tied to that
 * one resource, and it survives logical-id changes that a hand-written string would not.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';

/** Renders a resolved CloudFormation value the way cdk-nag prints it in finding ids. */
function render(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof value === 'object' && value !== null) {
    const node = value as Record<string, unknown>;
    if (Array.isArray(node['Fn::Join'])) {
      const [delimiter, parts] = node['Fn::Join'] as [string, unknown[]];
      return parts.map(render).join(delimiter);
    }
    if ('Fn::Sub' in node) return render(node['Fn::Sub']);
    if (Array.isArray(node['Fn::GetAtt'])) {
      const [logicalId, attribute] = node['Fn::GetAtt'] as [unknown, unknown];
      return `<${render(logicalId)}.${render(attribute)}>`;
    }
    if ('Fn::ImportValue' in node) return render(node['Fn::ImportValue']);
    if ('Ref' in node) return `<${render(node.Ref)}>`;
  }
  return JSON.stringify(value);
}

/** The finding text of a (possibly tokenized) value, as cdk-nag writes it. */
export function findingText(scope: IConstruct, value: unknown): string {
  return render(Stack.of(scope).resolve(value));
}

/**
 * Acknowledges `AwsSolutions-IAM5` for one wildcard resource (e.g. `bucket.arnForObjects('*')`) in
 * the policies under `scope`.
 */
export function acknowledgeWildcardResource(scope: IConstruct, resourceArn: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${findingText(scope, resourceArn)}]`, reason });
}

/**
 * Acknowledges every `AwsSolutions-IAM5` finding of a policy document as it stands now. Only for
 * policies a CDK construct writes on its own (e.g. the BucketDeployment handler), whose exact
 * statements are CDK's implementation detail rather than this app's choice.
 */
export function acknowledgePolicyWildcards(scope: IConstruct, document: iam.PolicyDocument, reason: string): void {
  const resolved = Stack.of(scope).resolve(document) as { Statement?: { Effect: string; Action?: unknown; Resource?: unknown }[] };
  const findings = new Set<string>();
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);
  for (const statement of resolved.Statement ?? []) {
    if (statement.Effect !== 'Allow') continue;
    for (const action of list(statement.Action).map(render)) if (action.includes('*')) findings.add(`Action::${action}`);
    for (const resource of list(statement.Resource).map(render)) if (resource.includes('*')) findings.add(`Resource::${resource}`);
  }
  for (const finding of findings) Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
}

/** Acknowledges `AwsSolutions-IAM4` for one AWS managed policy attached to a role under `scope`. */
export function acknowledgeManagedPolicy(scope: IConstruct, managedPolicyName: string, reason: string): void {
  const arn = iam.ManagedPolicy.fromAwsManagedPolicyName(managedPolicyName).managedPolicyArn;
  Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM4[Policy::${findingText(scope, arn)}]`, reason });
}
