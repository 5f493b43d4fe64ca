/**
 * Time rules (docs/data-model.md, "Entities"): stored timestamps are ISO-8601 UTC; periods (year, month, day) are
 * China Standard Time (UTC+8, no daylight saving).
 */

const CST_OFFSET_MS = 8 * 60 * 60 * 1000;

export interface ChinaDateParts {
  year: number;
  month: number;
  day: number;
}

/** The China-time calendar date of an instant. */
export function chinaDateParts(instant: Date | string | number): ChinaDateParts {
  const shifted = new Date(new Date(instant).getTime() + CST_OFFSET_MS);
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/** `yyyymmdd` in China time. */
export function chinaDay(instant: Date | string | number): string {
  const { year, month, day } = chinaDateParts(instant);
  return `${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`;
}

/** `yyyy-mm-dd` in China time. */
export function chinaIsoDate(instant: Date | string | number): string {
  const { year, month, day } = chinaDateParts(instant);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The UTC instant at which a China-time day begins. */
export function chinaDayStart(year: number, month: number, day: number): Date {
  return new Date(Date.UTC(year, month - 1, day) - CST_OFFSET_MS);
}

/** Seconds since the epoch, for TTL attributes. */
export function epochSeconds(instant: Date | number): number {
  return Math.floor(new Date(instant).getTime() / 1000);
}

/** `yyyymmddhh` in China time: the hour windows of the sign-in limits. */
export function chinaHour(instant: Date | string | number): string {
  const shifted = new Date(new Date(instant).getTime() + CST_OFFSET_MS);
  return `${chinaDay(instant)}${String(shifted.getUTCHours()).padStart(2, '0')}`;
}

/** Seconds from `now` to the next China-time midnight. */
export function secondsUntilChinaMidnight(now: Date): number {
  const { year, month, day } = chinaDateParts(now);
  return Math.ceil((chinaDayStart(year, month, day).getTime() + 86_400_000 - now.getTime()) / 1000);
}

/** True for a `yyyy-mm-dd` that names a real calendar day (not 2026-02-30 or 2026-13-01). */
export function isCalendarDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}
