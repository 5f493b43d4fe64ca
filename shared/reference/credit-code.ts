/**
 * The 18-character unified social credit code (统一社会信用代码, GB 32100-2015): registration
 * authority, organisation type, 6-digit administrative division code, 9-character organisation code
 * and a check character computed over the first 17 with weights 3^(i) mod 31 over the alphabet below.
 */

/** The code's 31 characters (no I, O, S, V, Z), in value order. */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const SHAPE = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

/** The check character for the first 17 characters. */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) {
    const value = ALPHABET.indexOf(first17[i] ?? '');
    if (value < 0) throw new RangeError(`invalid credit code character at ${i + 1}`);
    sum += value * WEIGHTS[i]!;
  }
  return ALPHABET[(31 - (sum % 31)) % 31]!;
}

/** True for a well-formed code whose check character matches. */
export function isValidCreditCode(code: string): boolean {
  if (!SHAPE.test(code)) return false;
  return creditCodeCheckChar(code.slice(0, 17)) === code[17];
}
