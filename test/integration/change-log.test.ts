/**
 * The change capture's durable log (local/change-log.ts, local/change-capture.ts): a run that dies
 * leaves what it captured in the file, and the next capture on that file delivers it again — the
 * undelivered records on their original shards with their original sequence numbers, the writes whose
 * outcome was never logged rebuilt from the table — before anything new.
 *
 * A "crash" here is a capture whose handler and writes hang forever: it writes nothing more to the log,
 * as a killed process would not. The next capture opens the same file.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { ChangeCapture, shardOfRecord, type ChangeCaptureOptions } from '#local/change-capture';
import { parseLog } from '#local/change-log';
import { ensureTable, LOCAL_CREDENTIALS, startDynamo, type RunningServer } from '#local/embedded-servers';
import { rollupStreamFilterPatterns } from '#shared/db/table';
import { waitFor } from '#test/e2e/process-harness';

const REGION = 'cn-north-1';
const TABLE = 'change-log-test';

let dynamo: RunningServer;
let dir = '';
let keyCounter = 0;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  dynamo = await startDynamo();
  await ensureTable(dynamo.endpoint, TABLE, REGION);
  dir = await mkdtemp(join(tmpdir(), 'xyd-change-log-'));
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  await dynamo?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const uniquePk = () => `ORDER#log-${Date.now()}-${++keyCounter}`;
const sequenceOf = (record: DynamoDBRecord) => record.dynamodb!.SequenceNumber!;

function newClient(): DynamoDBClient {
  const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: REGION, credentials: LOCAL_CREDENTIALS });
  cleanups.push(() => client.destroy());
  return client;
}

/** A capture on `log`; `handler` records what it gets. Stopped after the test. */
function capture(log: string, options: Partial<ChangeCaptureOptions> = {}): ChangeCapture {
  const instance = new ChangeCapture({
    tableName: TABLE,
    region: REGION,
    filterPatterns: rollupStreamFilterPatterns(),
    batchWindowMs: 5,
    handler: async () => undefined,
    log,
    ...options,
  });
  cleanups.push(() => instance.stop(2_000));
  return instance;
}

/** A capture whose deliveries never finish (until the test ends): what it captured stays unapplied. */
function crashingCapture(log: string): { capture: ChangeCapture; delivered: DynamoDBRecord[] } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const delivered: DynamoDBRecord[] = [];
  const instance = capture(log, {
    handler: async (event) => {
      delivered.push(...event.Records);
      await released;
      throw new Error('the process is gone');
    },
  });
  cleanups.push(() => release()); // runs before the stop registered above
  return { capture: instance, delivered };
}

/** Adds a middleware below the capture's that runs `around` instead of the plain send. */
function interceptSends(client: DynamoDBClient, around: (send: () => Promise<unknown>) => Promise<unknown>): void {
  client.middlewareStack.add((next) => (args) => around(() => next(args)) as ReturnType<typeof next>, { step: 'finalizeRequest', name: 'testInterceptSends' });
}

const order = (pk: string, amount: number) => ({ pk, sk: 'ORDER', entity: 'order', amount });

describe('parsing the log', () => {
  const key = (pk: string) => ({ pk: { S: pk }, sk: { S: 'ORDER' } });
  const record = (shard: string, sequence: string) => ({ eventID: `${shard}:${sequence}`, dynamodb: { SequenceNumber: sequence } });

  it('keeps the records after each shard’s applied mark, and the intents no commit resolved', () => {
    const lines = [
      { i: 1, k: [key('A')], o: [null], t: 1000 },
      { c: 1, r: [['s1', record('s1', '11')]], t: 1001 },
      { i: 2, k: [key('B'), key('C')], o: [null, 0], t: 1002 },
      { c: 0, r: [['s1', record('s1', '12')], ['s2', record('s2', '13')]], t: 1003 },
      { a: 's1', q: '11' },
      { c: 2, k: [JSON.stringify(['B', 'ORDER'])], r: [], t: 1004 },
      { i: 3, k: [key('D')], o: [null], t: 1005 },
    ];
    const contents = parseLog(`${lines.map((line) => JSON.stringify(line)).join('\n')}\n`, 'pk', 'sk');
    expect([...contents.shards.entries()].map(([shard, records]) => [shard, records.map(sequenceOf)])).toEqual([
      ['s1', ['12']],
      ['s2', ['13']],
    ]);
    expect(contents.intents.map((intent) => ({ id: intent.id, keys: intent.keys.map((k) => k.pk!.S) }))).toEqual([
      { id: 2, keys: ['C'] },
      { id: 3, keys: ['D'] },
    ]);
    expect(contents).toMatchObject({ lastAt: 1005, maxSequence: 13n, maxIntentId: 3, tornTail: false });
  });

  it('ignores a last line cut short by a crash, and refuses damage anywhere else', () => {
    const good = JSON.stringify({ c: 0, r: [['s1', record('s1', '5')]], t: 1 });
    expect(parseLog(`${good}\n{"c":0,"r":[["s1",{"eventID`, 'pk', 'sk')).toMatchObject({ tornTail: true, maxSequence: 5n });
    expect(() => parseLog(`{"c":0,"r\n${good}\n`, 'pk', 'sk')).toThrow(/line 1/);
  });
});

describe('a capture on the log of a run that died', () => {
  it('delivers the undelivered records again on their own shards, with their numbers, in order, before new ones', async () => {
    const log = join(dir, 'redeliver.jsonl');
    const first = crashingCapture(log);
    const client = newClient();
    first.capture.attach(client);
    const doc = DynamoDBDocumentClient.from(client);
    const pk = uniquePk();
    for (let amount = 1; amount <= 5; amount++) await doc.send(new PutCommand({ TableName: TABLE, Item: order(pk, amount) }));
    await doc.send(new PutCommand({ TableName: TABLE, Item: order(uniquePk(), 9) }));
    await doc.send(new PutCommand({ TableName: TABLE, Item: { pk: `STAT#${pk}`, sk: 'X', entity: 'stat', n: 1 } })); // filtered out
    const captured = [...(await readFile(log, 'utf8')).matchAll(/"SequenceNumber":"(\d+)"/g)].map((m) => m[1]!);
    expect(captured).toHaveLength(6);

    const received: { records: DynamoDBRecord[]; shardId?: string; now?: Date }[] = [];
    const second = capture(log, {
      handler: async (event) => void received.push({ records: event.Records, shardId: event.shardId }),
      recoveryHandler: async (event, now) => void received.push({ records: event.Records, shardId: event.shardId, now }),
    });
    const summary = await second.recover(newClient());
    await second.drain();
    expect(summary).toMatchObject({ redelivered: 6, unfinishedWrites: 0, rebuilt: 0, lost: 0 });
    const redelivered = received.flatMap((batch) => batch.records);
    expect(redelivered.map(sequenceOf).sort()).toEqual([...captured].sort());
    for (const batch of received) {
      // Each batch on the shard the record was first captured on, with the crashed run's clock.
      expect(batch.records.every((record) => shardOfRecord(record) === batch.shardId)).toBe(true);
      expect(batch.now!.getTime()).toBeLessThanOrEqual(Date.now());
      expect(batch.now!.getTime()).toBeGreaterThanOrEqual(summary.lastChangeAt!.getTime());
    }
    const ofPk = redelivered.filter((record) => record.dynamodb!.Keys!.pk!.S === pk);
    expect(ofPk.map((record) => record.dynamodb!.NewImage!.amount!.N)).toEqual(['1', '2', '3', '4', '5']);

    // New writes go to the new run's shards; the log is empty once everything is delivered.
    const secondClient = newClient();
    second.attach(secondClient);
    await DynamoDBDocumentClient.from(secondClient).send(new PutCommand({ TableName: TABLE, Item: order(pk, 6) }));
    await second.drain();
    const fresh = received.at(-1)!;
    expect(fresh.now).toBeUndefined();
    expect(captured.map(BigInt).every((sequence) => sequence < BigInt(sequenceOf(fresh.records[0]!)))).toBe(true);
    expect(first.delivered.map(shardOfRecord)).not.toContain(fresh.shardId);
    expect(await readFile(log, 'utf8')).toBe('');
  });

  it('rebuilds the record of a write that reached the table before the run died, and none for one that did not', async () => {
    const log = join(dir, 'unfinished.jsonl');
    const first = crashingCapture(log);
    const client = newClient();
    first.capture.attach(client);
    const doc = DynamoDBDocumentClient.from(client);
    const done = uniquePk();
    const notDone = uniquePk();
    await doc.send(new PutCommand({ TableName: TABLE, Item: order(done, 1) }));
    await doc.send(new PutCommand({ TableName: TABLE, Item: order(notDone, 1) }));
    const never = new Promise<never>(() => undefined);
    let calls = 0;
    interceptSends(client, async (send) => {
      calls += 1;
      if (calls === 1) {
        await send(); // the write is applied, then the process dies before its record is logged
        return never;
      }
      return never; // the process dies before the write reaches the table
    });
    void doc.send(new UpdateCommand({ TableName: TABLE, Key: { pk: done, sk: 'ORDER' }, UpdateExpression: 'SET amount = :a', ExpressionAttributeValues: { ':a': 2 } }));
    await new Promise((resolve) => setTimeout(resolve, 0));
    void doc.send(new UpdateCommand({ TableName: TABLE, Key: { pk: notDone, sk: 'ORDER' }, UpdateExpression: 'SET amount = :a', ExpressionAttributeValues: { ':a': 2 } }));
    const intents = () => parseLog(readFileSync(log, 'utf8'), 'pk', 'sk').intents.length;
    await waitFor('both writes to be under way', () => (calls === 2 && intents() === 2 ? true : undefined), 10_000, 5);

    const received: DynamoDBRecord[] = [];
    const second = capture(log, { handler: async (event) => void received.push(...event.Records), recoveryHandler: async (event) => void received.push(...event.Records) });
    const summary = await second.recover(newClient());
    await second.drain();
    expect(summary).toMatchObject({ redelivered: 2, unfinishedWrites: 2, rebuilt: 1, lost: 0 });
    const rebuilt = received.filter((record) => record.eventName === 'MODIFY');
    expect(rebuilt).toHaveLength(1);
    expect(rebuilt[0]!.dynamodb!.Keys!.pk!.S).toBe(done);
    expect(rebuilt[0]!.dynamodb!.OldImage!.amount).toEqual({ N: '1' });
    expect(rebuilt[0]!.dynamodb!.NewImage!.amount).toEqual({ N: '2' });

    // Taken over once: a third start finds nothing.
    await second.stop();
    const third = capture(log);
    expect(await third.recover(newClient())).toMatchObject({ redelivered: 0, unfinishedWrites: 0 });
  });

  it('starts afresh on a log holding only finished work, and on no log at all', async () => {
    const log = join(dir, 'finished.jsonl');
    await writeFile(log, `${JSON.stringify({ i: 1, k: [{ pk: { S: 'A' }, sk: { S: 'B' } }], o: [null], t: 1 })}\n${JSON.stringify({ c: 1, r: [], t: 2 })}\n`);
    expect(await capture(log).recover(newClient())).toMatchObject({ redelivered: 0, unfinishedWrites: 0 });
    expect(await capture(join(dir, 'none.jsonl')).recover(newClient())).toMatchObject({ redelivered: 0, unfinishedWrites: 0 });
  });
});
