/**
 * Money is integer yuan (元) everywhere inside the system and in the API (docs/data-model.md, "Entities"); screens and
 * exports show 万元 with two decimals. Never sum floats.
 */

/** True for a safe, non-negative integer amount of yuan. */
export function isYuan(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * Formats integer yuan as 万元 with two decimals, rounding half up on the third decimal, using integer
 * arithmetic only: 123456789 → "12345.68".
 */
export function yuanToWanText(yuan: number): string {
  if (!Number.isSafeInteger(yuan)) throw new RangeError(`amount must be an integer number of yuan: ${yuan}`);
  const negative = yuan < 0;
  const hundredthsOfWan = (BigInt(Math.abs(yuan)) + 50n) / 100n; // 1 万元 = 10000 元; 0.01 万元 = 100 元
  const whole = hundredthsOfWan / 100n;
  const fraction = (hundredthsOfWan % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

/** 万元 as a number with two decimals, for spreadsheet cells and charts (display only). */
export function yuanToWan(yuan: number): number {
  return Number(yuanToWanText(yuan));
}
