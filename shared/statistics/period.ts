/** The period a statistics request is about: all time, a year, or a month of a year (China time). */
import * as z from 'zod';
import { ALL_TIME, monthPeriod, yearPeriod, type StatPeriod } from '#shared/db/keys';
import { ValidationError } from '#shared/http/errors';
import { regionCodeSchema } from '#shared/http/schemas';
import { chinaDateParts } from '#shared/time';

export const yearSchema = z.coerce.number().int().min(2000).max(2100);
export const monthSchema = z.coerce.number().int().min(1).max(12);

/** The common query of the statistics routes: a region (default: the caller's own) and a period. */
export const periodQuerySchema = z.object({
  region: regionCodeSchema.optional(),
  year: yearSchema.optional(),
  month: monthSchema.optional(),
});
export type PeriodQuery = z.output<typeof periodQuerySchema>;

export interface StatsPeriod {
  year: number | null;
  month: number | null;
  /** The counters' period key: `all`, `Y2024`, `M2024-03`. */
  key: StatPeriod;
}

/** Throws ValidationError (400) for a month without a year. */
export function resolvePeriod(year: number | undefined, month: number | undefined): StatsPeriod {
  if (month !== undefined && year === undefined) {
    throw new ValidationError([{ path: 'query.month', message: '按月统计须同时指定年份' }]);
  }
  if (year === undefined) return { year: null, month: null, key: ALL_TIME };
  if (month === undefined) return { year, month: null, key: yearPeriod(year) };
  return { year, month, key: monthPeriod(year, month) };
}

/** 全部时间 / 2024年 / 2024年4月. */
export function periodLabel(year: number | null | undefined, month: number | null | undefined): string {
  if (year === undefined || year === null) return '全部时间';
  return month === undefined || month === null ? `${year}年` : `${year}年${month}月`;
}

/** The periods a figure of `period` is compared with (同比 / 环比, docs/console.md, "Figures"). */
export interface ComparisonPeriods {
  /**
   * The period compared: the chosen month or year, or, for all time, the current month (China time)
   * up to now.
   */
  basis: StatsPeriod;
  /** 同比: the same period a year earlier. */
  yearOnYear: StatsPeriod;
  /** 环比: the month before (a month basis only; a year has no 环比). */
  monthOnMonth: StatsPeriod | null;
}

const monthOf = (year: number, month: number): StatsPeriod => ({ year, month, key: monthPeriod(year, month) });

export function comparisonPeriods(period: StatsPeriod, now: Date = new Date()): ComparisonPeriods {
  if (period.year !== null && period.month === null) {
    return { basis: period, yearOnYear: { year: period.year - 1, month: null, key: yearPeriod(period.year - 1) }, monthOnMonth: null };
  }
  const { year, month } = period.year !== null && period.month !== null ? { year: period.year, month: period.month } : chinaDateParts(now);
  const previous = month === 1 ? monthOf(year - 1, 12) : monthOf(year, month - 1);
  return { basis: monthOf(year, month), yearOnYear: monthOf(year - 1, month), monthOnMonth: previous };
}
