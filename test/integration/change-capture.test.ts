import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { ChangeCapture, shardOfRecord, type ChangeCaptureOptions, type DeliveryFailure } from '#local/change-capture';
import { ensureTable, LOCAL_CREDENTIALS, startDynamo, type RunningServer } from '#local/embedded-servers';
import { rollupStreamFilterPatterns } from '#shared/db/table';

const REGION = 'cn-north-1';
const TABLE = 'change-capture-test';
const OTHER_TABLE = 'change-capture-other';

let dynamo: RunningServer;
const cleanups: Array<() => Promise<void>> = [];
let keyCounter = 0;

beforeAll(async () => {
  dynamo = await startDynamo();
  await ensureTable(dynamo.endpoint, TABLE, REGION);
  await ensureTable(dynamo.endpoint, OTHER_TABLE, REGION);
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

afterAll(async () => {
  await dynamo?.stop();
});

/** A partition key no other test uses, so tests share the table without seeing each other's items. */
function uniquePk(prefix = 'ORDER'): string {
  keyCounter += 1;
  return `${prefix}#${Date.now()}-${keyCounter}`;
}

interface Harness {
  capture: ChangeCapture;
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  /** Every record of every invocation, failed ones included, in delivery order. */
  received: DynamoDBRecord[];
  /** The records of each invocation. */
  batches: DynamoDBRecord[][];
}

/**
 * A capture attached to a fresh client. `respond` decides what each invocation returns (after the
 * records have been recorded); by default every invocation succeeds.
 */
function harness(
  options: Partial<Omit<ChangeCaptureOptions, 'handler'>> & {
    respond?: (event: DynamoDBStreamEvent, invocation: number) => Promise<DynamoDBBatchResponse | void>;
  } = {},
): Harness {
  const { respond, ...captureOptions } = options;
  const received: DynamoDBRecord[] = [];
  const batches: DynamoDBRecord[][] = [];
  const capture = new ChangeCapture({
    tableName: TABLE,
    region: REGION,
    filterPatterns: [],
    batchWindowMs: 5,
    ...captureOptions,
    handler: async (event) => {
      batches.push(event.Records);
      received.push(...event.Records);
      return respond?.(event, batches.length);
    },
  });
  const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: REGION, credentials: LOCAL_CREDENTIALS });
  capture.attach(client);
  cleanups.push(async () => {
    await capture.stop(2_000);
    client.destroy();
  });
  return { capture, client, doc: DynamoDBDocumentClient.from(client), received, batches };
}

const sequenceOf = (record: DynamoDBRecord): string => record.dynamodb!.SequenceNumber!;

/** Records in first-delivery order with redeliveries removed. */
function uniqueBySequence(records: DynamoDBRecord[]): DynamoDBRecord[] {
  const seen = new Set<string>();
  return records.filter((record) => !seen.has(sequenceOf(record)) && seen.add(sequenceOf(record)));
}

function groupBy<T, K>(values: T[], keyOf: (value: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const value of values) groups.set(keyOf(value), [...(groups.get(keyOf(value)) ?? []), value]);
  return groups;
}

function isStrictlyIncreasing(sequenceNumbers: string[]): boolean {
  return sequenceNumbers.every((sequence, i) => i === 0 || BigInt(sequence) > BigInt(sequenceNumbers[i - 1]!));
}

describe('change capture records', () => {
  it('a put of a new item produces an INSERT with the new image only', async () => {
    const { doc, capture, received } = harness();
    const pk = uniquePk();

    await doc.send(new PutCommand({ TableName: TABLE, Item: { pk, sk: 'ORDER', entity: 'order', amount: 12 } }));
    await capture.drain();

    expect(received).toHaveLength(1);
    const [record] = received;
    expect(record).toMatchObject({
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: REGION,
      eventSourceARN: `arn:aws:dynamodb:${REGION}:000000000000:table/${TABLE}/stream/local`,
    });
    expect(record!.dynamodb).toMatchObject({
      Keys: { pk: { S: pk }, sk: { S: 'ORDER' } },
      NewImage: { pk: { S: pk }, sk: { S: 'ORDER' }, entity: { S: 'order' }, amount: { N: '12' } },
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    });
    expect(record!.dynamodb!.OldImage).toBeUndefined();
    expect(record!.dynamodb!.SequenceNumber).toMatch(/^\d{21,38}$/);
    expect(record!.dynamodb!.SizeBytes).toBeGreaterThan(0);
    expect(record!.dynamodb!.ApproximateCreationDateTime).toBeCloseTo(Date.now() / 1000, -2);
  });

  it('an update produces a MODIFY with the replaced and the resulting image', async () => {
    const { doc, capture, received } = harness();
    const pk = uniquePk();
    await doc.send(new PutCommand({ TableName: TABLE, Item: { pk, sk: 'ORDER', entity: 'order', status: 'pending' } }));

    await doc.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: { pk, sk: 'ORDER' },
        UpdateExpression: 'SET #status = :status',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': 'approved' },
      }),
    );
    await capture.drain();

    expect(received.map((record) => record.eventName)).toEqual(['INSERT', 'MODIFY']);
    expect(received[1]!.dynamodb!.OldImage).toEqual({ pk: { S: pk }, sk: { S: 'ORDER' }, entity: { S: 'order' }, status: { S: 'pending' } });
    expect(received[1]!.dynamodb!.NewImage).toEqual({ pk: { S: pk }, sk: { S: 'ORDER' }, entity: { S: 'order' }, status: { S: 'approved' } });
  });

  it('a delete produces a REMOVE with the old image only', async () => {
    const { doc, capture, received } = harness();
    const pk = uniquePk();
    await doc.send(new PutCommand({ TableName: TABLE, Item: { pk, sk: 'ORDER', entity: 'order' } }));

    await doc.send(new DeleteCommand({ TableName: TABLE, Key: { pk, sk: 'ORDER' } }));
    await capture.drain();

    const removal = received[1]!;
    expect(removal.eventName).toBe('REMOVE');
    expect(removal.dynamodb!.OldImage).toEqual({ pk: { S: pk }, sk: { S: 'ORDER' }, entity: { S: 'order' } });
    expect(removal.dynamodb!.NewImage).toBeUndefined();
    expect(removal.dynamodb!.Keys).toEqual({ pk: { S: pk }, sk: { S: 'ORDER' } });
  });

  it('an update that changes nothing produces no record', async () => {
    const { doc, capture, received } = harness();
    const pk = uniquePk();
    await doc.send(new PutCommand({ TableName: TABLE, Item: { pk, sk: 'ORDER', entity: 'order', tags: new Set(['a', 'b']) } }));

    await doc.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: { pk, sk: 'ORDER' },
        UpdateExpression: 'SET entity = :entity',
        ExpressionAttributeValues: { ':entity': 'order' },
      }),
    );
    await capture.drain();

    expect(received.map((record) => record.eventName)).toEqual(['INSERT']);
  });

  it('a write refused by its condition produces no record', async () => {
    const { doc, capture, received } = harness();
    const pk = uniquePk();
    await doc.send(new PutCommand({ TableName: TABLE, Item: { pk, sk: 'ORDER', entity: 'order', version: 1 } }));

    const refused = doc.send(
      new PutCommand({
        TableName: TABLE,
        Item: { pk, sk: 'ORDER', entity: 'order', version: 2 },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    await expect(refused).rejects.toThrow(expect.objectContaining({ name: 'ConditionalCheckFailedException' }));
    await capture.drain();

    expect(received.map((record) => record.eventName)).toEqual(['INSERT']);
  });

  it('a delete of a missing item produces no record', async () => {
    const { doc, capture, received } = harness();

    await doc.send(new DeleteCommand({ TableName: TABLE, Key: { pk: uniquePk(), sk: 'ORDER' } }));
    await capture.drain();

    expect(received).toEqual([]);
  });

  it('concurrent writes to one item come out in order, each record continuing from the previous one', async () => {
    const { doc, capture, received } = harness();
    const pk = uniquePk();
    const writes = 25;

    await Promise.all(
      Array.from({ length: writes }, () =>
        doc.send(
          new UpdateCommand({
            TableName: TABLE,
            Key: { pk, sk: 'ORDER' },
            UpdateExpression: 'SET entity = :entity ADD hits :one',
            ExpressionAttributeValues: { ':entity': 'order', ':one': 1 },
          }),
        ),
      ),
    );
    await capture.drain();

    expect(received.map((record) => record.dynamodb!.NewImage!.hits!.N)).toEqual(Array.from({ length: writes }, (_, i) => String(i + 1)));
    expect(received[0]!.eventName).toBe('INSERT');
    for (let i = 1; i < received.length; i++) {
      expect(received[i]!.dynamodb!.OldImage).toEqual(received[i - 1]!.dynamodb!.NewImage);
    }
  });

  it('writes to other tables are not captured', async () => {
    const { doc, capture, received } = harness();

    await doc.send(new PutCommand({ TableName: OTHER_TABLE, Item: { pk: uniquePk(), sk: 'ORDER', entity: 'order' } }));
    await capture.drain();

    expect(received).toEqual([]);
  });

  it('BatchWriteItem puts and deletes each produce a record', async () => {
    const { doc, capture, received } = harness();
    const pks = [uniquePk(), uniquePk(), uniquePk()];
    await doc.send(
      new BatchWriteCommand({
        RequestItems: { [TABLE]: pks.map((pk) => ({ PutRequest: { Item: { pk, sk: 'ORDER', entity: 'order' } } })) },
      }),
    );

    await doc.send(
      new BatchWriteCommand({
        RequestItems: {
          [TABLE]: [
            { DeleteRequest: { Key: { pk: pks[0], sk: 'ORDER' } } },
            { DeleteRequest: { Key: { pk: pks[1], sk: 'ORDER' } } },
            { PutRequest: { Item: { pk: pks[2], sk: 'ORDER', entity: 'order', status: 'approved' } } },
          ],
        },
      }),
    );
    await capture.drain();

    const events = received
      .toSorted((a, b) => (BigInt(sequenceOf(a)) < BigInt(sequenceOf(b)) ? -1 : 1))
      .map((record) => `${record.eventName} ${record.dynamodb!.Keys!.pk!.S}`);
    expect(events).toEqual([
      `INSERT ${pks[0]}`,
      `INSERT ${pks[1]}`,
      `INSERT ${pks[2]}`,
      `REMOVE ${pks[0]}`,
      `REMOVE ${pks[1]}`,
      `MODIFY ${pks[2]}`,
    ]);
  });

  it('writes of the low-level client are captured like those of the document client', async () => {
    const { client, capture, received } = harness();
    const pk = uniquePk();

    await client.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: pk }, sk: { S: 'ORDER' }, entity: { S: 'order' } } }));
    await capture.drain();

    expect(received.map((record) => record.dynamodb!.Keys!.pk!.S)).toEqual([pk]);
  });
});

describe('change capture filtering', () => {
  it('never delivers records that match none of the filter patterns', async () => {
    const { doc, capture, received } = harness({ filterPatterns: rollupStreamFilterPatterns() });
    const orderPk = uniquePk('ORDER');
    const statPk = uniquePk('STAT');

    await doc.send(new PutCommand({ TableName: TABLE, Item: { pk: statPk, sk: 'TOTAL', entity: 'stat', orders: 1 } }));
    await doc.send(new PutCommand({ TableName: TABLE, Item: { pk: orderPk, sk: 'ORDER', entity: 'order' } }));
    await doc.send(new DeleteCommand({ TableName: TABLE, Key: { pk: statPk, sk: 'TOTAL' } }));
    await capture.drain();

    expect(received.map((record) => record.dynamodb!.Keys!.pk!.S)).toEqual([orderPk]);
    expect(capture.filteredOut).toBe(2);
  });
});

describe('change capture shards and batches', () => {
  it('delivers batches no larger than the batch size with strictly increasing sequence numbers per shard', async () => {
    const { doc, capture, received } = harness({ shardCount: 4, batchSize: 5 });
    const pks = Array.from({ length: 40 }, () => uniquePk());

    await Promise.all(pks.map((pk) => doc.send(new PutCommand({ TableName: TABLE, Item: { pk, sk: 'ORDER', entity: 'order' } }))));
    await capture.drain();

    expect(received).toHaveLength(40);
    expect(Math.max(...capture.deliveries.map((delivery) => delivery.sequenceNumbers.length))).toBeLessThanOrEqual(5);
    const byShard = groupBy(received, (record) => shardOfRecord(record));
    expect(byShard.size).toBeGreaterThan(1);
    for (const records of byShard.values()) expect(isStrictlyIncreasing(records.map(sequenceOf))).toBe(true);
  });

  it('puts every record of one partition key on the same shard', async () => {
    const { doc, capture, received } = harness({ shardCount: 4 });
    const pks = Array.from({ length: 6 }, () => uniquePk('INSTITUTION'));

    for (const sk of ['INSTITUTION', 'SPECIALIST#1', 'SPECIALIST#2']) {
      await Promise.all(pks.map((pk) => doc.send(new PutCommand({ TableName: TABLE, Item: { pk, sk, entity: 'institution' } }))));
    }
    await capture.drain();

    const shardsOfPk = groupBy(received, (record) => record.dynamodb!.Keys!.pk!.S);
    for (const records of shardsOfPk.values()) expect(new Set(records.map(shardOfRecord)).size).toBe(1);
  });

  it('numbers records in capture order across all shards', async () => {
    const { doc, capture, received } = harness({ shardCount: 4 });
    const pks = Array.from({ length: 12 }, () => uniquePk());

    for (const pk of pks) await doc.send(new PutCommand({ TableName: TABLE, Item: { pk, sk: 'ORDER', entity: 'order' } }));
    await capture.drain();

    const sequenceByPk = new Map(received.map((record) => [record.dynamodb!.Keys!.pk!.S, sequenceOf(record)]));
    expect(isStrictlyIncreasing(pks.map((pk) => sequenceByPk.get(pk)!))).toBe(true);
  });
});

describe('change capture redelivery', () => {
  it('a handler that throws gets the batch again and no record is lost or reordered', async () => {
    const { doc, capture, received, batches } = harness({
      shardCount: 1,
      batchSize: 4,
      respond: async (_event, invocation) => {
        if (invocation === 1) throw new Error('rollup crashed');
      },
    });
    const pks = Array.from({ length: 10 }, () => uniquePk());

    await Promise.all(pks.map((pk) => doc.send(new PutCommand({ TableName: TABLE, Item: { pk, sk: 'ORDER', entity: 'order' } }))));
    await capture.drain();

    const firstTry = batches[0]!.map(sequenceOf);
    const deliveredAfterFailure = batches.slice(1).flat().map(sequenceOf);
    expect(deliveredAfterFailure.slice(0, firstTry.length)).toEqual(firstTry);
    const unique = uniqueBySequence(received);
    expect(unique).toHaveLength(10);
    expect(isStrictlyIncreasing(unique.map(sequenceOf))).toBe(true);
    expect(capture.deliveries[1]!.attempt).toBe(2);
  });

  it('a partial batch failure restarts at the failed record with the retry cut differently', async () => {
    const { doc, capture, received, batches } = harness({
      shardCount: 1,
      batchSize: 8,
      respond: async (event, invocation) =>
        invocation === 1 ? { batchItemFailures: [{ itemIdentifier: sequenceOf(event.Records[3]!) }] } : undefined,
    });
    // Exactly one batch worth of records: a retry cut like the first try would be the failed tail itself.
    const pks = Array.from({ length: 8 }, () => uniquePk());

    await doc.send(
      new BatchWriteCommand({
        RequestItems: { [TABLE]: pks.map((pk) => ({ PutRequest: { Item: { pk, sk: 'ORDER', entity: 'order' } } })) },
      }),
    );
    await capture.drain();

    const [failed, retried] = batches.map((batch) => batch.map(sequenceOf));
    expect(failed).toHaveLength(8);
    expect(retried![0]).toBe(failed![3]);
    expect(retried).not.toEqual(failed!.slice(3));
    expect(uniqueBySequence(received).map(sequenceOf)).toEqual(failed);
  });

  it('an injected throw redelivers a batch the handler has already seen', async () => {
    const { doc, capture, batches } = harness({ shardCount: 1 });
    capture.failNextDeliveries(1, 'throw');
    const pk = uniquePk();

    await doc.send(new PutCommand({ TableName: TABLE, Item: { pk, sk: 'ORDER', entity: 'order' } }));
    await capture.drain();

    expect(batches.map((batch) => batch.map(sequenceOf))).toEqual([[sequenceOf(batches[0]![0]!)], [sequenceOf(batches[0]![0]!)]]);
    expect(capture.deliveries.map((delivery) => delivery.outcome)).toEqual(['failed', 'ok']);
    expect(capture.deliveries[0]!.injected).toBe('throw');
  });

  it('an injected partial failure redelivers from the middle of the batch', async () => {
    const { doc, capture, batches } = harness({ shardCount: 1, batchSize: 6 });
    capture.failNextDeliveries(1, 'partial');
    const pks = Array.from({ length: 6 }, () => uniquePk());

    await doc.send(
      new BatchWriteCommand({
        RequestItems: { [TABLE]: pks.map((pk) => ({ PutRequest: { Item: { pk, sk: 'ORDER', entity: 'order' } } })) },
      }),
    );
    await capture.drain();

    const first = batches[0]!.map(sequenceOf);
    expect(first).toHaveLength(6);
    expect(capture.deliveries[0]!.retryFrom).toBe(first[3]);
    expect(batches.slice(1).flat().map(sequenceOf)).toEqual(first.slice(3));
  });

  it('a record that keeps failing goes to onFailure and the records after it are still delivered', async () => {
    const failures: DeliveryFailure[] = [];
    const poisonPk = uniquePk();
    const { doc, capture, received } = harness({
      shardCount: 1,
      maxRetries: 2,
      onFailure: (failure) => failures.push(failure),
      respond: async (event) => {
        const poison = event.Records.find((record) => record.dynamodb!.Keys!.pk!.S === poisonPk);
        return poison ? { batchItemFailures: [{ itemIdentifier: sequenceOf(poison) }] } : undefined;
      },
    });
    const goodPk = uniquePk();

    await doc.send(new PutCommand({ TableName: TABLE, Item: { pk: poisonPk, sk: 'ORDER', entity: 'order' } }));
    await doc.send(new PutCommand({ TableName: TABLE, Item: { pk: goodPk, sk: 'ORDER', entity: 'order' } }));
    await capture.drain();

    expect(failures).toHaveLength(1);
    expect(failures[0]!.records.map((record) => record.dynamodb!.Keys!.pk!.S)).toEqual([poisonPk]);
    expect(failures[0]!.attempts).toBeGreaterThan(2);
    expect(received.map((record) => record.dynamodb!.Keys!.pk!.S)).toContain(goodPk);
    expect(capture.pending()).toBe(0);
  });
});

describe('change capture lifecycle', () => {
  it('drain resolves only once a slow handler has received everything', async () => {
    const { doc, capture, received } = harness({
      shardCount: 2,
      batchSize: 3,
      respond: () => new Promise((resolve) => setTimeout(resolve, 30)),
    });
    const pks = Array.from({ length: 12 }, () => uniquePk());
    await Promise.all(pks.map((pk) => doc.send(new PutCommand({ TableName: TABLE, Item: { pk, sk: 'ORDER', entity: 'order' } }))));
    expect(capture.pending()).toBeGreaterThan(0);

    await capture.drain();

    expect(capture.pending()).toBe(0);
    expect(new Set(received.map((record) => record.dynamodb!.Keys!.pk!.S))).toEqual(new Set(pks));
  });

  it('counts a write in flight as pending before its record exists', async () => {
    const { doc, capture } = harness();

    const write = doc.send(new PutCommand({ TableName: TABLE, Item: { pk: uniquePk(), sk: 'ORDER', entity: 'order' } }));
    await new Promise((resolve) => setImmediate(resolve));
    const pendingDuringWrite = capture.pending();
    await write;
    await capture.drain();

    expect(pendingDuringWrite).toBe(1);
    expect(capture.pending()).toBe(0);
  });

  it('stop delivers what was captured, then leaves no timers and captures nothing more', async () => {
    const timersBefore = process.getActiveResourcesInfo().filter((type) => type === 'Timeout').length;
    const { doc, capture, received } = harness({ batchWindowMs: 50 });
    await doc.send(new PutCommand({ TableName: TABLE, Item: { pk: uniquePk(), sk: 'ORDER', entity: 'order' } }));

    await capture.stop();
    await doc.send(new PutCommand({ TableName: TABLE, Item: { pk: uniquePk(), sk: 'ORDER', entity: 'order' } }));

    expect(received).toHaveLength(1);
    expect(capture.pending()).toBe(0);
    expect(process.getActiveResourcesInfo().filter((type) => type === 'Timeout').length).toBeLessThanOrEqual(timersBefore);
  });
});
