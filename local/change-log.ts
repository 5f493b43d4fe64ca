/**
 * The durable log behind the local change capture (`change-capture.ts`) on a data directory: what
 * DynamoDB Streams keeps for 24 hours, the local stand-in keeps in one append-only file until the
 * rollup has applied it, so that a crash of `npm start` loses no captured change
 * (docs/architecture.md, "Local and cloud").
 *
 * One JSON object per line, appended with a synchronous write in the same critical section as the
 * write it describes (the capture holds the item's lock), before the write is acknowledged:
 * - an *intent* `{i, k, o, t}` before a write: its id, the item keys and, per key, the old image
 *   (`null`: no item; `0`: an item the stream filter can never let through, not kept);
 * - a *commit* `{c, r, t}` after it: the stream records the write produced (after filtering), each
 *   with its shard id; it resolves intent `c` (or only the keys listed in `k`); `c: 0` names no intent;
 * - an *applied* mark `{a, q}`: every record of shard `a` up to sequence number `q` has been delivered
 *   (or given up), the local counterpart of an event source mapping's checkpoint.
 *
 * Reading the file back gives, per shard, the records after its applied mark, in order, and the
 * intents no commit resolved: writes that may have happened without their record being logged. The
 * file is emptied whenever nothing is live and rewritten with only the live entries when it grows
 * (a temporary file renamed over it, so a crash leaves either the old or the new file).
 *
 * A write(2) that returned is in the kernel's page cache, so it survives the process being killed;
 * like the embedded store's own LevelDB files, the log is not synced to the disk on every write, so a
 * power cut may lose its last writes together with the table's.
 */
import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { AttributeValue as StreamAttributeValue, DynamoDBRecord } from 'aws-lambda';

export type StreamImage = Record<string, StreamAttributeValue>;
export type ItemKey = Record<string, AttributeValue>;

/** The old image an intent keeps per key: the image, `null` for no item, `0` for an item the filter never passes. */
export type IntentImage = StreamImage | null | 0;

export interface Intent {
  id: number;
  keys: ItemKey[];
  olds: IntentImage[];
  /** When the write was about to be made (epoch ms). */
  at: number;
}

export interface ShardRecord {
  shardId: string;
  record: DynamoDBRecord;
}

/** What a log holds when it is opened: the work an earlier run left. */
export interface LogContents {
  /** Per shard, in log order, the records after the shard's applied mark. */
  shards: Map<string, DynamoDBRecord[]>;
  /** Intents without a commit, each with the keys still unresolved. */
  intents: Intent[];
  /** The newest time written in the log (epoch ms), when it holds anything. */
  lastAt?: number;
  /** The highest sequence number in the log. */
  maxSequence?: bigint;
  /** The highest intent id in the log. */
  maxIntentId: number;
  /** A last line was cut short (the process died in the middle of writing it) and is ignored. */
  tornTail: boolean;
}

interface IntentLine {
  i: number;
  k: ItemKey[];
  o: IntentImage[];
  t: number;
}
interface CommitLine {
  c: number;
  /** Keys (as `JSON.stringify([pk, sk])`) this commit resolves; all keys of the intent when absent. */
  k?: string[];
  r: [string, DynamoDBRecord][];
  t: number;
}
interface AppliedLine {
  a: string;
  q: string;
}

/** The identity of a key in the log: `JSON.stringify([pk, sk])` of its string values. */
export function keyId(key: ItemKey, partitionKey: string, sortKey: string): string {
  return JSON.stringify([key[partitionKey]?.S, key[sortKey]?.S]);
}

const sequenceOf = (record: DynamoDBRecord): bigint => BigInt(record.dynamodb?.SequenceNumber ?? '0');

/** Parses a log's text; a torn last line is ignored, any other unreadable line fails loudly. */
export function parseLog(text: string, partitionKey: string, sortKey: string): LogContents {
  const lines = text.split('\n');
  const intents = new Map<number, Intent>();
  const records: ShardRecord[] = [];
  const applied = new Map<string, bigint>();
  let lastAt: number | undefined;
  let maxSequence: bigint | undefined;
  let maxIntentId = 0;
  let tornTail = false;
  for (const [index, line] of lines.entries()) {
    if (line === '') continue;
    let entry: IntentLine | CommitLine | AppliedLine;
    try {
      entry = JSON.parse(line) as IntentLine | CommitLine | AppliedLine;
    } catch (error) {
      // Only the very last line can be cut short by a crash: every complete line ends with '\n'.
      if (index === lines.length - 1) {
        tornTail = true;
        continue;
      }
      throw new Error(`change log: line ${index + 1} is not valid JSON`, { cause: error });
    }
    if ('i' in entry) {
      intents.set(entry.i, { id: entry.i, keys: entry.k, olds: entry.o, at: entry.t });
      maxIntentId = Math.max(maxIntentId, entry.i);
      lastAt = Math.max(lastAt ?? 0, entry.t);
    } else if ('c' in entry) {
      const intent = intents.get(entry.c);
      if (intent) {
        if (entry.k) {
          const resolved = new Set(entry.k);
          const keep = intent.keys.map((key, i) => ({ key, old: intent.olds[i]! })).filter(({ key }) => !resolved.has(keyId(key, partitionKey, sortKey)));
          if (keep.length === 0) intents.delete(entry.c);
          else intents.set(entry.c, { ...intent, keys: keep.map(({ key }) => key), olds: keep.map(({ old }) => old) });
        } else {
          intents.delete(entry.c);
        }
      }
      for (const [shardId, record] of entry.r) {
        records.push({ shardId, record });
        const sequence = sequenceOf(record);
        if (maxSequence === undefined || sequence > maxSequence) maxSequence = sequence;
      }
      lastAt = Math.max(lastAt ?? 0, entry.t);
    } else if ('a' in entry) {
      const through = BigInt(entry.q);
      if ((applied.get(entry.a) ?? -1n) < through) applied.set(entry.a, through);
    }
  }
  const shards = new Map<string, DynamoDBRecord[]>();
  for (const { shardId, record } of records) {
    const through = applied.get(shardId);
    if (through !== undefined && sequenceOf(record) <= through) continue;
    shards.set(shardId, [...(shards.get(shardId) ?? []), record]);
  }
  return { shards, intents: [...intents.values()], lastAt, maxSequence, maxIntentId, tornTail };
}

/** Compaction runs once the file has grown past this many bytes and twice its live size. */
const COMPACT_MIN_BYTES = 16 * 1024 * 1024;

/** The live entries a compaction keeps. */
export interface LiveEntries {
  intents: Intent[];
  /** Records not applied yet, per shard, in order. */
  shards: { shardId: string; records: DynamoDBRecord[] }[];
}

/** An open change log. Every method is synchronous: it runs inside the capture's critical sections. */
export class ChangeLog {
  private fd: number;
  /** Bytes in the file now. */
  private bytes: number;
  /** Bytes the last compaction kept. */
  private liveBytes = 0;
  /** After {@link close} every method does nothing: what is unfinished then stays for the next start. */
  private closed = false;

  private constructor(
    readonly path: string,
    readonly partitionKey: string,
    readonly sortKey: string,
  ) {
    this.fd = openSync(path, 'a', 0o600);
    this.bytes = 0;
  }

  /**
   * Opens (or creates) the log at `path` and returns what an earlier run left in it. The caller
   * then calls {@link rewrite} with the live entries once it has taken them over.
   */
  static open(path: string, partitionKey: string, sortKey: string): { log: ChangeLog; contents: LogContents } {
    rmSync(`${path}.tmp`, { force: true }); // a compaction that did not finish: the log itself is intact
    const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
    const contents = parseLog(text, partitionKey, sortKey);
    const log = new ChangeLog(path, partitionKey, sortKey);
    log.bytes = Buffer.byteLength(text);
    return { log, contents };
  }

  appendIntent(intent: Intent): void {
    this.append({ i: intent.id, k: intent.keys, o: intent.olds, t: intent.at } satisfies IntentLine);
  }

  /** The records of intent `intentId` (0: none); `resolvedKeys` when it resolves only some keys. */
  appendCommit(intentId: number, records: ShardRecord[], at: number, resolvedKeys?: string[]): void {
    this.append({ c: intentId, ...(resolvedKeys ? { k: resolvedKeys } : {}), r: records.map(({ shardId, record }) => [shardId, record]), t: at } satisfies CommitLine);
  }

  appendApplied(shardId: string, sequenceNumber: string): void {
    this.append({ a: shardId, q: sequenceNumber } satisfies AppliedLine);
  }

  /** True when the file has grown enough that {@link rewrite} is worth it. */
  needsCompaction(): boolean {
    return this.bytes > Math.max(COMPACT_MIN_BYTES, 2 * this.liveBytes);
  }

  /** Empties the file (nothing is live). */
  clear(): void {
    if (this.closed || this.bytes === 0) return;
    ftruncateSync(this.fd);
    this.bytes = 0;
    this.liveBytes = 0;
  }

  /** Replaces the file by one holding only `live`: written aside, synced, renamed over the log. */
  rewrite(live: LiveEntries, at: number): void {
    if (this.closed) return;
    const lines: string[] = [];
    for (const intent of live.intents) lines.push(JSON.stringify({ i: intent.id, k: intent.keys, o: intent.olds, t: intent.at } satisfies IntentLine));
    for (const { shardId, records } of live.shards) {
      if (records.length === 0) continue;
      lines.push(JSON.stringify({ c: 0, r: records.map((record) => [shardId, record]), t: at } satisfies CommitLine));
    }
    const text = lines.map((line) => `${line}\n`).join('');
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeAll(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
    closeSync(this.fd);
    this.fd = openSync(this.path, 'a', 0o600);
    this.bytes = Buffer.byteLength(text);
    this.liveBytes = this.bytes;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  private append(entry: IntentLine | CommitLine | AppliedLine): void {
    if (this.closed) return;
    const line = `${JSON.stringify(entry)}\n`;
    writeAll(this.fd, line);
    this.bytes += Buffer.byteLength(line);
  }
}

function writeAll(fd: number, text: string): void {
  const buffer = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < buffer.length) offset += writeSync(fd, buffer, offset, buffer.length - offset);
}
