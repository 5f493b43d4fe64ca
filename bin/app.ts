/**
 * The CDK app (`npm run synth`, `npx cdk deploy`). Synthesis needs no AWS credentials or network.
 *
 *   npx cdk synth -c env=dev|prod        (AWS_REGION or the profile picks the region; us-east-1 if none)
 *   AWS_REGION=cn-north-1 npx cdk synth -c env=prod
 *
 * The environment's settings come from cdk.json (`environments.dev`, `environments.prod`) and
 * `-c <env>.<field>=value` overrides (lib/environments.ts); `-c appVersion=…` overrides package.json's
 * version, `-c logLevel=DEBUG` the log level. In a global region other than us-east-1 a small edge
 * stack in us-east-1 holds the CloudFront web ACL.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { XinyidaiEdgeStack } from '#lib/edge-stack';
import { environmentSettingsFromContext, resolveEnvironment } from '#lib/environments';
import { stackId, XinyidaiStack } from '#lib/stack';
import { PROJECT_ROOT } from '#lib/constructs/node-function';

const app = new App();
const envName = (app.node.tryGetContext('env') as string | undefined) ?? 'dev';
const region = process.env.CDK_DEFAULT_REGION ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
const contextKeys = Object.keys({ ...(app.node.getAllContext?.() ?? {}) });
const config = resolveEnvironment(envName, region, environmentSettingsFromContext(envName, (key) => app.node.tryGetContext(key), contextKeys));
const account = process.env.CDK_DEFAULT_ACCOUNT;

const { version } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };
let webAclArn: string | undefined;
if (config.partition === 'aws' && config.region !== 'us-east-1') {
  const edge = new XinyidaiEdgeStack(app, `${stackId(config)}-edge`, {
    env: { account },
    signInRateLimitPer5Minutes: config.signInRateLimitPer5Minutes,
  });
  webAclArn = edge.webAcl.arn;
}
new XinyidaiStack(app, stackId(config), {
  description: `信易贷 government console (${config.name}): HTTP API, DynamoDB, rollup, SMS and admin site`,
  env: { account },
  crossRegionReferences: webAclArn !== undefined,
  config,
  webAclArn,
  appVersion: (app.node.tryGetContext('appVersion') as string | undefined) ?? version,
  logLevel: app.node.tryGetContext('logLevel') as string | undefined,
});
Tags.of(app).add('project', 'xinyidai-gov-console');
Tags.of(app).add('environment', config.name);

// cdk-nag 3 runs as a policy-validation plugin after synthesis; any unacknowledged finding fails synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
