/**
 * The web ACL in front of the site and its API (global regions: AWS WAF cannot be attached to CloudFront
 * in the China regions, nor to an API Gateway HTTP API anywhere). It blocks an address that sends
 * more sign-in requests than a person could, and applies AWS's common managed rule set.
 * CloudFront web ACLs must live in us-east-1: the stack creates it there itself, or a small companion
 * stack does (lib/edge-stack.ts).
 */
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { API_PREFIX } from '#shared/http/route';

export interface WebAclProps {
  /** Requests per 5 minutes per address on /api/auth/* before that address is blocked for a while. */
  signInRateLimitPer5Minutes: number;
}

export class WebAclConstruct extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: WebAclProps) {
    super(scope, id);
    const visibility = (metricName: string) => ({ cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('xinyidai-web-acl'),
      rules: [
        {
          name: 'sign-in-rate',
          priority: 0,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              limit: props.signInRateLimitPer5Minutes,
              aggregateKeyType: 'IP',
              scopeDownStatement: {
                byteMatchStatement: {
                  fieldToMatch: { uriPath: {} },
                  positionalConstraint: 'STARTS_WITH',
                  searchString: `${API_PREFIX}/auth/`,
                  textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
                },
              },
            },
          },
          visibilityConfig: visibility('xinyidai-sign-in-rate'),
        },
        {
          name: 'aws-common',
          priority: 1,
          overrideAction: { none: {} },
          statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesCommonRuleSet' } },
          visibilityConfig: visibility('xinyidai-aws-common'),
        },
      ],
    });
  }

  get arn(): string {
    return this.webAcl.attrArn;
  }
}
