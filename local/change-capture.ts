/**
 * The local stand-in for DynamoDB Streams and the Lambda event source mapping that feeds the rollup
 * handler (docs/data-model.md, "Write protocols"): dynalite has no streams, so the local DynamoDB client carries a middleware
 * that captures every change of the table and delivers it, in batches and with redelivery, to the same
 * handler the cloud invokes.
 *
 * What it reproduces:
 * - Records shaped exactly like DynamoDB stream records (`NEW_AND_OLD_IMAGES`, attribute-value maps,
 *   INSERT / MODIFY / REMOVE, nothing for a write that changes nothing or is refused by a condition).
 * - Shards: all records of one partition key go to the same shard, in write order; each shard is
 *   delivered by its own poller, one batch at a time, so shards run concurrently with each other.
 * - Lambda's event filtering (`filterPatterns`, see `stream-filter.ts`), batch size and batching window,
 *   partial batch responses (`batchItemFailures`), retries, and a last-resort failure destination.
 * - Redelivery is regrouped: a retried batch starts at the first unfinished record but is cut to a
 *   different length than the failed try (shorter, or running further when more records are queued),
 *   which is the case the rollup's per-item marks must survive.
 *
 * ## Sequence numbers and shards
 * Sequence numbers are decimal strings of 24 digits (real ones have up to 38, so consumers must compare
 * them as BigInt or DynamoDB N, never as JS numbers). They come from one counter for the whole capture,
 * taken at the moment a change is captured, and the counter starts from the start-up time (ms × 10⁹),
 * so they increase strictly within a shard, across shards, and across restarts of the local stack on a
 * kept data directory (marks stored by an earlier run stay below the new numbers).
 *
 * What that does NOT give: delivery in global order. Shards are delivered concurrently, so a record with
 * a higher number on one shard can be applied before a lower-numbered record on another shard. A
 * consumer that kept one "last applied sequence number" per counter item for all shards would skip
 * the late lower-numbered record and lose it. Marks must therefore be per shard (docs/data-model.md, "Write protocols"), or per
 * source partition key (valid because all records of one key are on one shard, in order), never one
 * per counter item for everything; a mark per hash bucket of source keys is valid here only because the
 * bucket is the shard, and would not be in AWS, where shards follow physical partitions. In AWS
 * a batch comes from exactly one shard, but a plain stream event does not name it (`eventID` is opaque,
 * `eventSourceARN` names the stream, not the shard); only events of an event source mapping with a
 * tumbling window carry `shardId`. Locally the shard of a record is recoverable with
 * {@link shardOfRecord}, which exists for tests and diagnostics only and must not be used by production
 * code, since it relies on the local `eventID` format (`<shardId>:<sequenceNumber>`).
 *
 * ## Durability (`log`)
 * With a change log (`change-log.ts`, a file in the data directory) a captured change is on disk
 * before the write is acknowledged to its caller, and stays there until the rollup has applied it:
 * - before the write, under the item's lock, an *intent* names the keys and their old images; after
 *   it, a *commit* holds the records it produced; after a delivery, an *applied* mark plays the event
 *   source mapping's checkpoint for the shard;
 * - a later start reads the log back before anything else runs. Records of an earlier run's shards
 *   that were not applied are delivered again on those shards, with their original shard ids and
 *   sequence numbers, in their original order: a closed parent shard read to its end before its
 *   children, as DynamoDB Streams does. The rollup's per-shard marks therefore recognise what a
 *   batch cut short by the crash had already applied to each counter item, exactly as they do for a
 *   retried batch (docs/data-model.md, "Write protocols"). An intent without a commit is a write
 *   that may have happened without its record being logged (the process died in between): its keys
 *   are read again, and where the item differs from the logged old image, the record the write
 *   produced is rebuilt and delivered on a new shard of its own (no mark can know it yet). Nothing
 *   else writes the item in between: writes to one item are serialised by its lock, and a start
 *   resolves the intents before it lets any write through.
 * - these redeliveries go to `recoveryHandler` with the time of the crash (the newest time in the
 *   log) as the rollup's clock, so that its pruning of marks untouched for longer than the stream's
 *   retention judges the marks of the crashed run as they were then, however long the restart took.
 * Without a log (`--memory`, tests) captured changes live in memory only.
 *
 * ## What it does not reproduce
 * Only writes through an attached client are captured, and writes from this process to one item are
 * serialised (an async lock per item key) so the old image read before a write is really the image the
 * write replaced. Shards do not split or roll over while running; each start of the capture opens new
 * shards (their ids carry the start-up time); there is no 24-hour retention.
 * Writes made after {@link ChangeCapture.stop} pass through uncaptured.
 */
import {
  DynamoDBClient,
  GetItemCommand,
  type AttributeValue,
  type BatchWriteItemCommandInput,
  type BatchWriteItemCommandOutput,
} from '@aws-sdk/client-dynamodb';
import type {
  AttributeValue as StreamAttributeValue,
  DynamoDBBatchResponse,
  DynamoDBRecord,
} from 'aws-lambda';
import { TABLE_DEFINITION } from '#shared/db/table';
import type { StreamBatchEvent, StreamBatchResponse } from '#shared/db/stream-event';
import { matchesAny, validatePatterns, type FilterPattern } from './stream-filter';
import { ChangeLog, keyId, type Intent, type IntentImage, type ShardRecord, type StreamImage } from './change-log';

type Item = Record<string, AttributeValue>;

/** A batch that exhausted its retries, handed to `onFailure` (the local failure destination). */
export interface DeliveryFailure {
  shardId: string;
  records: DynamoDBRecord[];
  error: unknown;
  attempts: number;
}

export interface ChangeCaptureOptions {
  /** Only writes to this table are captured. */
  tableName: string;
  /** The stream consumer, called like the cloud event source calls the Lambda function. */
  handler: (event: StreamBatchEvent) => Promise<DynamoDBBatchResponse | StreamBatchResponse | void>;
  /** Lambda event filter patterns; any one matching lets a record through, an empty list lets all through. */
  filterPatterns: readonly FilterPattern[];
  /** Used in `awsRegion` and `eventSourceARN` of the records. */
  region: string;
  shardCount?: number;
  /** Most records per handler invocation. */
  batchSize?: number;
  /** How long a poller waits for a batch to fill before delivering a short one. */
  batchWindowMs?: number;
  /** Retries of a failing record before it is isolated and, failing alone too, given up. */
  maxRetries?: number;
  /** Where given-up records go (default: logged to stderr). */
  onFailure?: (failure: DeliveryFailure) => void;
  /**
   * The change log file that makes capture durable (see the module comment); absent: memory only.
   * Call {@link ChangeCapture.recover} before letting any write through.
   */
  log?: string;
  /**
   * Delivers what an earlier run left in the log, with the time of that run's last change as the
   * consumer's clock (default: `handler`).
   */
  recoveryHandler?: (event: StreamBatchEvent, now: Date) => Promise<DynamoDBBatchResponse | StreamBatchResponse | void>;
  /**
   * Called when the change log cannot be written (a full or failing disk): captured changes are no
   * longer durable (default: logged to stderr). A write whose intent cannot be logged is not made.
   */
  onLogError?: (error: Error) => void;
}

/** What {@link ChangeCapture.recover} found in the log. */
export interface RecoverySummary {
  /** Records of an earlier run not applied yet, delivered again on their own shards. */
  redelivered: number;
  /** Writes of an earlier run whose outcome was not logged. */
  unfinishedWrites: number;
  /** Records rebuilt for those writes that did happen. */
  rebuilt: number;
  /** Changes that could not be rebuilt (see the warning printed for each). */
  lost: number;
  /** The time of the earlier run's last logged change. */
  lastChangeAt?: Date;
}

/** One handler invocation, as recorded for tests. */
export interface DeliveryLogEntry {
  shardId: string;
  /** Sequence numbers of the records in the batch, in order. */
  sequenceNumbers: string[];
  /** 1 for the first try of the batch's first record, then counting retries. */
  attempt: number;
  outcome: 'ok' | 'failed';
  /** On failure, the sequence number delivery resumes from. */
  retryFrom?: string;
  /** The injected failure mode, when {@link ChangeCapture.failNextDeliveries} caused the failure. */
  injected?: InjectedFailure;
}

/**
 * `throw`: the handler runs, then the invocation fails as a whole (as if it crashed or timed out after
 * doing its work). `partial`: the handler runs, then the middle record of the batch (the first one of a
 * single-record batch) and everything after it are reported failed as a partial batch response would.
 */
export type InjectedFailure = 'throw' | 'partial';

interface Shard {
  index: number;
  id: string;
  /** Captured records not yet delivered, in sequence order; the head is the next to deliver. */
  queue: DynamoDBRecord[];
  /** Failed deliveries whose first record was the current head. */
  attempts: number;
  /** How many records from the head the last failed try covered; a retry is cut differently. */
  lastCut: number;
  /** After the retries are used up, the head is tried alone once (BisectBatchOnError narrowed down). */
  isolateHead: boolean;
  /** An earlier run's shard (or the shard of rebuilt records): it gets no new records and ends once empty. */
  closed?: boolean;
  wake?: () => void;
  loop?: Promise<void>;
}

interface CapturedKey {
  key: Item;
  id: string;
}

const MIDDLEWARE_NAME = 'localChangeCapture';
const CAPTURED_COMMANDS = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand']);
const DELIVERY_LOG_LIMIT = 10_000;
const RETRY_DELAY_BASE_MS = 10;
const RETRY_DELAY_MAX_MS = 500;
const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * The shard id of a record captured by the local change capture, from its `eventID`. For tests and
 * diagnostics only: real `eventID`s are opaque, so production code must not call this.
 */
export function shardOfRecord(record: DynamoDBRecord): string | undefined {
  const eventId = record.eventID ?? '';
  const separator = eventId.indexOf(':');
  return separator > 0 ? eventId.slice(0, separator) : undefined;
}

/** FNV-1a over the UTF-16 code units: stable across runs, so a partition key always maps to one shard. */
function hashString(value: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

function toStreamValue(value: AttributeValue): StreamAttributeValue {
  // Stream records travel as JSON, where binary values are base64 strings.
  const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.SS !== undefined) return { SS: [...value.SS] };
  if (value.NS !== undefined) return { NS: [...value.NS] };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.L !== undefined) return { L: value.L.map(toStreamValue) };
  if (value.M !== undefined) return { M: toStreamImage(value.M) };
  throw new Error(`unsupported attribute value: ${JSON.stringify(value)}`);
}

function toStreamImage(item: Item): StreamImage {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, toStreamValue(value)]));
}

/** A form in which equal items are equal strings: map keys sorted, sets sorted (their order is not data). */
function canonical(value: unknown, isSet = false): unknown {
  if (Array.isArray(value)) {
    const elements = value.map((element) => canonical(element));
    return isSet ? elements.map((element) => JSON.stringify(element)).sort() : elements;
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key], ['SS', 'NS', 'BS'].includes(key))]),
    );
  }
  return value;
}

function sameImage(a: StreamImage | undefined, b: StreamImage | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** The table key of an item or key map in either marshalled (`{S: 'x'}`) or plain (`'x'`) form. */
function keyOf(item: Record<string, unknown> | undefined): CapturedKey | undefined {
  if (!item) return undefined;
  const key: Item = {};
  for (const name of [TABLE_DEFINITION.partitionKey, TABLE_DEFINITION.sortKey]) {
    const value = item[name];
    if (typeof value === 'string') key[name] = { S: value };
    else if (typeof value === 'object' && value !== null && typeof (value as { S?: unknown }).S === 'string') {
      key[name] = { S: (value as { S: string }).S };
    } else return undefined;
  }
  return { key, id: JSON.stringify([key[TABLE_DEFINITION.partitionKey]!.S, key[TABLE_DEFINITION.sortKey]!.S]) };
}

/**
 * Captures the changes of one table made through attached DynamoDB clients and delivers them as
 * DynamoDB stream events to a handler, per shard, in order, at least once. See the module comment for
 * what is and is not reproduced.
 */
export class ChangeCapture {
  /**
   * Test hook: one entry per handler invocation (the most recent {@link DELIVERY_LOG_LIMIT}), so tests
   * can assert batch sizes, redelivery and regrouping.
   */
  readonly deliveries: DeliveryLogEntry[] = [];
  /** Test hook: handler invocations so far. */
  invocations = 0;
  /** Records captured but dropped by the filter patterns (never delivered). */
  filteredOut = 0;

  private readonly tableName: string;
  private readonly handler: ChangeCaptureOptions['handler'];
  private readonly filterPatterns: readonly FilterPattern[];
  private readonly region: string;
  private readonly batchSize: number;
  private readonly batchWindowMs: number;
  private readonly maxRetries: number;
  private readonly onFailure: (failure: DeliveryFailure) => void;
  private readonly streamArn: string;
  /** Every shard: this run's, then closed ones of an earlier run. */
  private readonly shards: Shard[];
  /** This run's shards, which new records go to. */
  private readonly openShards: Shard[];
  private nextSequence: bigint;
  private readonly locks = new Map<string, Promise<void>>();
  private readonly readers = new Map<DynamoDBClient, DynamoDBClient>();
  private readonly injected: InjectedFailure[] = [];
  private readonly sleepers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private readonly drainWaiters = new Set<() => void>();
  private writesInFlight = 0;
  private isStopped = false;
  private stopping?: Promise<void>;
  private readonly startedAt: number;
  private readonly recoveryHandler: NonNullable<ChangeCaptureOptions['recoveryHandler']>;
  private readonly changeLog?: ChangeLog;
  /** Intents logged and not yet resolved by a commit, by id. */
  private readonly openIntents = new Map<number, Intent>();
  /** Keys whose last write's new image could not be read: the next capture of the key resolves it. */
  private readonly unresolved = new Map<string, { intentId: number; old: IntentImage }>();
  /** Intents an earlier run left unresolved, until {@link recover} has looked at them. */
  private inheritedIntents: Intent[] = [];
  private nextIntentId = 1;
  /** The consumer's clock for records of an earlier run: the time of its last logged change. */
  private readonly recoveryNow: Date;
  private readonly inheritedRecords: number;
  private readonly onLogError: (error: Error) => void;

  constructor(options: ChangeCaptureOptions) {
    const shardCount = options.shardCount ?? 4;
    this.batchSize = options.batchSize ?? 100;
    this.batchWindowMs = options.batchWindowMs ?? 20;
    this.maxRetries = options.maxRetries ?? 10;
    if (!Number.isInteger(shardCount) || shardCount < 1) throw new Error(`shardCount must be a positive integer: ${shardCount}`);
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new Error(`batchSize must be a positive integer: ${this.batchSize}`);
    if (!Number.isInteger(this.maxRetries) || this.maxRetries < 0) throw new Error(`maxRetries must be a non-negative integer: ${this.maxRetries}`);
    validatePatterns(options.filterPatterns);
    this.tableName = options.tableName;
    this.handler = options.handler;
    this.filterPatterns = options.filterPatterns;
    this.region = options.region;
    this.onFailure = options.onFailure ?? ((failure) => {
      console.error(
        `change capture: gave up on ${failure.records.length} record(s) of ${failure.shardId} after ${failure.attempts} attempts`,
        failure.error,
      );
    });
    this.streamArn = `arn:aws:dynamodb:${this.region}:000000000000:table/${this.tableName}/stream/local`;
    this.recoveryHandler = options.recoveryHandler ?? ((event) => this.handler(event));
    this.onLogError = options.onLogError ?? ((error) => console.error('change capture: the change log cannot be written', error));
    const startedAt = Date.now();
    this.startedAt = startedAt;
    // 10^23 + ms × 10^9: 24 digits, later than anything an earlier run on the same data can have issued.
    this.nextSequence = 10n ** 23n + BigInt(startedAt) * 10n ** 9n;
    this.shards = Array.from({ length: shardCount }, (_, index) => ({
      index,
      id: this.shardId(index + 1),
      queue: [],
      attempts: 0,
      lastCut: 0,
      isolateHead: false,
    }));
    this.openShards = [...this.shards];
    let lastChangeAt = startedAt;
    let inheritedRecords = 0;
    if (options.log) {
      const { log, contents } = ChangeLog.open(options.log, TABLE_DEFINITION.partitionKey, TABLE_DEFINITION.sortKey);
      this.changeLog = log;
      if (contents.maxSequence !== undefined && contents.maxSequence >= this.nextSequence) this.nextSequence = contents.maxSequence + 1n;
      this.nextIntentId = contents.maxIntentId + 1;
      lastChangeAt = contents.lastAt ?? startedAt;
      // The earlier run's shards, closed: delivered to their end, before any new record exists.
      for (const [id, records] of contents.shards) {
        this.shards.push({ index: -1, id, queue: [...records], attempts: 0, lastCut: 0, isolateHead: false, closed: true });
        inheritedRecords += records.length;
      }
      this.inheritedIntents = contents.intents;
      for (const intent of contents.intents) this.openIntents.set(intent.id, intent);
      // Keep only what is live now (drops applied entries and a torn last line).
      this.compact();
    }
    this.recoveryNow = new Date(lastChangeAt);
    this.inheritedRecords = inheritedRecords;
    for (const shard of this.shards) {
      shard.loop = this.poll(shard).catch((error: unknown) => console.error(`change capture: poller of ${shard.id} died`, error));
    }
  }

  /**
   * Takes over what an earlier run left in the change log: its undelivered records are already being
   * delivered (from the constructor on); this resolves its unfinished writes by reading their items
   * through `client`'s endpoint. Call it before any write goes through an attached client. Without a
   * log there is nothing to recover.
   */
  async recover(client: DynamoDBClient): Promise<RecoverySummary> {
    const summary: RecoverySummary = { redelivered: this.inheritedRecords, unfinishedWrites: 0, rebuilt: 0, lost: 0 };
    if (!this.changeLog) return summary;
    if (this.inheritedRecords > 0 || this.inheritedIntents.length > 0) summary.lastChangeAt = this.recoveryNow;
    const intents = this.inheritedIntents;
    this.inheritedIntents = [];
    if (intents.length === 0) return summary;
    summary.unfinishedWrites = intents.length;
    const reader = this.readerFor(client);
    try {
      const rebuilt: { intent: Intent; images: (StreamImage | undefined)[] }[] = [];
      for (const intent of intents) rebuilt.push({ intent, images: await Promise.all(intent.keys.map((key) => this.read(reader, key))) });
      const shard: Shard = { index: 0, id: this.shardId(0), queue: [], attempts: 0, lastCut: 0, isolateHead: false, closed: true };
      // Synchronous from here on: records, commits and the shard appear together.
      for (const { intent, images } of rebuilt) {
        const records: ShardRecord[] = [];
        for (const [index, key] of intent.keys.entries()) {
          const old = intent.olds[index]!;
          const current = images[index];
          if (old === 0) {
            if (current !== undefined && this.isRelevant(current)) {
              summary.lost += 1;
              console.error(
                `change capture: a change of ${keyId(key, TABLE_DEFINITION.partitionKey, TABLE_DEFINITION.sortKey)} made before the last stop cannot be rebuilt (its old image was not kept); run npm run rollups -- reconcile`,
              );
            }
            continue;
          }
          const record = this.buildRecord(shard, key, old ?? undefined, current, intent.at);
          if (record) {
            shard.queue.push(record);
            records.push({ shardId: shard.id, record });
          }
        }
        summary.rebuilt += records.length;
        const changeLog = this.changeLog;
        this.logged(() => changeLog.appendCommit(intent.id, records, intent.at));
        this.openIntents.delete(intent.id);
      }
      if (shard.queue.length > 0) {
        this.shards.push(shard);
        shard.loop = this.poll(shard).catch((error: unknown) => console.error(`change capture: poller of ${shard.id} died`, error));
      }
      this.settle();
    } finally {
      reader.destroy();
    }
    return summary;
  }

  /**
   * Captures the table's writes made through `client` from now on: PutItem, UpdateItem, DeleteItem and
   * BatchWriteItem (document-client commands included, they run through the same stack). Images are read
   * with a separate plain client for the same endpoint, region and credentials, so capture never
   * recurses. Attaching the same client twice has no effect.
   *
   * A captured write takes its item's lock, reads the old image, runs, and reads the new image. If the
   * old image cannot be read, the write is not attempted and the read's error is thrown to the caller;
   * if the new image cannot be read, the write's own result stands and the lost record is logged.
   */
  attach(client: DynamoDBClient): void {
    if (this.readers.has(client)) return;
    if (this.isStopped) throw new Error('change capture is stopped');
    const reader = this.readerFor(client);
    this.readers.set(client, reader);
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const command = context.commandName ?? '';
        if (this.isStopped || !CAPTURED_COMMANDS.has(command)) return next(args);
        // The build step runs after the document client has marshalled its input, so `input` is in
        // attribute-value form whichever client sent the command.
        const input = args.input as Record<string, unknown>;
        return this.capture(reader, this.affectedKeys(command, input), () => next(args), command === 'BatchWriteItemCommand');
      },
      { step: 'build', priority: 'high', name: MIDDLEWARE_NAME },
    );
  }

  /** A plain client for the same endpoint, region and credentials as `client`, to read images with. */
  private readerFor(client: DynamoDBClient): DynamoDBClient {
    return new DynamoDBClient({
      region: client.config.region,
      credentials: client.config.credentials,
      ...(client.config.endpoint ? { endpoint: client.config.endpoint } : {}),
    });
  }

  private shardId(ordinal: number): string {
    return `shardId-${String(this.startedAt).padStart(20, '0')}-${String(ordinal).padStart(8, '0')}`;
  }

  /**
   * Whether a record with this image (as its new or its old image, of any event name) could pass the
   * filter. An intent keeps only the old images that are: the others cannot make a record of their own.
   */
  private isRelevant(image: StreamImage): boolean {
    if (this.filterPatterns.length === 0) return true;
    return [
      { eventName: 'INSERT', dynamodb: { NewImage: image } },
      { eventName: 'MODIFY', dynamodb: { NewImage: image } },
      { eventName: 'MODIFY', dynamodb: { OldImage: image } },
      { eventName: 'REMOVE', dynamodb: { OldImage: image } },
    ].some((candidate) => matchesAny(candidate, this.filterPatterns));
  }

  /**
   * Records captured but not yet delivered successfully nor given up, across all shards, plus writes
   * still in flight (each counts one until its records are known), so that `pending() === 0` after the
   * last write has settled means everything has reached the handler.
   */
  pending(): number {
    return this.writesInFlight + this.shards.reduce((sum, shard) => sum + shard.queue.length, 0);
  }

  /** Resolves when {@link pending} is 0; rejects with an `Error` after `timeoutMs` otherwise. */
  drain(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    if (this.pending() === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = () => {
        clearTimeout(timer);
        this.drainWaiters.delete(waiter);
        resolve();
      };
      const timer = setTimeout(() => {
        this.drainWaiters.delete(waiter);
        reject(new Error(`change capture did not drain within ${timeoutMs} ms: ${this.pending()} pending`));
      }, timeoutMs);
      this.drainWaiters.add(waiter);
    });
  }

  /**
   * Drains (up to `timeoutMs`; what is left then stays in the change log for the next start, or
   * without a log is reported and dropped), stops the pollers, detaches from the clients and closes
   * the image readers and the log. Leaves no timers or sockets behind. Idempotent.
   */
  stop(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    this.stopping ??= (async () => {
      try {
        await this.drain(timeoutMs);
      } catch (error) {
        if (this.changeLog) console.error(`change capture: ${this.pending()} change(s) not rolled up yet stay in the change log for the next start`);
        else console.error('change capture: stopping with undelivered records', error);
      }
      this.isStopped = true;
      for (const shard of this.shards) shard.wake?.();
      for (const sleeper of this.sleepers) {
        clearTimeout(sleeper.timer);
        sleeper.resolve();
      }
      this.sleepers.clear();
      await Promise.all(this.shards.map((shard) => shard.loop));
      for (const [client, reader] of this.readers) {
        client.middlewareStack.remove(MIDDLEWARE_NAME);
        reader.destroy();
      }
      this.readers.clear();
      this.changeLog?.close();
    })();
    return this.stopping;
  }

  /**
   * Test hook: the next `count` handler invocations (on whichever shards deliver next) fail in the
   * given way after the handler has run; see {@link InjectedFailure}.
   */
  failNextDeliveries(count: number, mode: InjectedFailure): void {
    for (let i = 0; i < count; i++) this.injected.push(mode);
  }

  private affectedKeys(command: string, input: Record<string, unknown>): CapturedKey[] {
    if (command === 'BatchWriteItemCommand') {
      const requests = (input as unknown as BatchWriteItemCommandInput).RequestItems?.[this.tableName] ?? [];
      return requests.flatMap((request) => keyOf(request.PutRequest?.Item ?? request.DeleteRequest?.Key) ?? []);
    }
    if (input.TableName !== this.tableName) return [];
    const key = keyOf((command === 'PutItemCommand' ? input.Item : input.Key) as Record<string, unknown> | undefined);
    return key ? [key] : [];
  }

  /** Locks the keys, reads the old images, writes, reads the new images and enqueues the changes. */
  private async capture<T>(reader: DynamoDBClient, keys: CapturedKey[], write: () => Promise<T>, isBatch: boolean): Promise<T> {
    const unique = [...new Map(keys.map((key) => [key.id, key])).values()];
    if (unique.length === 0) return write();
    this.writesInFlight += 1;
    // Sorted so that two batches sharing keys cannot each hold a lock the other waits for.
    const releases: Array<() => void> = [];
    let intent: Intent | undefined;
    try {
      for (const key of [...unique].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) releases.push(await this.lock(key.id));
      const before = await Promise.all(unique.map((key) => this.read(reader, key.key)));
      if (this.changeLog && !this.isStopped) {
        this.resolveEarlierWrites(unique, before);
        // Durable before the write: if the process dies from here until the commit, the next start
        // compares the items with these old images.
        intent = {
          id: this.nextIntentId++,
          keys: unique.map((key) => key.key),
          olds: before.map((image) => (image === undefined ? null : this.isRelevant(image) ? image : 0)),
          at: Date.now(),
        };
        try {
          this.changeLog.appendIntent(intent);
        } catch (error) {
          this.onLogError(error as Error);
          throw error; // the write is not made: it could not be made durable
        }
        this.openIntents.set(intent.id, intent);
      }
      let result: T | undefined;
      let writeError: unknown;
      let hasFailed = false;
      try {
        result = await write();
      } catch (error) {
        hasFailed = true;
        writeError = error;
      }
      // Read back even when the write failed: a request can fail on the client after it was applied,
      // and DynamoDB streams it all the same. A refused condition simply leaves the image unchanged.
      const skipped = isBatch && !hasFailed ? this.unprocessedIds(result) : new Set<string>();
      const processed = unique.map((key, index) => ({ key, before: before[index] })).filter(({ key }) => !skipped.has(key.id));
      try {
        const after = await Promise.all(processed.map(({ key }) => this.read(reader, key.key)));
        // Enqueued together and in request order, so a batch's records get consecutive numbers; the
        // commit is written in the same synchronous step, before any of them can be delivered.
        const records: ShardRecord[] = [];
        for (const [index, { key, before: oldImage }] of processed.entries()) {
          const record = this.enqueue(key.key, oldImage, after[index]);
          if (record) records.push(record);
        }
        if (intent && this.changeLog) {
          this.logged(() => this.changeLog!.appendCommit(intent!.id, records, Date.now()));
          this.openIntents.delete(intent.id);
        }
      } catch (error) {
        if (intent) {
          // The write may stand without its record: the next capture of these keys (or the next
          // start) compares them with the intent's old images and rebuilds it.
          for (const [index, key] of unique.entries()) this.unresolved.set(key.id, { intentId: intent.id, old: intent.olds[index]! });
          console.error('change capture: could not read the new image; the change is kept as unfinished in the change log', error);
        } else {
          // The write stands; only its stream record is lost. Say so loudly rather than fail the caller.
          console.error('change capture: could not read the new image, change not captured', error);
        }
      }
      if (hasFailed) throw writeError;
      return result as T;
    } finally {
      for (const release of releases) release();
      this.writesInFlight -= 1;
      this.settle();
    }
  }

  private unprocessedIds(result: unknown): Set<string> {
    const output = (result as { output?: BatchWriteItemCommandOutput } | undefined)?.output;
    const requests = output?.UnprocessedItems?.[this.tableName] ?? [];
    return new Set(requests.flatMap((request) => keyOf(request.PutRequest?.Item ?? request.DeleteRequest?.Key)?.id ?? []));
  }

  private async read(reader: DynamoDBClient, key: Item): Promise<StreamImage | undefined> {
    const { Item: item } = await reader.send(new GetItemCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return item ? toStreamImage(item) : undefined;
  }

  /** An async mutex per item key; resolves with the release function once the caller holds the lock. */
  private async lock(id: string): Promise<() => void> {
    const previous = this.locks.get(id) ?? Promise.resolve();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => held);
    this.locks.set(id, tail);
    await previous;
    return () => {
      release();
      if (this.locks.get(id) === tail) this.locks.delete(id);
    };
  }

  /**
   * Resolves the unfinished writes of these keys (their new image could not be read): `before`, read
   * under the lock, is the image they left.
   */
  private resolveEarlierWrites(keys: CapturedKey[], before: (StreamImage | undefined)[]): void {
    for (const [index, key] of keys.entries()) {
      const earlier = this.unresolved.get(key.id);
      if (!earlier || !this.changeLog) continue;
      this.unresolved.delete(key.id);
      const records: ShardRecord[] = [];
      if (earlier.old !== 0) {
        const record = this.enqueue(key.key, earlier.old ?? undefined, before[index]);
        if (record) records.push(record);
      } else if (before[index] !== undefined && this.isRelevant(before[index]!)) {
        console.error(`change capture: a change of ${key.id} cannot be rebuilt (its old image was not kept); run npm run rollups -- reconcile`);
      }
      const changeLog = this.changeLog;
      this.logged(() => changeLog.appendCommit(earlier.intentId, records, Date.now(), [key.id]));
      const intent = this.openIntents.get(earlier.intentId);
      if (intent) {
        const left = intent.keys.map((k, i) => ({ k, old: intent.olds[i]! })).filter(({ k }) => keyId(k, TABLE_DEFINITION.partitionKey, TABLE_DEFINITION.sortKey) !== key.id);
        if (left.length === 0) this.openIntents.delete(intent.id);
        else this.openIntents.set(intent.id, { ...intent, keys: left.map(({ k }) => k), olds: left.map(({ old }) => old) });
      }
    }
  }

  /** Builds the stream record of a change on `shard`, or nothing for no change or one the filter drops. */
  private buildRecord(shard: Shard, key: Item, oldImage: StreamImage | undefined, newImage: StreamImage | undefined, at: number): DynamoDBRecord | undefined {
    if (sameImage(oldImage, newImage)) return undefined;
    const sequenceNumber = String(this.nextSequence++);
    const Keys = toStreamImage(key);
    const images = { ...(newImage ? { NewImage: newImage } : {}), ...(oldImage ? { OldImage: oldImage } : {}) };
    const record: DynamoDBRecord = {
      eventID: `${shard.id}:${sequenceNumber}`,
      eventName: !oldImage ? 'INSERT' : !newImage ? 'REMOVE' : 'MODIFY',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: this.region,
      eventSourceARN: this.streamArn,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(at / 1000),
        Keys,
        ...images,
        SequenceNumber: sequenceNumber,
        SizeBytes: Buffer.byteLength(JSON.stringify({ Keys, ...images })),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    };
    if (!matchesAny(record, this.filterPatterns)) {
      this.filteredOut += 1;
      return undefined;
    }
    return record;
  }

  /** Queues the change's record on the shard of its partition key; returns it, if there is one. */
  private enqueue(key: Item, oldImage: StreamImage | undefined, newImage: StreamImage | undefined): ShardRecord | undefined {
    const partitionKey = key[TABLE_DEFINITION.partitionKey]!.S!;
    const shard = this.openShards[hashString(partitionKey) % this.openShards.length]!;
    const record = this.buildRecord(shard, key, oldImage, newImage, Date.now());
    if (!record) return undefined;
    shard.queue.push(record);
    shard.wake?.();
    return { shardId: shard.id, record };
  }

  private async poll(shard: Shard): Promise<void> {
    while (!this.isStopped) {
      if (shard.queue.length === 0) {
        if (shard.closed) return;
        await new Promise<void>((resolve) => (shard.wake = resolve));
        shard.wake = undefined;
        continue;
      }
      if (shard.attempts === 0 && !shard.closed && shard.queue.length < this.batchSize && this.batchWindowMs > 0) {
        await this.sleep(this.batchWindowMs);
        if (this.isStopped) break;
      }
      await this.deliver(shard, shard.queue.slice(0, this.cutSize(shard)));
    }
  }

  /** The first try takes what is there; a retry takes a different length (regrouped redelivery). */
  private cutSize(shard: Shard): number {
    const available = Math.min(shard.queue.length, this.batchSize);
    if (shard.isolateHead) return 1;
    if (shard.attempts === 0) return available;
    const sizes = Array.from({ length: available }, (_, i) => i + 1).filter((size) => size !== shard.lastCut);
    return sizes.length === 0 ? available : sizes[Math.floor(Math.random() * sizes.length)]!;
  }

  private async deliver(shard: Shard, batch: DynamoDBRecord[]): Promise<void> {
    const injected = this.injected.shift();
    this.invocations += 1;
    let failedIndex: number | undefined;
    let error: unknown;
    try {
      // A copy, so that a handler that mutates its event cannot change what a retry delivers.
      const now = new Date();
      const event: StreamBatchEvent = {
        Records: structuredClone(batch),
        // The fields an event source mapping with a tumbling window adds; the rollup keys its marks by shardId.
        shardId: shard.id,
        eventSourceARN: this.streamArn,
        window: { start: now.toISOString(), end: new Date(now.getTime() + 1000).toISOString() },
        state: {},
        isFinalInvokeForWindow: false,
        isWindowTerminatedEarly: false,
      };
      const response = shard.closed ? await this.recoveryHandler(event, this.recoveryNow) : await this.handler(event);
      failedIndex = this.firstFailedIndex(batch, response);
      if (failedIndex !== undefined) error = new Error(`handler reported a failure at ${batch[failedIndex]!.dynamodb!.SequenceNumber}`);
    } catch (thrown) {
      failedIndex = 0;
      error = thrown;
    }
    if (injected === 'throw') {
      failedIndex = 0;
      error = new Error('injected delivery failure (throw)');
    } else if (injected === 'partial') {
      const middle = Math.floor(batch.length / 2);
      failedIndex = Math.min(failedIndex ?? middle, middle);
      error ??= new Error('injected delivery failure (partial)');
    }
    this.log({
      shardId: shard.id,
      sequenceNumbers: batch.map((record) => record.dynamodb!.SequenceNumber!),
      attempt: shard.attempts + 1,
      outcome: failedIndex === undefined ? 'ok' : 'failed',
      ...(failedIndex === undefined ? {} : { retryFrom: batch[failedIndex]!.dynamodb!.SequenceNumber! }),
      ...(injected ? { injected } : {}),
    });

    if (failedIndex === undefined) {
      shard.queue.splice(0, batch.length);
      this.markApplied(shard, batch[batch.length - 1]!);
      shard.attempts = 0;
      shard.isolateHead = false;
      this.settle();
      return;
    }
    if (failedIndex > 0) {
      // The records before the failure are done; the failure counts against the new head.
      shard.queue.splice(0, failedIndex);
      this.markApplied(shard, batch[failedIndex - 1]!);
      shard.attempts = 0;
      shard.isolateHead = false;
      this.settle();
    }
    shard.attempts += 1;
    shard.lastCut = batch.length - failedIndex;
    if (shard.attempts > this.maxRetries) {
      if (!shard.isolateHead && shard.lastCut > 1) {
        shard.isolateHead = true;
      } else {
        const head = shard.queue.shift()!;
        this.markApplied(shard, head);
        const attempts = shard.attempts;
        shard.attempts = 0;
        shard.isolateHead = false;
        try {
          this.onFailure({ shardId: shard.id, records: [head], error, attempts });
        } catch (failure) {
          console.error('change capture: onFailure threw', failure);
        }
        this.settle();
        return;
      }
    }
    await this.sleep(Math.min(RETRY_DELAY_BASE_MS * 2 ** (shard.attempts - 1), RETRY_DELAY_MAX_MS));
  }

  /**
   * Lambda's reading of a partial batch response: no failures means success; otherwise delivery resumes
   * at the earliest reported record, and an identifier that names no record of the batch fails it all.
   */
  private firstFailedIndex(batch: DynamoDBRecord[], response: DynamoDBBatchResponse | void): number | undefined {
    const failures = response?.batchItemFailures;
    if (!Array.isArray(failures) || failures.length === 0) return undefined;
    let first = batch.length;
    for (const failure of failures) {
      const index = batch.findIndex((record) => record.dynamodb?.SequenceNumber === failure?.itemIdentifier);
      if (!failure?.itemIdentifier || index < 0) return 0;
      first = Math.min(first, index);
    }
    return first;
  }

  private log(entry: DeliveryLogEntry): void {
    this.deliveries.push(entry);
    if (this.deliveries.length > DELIVERY_LOG_LIMIT) this.deliveries.shift();
  }

  /** A timer that {@link stop} can cut short; after stop it does not wait at all. */
  private sleep(ms: number): Promise<void> {
    if (this.isStopped) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper = {
        timer: setTimeout(() => {
          this.sleepers.delete(sleeper);
          resolve();
        }, ms),
        resolve,
      };
      this.sleepers.add(sleeper);
    });
  }

  /** The checkpoint: every record of the shard up to `record` is done with. */
  private markApplied(shard: Shard, record: DynamoDBRecord): void {
    // Also while stopping: the log closes only once the pollers have ended.
    this.logged(() => this.changeLog?.appendApplied(shard.id, record.dynamodb!.SequenceNumber!));
  }

  /** Runs a write to the change log; a failure is reported, not thrown (the change itself stands). */
  private logged(write: () => void): void {
    try {
      write();
    } catch (error) {
      this.onLogError(error as Error);
    }
  }

  /** Rewrites the log with what is live now: open intents and undelivered records. */
  private compact(): void {
    this.changeLog?.rewrite(
      {
        intents: [...this.openIntents.values()],
        shards: this.shards.map((shard) => ({ shardId: shard.id, records: shard.queue })),
      },
      Date.now(),
    );
  }

  private settle(): void {
    const changeLog = this.changeLog;
    if (changeLog && !this.isStopped) {
      if (this.pending() === 0 && this.openIntents.size === 0 && this.inheritedIntents.length === 0) this.logged(() => changeLog.clear());
      else if (changeLog.needsCompaction()) this.logged(() => this.compact());
    }
    if (this.pending() !== 0) return;
    for (const waiter of [...this.drainWaiters]) waiter();
  }
}
