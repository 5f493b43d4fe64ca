/**
 * The metrics of docs/data-model.md, "Metric definitions" computed from a counter item. Counts and amounts are stored; rates and
 * the number of industries are derived here, from counts only (never from rounded amounts).
 */
import { INDUSTRY_CODES } from '#shared/reference/industries';
import { INSTITUTION_TYPE_CODES } from '#shared/reference/institution-types';

export const COUNTED_METRICS = [
  'demandCount',
  'demandAmount',
  'acceptedCount',
  'acceptedAmount',
  'dockingCount',
  'dockingAmount',
  'intendedAmount',
  'loanCount',
  'loanAmount',
  'badDebtCount',
  'enterpriseCount',
  'institutionCount',
  'productCount',
] as const;

export type CountedMetric = (typeof COUNTED_METRICS)[number];

export const METRIC_NAMES = [...COUNTED_METRICS, 'successRate', 'badDebtRate', 'industryCount'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export type Metrics = Record<CountedMetric, number> & {
  successRate: number | null;
  badDebtRate: number | null;
  /** Null where the counters carry no industry split (districts). */
  industryCount: number | null;
};

const value = (item: Record<string, unknown>, name: string): number => Number(item[name] ?? 0);

/** A ratio in [0, 1], or null when the denominator is 0. Periods attribute numerator and
 * denominator by different events (loan time, acceptance time), so a month's ratio is capped at 1. */
export function rate(numerator: number, denominator: number): number | null {
  if (denominator <= 0) return null;
  return Math.min(1, numerator / denominator);
}

export function metricsOf(item: Record<string, unknown>, options: { hasIndustrySplit?: boolean } = {}): Metrics {
  const counted = Object.fromEntries(COUNTED_METRICS.map((name) => [name, value(item, name)])) as Record<CountedMetric, number>;
  const hasSplit = options.hasIndustrySplit ?? true;
  return {
    ...counted,
    successRate: rate(counted.loanCount, counted.acceptedCount),
    badDebtRate: rate(counted.badDebtCount, counted.loanCount),
    industryCount: hasSplit ? INDUSTRY_CODES.filter((code) => value(item, `i_${code}_demandCount`) > 0).length : null,
  };
}

/** The industry split of a counter item, in section order. */
export function industrySplit(item: Record<string, unknown>) {
  return INDUSTRY_CODES.map((code) => ({
    code,
    demandCount: value(item, `i_${code}_demandCount`),
    demandAmount: value(item, `i_${code}_demandAmount`),
    loanCount: value(item, `i_${code}_loanCount`),
    loanAmount: value(item, `i_${code}_loanAmount`),
  }));
}

/** The institution-type split of a counter item, in the order of `INSTITUTION_TYPE_CODES`. */
export function typeSplit(item: Record<string, unknown>) {
  return INSTITUTION_TYPE_CODES.map((type) => ({
    type,
    institutionCount: value(item, `t_${type}_institutionCount`),
    productCount: value(item, `t_${type}_productCount`),
    acceptedCount: value(item, `t_${type}_acceptedCount`),
    acceptedAmount: value(item, `t_${type}_acceptedAmount`),
    loanCount: value(item, `t_${type}_loanCount`),
    loanAmount: value(item, `t_${type}_loanAmount`),
  }));
}
