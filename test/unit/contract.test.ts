/**
 * shared/contract/: how the console writes figures (screens and Excel alike) and the input rules
 * the site checks before the API checks them again.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  EXCEL_NUMBER_FORMATS,
  formatAmount,
  formatChange,
  formatCount,
  formatPercent,
  formatPointChange,
  formatWan,
  formatYi,
  wanValue,
} from '#shared/contract/figures';
import { PASSWORD_HINT, PHONE_PATTERN, passwordProblems } from '#shared/contract/rules';
import { yuanToWanText } from '#shared/money';
import { passwordProblems as serverPasswordProblems } from '#shared/auth/passwords';
import { phoneSchema } from '#shared/http/schemas';

describe('figures', () => {
  it('writes counts with thousands separators', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(-12345)).toBe('-12,345');
    expect(formatCount(null)).toBe('—');
  });

  it('writes yuan as 万元 with two decimals and separators, rounding half up', () => {
    expect(formatWan(0)).toBe('0.00');
    expect(formatWan(49)).toBe('0.00');
    expect(formatWan(50)).toBe('0.01');
    expect(formatWan(123_456_789)).toBe('12,345.68');
    expect(formatWan(36_346_306_000)).toBe('3,634,630.60');
    expect(formatWan(-1_000_050)).toBe('-100.01');
    expect(formatWan(-49)).toBe('0.00');
    expect(formatWan(undefined)).toBe('—');
  });

  it('agrees with the server money text for every amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e15 }), (yuan) => {
        expect(formatWan(yuan).replace(/,/g, '')).toBe(yuanToWanText(yuan));
        expect(wanValue(yuan)).toBe(Number(yuanToWanText(yuan)));
      }),
    );
  });

  it('switches a card to 亿元 from 1 亿元 on', () => {
    expect(formatAmount(99_994_999)).toEqual({ text: '9,999.50', unit: '万元' });
    expect(formatAmount(100_000_000)).toEqual({ text: '1.00', unit: '亿元' });
    expect(formatAmount(36_346_306_000)).toEqual({ text: '363.46', unit: '亿元' });
    expect(formatYi(123_456_789_012_345)).toBe('1,234,567.89');
  });

  it('writes rates and changes with one decimal', () => {
    expect(formatPercent(1 / 3)).toBe('33.3%');
    expect(formatPercent(1)).toBe('100.0%');
    expect(formatPercent(0)).toBe('0.0%');
    expect(formatPercent(null)).toBe('—');
    expect(formatChange(125, 100)).toBe('+25.0%');
    expect(formatChange(97, 100)).toBe('-3.0%');
    expect(formatChange(100, 100)).toBe('0.0%');
    expect(formatChange(5, 0)).toBeNull();
    expect(formatPointChange(0.35, 0.2)).toBe('+15.0个百分点');
    expect(formatPointChange(0.2, null)).toBeNull();
  });

  it('gives Excel the same decimals as the screens', () => {
    expect(EXCEL_NUMBER_FORMATS).toEqual({ count: '#,##0', wan: '#,##0.00', percent: '0.0%' });
  });
});

describe('input rules', () => {
  it('the password rule is the one the API enforces', () => {
    // One function for both: the API's check is the contract's rule itself.
    expect(serverPasswordProblems).toBe(passwordProblems);
    const cases: [string, string[]][] = [
      ['Demo@2026', []],
      ['Abcdefg1', []],
      ['abcdefgh', ['密码须同时包含字母和数字', '密码须包含大写字母、小写字母、数字、特殊字符中的至少 3 类']],
      ['ABCD1234', ['密码须包含大写字母、小写字母、数字、特殊字符中的至少 3 类']],
      ['short1A', ['密码长度至少 8 位']],
      ['x'.repeat(70) + 'A1', ['密码长度不超过 64 位']],
    ];
    for (const [password, problems] of cases) expect(passwordProblems(password), password).toEqual(problems);
    expect(PASSWORD_HINT).toContain('至少 8 位');
  });

  it('the phone rule is the one the API enforces', () => {
    for (const phone of ['13800000000', '19912345678', '12800000000', '1380000000', '138000000000', 'abc']) {
      expect(PHONE_PATTERN.test(phone)).toBe(phoneSchema.safeParse(phone).success);
    }
  });
});
