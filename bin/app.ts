/**
 * The CDK app (`npm run synth`, `npx cdk deploy`). Synthesis needs no AWS credentials or network.
 *
 * The target region comes from the CLI (profile or AWS_REGION; the CLI assumes us-east-1 when none is
 * configured). Synthesize for the region you deploy to: the site differs in the China regions.
 * Context: `-c appVersion=…` overrides package.json's version, `-c logLevel=DEBUG` the log level.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { XinyidaiStack } from '#lib/stack';
import { PROJECT_ROOT } from '#lib/constructs/node-function';

const app = new App();

const { version } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };
new XinyidaiStack(app, 'XinyidaiGov', {
  description: '信易贷 government console: HTTP API, DynamoDB, rollup and admin site',
  // The CLI fills these from the active profile; either may be missing, which CDK accepts.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  appVersion: (app.node.tryGetContext('appVersion') as string | undefined) ?? version,
  logLevel: app.node.tryGetContext('logLevel') as string | undefined,
});
Tags.of(app).add('project', 'xinyidai-gov-console');

// cdk-nag 3 runs as a policy-validation plugin after synthesis; any unacknowledged finding fails synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
