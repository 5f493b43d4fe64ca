/**
 * How the console writes a figure, for the screens and the Excel reports alike (docs/console.md,
 * "Figures"): counts with thousands separators, money (integer yuan in the API) as 万元 with two
 * decimals and separators, large amounts on cards as 亿元, rates as percentages with one decimal.
 *
 * This module is shared with the admin site, which may import nothing else of the server
 * (eslint.config.js): it stays pure and imports nothing.
 */

/** Decimals of an amount in 万元 or 亿元. */
export const MONEY_DECIMALS = 2;
/** Decimals of a percentage. */
export const PERCENT_DECIMALS = 1;
/** Yuan in one 万元 and in one 亿元. */
export const YUAN_PER_WAN = 10_000;
export const YUAN_PER_YI = 100_000_000;
/** From this many yuan on, a card shows 亿元 instead of 万元 (1 亿元). */
export const YI_THRESHOLD_YUAN = YUAN_PER_YI;
/** What a missing figure shows. */
export const NO_FIGURE = '—';

/** The Excel number formats of the same figures (the workbook keeps numbers as numbers). */
export const EXCEL_NUMBER_FORMATS = {
  count: '#,##0',
  wan: `#,##0.${'0'.repeat(MONEY_DECIMALS)}`,
  percent: `0.${'0'.repeat(PERCENT_DECIMALS)}%`,
} as const;

const isFiniteNumber = (value: number | null | undefined): value is number => typeof value === 'number' && Number.isFinite(value);

/** `1234567` → `1,234,567` (an integer's digits, grouped by three). */
function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Integer yuan divided by `unit` (10⁴ or 10⁸) with two decimals, rounding half away from zero, in
 * integer arithmetic (money is never a float): [sign, integer digits, fraction digits].
 */
function scaled(yuan: number, unit: number): [sign: string, integer: string, fraction: string] {
  const whole = BigInt(Math.round(yuan));
  const negative = whole < 0n;
  const magnitude = negative ? -whole : whole;
  const step = BigInt(unit / 10 ** MONEY_DECIMALS); // yuan in 0.01 of the unit
  const hundredths = (magnitude + step / 2n) / step;
  const scale = BigInt(10 ** MONEY_DECIMALS);
  const integer = (hundredths / scale).toString();
  const fraction = (hundredths % scale).toString().padStart(MONEY_DECIMALS, '0');
  return [negative && hundredths > 0n ? '-' : '', integer, fraction];
}

/** A count with separators: `12345` → `12,345`; null → `—`. */
export function formatCount(value: number | null | undefined): string {
  if (!isFiniteNumber(value)) return NO_FIGURE;
  const rounded = Math.round(value);
  return `${rounded < 0 ? '-' : ''}${group(String(Math.abs(rounded)))}`;
}

/** Integer yuan as 万元 with two decimals and separators: `3634630600` → `363,463.06`; null → `—`. */
export function formatWan(yuan: number | null | undefined): string {
  if (!isFiniteNumber(yuan)) return NO_FIGURE;
  const [sign, integer, fraction] = scaled(yuan, YUAN_PER_WAN);
  return `${sign}${group(integer)}.${fraction}`;
}

/** Integer yuan as 亿元 with two decimals and separators: `36346306000` → `363.46`. */
export function formatYi(yuan: number | null | undefined): string {
  if (!isFiniteNumber(yuan)) return NO_FIGURE;
  const [sign, integer, fraction] = scaled(yuan, YUAN_PER_YI);
  return `${sign}${group(integer)}.${fraction}`;
}

/** Integer yuan as the number of 万元 with two decimals, for charts and spreadsheet cells (never summed). */
export function wanValue(yuan: number | null | undefined): number {
  if (!isFiniteNumber(yuan)) return 0;
  const [sign, integer, fraction] = scaled(yuan, YUAN_PER_WAN);
  return Number(`${sign}${integer}.${fraction}`);
}

/** An amount as a card shows it: 万元, or 亿元 from 1 亿元 on. */
export function formatAmount(yuan: number | null | undefined): { text: string; unit: '万元' | '亿元' } {
  if (isFiniteNumber(yuan) && Math.abs(yuan) >= YI_THRESHOLD_YUAN) return { text: formatYi(yuan), unit: '亿元' };
  return { text: formatWan(yuan), unit: '万元' };
}

/** A rate in [0, 1] as a percentage with one decimal: `0.33333` → `33.3%`; null → `—`. */
export function formatPercent(rate: number | null | undefined): string {
  if (!isFiniteNumber(rate)) return NO_FIGURE;
  return `${(rate * 100).toFixed(PERCENT_DECIMALS)}%`;
}

/**
 * The change of a figure against an earlier one as a signed percentage with one decimal
 * (`+12.5%`, `-3.0%`); null when there is nothing to compare with (the earlier figure is 0 or missing).
 */
export function formatChange(current: number | null | undefined, previous: number | null | undefined): string | null {
  if (!isFiniteNumber(current) || !isFiniteNumber(previous) || previous === 0) return null;
  const change = ((current - previous) / Math.abs(previous)) * 100;
  const text = Math.abs(change).toFixed(PERCENT_DECIMALS);
  if (Number(text) === 0) return `0.${'0'.repeat(PERCENT_DECIMALS)}%`;
  return `${change > 0 ? '+' : '-'}${text}%`;
}

/** The difference of two rates in percentage points (`+1.5个百分点`); null when either is missing. */
export function formatPointChange(current: number | null | undefined, previous: number | null | undefined): string | null {
  if (!isFiniteNumber(current) || !isFiniteNumber(previous)) return null;
  const points = (current - previous) * 100;
  const text = Math.abs(points).toFixed(PERCENT_DECIMALS);
  if (Number(text) === 0) return `0.${'0'.repeat(PERCENT_DECIMALS)}个百分点`;
  return `${points > 0 ? '+' : '-'}${text}个百分点`;
}
