/**
 * A companion stack in us-east-1 for a console deployed in another global region: CloudFront web ACLs
 * can only be created there. The main stack reads its ARN through a cross-region reference.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { WebAclConstruct } from './constructs/waf';

export interface EdgeStackProps extends StackProps {
  signInRateLimitPer5Minutes: number;
}

export class XinyidaiEdgeStack extends Stack {
  readonly webAcl: WebAclConstruct;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, { ...props, env: { ...props.env, region: 'us-east-1' }, crossRegionReferences: true });
    this.webAcl = new WebAclConstruct(this, 'WebAcl', { signInRateLimitPer5Minutes: props.signInRateLimitPer5Minutes });
  }
}
