/**
 * The stack for each partition and environment (us-east-1 and cn-north-1, dev and prod), offline:
 * what CloudFront in China accepts, the domain and its certificate, the web ACL globally, security
 * headers, SMS delivery per partition, what prod keeps and dev may drop, tracing, alarms that reach
 * someone, and cdk-nag clean in every one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validations } from 'aws-cdk-lib';
import { resolveEnvironment } from '#lib/environments';
import { SPA_PATHS } from '#lib/constructs/site';
import { cleanUpSynth, fakeSite, PROD_SETTINGS, synth, type Synthesized } from './synth';
import { INSTITUTION_RANK_COLUMNS } from '#shared/db/table';

const PERMUTATIONS = [
  ['us-east-1', 'dev'],
  ['us-east-1', 'prod'],
  ['cn-north-1', 'dev'],
  ['cn-north-1', 'prod'],
] as const;

const stacks = new Map<string, Synthesized>();
const key = (region: string, env: string) => `${region}/${env}`;

beforeAll(() => {
  for (const [region, env] of PERMUTATIONS) {
    const partition = region.startsWith('cn-') ? 'aws-cn' : 'aws';
    stacks.set(key(region, env), synth({ region, env, siteDistPath: fakeSite(), settings: env === 'prod' ? PROD_SETTINGS[partition] : {} }));
  }
});

afterAll(() => cleanUpSynth());

const of = (region: string, env: string) => stacks.get(key(region, env))!;
const distributionConfig = (s: Synthesized) =>
  Object.values(s.resources).find((resource) => resource.Type === 'AWS::CloudFront::Distribution')!.Properties.DistributionConfig as Record<string, any>;
const ofType = (s: Synthesized, type: string): [string, any][] => Object.entries(s.resources).filter(([, resource]) => resource.Type === type);
/** The one resource of a type (or matching a test), as [logical id, resource]. */
const single = (entries: [string, any][]): [string, any] => {
  expect(entries).toHaveLength(1);
  return entries[0]!;
};

describe.each(PERMUTATIONS)('%s %s', (region, env) => {
  it('leaves no cdk-nag finding unacknowledged', () => {
    expect(of(region, env).nagFindings()).toEqual([]);
  });

  it('sends the site and the API the security headers: CSP, HSTS, nosniff, no framing', () => {
    const s = of(region, env);
    const [policyId, policy] = single(ofType(s, 'AWS::CloudFront::ResponseHeadersPolicy'));
    const headers = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const csp = JSON.stringify(headers.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain('connect-src');
    expect(csp).toContain('xinyidai-');
    expect(headers.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 730 * 86_400, IncludeSubdomains: true });
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
    expect(headers.FrameOptions.FrameOption).toBe('DENY');
    const config = distributionConfig(s);
    expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
    expect(config.CacheBehaviors[0].ResponseHeadersPolicyId).toEqual({ Ref: policyId });
  });

  it('notifies the alarm topic from every alarm', () => {
    const s = of(region, env);
    const [topicId] = single(ofType(s, 'AWS::SNS::Topic').filter(([, topic]) => topic.Properties.DisplayName === '信易贷 console alarms'));
    const alarms = ofType(s, 'AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThan(20);
    for (const [id, alarm] of alarms) expect(alarm.Properties.AlarmActions, id).toEqual([{ Ref: topicId }]);
    const metrics = alarms.map(([, alarm]) => JSON.stringify(alarm.Properties));
    for (const expected of ['5xx', 'Latency', 'IteratorAge', 'ThrottledRequests', 'SmsFailed', 'SmsSent', 'Lockouts', 'SignInCeilingHit', 'ApproximateNumberOfMessagesVisible', '"Throttles"', '"Errors"']) {
      expect(metrics.some((m) => m.includes(expected)), expected).toBe(true);
    }
    expect(ofType(s, 'AWS::CloudWatch::Dashboard')).toHaveLength(1);
  });

  it('names the environment in the stack and keeps data and secrets in prod only', () => {
    const s = of(region, env);
    expect(s.stack.stackName).toBe(`XinyidaiGov-${env}`);
    const policyOf = (type: string) => ofType(s, type).map(([, resource]) => resource.DeletionPolicy);
    const expected = env === 'prod' ? 'Retain' : 'Delete';
    for (const type of ['AWS::DynamoDB::GlobalTable', 'AWS::SecretsManager::Secret', 'AWS::S3::Bucket', 'AWS::KMS::Key', 'AWS::Logs::LogGroup']) {
      expect(new Set(policyOf(type)), type).toEqual(new Set([expected]));
    }
    const table = ofType(s, 'AWS::DynamoDB::GlobalTable')[0]![1];
    expect((table.Properties.Replicas as any[])[0].DeletionProtectionEnabled).toBe(env === 'prod');
  });

  it('gives the stream consumer a maximum record age and the configured batching window', () => {
    const [, mapping] = single(ofType(of(region, env), 'AWS::Lambda::EventSourceMapping'));
    expect(mapping.Properties).toMatchObject({ MaximumRecordAgeInSeconds: 86_400, MaximumBatchingWindowInSeconds: 5 });
  });

  it('sends SMS requests through an encrypted topic to the SMS function only, with a dead-letter queue', () => {
    const s = of(region, env);
    const [, topic] = single(ofType(s, 'AWS::SNS::Topic').filter(([, t]) => t.Properties.DisplayName === '信易贷 SMS requests'));
    expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    const subscriptions = (ofType(s, 'AWS::SNS::Subscription') as [string, any][]).filter(([, sub]) => sub.Properties.Protocol === 'lambda');
    expect(subscriptions).toHaveLength(1);
    expect(subscriptions[0]![1].Properties).toMatchObject({ Protocol: 'lambda', RedrivePolicy: { deadLetterTargetArn: expect.anything() } });
    const smsFunction = (ofType(s, 'AWS::Lambda::Function') as [string, any][]).find(([, fn]) => fn.Properties.Environment?.Variables?.SMS_PROVIDER);
    expect(smsFunction![1].Properties.DeadLetterConfig).toBeDefined();
  });
});

describe('China regions', () => {
  it('use only what CloudFront there accepts: no policy ids, forwarded values, OAI, no CloudFront Functions', () => {
    for (const env of ['dev', 'prod'] as const) {
      const s = of('cn-north-1', env);
      const config = distributionConfig(s);
      for (const behaviour of [config.DefaultCacheBehavior, ...config.CacheBehaviors]) {
        expect(behaviour.CachePolicyId).toBeUndefined();
        expect(behaviour.OriginRequestPolicyId).toBeUndefined();
        expect(behaviour.ForwardedValues).toBeDefined();
        expect(behaviour.FunctionAssociations ?? []).toEqual([]);
      }
      const api = config.CacheBehaviors[0];
      expect(api).toMatchObject({ PathPattern: '/api/*', MinTTL: 0, DefaultTTL: 0, MaxTTL: 0 });
      expect(api.ForwardedValues).toMatchObject({ QueryString: true, Headers: expect.arrayContaining(['Authorization', 'CloudFront-Viewer-Address']) });
      expect(api.ForwardedValues.Headers).not.toContain('Host');
      expect(ofType(s, 'AWS::CloudFront::CloudFrontOriginAccessIdentity')).toHaveLength(1);
      expect(ofType(s, 'AWS::CloudFront::OriginAccessControl')).toHaveLength(0);
      expect(ofType(s, 'AWS::CloudFront::Function')).toHaveLength(0);
      expect(ofType(s, 'AWS::WAFv2::WebACL')).toHaveLength(0);
      expect(config.CustomErrorResponses).toBeUndefined();
    }
  });

  it('serve the ICP-recorded domain with its IAM server certificate, and let only that origin use the buckets', () => {
    const s = of('cn-north-1', 'prod');
    const config = distributionConfig(s);
    expect(config.Aliases).toEqual(['gov.xinyidai.example.cn']);
    expect(config.ViewerCertificate).toEqual({ IamCertificateId: 'ASCAEXAMPLEIAMCERT01', SslSupportMethod: 'sni-only', MinimumProtocolVersion: 'TLSv1.2_2021' });
    const cors = (ofType(s, 'AWS::S3::Bucket') as [string, any][]).flatMap(([, bucket]) => bucket.Properties.CorsConfiguration?.CorsRules ?? []);
    expect(cors.length).toBe(2);
    for (const rule of cors) expect(rule.AllowedOrigins).toEqual(['https://gov.xinyidai.example.cn']);
  });

  it('serve every client-side route from a copy of index.html (a deep link or refresh of /accounts works)', () => {
    const s = of('cn-north-1', 'prod');
    const deployments = ofType(s, 'Custom::CDKBucketDeployment') as [string, any][];
    expect(deployments).toHaveLength(2);
    const copies = deployments.find(([, d]) => d.Properties.Prune === false)![1];
    expect(copies.Properties.SystemMetadata).toMatchObject({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
    expect(copies.Properties.SourceObjectKeys).toHaveLength(SPA_PATHS.length);
  });

  it('deliver SMS through Alibaba Cloud SMS with an operator-filled credentials secret; no SNS SMS', () => {
    const s = of('cn-north-1', 'prod');
    const smsFunction = (ofType(s, 'AWS::Lambda::Function') as [string, any][]).find(([, fn]) => fn.Properties.Environment?.Variables?.SMS_PROVIDER)![1];
    expect(smsFunction.Properties.Environment.Variables).toMatchObject({
      SMS_PROVIDER: 'aliyun',
      SMS_SIGN_NAME: '信易贷',
      SMS_LOGIN_TEMPLATE: expect.any(String),
      SMS_VENDOR_SECRET_ARN: expect.anything(),
    });
    expect(JSON.stringify(s.resources)).not.toContain('sms-voice:');
  });

  it('switch tracing off (X-Ray has no Lambda integration there)', () => {
    for (const [, fn] of ofType(of('cn-north-1', 'prod'), 'AWS::Lambda::Function') as [string, any][]) {
      expect(fn.Properties.TracingConfig?.Mode ?? 'PassThrough').toBe('PassThrough');
    }
  });

  it('refuse to synthesize prod without the ICP-recorded domain and its certificate, saying so', () => {
    expect(() => resolveEnvironment('prod', 'cn-north-1', {})).toThrow(/ICP-recorded domain.*domainName.*iamServerCertificateId/);
    expect(() => resolveEnvironment('prod', 'cn-northwest-1', { domainName: 'x.example.cn' })).toThrow(/no certificate/);
    expect(() => resolveEnvironment('dev', 'cn-north-1', { acmCertificateArn: 'arn:aws-cn:acm:x' })).toThrow(/IAM server certificates/);
    expect(resolveEnvironment('dev', 'cn-northwest-1').partition).toBe('aws-cn');
  });
});

describe('督办 thresholds', () => {
  it('default to 3 working days and 30 days, take other values and refuse what shared/config.ts would not', () => {
    expect(resolveEnvironment('dev', 'eu-west-1').overdue).toEqual({ acceptanceWorkdays: 3, decisionDays: 30 });
    expect(resolveEnvironment('dev', 'eu-west-1', { overdue: { acceptanceWorkdays: 5 } }).overdue).toEqual({ acceptanceWorkdays: 5, decisionDays: 30 });
    expect(() => resolveEnvironment('dev', 'eu-west-1', { overdue: { decisionDays: 91 } })).toThrow(/dev\.overdue\.decisionDays/);
    expect(() => resolveEnvironment('dev', 'eu-west-1', { overdue: { acceptanceDays: 5 } })).toThrow(/acceptanceDays/);
  });
});

describe('global regions', () => {
  it('keep Origin Access Control, managed policies and the client-side route rewrite', () => {
    const s = of('us-east-1', 'prod');
    const config = distributionConfig(s);
    expect(config.DefaultCacheBehavior.FunctionAssociations).toEqual([expect.objectContaining({ EventType: 'viewer-request' })]);
    expect(config.CacheBehaviors[0]).toMatchObject({
      PathPattern: '/api/*',
      // AWS managed CachingDisabled and AllViewerExceptHostHeader policies.
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
      OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
    });
    expect(config.CacheBehaviors[0].FunctionAssociations).toBeUndefined();
    expect(ofType(s, 'AWS::CloudFront::OriginAccessControl')).toHaveLength(1);
  });

  it('protect the distribution with a web ACL: a rate rule on /api/auth/ and the common rule set', () => {
    const s = of('us-east-1', 'prod');
    const [aclId, acl] = single(ofType(s, 'AWS::WAFv2::WebACL'));
    expect(acl.Properties.Scope).toBe('CLOUDFRONT');
    const rules = acl.Properties.Rules as any[];
    expect(rules.find((rule) => rule.Name === 'sign-in-rate').Statement.RateBasedStatement).toMatchObject({
      Limit: 100,
      AggregateKeyType: 'IP',
      ScopeDownStatement: { ByteMatchStatement: { SearchString: '/api/auth/', PositionalConstraint: 'STARTS_WITH' } },
    });
    expect(rules.find((rule) => rule.Name === 'aws-common').Statement.ManagedRuleGroupStatement).toEqual({ VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' });
    expect(distributionConfig(s).WebACLId).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
  });

  it('serve the configured domain with its ACM certificate and TLS 1.2', () => {
    const config = distributionConfig(of('us-east-1', 'prod'));
    expect(config.Aliases).toEqual(['gov.xinyidai.example.com']);
    expect(config.ViewerCertificate).toMatchObject({ AcmCertificateArn: PROD_SETTINGS.aws.acmCertificateArn, MinimumProtocolVersion: 'TLSv1.2_2021' });
  });

  it('deliver SMS through End User Messaging, only from the configured origination identity', () => {
    const s = of('us-east-1', 'prod');
    const statements = (ofType(s, 'AWS::IAM::Policy') as [string, any][]).flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as any[]);
    const sending = statements.filter((statement) => JSON.stringify(statement.Action).includes('sms-voice'));
    expect(sending).toEqual([expect.objectContaining({ Action: 'sms-voice:SendTextMessage', Resource: PROD_SETTINGS.aws.sms.originationIdentityArn })]);
  });

  it('trace the functions with X-Ray', () => {
    for (const [, fn] of ofType(of('us-east-1', 'prod'), 'AWS::Lambda::Function') as [string, any][]) {
      if (fn.Properties.Runtime !== 'nodejs22.x') continue;
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    }
  });

  it('make the web ACL in us-east-1 for a console deployed in another region', () => {
    const s = synth({ region: 'eu-central-1', env: 'dev' });
    expect(s.edge?.region).toBe('us-east-1');
    expect(s.edge?.node.findAll().some((c) => c.node.id === 'WebAcl')).toBe(true);
    expect(JSON.stringify(distributionConfig(s).WebACLId)).toMatch(/Fn::GetStackOutput/);
    expect(s.nagFindings()).toEqual([]);
  });
});

describe('table indexes', () => {
  const indexNames = (s: ReturnType<typeof synth>) =>
    (ofType(s, 'AWS::DynamoDB::GlobalTable') as [string, any][]).flatMap(([, table]) => table.Properties.GlobalSecondaryIndexes.map((index: { IndexName: string }) => index.IndexName));

  it('has every rank index by default, and only the first ones while an existing table gets them one deployment at a time', () => {
    expect(indexNames(of('cn-north-1', 'prod'))).toEqual(['gsi1', 'gsi2', 'gsi3', ...INSTITUTION_RANK_COLUMNS.map((column) => `rank_${column}`)]);
    const stepping = synth({ region: 'cn-north-1', env: 'prod', settings: { ...PROD_SETTINGS['aws-cn'], rankIndexes: 2 } });
    expect(indexNames(stepping)).toEqual(['gsi1', 'gsi2', 'gsi3', 'rank_productCount', 'rank_acceptedCount']);
  });
});

describe('alarm e-mails', () => {
  it('subscribes every configured address to the alarm topic', () => {
    const subscriptions = ofType(of('cn-north-1', 'prod'), 'AWS::SNS::Subscription') as [string, any][];
    const emails = subscriptions.filter(([, sub]) => sub.Properties.Protocol === 'email');
    expect(emails.map(([, sub]) => sub.Properties.Endpoint)).toEqual(['ops@example.cn']);
  });
});

describe('acknowledged findings', () => {
  it('give every acknowledgement a reason about this project, never a generic or temporary one', () => {
    const reasons = new Map<string, string>();
    for (const s of stacks.values()) {
      for (const construct of s.stack.node.findAll()) {
        for (const entry of construct.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)) {
          for (const [rule, reason] of Object.entries(entry.data as Record<string, string>)) reasons.set(`${rule}: ${reason}`, reason);
        }
      }
    }
    expect(reasons.size).toBeGreaterThan(10);
    for (const [ruleAndReason, reason] of reasons) {
      expect(reason.length, ruleAndReason).toBeGreaterThan(60);
      expect(reason, ruleAndReason).not.toMatch(/\byet\b|for now|TODO|later\b|temporar/i);
    }
  });
});
