/**
 * The national holiday calendar (法定节假日 and 调休), as data the operator updates once a year
 * (docs/operations.md, "The working-day calendar"). The 督办 rules count working days with it
 * (shared/calendar.ts): a day is a working day when it is a Monday to Friday that is not a holiday,
 * or a weekend day listed as a make-up working day (调休上班).
 *
 * Each year lists the arrangement the State Council's General Office (国务院办公厅) published for it:
 * the holiday ranges (days off, weekends inside them included) and the weekend days worked instead.
 * A year that is not listed is counted as weekends only, and the code logs a warning whenever it is
 * asked about such a year: add the year here as soon as its arrangement is published (usually in
 * November of the year before), then deploy.
 *
 * 2027: not published yet (checked 2026-11-28); until it is, 2027 counts weekends only.
 */

/** A holiday: every day from `from` to `to` (inclusive, `yyyy-mm-dd`) is a day off. */
export interface HolidayRange {
  name: string;
  from: string;
  to: string;
}

/** One year's arrangement. */
export interface YearArrangement {
  year: number;
  /** Where it comes from, for whoever checks it. */
  source: string;
  holidays: readonly HolidayRange[];
  /** Weekend days that are working days (调休上班), `yyyy-mm-dd`. */
  workdays: readonly string[];
}

export const HOLIDAY_ARRANGEMENTS: readonly YearArrangement[] = [
  {
    year: 2025,
    source: '国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）',
    holidays: [
      { name: '元旦', from: '2025-01-01', to: '2025-01-01' },
      { name: '春节', from: '2025-01-28', to: '2025-02-04' },
      { name: '清明节', from: '2025-04-04', to: '2025-04-06' },
      { name: '劳动节', from: '2025-05-01', to: '2025-05-05' },
      { name: '端午节', from: '2025-05-31', to: '2025-06-02' },
      { name: '国庆节、中秋节', from: '2025-10-01', to: '2025-10-08' },
    ],
    workdays: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
  },
  {
    year: 2026,
    source: '国务院办公厅关于2026年部分节假日安排的通知',
    holidays: [
      { name: '元旦', from: '2026-01-01', to: '2026-01-03' },
      { name: '春节', from: '2026-02-15', to: '2026-02-23' },
      { name: '清明节', from: '2026-04-04', to: '2026-04-06' },
      { name: '劳动节', from: '2026-05-01', to: '2026-05-05' },
      { name: '端午节', from: '2026-06-19', to: '2026-06-21' },
      { name: '中秋节', from: '2026-09-25', to: '2026-09-27' },
      { name: '国庆节', from: '2026-10-01', to: '2026-10-07' },
    ],
    workdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
  },
];
