/**
 * Several ingestion batches in flight without changing what a file means. Events are taken in file
 * order into batches of up to 100; a batch may start while others are in flight only if none of its
 * events touches a record an in-flight batch writes, or writes a record one reads (an order's
 * enterprise or product; a registration takes its credit code as a record) — and an event waits, with every later event touching the same records,
 * until the earlier ones are answered. So each record sees its events in file order, and every event
 * its context as the file left it: the result is the one of sending the batches one after another.
 *
 * Answers come back in file order too ({@link IngestPipeline.onSettled}), which the importer's error
 * file and resume point rely on (tools/import/import-file.ts).
 */
import { eventNeeds, eventTarget, validateEvent, type EventEnvelope, type Rejection } from '#shared/financing/model';
import type { IngestResult } from '#shared/financing/ingest';

/** Sends one batch (in-process `ingestEvents`, or the HTTP API). */
export type SendBatch = (events: EventEnvelope[]) => Promise<IngestResult>;

/** What became of one event. */
export type EventOutcome = 'accepted' | 'duplicate' | Rejection;

export interface PipelineOptions {
  send: SendBatch;
  /** Batches in flight at once. @default 4 */
  concurrency?: number;
  /** Events per batch (at most the API's 100). @default 100 */
  batchSize?: number;
  /** Events waiting to be batched before `push` waits. @default 8 batches' worth */
  window?: number;
  /** Once aborted, no new batch starts; `finish` returns when those in flight have answered. */
  signal?: AbortSignal;
}

interface Entry<T> {
  seq: number;
  tag: T;
  event: EventEnvelope;
  writes: string[];
  reads: string[];
}

const recordKey = (kind: string, id: string) => `${kind}#${id}`;

/** The records an event writes and reads (none for an event that fails validation: it touches nothing). */
function keysOf(event: EventEnvelope, now: Date): { writes: string[]; reads: string[] } {
  const valid = validateEvent(event, now);
  if ('code' in valid) return { writes: [], reads: [] };
  const target = eventTarget(valid);
  const needs = eventNeeds(valid);
  return {
    // Registrations under one credit code see each other (the 数据质量 rule credit-code-names), so
    // they take turns as records do.
    writes: [recordKey(target.kind, target.id), ...(valid.type === 'enterprise.registered' ? [recordKey('credit-code', valid.data.creditCode)] : [])],
    reads: [
      ...(needs.enterpriseId ? [recordKey('enterprise', needs.enterpriseId)] : []),
      ...(needs.productId ? [recordKey('product', needs.productId)] : []),
    ],
  };
}

function add(counts: Map<string, number>, keys: string[]): void {
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
}

function remove(counts: Map<string, number>, keys: string[]): void {
  for (const key of keys) {
    const left = (counts.get(key) ?? 0) - 1;
    if (left > 0) counts.set(key, left);
    else counts.delete(key);
  }
}

/**
 * A pipeline of ingestion batches. `push` events in file order (it waits while the window is full),
 * then `finish`. Each pushed item is handed to `onSettled` with its outcome, in push order.
 */
export class IngestPipeline<T> {
  private readonly send: SendBatch;
  private readonly concurrency: number;
  private readonly batchSize: number;
  private readonly window: number;
  private readonly signal?: AbortSignal;
  private readonly now = new Date();
  private pending: Entry<T>[] = [];
  private readonly writing = new Map<string, number>();
  private readonly reading = new Map<string, number>();
  private running = 0;
  private nextSeq = 0;
  /** Outcomes not yet handed on because an earlier item is still in flight. */
  private readonly settled = new Map<number, { tag: T; event: EventEnvelope; outcome: EventOutcome }>();
  private handedOn = 0;
  private failure: unknown;
  private readonly waiters = new Set<() => void>();
  /** Called in push order as outcomes become known. */
  onSettled: (tag: T, event: EventEnvelope, outcome: EventOutcome) => void | Promise<void> = () => undefined;

  constructor(options: PipelineOptions) {
    this.send = options.send;
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.batchSize = Math.min(100, Math.max(1, options.batchSize ?? 100));
    this.window = Math.max(this.batchSize, options.window ?? this.batchSize * Math.max(8, this.concurrency * 2));
    this.signal = options.signal;
    this.signal?.addEventListener('abort', () => this.notify(), { once: true });
  }

  /** Whether events were left unsent because the signal stopped the pipeline. */
  get stopped(): boolean {
    return (this.signal?.aborted ?? false) && this.pending.length > 0;
  }

  /** Items pushed whose outcome has been handed on. */
  get done(): number {
    return this.handedOn;
  }

  /** Queues an event; waits while the window is full. Throws the first failure of a batch. */
  async push(tag: T, event: EventEnvelope): Promise<void> {
    this.throwIfFailed();
    const { writes, reads } = keysOf(event, this.now);
    this.pending.push({ seq: this.nextSeq++, tag, event, writes, reads });
    this.dispatch(false);
    while (this.pending.length >= this.window && !this.failure && !this.signal?.aborted) await this.changed();
    this.throwIfFailed();
  }

  /** Queues an outcome known without sending (a row that could not become an event). */
  async settle(tag: T, event: EventEnvelope, outcome: EventOutcome): Promise<void> {
    this.throwIfFailed();
    this.settled.set(this.nextSeq++, { tag, event, outcome });
    await this.handOn();
  }

  /** Sends what is left and waits for every answer (when stopped by the signal: for those in flight). */
  async finish(): Promise<void> {
    while ((this.running > 0 || (this.pending.length > 0 && !this.signal?.aborted)) && !this.failure) {
      this.dispatch(true);
      await this.changed();
    }
    this.throwIfFailed();
    await this.handOn();
  }

  /** Stops taking new batches and waits for those in flight (an interrupted import). */
  async drain(): Promise<void> {
    this.pending = [];
    while (this.running > 0) await this.changed();
    await this.handOn().catch(() => undefined);
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.add(resolve));
  }

  private notify(): void {
    for (const waiter of this.waiters) waiter();
    this.waiters.clear();
  }

  /** Starts batches while there is room; a partial batch only when `flush` or nothing else can run. */
  private dispatch(flush: boolean): void {
    while (this.running < this.concurrency && this.pending.length > 0 && !this.signal?.aborted) {
      const batch = this.nextBatch();
      if (batch.length === 0) return;
      if (batch.length < this.batchSize && !flush && this.pending.length < this.window && this.running > 0) {
        // Not full yet and others are busy: wait for more events rather than send a small batch.
        return;
      }
      this.take(batch);
    }
  }

  /** The next events that may go now, in file order (see the file's comment). */
  private nextBatch(): Entry<T>[] {
    const batch: Entry<T>[] = [];
    const blockedWrites = new Set<string>();
    const blockedReads = new Set<string>();
    const busy = (key: string) => this.writing.has(key) || blockedWrites.has(key);
    for (const entry of this.pending) {
      const waits =
        entry.writes.some((key) => busy(key) || this.reading.has(key) || blockedReads.has(key)) || entry.reads.some((key) => busy(key));
      if (waits) {
        for (const key of entry.writes) blockedWrites.add(key);
        for (const key of entry.reads) blockedReads.add(key);
        continue;
      }
      batch.push(entry);
      if (batch.length === this.batchSize) break;
    }
    return batch;
  }

  private take(batch: Entry<T>[]): void {
    const taken = new Set(batch);
    this.pending = this.pending.filter((entry) => !taken.has(entry));
    for (const entry of batch) {
      add(this.writing, entry.writes);
      add(this.reading, entry.reads);
    }
    this.running += 1;
    void this.run(batch);
  }

  private async run(batch: Entry<T>[]): Promise<void> {
    try {
      const result = await this.send(batch.map((entry) => entry.event));
      const outcomes = new Map<string, EventOutcome[]>();
      const note = (id: string, outcome: EventOutcome) => outcomes.set(id, [...(outcomes.get(id) ?? []), outcome]);
      for (const id of result.accepted) note(id, 'accepted');
      for (const id of result.duplicates) note(id, 'duplicate');
      for (const { id, code, message } of result.rejected) note(id, { code, message });
      for (const entry of batch) {
        const outcome = outcomes.get(entry.event.id)?.shift() ?? { code: 'NO_ANSWER', message: '接口未返回该事件的结果' };
        this.settled.set(entry.seq, { tag: entry.tag, event: entry.event, outcome });
      }
    } catch (error) {
      this.failure ??= error;
    } finally {
      for (const entry of batch) {
        remove(this.writing, entry.writes);
        remove(this.reading, entry.reads);
      }
      this.running -= 1;
      try {
        await this.handOn();
      } catch (error) {
        this.failure ??= error;
      }
      if (!this.failure) this.dispatch(false);
      this.notify();
    }
  }

  private handing?: Promise<void>;

  /** Hands on the outcomes that are next in push order; resolves when none that is due is left. */
  private handOn(): Promise<void> {
    if (this.handing) return this.handing.then(() => this.handOn());
    this.handing = (async () => {
      for (let next = this.settled.get(this.handedOn); next; next = this.settled.get(this.handedOn)) {
        this.settled.delete(this.handedOn);
        await this.onSettled(next.tag, next.event, next.outcome);
        this.handedOn += 1;
      }
    })().finally(() => {
      this.handing = undefined;
    });
    return this.handing;
  }
}
