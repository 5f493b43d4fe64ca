/**
 * Synthesizes the real stack for a region and environment, offline, with the feature flags of
 * cdk.json. Bundling every function with esbuild takes seconds per stack, so only the tests that check
 * bundles ask for it (`bundle: true`); the others switch it off the way `cdk synth --exclusively` does
 * for stacks it does not deploy.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { resolveEnvironment, type EnvironmentName } from '#lib/environments';
import { stackId, XinyidaiStack } from '#lib/stack';
import { XinyidaiEdgeStack } from '#lib/edge-stack';

export type Resources = Record<string, { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string }>;

/** Settings an operator would put in cdk.json for prod (prod refuses to synthesize without some). */
export const PROD_SETTINGS = {
  'aws-cn': { domainName: 'gov.xinyidai.example.cn', iamServerCertificateId: 'ASCAEXAMPLEIAMCERT01', alarmEmails: ['ops@example.cn'] },
  aws: {
    domainName: 'gov.xinyidai.example.com',
    acmCertificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/00000000-0000-0000-0000-000000000001',
    alarmEmails: ['ops@example.com'],
    sms: { originationIdentityArn: 'arn:aws:sms-voice:us-east-1:111122223333:sender-id/XINYIDAI/CN' },
  },
} as const;

const dirs: string[] = [];

/** Removes what the synthesized apps and fake sites left in the temp dir. */
export function cleanUpSynth(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

function projectContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> };
  return cdkJson.context;
}

/** A built site stand-in: an index.html and an asset. */
export function fakeSite(): string {
  const dir = mkdtempSync(join(tmpdir(), 'xyd-site-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>信易贷</title><script type="module" src="/assets/app.js"></script>');
  dirs.push(dir);
  return dir;
}

export interface Synthesized {
  app: App;
  stack: XinyidaiStack;
  template: Template;
  resources: Resources;
  edge?: XinyidaiEdgeStack;
  logicalId(construct: { node: { defaultChild?: unknown } }): string;
  /** Unacknowledged cdk-nag findings, as `rule at path`. */
  nagFindings(): string[];
}

export function synth(options: { region: string; env: EnvironmentName; bundle?: boolean; siteDistPath?: string | null; settings?: Record<string, unknown> }): Synthesized {
  const app = new App({ context: { ...projectContext(), ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) } });
  dirs.push(app.outdir);
  const config = resolveEnvironment(options.env, options.region, options.settings ?? {});
  let edge: XinyidaiEdgeStack | undefined;
  if (config.partition === 'aws' && config.region !== 'us-east-1') {
    edge = new XinyidaiEdgeStack(app, `${stackId(config)}-edge`, { signInRateLimitPer5Minutes: config.signInRateLimitPer5Minutes });
  }
  const stack = new XinyidaiStack(app, stackId(config), {
    config,
    appVersion: '9.9.9-test',
    siteDistPath: options.siteDistPath ?? null,
    ...(edge ? { webAclArn: edge.webAcl.arn, crossRegionReferences: true } : {}),
  });
  const template = Template.fromStack(stack);
  return {
    app,
    stack,
    template,
    edge,
    resources: template.toJSON().Resources as Resources,
    logicalId: (construct) => stack.getLogicalId(construct.node.defaultChild as CfnElement),
    nagFindings: () =>
      [stack, ...(edge ? [edge] : [])].flatMap((scope) =>
        new AwsSolutionsChecks().validateScope(scope).violations.flatMap((violation) =>
          violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}`),
        ),
      ),
  };
}
