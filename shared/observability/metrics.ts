/**
 * Business metrics as CloudWatch embedded metric format (Powertools Metrics): sign-ins, SMS, ingested
 * and rejected events, rollup lag. Namespace `XinyidaiGov`, dimension `service`; the alarms and the
 * dashboard of lib/constructs/monitoring.ts read them. Switched off locally and in tests
 * (`POWERTOOLS_METRICS_DISABLED`), where they would only print.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export const METRICS_NAMESPACE = 'XinyidaiGov';
export const METRICS_SERVICE = 'xinyidai-gov';

/** Every metric the code emits, with its unit. */
export const APP_METRICS = {
  SignIns: MetricUnit.Count,
  SignInFailures: MetricUnit.Count,
  Lockouts: MetricUnit.Count,
  SignInCeilingHit: MetricUnit.Count,
  CaptchaFailures: MetricUnit.Count,
  SmsRequested: MetricUnit.Count,
  SmsSent: MetricUnit.Count,
  SmsRejected: MetricUnit.Count,
  SmsFailed: MetricUnit.Count,
  SmsDropped: MetricUnit.Count,
  EventsIngested: MetricUnit.Count,
  EventsDuplicate: MetricUnit.Count,
  EventsRejected: MetricUnit.Count,
  RollupLag: MetricUnit.Milliseconds,
} as const;
export type AppMetric = keyof typeof APP_METRICS;

let metrics: Metrics | undefined;

function appMetrics(): Metrics {
  metrics ??= new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });
  return metrics;
}

/** Adds to a metric of this invocation (published by {@link publishMetrics}). */
export function countMetric(name: AppMetric, value = 1): void {
  if (value === 0) return;
  appMetrics().addMetric(name, APP_METRICS[name], value);
}

/** Flushes the invocation's metrics (one EMF log line); called at the end of every invocation. */
export function publishMetrics(): void {
  // Without this check Powertools logs a warning for every invocation that counted nothing.
  if (!metrics?.hasStoredMetrics()) return;
  metrics.publishStoredMetrics();
}
