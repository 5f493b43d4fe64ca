/**
 * The event the rollup consumer receives. The cloud event source mapping uses a tumbling window, which
 * is what makes Lambda name the shard (`shardId`) in every invocation; the per-shard marks on counter
 * items (docs/data-model.md, "Write protocols") need it. The local change capture delivers the same shape.
 */
import type { DynamoDBRecord } from 'aws-lambda';

export interface StreamBatchEvent {
  Records: DynamoDBRecord[];
  shardId?: string;
  eventSourceARN?: string;
  window?: { start: string; end: string };
  state?: Record<string, string>;
  isFinalInvokeForWindow?: boolean;
  isWindowTerminatedEarly?: boolean;
}

export interface StreamBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
  /** Tumbling-window state, returned as received (the rollup keeps none). */
  state?: Record<string, string>;
}
