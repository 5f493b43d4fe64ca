/**
 * The bulk import of events from a spreadsheet or CSV file (`npm run import -- FILE`). Every row goes
 * the way of an API request: turned into an event, then `ingestEvents` (validation, lifecycle, exactly
 * once) in batches of 100, several in flight without changing what the file means
 * (tools/import/pipeline.ts). Importing a file twice changes nothing the second time: its events come
 * back as duplicates. Rejected rows are listed in `<name>.errors.csv` next to the file.
 *
 * An interrupted import (Ctrl-C, a crash, a lost connection) resumes where it stopped: answers are
 * taken in file order, and every second the row they have reached is written to
 * `<name>.import-state.json` with the counts so far and the size of the error file. Run again, the
 * import skips the rows before that point (it still reads them, to know their event ids) and goes on;
 * the rows after it that had been applied come back as duplicates. A changed file starts over.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { readFile, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { basename, dirname, extname, join } from 'node:path';
import { ingestEvents } from '#shared/financing/ingest';
import type { EventEnvelope, Rejection } from '#shared/financing/model';
import { csvLine, UTF8_BOM } from './csv';
import { ImportLayoutError, isBlankRow, mapHeader, rowToEvent, rowValues, type HeaderMap } from './layout';
import { IngestPipeline, type SendBatch } from './pipeline';
import { readRows } from './read';

/** Progress lines for people (Chinese). */
export type ImportProgress = (message: string) => void;

export interface ImportOptions {
  onProgress?: ImportProgress;
  /** Where rejected rows go (default `<dir>/<name>.errors.csv`). */
  errorFile?: string;
  /** Batches of 100 in flight at once. @default 4 */
  concurrency?: number;
  /** How batches are sent (default: `ingestEvents` in this process). */
  send?: SendBatch;
  /** Stops the import after the batches in flight (Ctrl-C); run again to resume. */
  signal?: AbortSignal;
  /** Ignore a saved resume point and start from the first row. */
  restart?: boolean;
  /** Milliseconds between progress lines. @default 1000 */
  progressIntervalMs?: number;
}

/** What an import did (over all its runs, when it resumed). */
export interface ImportReport {
  file: string;
  /** Data rows read (blank rows not counted). */
  rows: number;
  accepted: number;
  /** Rows whose event had been applied before (an earlier import, the API, or the interrupted run). */
  duplicates: number;
  rejected: number;
  /** The error file, when there were rejected rows. */
  errorFile?: string;
  /** The data row the import resumed after (0: from the start). */
  resumedAfterRow: number;
  /** True when stopped by the signal before the end; the resume point is saved. */
  interrupted: boolean;
  elapsedMs: number;
  /** Rows answered per second in this run. */
  rowsPerSecond: number;
}

/** The error file of an input: `data/orders.xlsx` → `data/orders.errors.csv`. */
export function errorFilePath(input: string): string {
  return join(dirname(input), `${basename(input, extname(input))}.errors.csv`);
}

/** Where an import's resume point is kept: `data/orders.xlsx` → `data/orders.import-state.json`. */
export function resumeFilePath(input: string): string {
  return join(dirname(input), `${basename(input, extname(input))}.import-state.json`);
}

interface ResumePoint {
  /** SHA-256 of the file, so a changed file starts over. */
  sha256: string;
  /** Data rows answered, in file order. */
  rowsDone: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** Bytes of the error file that hold the rejected rows among them. */
  errorFileBytes: number;
}

async function fileHash(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}

async function readResumePoint(path: string, sha256: string): Promise<ResumePoint | undefined> {
  try {
    const point = JSON.parse(await readFile(path, 'utf8')) as ResumePoint;
    return point.sha256 === sha256 && Number.isInteger(point.rowsDone) ? point : undefined;
  } catch {
    return undefined;
  }
}

/** Data rows of a file (for the progress line's total and time left). */
async function countRows(path: string): Promise<number> {
  let rows = -1; // the header row
  for await (const { cells } of readRows(path)) if (!isBlankRow(cells)) rows += 1;
  return Math.max(0, rows);
}

/** The error file: appended to in file order; a resumed import cuts it back to its resume point first. */
class ErrorFile {
  private stream?: WriteStream;
  /** Bytes written so far (with what a resumed import kept). */
  bytes = 0;

  constructor(
    readonly path: string,
    private readonly keptBytes: number,
  ) {}

  async open(): Promise<void> {
    if (this.keptBytes > 0) {
      await truncate(this.path, this.keptBytes);
      this.stream = createWriteStream(this.path, { flags: 'a', encoding: 'utf8' });
      this.bytes = this.keptBytes;
    }
  }

  async write(rowNumber: number, id: string, rejection: Rejection): Promise<void> {
    if (!this.stream) {
      this.stream = createWriteStream(this.path, { encoding: 'utf8' });
      await this.append(UTF8_BOM + csvLine(['行号', '事件编号', '错误代码', '错误说明']));
    }
    await this.append(csvLine([rowNumber, id, rejection.code, rejection.message]));
  }

  get written(): boolean {
    return this.bytes > 0;
  }

  private async append(text: string): Promise<void> {
    this.bytes += Buffer.byteLength(text);
    if (!this.stream!.write(text)) await once(this.stream!, 'drain');
  }

  /** Flushes what was written (for a consistent resume point). */
  async flush(): Promise<void> {
    const stream = this.stream;
    // An empty write's callback runs once everything written before it has reached the file.
    if (stream) await new Promise<void>((resolve, reject) => stream.write('', (error) => (error ? reject(error) : resolve())));
  }

  /** Closes the file; with no errors at all, removes a stale one from an earlier run instead. */
  async close(): Promise<void> {
    if (this.stream) {
      this.stream.end();
      await finished(this.stream);
    } else if (this.keptBytes === 0) {
      await rm(this.path, { force: true });
    }
  }
}

const number = (n: number) => n.toLocaleString('en-US');

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `${Math.ceil(seconds)} 秒`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} 分 ${Math.ceil(seconds % 60)} 秒`;
  return `${Math.floor(seconds / 3600)} 小时 ${Math.ceil((seconds % 3600) / 60)} 分`;
}

interface RowTag {
  rowNumber: number;
}

/**
 * Imports the events of an `.xlsx` or `.csv` file (see the file's comment). A row whose event id
 * already appeared earlier in the file is rejected (`DUPLICATE_IN_FILE`). Throws `ImportLayoutError`
 * (header row) or `ImportFormatError` (file type, encoding) before importing anything when the file
 * cannot be read as a whole, and the store's error when it fails (the resume point is kept).
 */
export async function importEventsFile(path: string, options: ImportOptions = {}): Promise<ImportReport> {
  const started = performance.now();
  const progress = options.onProgress ?? (() => undefined);
  const statePath = resumeFilePath(path);
  const sha256 = await fileHash(path);
  const resume = options.restart ? undefined : await readResumePoint(statePath, sha256);
  const total = await countRows(path);
  const errorPath = options.errorFile ?? errorFilePath(path);
  const errors = new ErrorFile(errorPath, resume?.errorFileBytes ?? 0);
  await errors.open();

  const report: ImportReport = {
    file: path,
    rows: 0,
    accepted: resume?.accepted ?? 0,
    duplicates: resume?.duplicates ?? 0,
    rejected: resume?.rejected ?? 0,
    resumedAfterRow: resume?.rowsDone ?? 0,
    interrupted: false,
    elapsedMs: 0,
    rowsPerSecond: 0,
  };
  if (resume) progress(`从上次中断处继续：跳过已处理的前 ${number(resume.rowsDone)} 行`);

  let answered = resume?.rowsDone ?? 0;
  let lastSaved = 0;
  let lastReport = 0;
  const rate = () => (answered - report.resumedAfterRow) / Math.max(0.001, (performance.now() - started) / 1000);
  const line = () =>
    `已处理 ${number(answered)}/${number(total)} 行（${total ? Math.floor((answered / total) * 100) : 100}%），` +
    `每秒 ${number(Math.round(rate()))} 行，预计剩余 ${duration((total - answered) / rate())}；` +
    `接受 ${number(report.accepted)}，重复 ${number(report.duplicates)}，拒绝 ${number(report.rejected)}`;
  const save = async () => {
    await errors.flush();
    const point: ResumePoint = { sha256, rowsDone: answered, accepted: report.accepted, duplicates: report.duplicates, rejected: report.rejected, errorFileBytes: errors.bytes };
    await writeFile(`${statePath}.tmp`, JSON.stringify(point));
    await rename(`${statePath}.tmp`, statePath);
  };

  const pipeline = new IngestPipeline<RowTag>({
    // History is taken as received when it occurred: 事件迟报 is about portals, not about an import.
    send: options.send ?? ((events) => ingestEvents(events, new Date(), { receivedAt: (event) => event.occurredAt })),
    concurrency: options.concurrency ?? 4,
    signal: options.signal,
  });
  pipeline.onSettled = async ({ rowNumber }, event, outcome) => {
    if (outcome === 'accepted') report.accepted += 1;
    else if (outcome === 'duplicate') report.duplicates += 1;
    else {
      report.rejected += 1;
      await errors.write(rowNumber, event.id, outcome);
    }
    answered += 1;
    const now = Date.now();
    if (now - lastReport >= (options.progressIntervalMs ?? 1000)) {
      lastReport = now;
      progress(line());
    }
    if (now - lastSaved >= 1000) {
      lastSaved = now;
      await save();
    }
  };

  const seenIds = new Set<string>();
  let header: HeaderMap | undefined;
  let failed = false;
  try {
    for await (const { rowNumber, cells } of readRows(path)) {
      if (isBlankRow(cells)) continue;
      if (!header) {
        header = mapHeader(cells);
        continue;
      }
      if (options.signal?.aborted) {
        report.interrupted = true;
        break;
      }
      report.rows += 1;
      const values = rowValues(header, cells);
      const event = rowToEvent(values);
      const skip = report.rows <= report.resumedAfterRow;
      if ('code' in event) {
        if (!skip) await pipeline.settle({ rowNumber }, { id: String(values.id ?? '').trim() } as EventEnvelope, event);
      } else if (seenIds.has(event.id)) {
        if (!skip) await pipeline.settle({ rowNumber }, event, { code: 'DUPLICATE_IN_FILE', message: '事件编号在本文件中重复出现' });
      } else {
        seenIds.add(event.id);
        if (!skip) await pipeline.push({ rowNumber }, event);
      }
    }
    if (!header) throw new ImportLayoutError('文件为空：第一行须为列名');
    await pipeline.finish();
    if (pipeline.stopped) report.interrupted = true;
  } catch (error) {
    failed = true;
    await pipeline.drain().catch(() => undefined);
    throw error;
  } finally {
    const keep = failed || report.interrupted;
    if (keep && header) await save().catch(() => undefined);
    await errors.close();
    if (!keep) await rm(statePath, { force: true });
  }
  report.elapsedMs = performance.now() - started;
  report.rowsPerSecond = rate();
  if (errors.written) report.errorFile = errors.path;
  if (report.interrupted) {
    progress(`已中断：已处理 ${number(answered)}/${number(total)} 行。再次运行同一命令将从第 ${number(answered + 1)} 条数据继续。`);
  } else {
    progress(
      `导入完成：共 ${number(report.rows)} 行，接受 ${number(report.accepted)}，重复 ${number(report.duplicates)}（此前已导入，未做改动），拒绝 ${number(report.rejected)}` +
        (report.errorFile ? `；错误明细见 ${report.errorFile}` : ''),
    );
  }
  return report;
}
