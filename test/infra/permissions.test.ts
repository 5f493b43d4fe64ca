/**
 * Least privilege per module (docs/security.md): each function's role holds exactly what its module
 * declares next to its route table, read from the synthesized template.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_MODULES } from '#functions/registry';
import { permissions as rollupPermissions } from '#functions/rollup/permissions';
import { cleanUpSynth, PROD_SETTINGS, synth, type Synthesized } from './synth';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, string[]>>;
}

let s: Synthesized;
beforeAll(() => {
  s = synth({ region: 'us-east-1', env: 'prod', settings: PROD_SETTINGS.aws });
});
afterAll(() => cleanUpSynth());

const actionsOf = (statement: Statement) => ([] as string[]).concat(statement.Action);

/** Every statement of the policies attached to a function's role. */
function statementsOf(fn: { role?: { node: { defaultChild?: unknown } } }): Statement[] {
  const roleId = s.logicalId(fn.role as never);
  return Object.values(s.resources)
    .filter((resource) => resource.Type === 'AWS::IAM::Policy' && JSON.stringify(resource.Properties.Roles).includes(`"${roleId}"`))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

const moduleStatements = (name: string) => statementsOf(s.stack.api.functions.get(name)!);
const has = (statements: Statement[], prefix: string) => statements.some((statement) => actionsOf(statement).some((action) => action.startsWith(prefix)));
const WRITES = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

describe('least privilege per module', () => {
  it('gives docs nothing on the table, the buckets, SNS or KMS', () => {
    const statements = moduleStatements('docs');
    for (const prefix of ['dynamodb:', 's3:', 'sns:', 'kms:']) expect(has(statements, prefix), prefix).toBe(false);
  });

  it('lets reference read the table (to check sessions) and nothing more', () => {
    const statements = moduleStatements('reference');
    expect(has(statements, 'dynamodb:GetItem')).toBe(true);
    for (const action of WRITES) expect(has(statements, action), action).toBe(false);
    for (const prefix of ['s3:', 'sns:', 'kms:']) expect(has(statements, prefix), prefix).toBe(false);
  });

  it('lets only auth publish SMS requests, to the SMS topic alone', () => {
    for (const module of API_MODULES) {
      const publishes = moduleStatements(module.name).filter((statement) => actionsOf(statement).includes('sns:Publish'));
      if (module.name === 'auth') {
        expect(publishes).toHaveLength(1);
        expect(publishes[0]!.Resource).toEqual({ Ref: s.logicalId(s.stack.sms.topic) });
      } else {
        expect(publishes, module.name).toEqual([]);
      }
    }
  });

  it('lets only reports write objects, and only under reports/', () => {
    for (const module of API_MODULES) {
      const puts = moduleStatements(module.name).filter((statement) => actionsOf(statement).includes('s3:PutObject'));
      if (module.name === 'reports') {
        expect(JSON.stringify(puts)).toContain('/reports/*');
        expect(JSON.stringify(puts)).toContain(s.logicalId(s.stack.data.reportsBucket));
      } else if (module.name === 'uploads') {
        // Signing a presigned POST needs the right to put the object: its own bucket, uploads/ only.
        expect(JSON.stringify(puts)).toContain('/uploads/*');
        expect(JSON.stringify(puts)).not.toContain(s.logicalId(s.stack.data.reportsBucket));
      } else {
        expect(puts, module.name).toEqual([]);
      }
    }
  });

  it('limits every table write to the partitions the module declares', () => {
    const declared = [...API_MODULES.map((module) => [module.name, module.permissions] as const), ['rollup', rollupPermissions] as const];
    for (const [name, permissions] of declared) {
      const fn = name === 'rollup' ? s.stack.rollup.function : s.stack.api.functions.get(name)!;
      const writes = statementsOf(fn).filter((statement) => actionsOf(statement).some((action) => WRITES.includes(action)));
      const prefixes = permissions.table?.write;
      if (!prefixes) {
        expect(writes, name).toEqual([]);
        continue;
      }
      expect(writes, name).toHaveLength(1);
      expect(writes[0]!.Condition, name).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': (prefixes as string[]).map((p) => `${p}*`) } });
    }
  });

  it('never grants sns:Publish, s3 or dynamodb actions on "*", nor Scan to any function', () => {
    const policies = Object.values(s.resources).filter((resource) => resource.Type === 'AWS::IAM::Policy');
    for (const policy of policies) {
      for (const statement of (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement) {
        const resources = ([] as unknown[]).concat(statement.Resource);
        if (resources.includes('*')) {
          expect(actionsOf(statement).filter((action) => /^(sns|s3|dynamodb):/.test(action)), JSON.stringify(statement)).toEqual([]);
        }
        expect(actionsOf(statement)).not.toContain('dynamodb:Scan');
      }
    }
  });

  it('lets the SMS function send only through the configured origination identity', () => {
    const statements = statementsOf(s.stack.sms.function);
    const sending = statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith('sms-voice:')));
    expect(sending).toEqual([expect.objectContaining({ Action: 'sms-voice:SendTextMessage', Resource: PROD_SETTINGS.aws.sms.originationIdentityArn })]);
    expect(has(statements, 'dynamodb:')).toBe(false);
  });
});
