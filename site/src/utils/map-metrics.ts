/**
 * What the map (components/RegionMap.vue) colours and shows: rows of child regions with figures by
 * name, and the figures' definitions. 区域数据统计 passes the statistics rows and metrics
 * (utils/metrics.ts); 督办 and 数据质量 their own.
 */
import { count, percent, wan } from './format';

export interface MapMetric {
  name: string;
  label: string;
  kind: 'count' | 'money' | 'rate';
  /** The unit shown beside a value: 笔, 万元, 家 …; '' for rates. */
  unit: string;
}

export interface MapRow {
  code: string;
  name: string;
  level: 'nation' | 'province' | 'city' | 'district';
  /** 开通情况, for the statistics rows (null: not applicable, absent: not shown). */
  opened?: boolean | null;
  openedAt?: string | null;
  metrics: Record<string, number | null | undefined>;
}

/** A figure without its unit (amounts in 万元). */
export function mapFigure(metric: MapMetric, value: number | null | undefined): string {
  if (metric.kind === 'money') return wan(value ?? 0);
  if (metric.kind === 'rate') return percent(value ?? null);
  return count(value ?? (metric.name === 'industryCount' ? null : 0));
}

/** A figure with its unit. */
export function mapFigureText(metric: MapMetric, value: number | null | undefined): string {
  const text = mapFigure(metric, value);
  return metric.unit && text !== '—' ? `${text} ${metric.unit}` : text;
}
