import { describe, expect, it } from 'vitest';
import { creditCodeCheckChar, isValidCreditCode } from '#shared/reference/credit-code';

const REAL_CODES = ['91110108551385082Q', '91330100799655058B', '9144030071526726XG', '914403001922038216'];

describe('unified social credit code', () => {
  it('accepts real codes', () => {
    for (const code of REAL_CODES) expect(isValidCreditCode(code)).toBe(true);
  });

  it('rejects every single-character alteration of a real code', () => {
    const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    for (const code of REAL_CODES) {
      for (let position = 0; position < 18; position += 1) {
        for (const replacement of alphabet) {
          if (replacement === code[position]) continue;
          const altered = code.slice(0, position) + replacement + code.slice(position + 1);
          expect(isValidCreditCode(altered), altered).toBe(false);
        }
      }
    }
  });

  it('rejects wrong lengths, lower case and letters outside the alphabet', () => {
    expect(isValidCreditCode('91110108551385082')).toBe(false);
    expect(isValidCreditCode('91110108551385082QQ')).toBe(false);
    expect(isValidCreditCode('91110108551385082q')).toBe(false);
    expect(isValidCreditCode('9111010855138508IQ')).toBe(false);
    expect(isValidCreditCode('91A10108551385082Q')).toBe(false); // the division code is six digits
  });

  it('computes the check character of the first 17', () => {
    expect(creditCodeCheckChar('91110108551385082')).toBe('Q');
    expect(() => creditCodeCheckChar('9111010855138508I')).toThrow(RangeError);
  });
});
