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

/** An ISO time as China date and time to the second, `2026-03-05 14:07:09` (the 审计日志's times). */
export function dateTimeSeconds(iso: string | null | undefined): string {
  if (!iso) return '—';
  const parts = chinaParts(iso);
  return parts ? `${parts.y}-${parts.m}-${parts.d} ${parts.hh}:${parts.mm}:${parts.ss}` : iso;
}

/** The China calendar day `daysAgo` days before today, as `yyyy-mm-dd`. */
export function chinaDay(daysAgo = 0, now: Date = new Date()): string {
  return new Date(now.getTime() + CHINA_OFFSET_MS - daysAgo * 86_400_000).toISOString().slice(0, 10);
}

/** Whole days from the China day `from` to `to` (both `yyyy-mm-dd`), 0 for the same day. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** A wait in seconds as Chinese text: 45 秒, 1 分 30 秒, 15 分钟, 6 小时 20 分钟. */
export function waitText(seconds: number): string {
  const total = Math.max(0, Math.ceil(seconds));
  if (total < 60) return `${total} 秒`;
  if (total < 3600) {
    const minutes = Math.floor(total / 60);
    const rest = total % 60;
    return rest === 0 ? `${minutes} 分钟` : `${minutes} 分 ${rest} 秒`;
  }
  const hours = Math.floor(total / 3600);
  const minutes = Math.ceil((total % 3600) / 60);
  if (minutes === 60) return `${hours + 1} 小时`;
  return minutes === 0 ? `${hours} 小时` : `${hours} 小时 ${minutes} 分钟`;
}
