import { describe, expect, it } from 'vitest';
import {
  accountIdIndexKey,
  accountKey,
  accountScopeIndexKey,
  accountScopePrefix,
  auditKey,
  idCounterKey,
  padId,
  rateKey,
  sessionKey,
  smsCodeKey,
} from '#shared/db/keys';
import { createTableInput, INSTITUTION_RANK_COLUMNS, keyAttributes, rollupStreamFilterPatterns } from '#shared/db/table';

describe('key builders', () => {
  it('pads ids so that string order is numeric order', () => {
    const ids = [2, 10, 1, 100].map((id) => padId(id)).sort();
    expect(ids).toEqual(['0000000001', '0000000002', '0000000010', '0000000100']);
  });

  it('refuses ids that cannot be padded faithfully', () => {
    expect(() => padId(-1)).toThrow(RangeError);
    expect(() => padId(1.5)).toThrow(RangeError);
  });

  it('keys an account by phone and indexes it by id and scope', () => {
    expect(accountKey('13800000001')).toEqual({ pk: 'ACCOUNT#13800000001', sk: 'ACCOUNT' });
    expect(accountIdIndexKey(7)).toEqual({ gsi1pk: 'ACCOUNTID#7', gsi1sk: 'ACCOUNT' });
    expect(accountScopeIndexKey('city', '350000', '350200', 7)).toEqual({
      gsi2pk: 'ACCOUNTS#city',
      gsi2sk: '350000#350200#0000000007',
    });
    expect(accountScopeIndexKey('province', '350000', undefined, 3).gsi2sk).toBe('350000#-#0000000003');
  });

  it('builds scope prefixes that select a province or one city', () => {
    expect(accountScopePrefix()).toBe('');
    expect(accountScopePrefix('350000')).toBe('350000#');
    expect(accountScopePrefix('350000', '350200')).toBe('350000#350200#');
    expect(accountScopeIndexKey('city', '350000', '350200', 1).gsi2sk.startsWith(accountScopePrefix('350000', '350200'))).toBe(true);
    expect(accountScopeIndexKey('city', '350000', '350300', 1).gsi2sk.startsWith(accountScopePrefix('350000', '350200'))).toBe(false);
  });

  it('keeps sessions in the account partition', () => {
    expect(sessionKey('13800000001', 'abc')).toEqual({ pk: 'ACCOUNT#13800000001', sk: 'SESSION#abc' });
  });

  it('keys sign-in state, counters and audit entries', () => {
    expect(smsCodeKey('13800000001', 'login')).toEqual({ pk: 'SMS#13800000001', sk: 'login' });
    expect(rateKey('sms-ip', '10.0.0.1', '20261127')).toEqual({ pk: 'RATE#sms-ip#10.0.0.1', sk: '20261127' });
    expect(idCounterKey('account')).toEqual({ pk: 'COUNTER#account', sk: 'COUNTER' });
    expect(auditKey('20261127', '2026-11-27T01:00:00.000Z', 'x')).toEqual({
      pk: 'AUDIT#20261127',
      sk: '2026-11-27T01:00:00.000Z#x',
    });
  });
});

describe('table definition', () => {
  it('declares every key attribute once: strings, and the numbers the rank indexes sort by', () => {
    const input = createTableInput('t');
    const strings = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk', 'ipk'];
    expect(keyAttributes()).toEqual([...strings.map((name) => ({ name, type: 'S' })), ...INSTITUTION_RANK_COLUMNS.map((name) => ({ name, type: 'N' }))]);
    expect(input.AttributeDefinitions).toHaveLength(strings.length + INSTITUTION_RANK_COLUMNS.length);
    expect(input.GlobalSecondaryIndexes.map((index) => [index.IndexName, index.Projection.ProjectionType])).toEqual([
      ['gsi1', 'ALL'],
      ['gsi2', 'ALL'],
      ['gsi3', 'ALL'],
      ...INSTITUTION_RANK_COLUMNS.map((column) => [`rank_${column}`, 'KEYS_ONLY']),
    ]);
  });

  it('filters the stream on the entity of the old or the new image', () => {
    const patterns = rollupStreamFilterPatterns();
    expect(patterns).toHaveLength(2);
    expect(JSON.stringify(patterns)).not.toContain('stat');
  });
});
