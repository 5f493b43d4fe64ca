/**
 * The rollup consumer of the table's stream (cloud: DynamoDB stream → Lambda with a tumbling window;
 * local: the change capture). Failures are reported per record so Lambda retries from the first one.
 */
import type { StreamBatchEvent, StreamBatchResponse } from '#shared/db/stream-event';
import { countMetric, publishMetrics } from '#shared/observability/metrics';
import { applyBatch } from './apply';

export async function handler(event: StreamBatchEvent): Promise<StreamBatchResponse> {
  // The window's final invocation may carry no records; there is nothing to aggregate across windows.
  // The state is handed back as received: the rollup keeps none across invocations.
  if (event.Records.length === 0) return { batchItemFailures: [], ...(event.state ? { state: event.state } : {}) };
  try {
    const oldest = Math.min(...event.Records.map((record) => record.dynamodb?.ApproximateCreationDateTime ?? Date.now() / 1000));
    countMetric('RollupLag', Math.max(0, Date.now() - oldest * 1000));
    return await applyBatch(event);
  } finally {
    publishMetrics();
  }
}

