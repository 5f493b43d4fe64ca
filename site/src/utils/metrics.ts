/** The metrics of docs/data-model.md, "Metric definitions" with their Chinese names and how a figure reads. */
import type { Metrics } from '../api/stats';
import { amount, count, percent, wan } from './format';

export type { Metrics };
export type MetricName = keyof Metrics;

export type MetricKind = 'count' | 'money' | 'rate';

/**
 * What a figure of a period counts (docs/console.md, "Figures"):
 * - `flow`: what happened in the period (本期新增; all time: 累计);
 * - `state`: orders accepted in the period that are still being handled (all time: 当前);
 * - `rate`: a ratio of two flows of the period.
 */
export type MetricMeasure = 'flow' | 'state' | 'rate';

export interface MetricDefinition {
  name: MetricName;
  /** Label without the unit. */
  label: string;
  kind: MetricKind;
  measure: MetricMeasure;
  /** The unit shown beside a value: 笔, 万元, 家, 个, 种. */
  unit: string;
}

/** In the order of 数据中心's cards (docs/console.md), then the acceptance metrics. */
export const METRICS: readonly MetricDefinition[] = [
  { name: 'demandCount', label: '融资需求笔数', kind: 'count', measure: 'flow', unit: '笔' },
  { name: 'demandAmount', label: '需求金额', kind: 'money', measure: 'flow', unit: '万元' },
  { name: 'loanCount', label: '放款笔数', kind: 'count', measure: 'flow', unit: '笔' },
  { name: 'loanAmount', label: '放款金额', kind: 'money', measure: 'flow', unit: '万元' },
  { name: 'dockingCount', label: '正在对接数', kind: 'count', measure: 'state', unit: '笔' },
  { name: 'intendedAmount', label: '意向金额', kind: 'money', measure: 'state', unit: '万元' },
  { name: 'enterpriseCount', label: '注册企业数', kind: 'count', measure: 'flow', unit: '家' },
  { name: 'productCount', label: '金融产品种类', kind: 'count', measure: 'flow', unit: '种' },
  { name: 'industryCount', label: '涉及行业数', kind: 'count', measure: 'flow', unit: '个' },
  { name: 'institutionCount', label: '金融机构数', kind: 'count', measure: 'flow', unit: '家' },
  { name: 'successRate', label: '放款成功率', kind: 'rate', measure: 'rate', unit: '' },
  { name: 'badDebtCount', label: '坏账笔数', kind: 'count', measure: 'flow', unit: '笔' },
  { name: 'badDebtRate', label: '坏账率', kind: 'rate', measure: 'rate', unit: '' },
  { name: 'acceptedCount', label: '受理笔数', kind: 'count', measure: 'flow', unit: '笔' },
  { name: 'acceptedAmount', label: '受理金额', kind: 'money', measure: 'flow', unit: '万元' },
  { name: 'dockingAmount', label: '正在对接金额', kind: 'money', measure: 'state', unit: '万元' },
];

export const METRIC_BY_NAME = Object.fromEntries(METRICS.map((m) => [m.name, m])) as Record<MetricName, MetricDefinition>;

/** A metric value formatted for display (without its unit; amounts in 万元). */
export function formatMetric(name: MetricName, value: number | null | undefined): string {
  const kind = METRIC_BY_NAME[name].kind;
  if (kind === 'money') return wan(value ?? 0);
  if (kind === 'rate') return percent(value ?? null);
  return count(value ?? (name === 'industryCount' ? null : 0));
}

/** A metric value as a card shows it: amounts switch to 亿元 when large. */
export function cardFigure(name: MetricName, value: number | null | undefined): { text: string; unit: string } {
  const definition = METRIC_BY_NAME[name];
  if (definition.kind === 'money') return amount(value ?? 0);
  return { text: formatMetric(name, value), unit: definition.unit };
}

/** A metric value with its unit: `12,345.68 万元`, `1,234 笔`, `33.3%`. */
export function metricText(name: MetricName, value: number | null | undefined): string {
  const { unit } = METRIC_BY_NAME[name];
  const text = formatMetric(name, value);
  return unit && text !== '—' ? `${text} ${unit}` : text;
}

/** A column or tab header with its unit: 需求金额(万元), 放款笔数(笔). */
export function metricHeader(name: MetricName): string {
  const { label, unit } = METRIC_BY_NAME[name];
  return unit ? `${label}(${unit})` : label;
}
