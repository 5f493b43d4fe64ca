/**
 * Display formats of the console: money is integer yuan in the API and 万元 with two decimals on
 * screen (integer arithmetic, as shared/money.ts), rates are percentages, times are China time.
 */

/** Integer yuan → 万元 with two decimals, rounding half up: 123456789 → "12345.68". */
export function wan(yuan: number | null | undefined): string {
  if (yuan === null || yuan === undefined || !Number.isFinite(yuan)) return '—';
  const whole = Math.round(yuan);
  const negative = whole < 0;
  const hundredthsOfWan = (BigInt(Math.abs(whole)) + 50n) / 100n; // 0.01 万元 = 100 元
  const integer = hundredthsOfWan / 100n;
  const fraction = (hundredthsOfWan % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${integer}.${fraction}`;
}

/** 万元 with thousands separators, for large cards: 123456789 → "12,345.68". */
export function wanGrouped(yuan: number | null | undefined): string {
  const text = wan(yuan);
  if (text === '—') return text;
  const [integer, fraction] = text.split('.') as [string, string];
  return `${integer.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${fraction}`;
}

/** 万元 as a number, for chart values only (never summed). */
export function wanNumber(yuan: number | null | undefined): number {
  const text = wan(yuan);
  return text === '—' ? 0 : Number(text);
}

/** A rate in [0, 1] as a percentage with two decimals; '—' when there is none. */
export function percent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—';
  return `${(Math.round(rate * 10000) / 100).toFixed(2)}%`;
}

/** A count with thousands separators. */
export function count(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return Math.round(n).toLocaleString('zh-CN');
}

const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

function chinaParts(iso: string): { y: string; m: string; d: string; hh: string; mm: string; ss: string } | undefined {
  const time = Date.parse(iso);
  if (!Number.isFinite(time)) return undefined;
  // China Standard Time has no daylight saving: a fixed UTC+8 shift gives the wall clock.
  const shifted = new Date(time + CHINA_OFFSET_MS);
  const pad = (value: number) => String(value).padStart(2, '0');
  return {
    y: String(shifted.getUTCFullYear()),
    m: pad(shifted.getUTCMonth() + 1),
    d: pad(shifted.getUTCDate()),
    hh: pad(shifted.getUTCHours()),
    mm: pad(shifted.getUTCMinutes()),
    ss: pad(shifted.getUTCSeconds()),
  };
}

/** An ISO time as the China date `2026.03.05` (the console's style). */
export function date(iso: string | null | undefined): string {
  if (!iso) return '—';
  // A plain date (`2026-03-05`) is already a China calendar day.
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso.replace(/-/g, '.');
  const parts = chinaParts(iso);
  return parts ? `${parts.y}.${parts.m}.${parts.d}` : iso;
}

/** An ISO time as China date and time `2026.03.05 14:07`. */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const parts = chinaParts(iso);
  return parts ? `${parts.y}.${parts.m}.${parts.d} ${parts.hh}:${parts.mm}` : iso;
}

/** The current year in China. */
export function chinaYear(now: Date = new Date()): number {
  return new Date(now.getTime() + CHINA_OFFSET_MS).getUTCFullYear();
}
