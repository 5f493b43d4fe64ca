/**
 * The working-day calendar (shared/calendar.ts, shared/reference/holidays.ts) and the 督办 rules built
 * on it (shared/supervision/rules.ts): holiday boundaries, make-up working days (调休), a year the
 * calendar does not list, and an independent day-by-day count for every day of 2025–2027.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { addDays, calendarYears, dayKind, isWorkday, nthWorkdayBefore, workdaysBetween } from '#shared/calendar';
import { HOLIDAY_ARRANGEMENTS } from '#shared/reference/holidays';
import { isOverdue, overdueCutoff, waited } from '#shared/supervision/rules';
import { overdueThresholds } from '#shared/config';

const DEFAULTS = { acceptanceWorkdays: 3, decisionDays: 30 };

afterEach(() => {
  vi.restoreAllMocks();
  delete process.env.OVERDUE_ACCEPTANCE_WORKDAYS;
  delete process.env.OVERDUE_DECISION_DAYS;
});

describe('the calendar data', () => {
  it('covers 2025 and 2026, and not 2027 (not published yet)', () => {
    expect(calendarYears()).toEqual([2025, 2026]);
  });

  it('lists every make-up working day on a weekend and every holiday range inside its year', () => {
    for (const year of HOLIDAY_ARRANGEMENTS) {
      for (const day of year.workdays) expect([0, 6]).toContain(new Date(`${day}T00:00:00Z`).getUTCDay());
      for (const range of year.holidays) expect(range.from <= range.to && range.from.startsWith(String(year.year))).toBe(true);
    }
  });
});

describe('working days', () => {
  it('follows the 2026 arrangement: 元旦, 春节 with its two make-up Saturdays, 劳动节, 国庆', () => {
    expect(['20260101', '20260102', '20260103'].map(isWorkday)).toEqual([false, false, false]);
    expect(dayKind('20260104')).toBe('make-up-workday'); // a Sunday worked
    expect(isWorkday('20260105')).toBe(true);
    expect(dayKind('20260214')).toBe('make-up-workday'); // Saturday before 春节
    for (let day = 15; day <= 23; day += 1) expect(isWorkday(`202602${day}`), `02-${day}`).toBe(false);
    expect(isWorkday('20260224')).toBe(true);
    expect(dayKind('20260228')).toBe('make-up-workday');
    expect(dayKind('20260301')).toBe('weekend');
    expect(['20260404', '20260405', '20260406'].map(isWorkday)).toEqual([false, false, false]);
    expect(isWorkday('20260407')).toBe(true);
    expect(['20260501', '20260505', '20260506', '20260509'].map(isWorkday)).toEqual([false, false, true, true]);
    expect(['20260619', '20260622'].map(isWorkday)).toEqual([false, true]);
    expect(['20260920', '20260925', '20260928'].map(isWorkday)).toEqual([true, false, true]);
    expect(['20261001', '20261007', '20261008', '20261010', '20261011'].map(isWorkday)).toEqual([false, false, true, true, false]);
  });

  it('follows the 2025 arrangement', () => {
    expect(isWorkday('20250101')).toBe(false);
    expect(dayKind('20250126')).toBe('make-up-workday');
    expect(['20250127', '20250128', '20250204', '20250205'].map(isWorkday)).toEqual([true, false, false, true]);
    expect(dayKind('20250208')).toBe('make-up-workday');
    expect(dayKind('20250427')).toBe('make-up-workday');
    expect(['20250531', '20250602', '20250603'].map(isWorkday)).toEqual([false, false, true]);
    expect(['20250928', '20251008', '20251009', '20251011'].map(isWorkday)).toEqual([true, false, true, true]);
  });

  it('counts working days strictly between two days across holidays and make-up days', () => {
    // Thursday 2026-02-12 → Wednesday 2026-02-25: 02-13 (Fri), 02-14 (make-up Sat), 02-24 (Tue).
    expect(workdaysBetween('20260212', '20260225')).toBe(3);
    expect(workdaysBetween('20260212', '20260213')).toBe(0);
    expect(workdaysBetween('20260213', '20260212')).toBe(0);
    // Across the year end: 2025-12-31 (Wed) → 2026-01-06 (Tue): 01-04 (make-up Sun), 01-05 (Mon).
    expect(workdaysBetween('20251231', '20260106')).toBe(2);
    // A whole ordinary week.
    expect(workdaysBetween('20261108', '20261116')).toBe(5);
  });

  it('finds the n-th working day before a day', () => {
    expect(nthWorkdayBefore('20261127', 1)).toBe('20261126'); // Friday → Thursday
    expect(nthWorkdayBefore('20261130', 1)).toBe('20261127'); // Monday → Friday
    expect(nthWorkdayBefore('20260224', 1)).toBe('20260214'); // after 春节: the make-up Saturday
    expect(nthWorkdayBefore('20260224', 2)).toBe('20260213');
    expect(nthWorkdayBefore('20261008', 1)).toBe('20260930');
    expect(nthWorkdayBefore('20261012', 2)).toBe('20261009'); // 10-10 (Sat, make-up) and 10-09
    expect(() => nthWorkdayBefore('20261008', 0)).toThrow(RangeError);
  });

  it('agrees with a naive day-by-day count for every pair of days of 2025–2027 a week apart or more', () => {
    const days: string[] = [];
    for (let day = '20241220'; day <= '20270110'; day = addDays(day, 1)) days.push(day);
    const workday = days.map(isWorkday);
    for (let i = 0; i < days.length; i += 3) {
      for (const span of [1, 2, 5, 9, 17, 40]) {
        const j = i + span;
        if (j >= days.length) continue;
        const naive = workday.slice(i + 1, j).filter(Boolean).length;
        expect(workdaysBetween(days[i]!, days[j]!), `${days[i]}..${days[j]}`).toBe(naive);
      }
    }
  });

  it('treats a year without data as weekends only, and warns about it once', async () => {
    // A fresh module: other tests of this file have asked about 2027 already.
    vi.resetModules();
    const fresh = await import('#shared/calendar');
    const { logger: freshLogger } = await import('#shared/http/logger');
    const warn = vi.spyOn(freshLogger, 'warn').mockImplementation(() => undefined);
    // 2027-01-01 is a Friday: without a published arrangement it counts as a working day.
    expect(fresh.isWorkday('20270101')).toBe(true);
    expect(fresh.isWorkday('20270102')).toBe(false);
    expect(fresh.workdaysBetween('20270103', '20270111')).toBe(5);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![1]).toEqual({ year: 2027 });
    expect(fresh.isWorkday('20270215')).toBe(true);
    expect(fresh.isWorkday('20261001')).toBe(false);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('refuses what is not a day', () => {
    expect(() => isWorkday('2026-01-01')).toThrow(RangeError);
    expect(() => isWorkday('20260230')).toThrow(RangeError);
  });
});

describe('the 督办 rules', () => {
  it('待受理超时: three working days after the submission day, holidays not counted, 调休 counted', () => {
    // Submitted Monday 2026-11-23: Tue–Thu are its three days; overdue from Friday.
    expect(overdueCutoff('acceptance', '20261127', DEFAULTS)).toBe('20261124');
    expect(isOverdue('acceptance', '20261123', '20261126', DEFAULTS)).toBe(false);
    expect(isOverdue('acceptance', '20261123', '20261127', DEFAULTS)).toBe(true);
    // Submitted Friday 2026-02-13 before 春节: 02-14 (make-up Saturday), 02-24, 02-25 → overdue 02-26.
    expect(isOverdue('acceptance', '20260213', '20260225', DEFAULTS)).toBe(false);
    expect(isOverdue('acceptance', '20260213', '20260226', DEFAULTS)).toBe(true);
    // Submitted on a holiday (2026-10-03): 10-08, 10-09, 10-10 (make-up Saturday) → overdue 10-11.
    expect(isOverdue('acceptance', '20261003', '20261010', DEFAULTS)).toBe(false);
    expect(isOverdue('acceptance', '20261003', '20261011', DEFAULTS)).toBe(true);
    expect(waited('20261003', '20261011')).toEqual({ workdays: 3, days: 7 });
  });

  it('对接超时: thirty whole days after the acceptance day', () => {
    expect(overdueCutoff('decision', '20261128', DEFAULTS)).toBe('20261029');
    expect(isOverdue('decision', '20261028', '20261128', DEFAULTS)).toBe(true);
    expect(isOverdue('decision', '20261029', '20261128', DEFAULTS)).toBe(false);
    expect(waited('20261028', '20261128').days).toBe(30);
  });

  it('agrees with the waited working days for every day of 2026', () => {
    for (let today = '20260101'; today <= '20261231'; today = addDays(today, 1)) {
      const cutoff = overdueCutoff('acceptance', today, DEFAULTS);
      expect(waited(addDays(cutoff, -1), today).workdays, today).toBeGreaterThanOrEqual(3);
      expect(waited(cutoff, today).workdays, today).toBeLessThan(3);
    }
  });

  it('reads its thresholds from the environment, with the defaults and limits', () => {
    expect(overdueThresholds()).toEqual(DEFAULTS);
    process.env.OVERDUE_ACCEPTANCE_WORKDAYS = '5';
    process.env.OVERDUE_DECISION_DAYS = '45';
    expect(overdueThresholds()).toEqual({ acceptanceWorkdays: 5, decisionDays: 45 });
    process.env.OVERDUE_DECISION_DAYS = '0';
    expect(() => overdueThresholds()).toThrow(/OVERDUE_DECISION_DAYS/);
    process.env.OVERDUE_DECISION_DAYS = '3.5';
    expect(() => overdueThresholds()).toThrow(/OVERDUE_DECISION_DAYS/);
  });
});
