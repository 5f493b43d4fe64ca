/**
 * Display formats of the console. Figures are written by shared/contract/figures.ts, the module the
 * Excel reports use too (counts with separators, 万元 with two decimals, 亿元 on cards, percentages
 * with one decimal); times are China time.
 */
export {
  formatAmount as amount,
  formatChange as change,
  formatCount as count,
  formatPercent as percent,
  formatPointChange as pointChange,
  formatWan as wan,
  wanValue as wanNumber,
  NO_FIGURE,
  PERCENT_DECIMALS,
} from '../../../shared/contract/figures';

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
