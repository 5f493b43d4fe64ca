/**
 * The DynamoDB clients of this process, created once on first use from the configuration.
 * The local stack registers a hook that attaches its change capture to the client before first use.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '#shared/config';

type ClientHook = (client: DynamoDBClient) => void;

/**
 * Sockets per client: an ingestion batch writes up to 100 records side by side (shared/financing/ingest.ts),
 * which the SDK's default of 50 would queue into two waves.
 */
const MAX_SOCKETS = 128;
const requestHandler = { httpAgent: { keepAlive: true, maxSockets: MAX_SOCKETS }, httpsAgent: { keepAlive: true, maxSockets: MAX_SOCKETS } };

const hooks: ClientHook[] = [];
let low: DynamoDBClient | undefined;
let doc: DynamoDBDocumentClient | undefined;

/** Registers a hook run on the low-level client when it is created (local change capture, tests). */
export function onDynamoClientCreated(hook: ClientHook): void {
  if (low) hook(low);
  hooks.push(hook);
}

/** The low-level client (marshalled attribute values). */
export function dynamoClient(): DynamoDBClient {
  if (!low) {
    const cfg = config();
    low = new DynamoDBClient({
      region: cfg.awsRegion,
      ...(cfg.dynamoEndpoint ? { endpoint: cfg.dynamoEndpoint } : {}),
      maxAttempts: 5,
      requestHandler,
    });
    for (const hook of hooks) hook(low);
  }
  return low;
}

/** The document client (plain JS values); numbers stay numbers, undefined attributes are dropped. */
export function documentClient(): DynamoDBDocumentClient {
  doc ??= DynamoDBDocumentClient.from(dynamoClient(), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return doc;
}

/** The table name of this process. */
export function tableName(): string {
  return config().tableName;
}

let bulkLow: DynamoDBClient | undefined;
let bulkDoc: DynamoDBDocumentClient | undefined;

/**
 * A second client for bulk jobs (demo data, imports, rollup rebuilds) that no hook is attached to:
 * locally its writes are not captured as stream records, which those jobs replace by a rebuild.
 */
export function bulkDynamoClient(): DynamoDBClient {
  if (!bulkLow) {
    const cfg = config();
    bulkLow = new DynamoDBClient({
      region: cfg.awsRegion,
      ...(cfg.dynamoEndpoint ? { endpoint: cfg.dynamoEndpoint } : {}),
      maxAttempts: 8,
      requestHandler,
    });
  }
  return bulkLow;
}

export function bulkDocumentClient(): DynamoDBDocumentClient {
  bulkDoc ??= DynamoDBDocumentClient.from(bulkDynamoClient(), { marshallOptions: { removeUndefinedValues: true } });
  return bulkDoc;
}
