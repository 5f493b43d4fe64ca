import { describe, expect, it } from 'vitest';
import {
  institutionCityPrefix,
  institutionKey,
  institutionListIndexKey,
  institutionListPartition,
  institutionNameGuardKey,
  MAX_INSTITUTION_SORT_ORDER,
  normalizeInstitutionName,
  SPECIALIST_SK_PREFIX,
  specialistKey,
  specialistPhoneGuardKey,
} from '#shared/db/keys';

describe('institution key builders', () => {
  it('keys an institution by id', () => {
    expect(institutionKey(4036)).toEqual({ pk: 'INSTITUTION#4036', sk: 'INSTITUTION' });
  });

  it('indexes institutions by province, then city, padded sort order and padded id', () => {
    expect(institutionListIndexKey('350000', '350200', 7, 30)).toEqual({
      gsi2pk: 'INSTITUTIONS#350000',
      gsi2sk: '350200#000007#0000000030',
    });
    expect(institutionListPartition('350000')).toBe('INSTITUTIONS#350000');
  });

  it('sorts index entries by sort order, then id, as strings', () => {
    const entries = [
      [10, 1],
      [2, 30],
      [2, 4],
      [0, 100],
    ].map(([sortOrder, id]) => institutionListIndexKey('350000', '350200', sortOrder!, id!).gsi2sk);
    expect([...entries].sort()).toEqual([entries[3], entries[2], entries[1], entries[0]]);
  });

  it('selects one city of a province partition with its prefix', () => {
    const xiamen = institutionListIndexKey('350000', '350200', 0, 1).gsi2sk;
    const fuzhou = institutionListIndexKey('350000', '350100', 0, 1).gsi2sk;
    expect(xiamen.startsWith(institutionCityPrefix('350200'))).toBe(true);
    expect(fuzhou.startsWith(institutionCityPrefix('350200'))).toBe(false);
  });

  it('refuses sort orders the padding cannot hold', () => {
    expect(institutionListIndexKey('350000', '350200', MAX_INSTITUTION_SORT_ORDER, 1).gsi2sk).toContain('#999999#');
    expect(() => institutionListIndexKey('350000', '350200', MAX_INSTITUTION_SORT_ORDER + 1, 1)).toThrow(RangeError);
    expect(() => institutionListIndexKey('350000', '350200', -1, 1)).toThrow(RangeError);
    expect(() => institutionListIndexKey('350000', '350200', 1.5, 1)).toThrow(RangeError);
  });

  it('guards full names per city, comparing a normalised form', () => {
    expect(institutionNameGuardKey('350200', '中国工商银行股份有限公司')).toEqual({
      pk: 'INSTNAME#350200#中国工商银行股份有限公司',
      sk: 'GUARD',
    });
    expect(institutionNameGuardKey('350200', ' 交通银行（厦门）  分行 ')).toEqual(institutionNameGuardKey('350200', '交通银行(厦门) 分行'));
    expect(institutionNameGuardKey('350200', 'ＡＢＣ银行')).toEqual(institutionNameGuardKey('350200', 'abc银行'));
    expect(institutionNameGuardKey('350100', '交通银行')).not.toEqual(institutionNameGuardKey('350200', '交通银行'));
    expect(normalizeInstitutionName('中国 银行')).not.toBe(normalizeInstitutionName('中国银行'));
  });

  it('keeps specialists in their institution partition, after the institution item', () => {
    expect(specialistKey(30, 5)).toEqual({ pk: 'INSTITUTION#30', sk: 'SPECIALIST#0000000005' });
    expect(specialistKey(30, 5).pk).toBe(institutionKey(30).pk);
    expect(specialistKey(30, 5).sk.startsWith(SPECIALIST_SK_PREFIX)).toBe(true);
    expect(institutionKey(30).sk.startsWith(SPECIALIST_SK_PREFIX)).toBe(false);
  });

  it('guards specialist phones across all institutions', () => {
    expect(specialistPhoneGuardKey('18859663914')).toEqual({ pk: 'SPECIALISTPHONE#18859663914', sk: 'GUARD' });
  });
});
