/**
 * The bulk import of events from a spreadsheet or CSV file (`npm run import -- FILE`). Every row goes
 * the way of an API request: turned into an event, then `ingestEvents` in batches of 100 (validation,
 * lifecycle, exactly-once), so importing a file twice changes nothing the second time — its events
 * come back as duplicates. Rejected rows are listed in `<name>.errors.csv` next to the file.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { basename, dirname, extname, join } from 'node:path';
import { ingestEvents } from '#shared/financing/ingest';
import type { EventEnvelope, Rejection } from '#shared/financing/model';
import { csvLine, UTF8_BOM } from './csv';
import { ImportLayoutError, isBlankRow, mapHeader, rowToEvent, rowValues, type HeaderMap } from './layout';
import { readRows } from './read';

/** Events per `ingestEvents` call: the API's batch limit. */
const BATCH_SIZE = 100;

/** Progress lines for people (Chinese). */
export type ImportProgress = (message: string) => void;

export interface ImportOptions {
  onProgress?: ImportProgress;
  /** Where rejected rows go (default `<dir>/<name>.errors.csv`). */
  errorFile?: string;
}

/** What an import did. */
export interface ImportReport {
  file: string;
  /** Data rows read (blank rows not counted). */
  rows: number;
  accepted: number;
  /** Rows whose event had been applied before (an earlier import or the API). */
  duplicates: number;
  rejected: number;
  /** The error file, when there were rejected rows. */
  errorFile?: string;
  elapsedMs: number;
}

/** The error file of an input: `data/orders.xlsx` → `data/orders.errors.csv`. */
export function errorFilePath(input: string): string {
  return join(dirname(input), `${basename(input, extname(input))}.errors.csv`);
}

interface RowError extends Rejection {
  rowNumber: number;
  id: string;
}

/** The error file, opened at the first rejected row. */
class ErrorFile {
  private stream?: WriteStream;
  count = 0;

  constructor(readonly path: string) {}

  async write(errors: RowError[]): Promise<void> {
    if (errors.length === 0) return;
    if (!this.stream) {
      this.stream = createWriteStream(this.path, { encoding: 'utf8' });
      await this.append(UTF8_BOM + csvLine(['行号', '事件编号', '错误代码', '错误说明']));
    }
    for (const error of errors.sort((a, b) => a.rowNumber - b.rowNumber)) {
      await this.append(csvLine([error.rowNumber, error.id, error.code, error.message]));
      this.count += 1;
    }
  }

  private async append(text: string): Promise<void> {
    if (!this.stream!.write(text)) await once(this.stream!, 'drain');
  }

  /** Closes the file; with no errors, removes a stale one from an earlier run instead. */
  async close(): Promise<void> {
    if (this.stream) {
      this.stream.end();
      await finished(this.stream);
    } else {
      await rm(this.path, { force: true });
    }
  }
}

/**
 * Imports the events of an `.xlsx` or `.csv` file. Rows are read as a stream and sent in batches of
 * 100; a row whose event id already appeared earlier in the file is rejected (`DUPLICATE_IN_FILE`).
 * Throws `ImportLayoutError` (header row) or `ImportFormatError` (file type, encoding) before
 * importing anything when the file cannot be read as a whole.
 */
export async function importEventsFile(path: string, options: ImportOptions = {}): Promise<ImportReport> {
  const started = performance.now();
  const progress = options.onProgress ?? (() => undefined);
  const errors = new ErrorFile(options.errorFile ?? errorFilePath(path));
  const report: ImportReport = { file: path, rows: 0, accepted: 0, duplicates: 0, rejected: 0, elapsedMs: 0 };
  const seenIds = new Set<string>();
  let header: HeaderMap | undefined;
  let batch: { rowNumber: number; event: EventEnvelope }[] = [];
  let pendingErrors: RowError[] = [];
  let lastReport = 0;

  const flush = async () => {
    if (batch.length > 0) {
      const rows = new Map(batch.map(({ rowNumber, event }) => [event.id, rowNumber]));
      const result = await ingestEvents(batch.map(({ event }) => event));
      report.accepted += result.accepted.length;
      report.duplicates += result.duplicates.length;
      for (const rejection of result.rejected) {
        pendingErrors.push({ rowNumber: rows.get(rejection.id) ?? 0, id: rejection.id, code: rejection.code, message: rejection.message });
      }
      batch = [];
    }
    report.rejected += pendingErrors.length;
    await errors.write(pendingErrors);
    pendingErrors = [];
    if (Date.now() - lastReport >= 1000) {
      lastReport = Date.now();
      progress(`已处理 ${report.rows} 行（接受 ${report.accepted}，重复 ${report.duplicates}，拒绝 ${report.rejected}）`);
    }
  };

  try {
    for await (const { rowNumber, cells } of readRows(path)) {
      if (isBlankRow(cells)) continue;
      if (!header) {
        header = mapHeader(cells);
        continue;
      }
      report.rows += 1;
      const event = rowToEvent(rowValues(header, cells));
      if ('code' in event) {
        pendingErrors.push({ rowNumber, id: String(rowValues(header, cells).id ?? '').trim(), ...event });
      } else if (seenIds.has(event.id)) {
        pendingErrors.push({ rowNumber, id: event.id, code: 'DUPLICATE_IN_FILE', message: '事件编号在本文件中重复出现' });
      } else {
        seenIds.add(event.id);
        batch.push({ rowNumber, event });
      }
      if (batch.length >= BATCH_SIZE) await flush();
    }
    if (!header) throw new ImportLayoutError('文件为空：第一行须为列名');
    await flush();
  } finally {
    await errors.close();
  }
  report.elapsedMs = performance.now() - started;
  if (errors.count > 0) report.errorFile = errors.path;
  progress(
    `导入完成：共 ${report.rows} 行，接受 ${report.accepted}，重复 ${report.duplicates}（此前已导入，未做改动），拒绝 ${report.rejected}` +
      (report.errorFile ? `；错误明细见 ${report.errorFile}` : ''),
  );
  return report;
}
