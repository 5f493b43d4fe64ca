/**
 * The rollup consumer of the table's stream (cloud: DynamoDB stream → Lambda with a tumbling window;
 * local: the change capture). Failures are reported per record so Lambda retries from the first one.
 */
import type { StreamBatchEvent, StreamBatchResponse } from '#shared/db/stream-event';
import { applyBatch } from './apply';

export async function handler(event: StreamBatchEvent): Promise<StreamBatchResponse> {
  // The window's final invocation may carry no records; there is nothing to aggregate across windows.
  if (event.Records.length === 0) return { batchItemFailures: [], ...(event.state ? { state: event.state } : {}) };
  return applyBatch(event);
}
