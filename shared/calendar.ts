/**
 * Working days (工作日) of the national calendar: Monday to Friday, minus the holidays, plus the
 * weekend days worked instead (调休上班), as listed in shared/reference/holidays.ts. Days are China
 * days written `yyyymmdd` (shared/time.ts, `chinaDay`).
 *
 * A year the calendar does not list counts weekends only, and asking about it logs a warning once
 * per year and process, so that a missing arrangement shows in the logs long before anyone notices a
 * wrong count (docs/operations.md, "The working-day calendar").
 */
import { logger } from '#shared/http/logger';
import { HOLIDAY_ARRANGEMENTS, type YearArrangement } from '#shared/reference/holidays';

const DAY_MS = 86_400_000;
const DAY_PATTERN = /^(\d{4})(\d{2})(\d{2})$/;

/** Days since 1970-01-01 of a `yyyymmdd` day. Throws RangeError for anything else. */
export function dayNumber(day: string): number {
  const match = DAY_PATTERN.exec(day);
  if (!match) throw new RangeError(`not a yyyymmdd day: ${day}`);
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const time = Date.UTC(year, month - 1, date);
  const back = new Date(time);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== date) throw new RangeError(`no such day: ${day}`);
  return time / DAY_MS;
}

/** The `yyyymmdd` day of a day number. */
export function dayOfNumber(n: number): string {
  const date = new Date(n * DAY_MS);
  return `${date.getUTCFullYear()}${String(date.getUTCMonth() + 1).padStart(2, '0')}${String(date.getUTCDate()).padStart(2, '0')}`;
}

/** The day `n` days after `day` (before, for negative `n`). */
export function addDays(day: string, n: number): string {
  return dayOfNumber(dayNumber(day) + n);
}

const compact = (isoDate: string) => isoDate.replaceAll('-', '');

interface YearDays {
  holidays: Set<string>;
  workdays: Set<string>;
}

/** The arrangements as day sets, checked: a malformed entry stops the process at start. */
function build(arrangements: readonly YearArrangement[]): Map<number, YearDays> {
  const years = new Map<number, YearDays>();
  for (const arrangement of arrangements) {
    if (years.has(arrangement.year)) throw new Error(`holiday calendar: year ${arrangement.year} listed twice`);
    const days: YearDays = { holidays: new Set(), workdays: new Set() };
    for (const range of arrangement.holidays) {
      const [from, to] = [dayNumber(compact(range.from)), dayNumber(compact(range.to))];
      if (from > to || to - from > 14) throw new Error(`holiday calendar: ${range.name} ${range.from}..${range.to} is not a holiday range`);
      for (let n = from; n <= to; n += 1) days.holidays.add(dayOfNumber(n));
    }
    for (const isoDate of arrangement.workdays) {
      const day = compact(isoDate);
      const weekday = new Date(dayNumber(day) * DAY_MS).getUTCDay();
      if (weekday !== 0 && weekday !== 6) throw new Error(`holiday calendar: make-up working day ${isoDate} is not a weekend day`);
      if (days.holidays.has(day)) throw new Error(`holiday calendar: ${isoDate} is both a holiday and a working day`);
      days.workdays.add(day);
    }
    for (const day of [...days.holidays, ...days.workdays]) {
      // A holiday range may run into the next year (元旦 never does, but 春节 could); it is listed
      // with the year that published it. Anything further away is a typing error.
      if (Math.abs(Number(day.slice(0, 4)) - arrangement.year) > 1) throw new Error(`holiday calendar: ${day} listed under ${arrangement.year}`);
    }
    years.set(arrangement.year, days);
  }
  return years;
}

const YEARS = build(HOLIDAY_ARRANGEMENTS);
const HOLIDAYS = new Set([...YEARS.values()].flatMap((year) => [...year.holidays]));
const MAKE_UP_DAYS = new Set([...YEARS.values()].flatMap((year) => [...year.workdays]));
const warned = new Set<number>();

/** The years the calendar lists, ascending. */
export function calendarYears(): number[] {
  return [...YEARS.keys()].sort((a, b) => a - b);
}

/** True when the calendar lists the year's arrangement; otherwise warns (once per year) and answers false. */
export function isYearCovered(year: number): boolean {
  if (YEARS.has(year)) return true;
  if (!warned.has(year)) {
    warned.add(year);
    logger.warn('calendar: no holiday arrangement for this year; counting weekends only (update shared/reference/holidays.ts)', { year });
  }
  return false;
}

/** True for a working day (see the file's comment). */
export function isWorkday(day: string): boolean {
  const n = dayNumber(day);
  isYearCovered(Number(day.slice(0, 4)));
  if (MAKE_UP_DAYS.has(day)) return true;
  if (HOLIDAYS.has(day)) return false;
  const weekday = new Date(n * DAY_MS).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/** What kind of day it is, for the console and the tests. */
export function dayKind(day: string): 'workday' | 'weekend' | 'holiday' | 'make-up-workday' {
  if (MAKE_UP_DAYS.has(day)) return 'make-up-workday';
  if (HOLIDAYS.has(day)) return 'holiday';
  return isWorkday(day) ? 'workday' : 'weekend';
}

/** The longest run of days off the calendar can hold (a holiday joined to weekends), with margin. */
const MAX_DAYS_OFF_IN_A_ROW = 30;

/** The `n`-th working day strictly before `day` (n ≥ 1): `nthWorkdayBefore(Friday, 1)` is Thursday. */
export function nthWorkdayBefore(day: string, n: number): string {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`n must be a positive integer: ${n}`);
  let cursor = dayNumber(day);
  let found = 0;
  for (let steps = 0; steps < n * 7 + MAX_DAYS_OFF_IN_A_ROW; steps += 1) {
    cursor -= 1;
    if (isWorkday(dayOfNumber(cursor)) && ++found === n) return dayOfNumber(cursor);
  }
  throw new Error(`calendar: no ${n} working days before ${day}`);
}

/** Day numbers, ascending, of the holidays falling on Monday to Friday and of the make-up working days. */
const WEEKDAY_HOLIDAYS = [...HOLIDAYS].map(dayNumber).filter((n) => ![0, 6].includes(new Date(n * DAY_MS).getUTCDay())).sort((a, b) => a - b);
const MAKE_UP_NUMBERS = [...MAKE_UP_DAYS].map(dayNumber).sort((a, b) => a - b);

/** How many entries of an ascending list are ≤ n. */
function countUpTo(list: readonly number[], n: number): number {
  let [low, high] = [0, list.length];
  while (low < high) {
    const mid = (low + high) >> 1;
    if (list[mid]! <= n) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Mondays to Fridays among the day numbers 0..n (day 0, 1970-01-01, was a Thursday). */
function weekdaysUpTo(n: number): number {
  const weeks = Math.floor((n + 1) / 7);
  let count = weeks * 5;
  for (let d = weeks * 7; d <= n; d += 1) {
    const weekday = (d + 4) % 7;
    if (weekday !== 0 && weekday !== 6) count += 1;
  }
  return count;
}

/** Working days among the day numbers 0..n. */
function workdaysUpTo(n: number): number {
  return weekdaysUpTo(n) - countUpTo(WEEKDAY_HOLIDAYS, n) + countUpTo(MAKE_UP_NUMBERS, n);
}

/**
 * The number of working days strictly between two days (0 when `to` is not after `from` + 1). Cost
 * independent of the distance; every year of the span is checked for coverage.
 */
export function workdaysBetween(from: string, to: string): number {
  const [a, b] = [dayNumber(from), dayNumber(to)];
  if (b - a < 2) return 0;
  for (let year = Number(from.slice(0, 4)); year <= Number(to.slice(0, 4)); year += 1) isYearCovered(year);
  return workdaysUpTo(b - 1) - workdaysUpTo(a);
}
