/**
 * The one spreadsheet writer of 报表导出: a title row, a header row, the data rows and an optional
 * 合计 row, written with exceljs's streaming writer so a report of any length is committed row by row
 * to a file and never held in memory as a whole. Generic over its columns, so every report kind (and
 * the benchmark's synthetic rows) goes through exactly this code.
 */
import { randomUUID } from 'node:crypto';
import { once, type EventEmitter } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type ExcelJS from 'exceljs';
// The streaming writer alone (functions/reports/exceljs-writer.d.ts): the package's entry point would
// bundle the in-memory workbook, the readers and CSV as well.
import WorkbookWriter from 'exceljs/lib/stream/xlsx/workbook-writer.js';
import { spreadsheetSafe } from '#shared/spreadsheet';
import { EXCEL_NUMBER_FORMATS, wanValue } from '#shared/contract/figures';
import { rate } from '#shared/statistics/metrics';

/** The MIME type of an .xlsx file. */
export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * How a column's values are written:
 * - `text`: as given (strings; plain numbers such as ids stay numbers in General format);
 * - `count`: an integer, `#,##0`;
 * - `yuan`: integer yuan, written as 万元 with two decimals (`#,##0.00`), exact to 0.01 万元;
 * - `rate`: a ratio in [0, 1] shown as a percentage with one decimal (`0.0%`); null leaves the cell blank;
 * The number formats are those of the console's screens (shared/contract/figures.ts).
 * - `date` / `datetime`: an ISO-8601 instant, shown as its China-time date (and time).
 */
export type ColumnKind = 'text' | 'count' | 'yuan' | 'rate' | 'date' | 'datetime';

/**
 * What the 合计 row shows in a column:
 * - `sum`: the sum of a `count` or `yuan` column (yuan summed as integers, then converted);
 * - `rows`: the number of data rows;
 * - `{ rateOf: [numerator, denominator] }`: the rate of two summed columns (never an average of rates).
 */
export type ColumnTotal = 'sum' | 'rows' | { rateOf: readonly [numeratorKey: string, denominatorKey: string] };

/** One column of a report: its header, how its values are shown, its width and its total. */
export interface ReportColumn {
  /** The row field this column shows. */
  key: string;
  /** The Chinese header, as the console's tables have it (amounts say 万元). */
  header: string;
  kind: ColumnKind;
  /** Width in characters (a Chinese character counts about two). */
  width: number;
  total?: ColumnTotal;
}

/** A report's sheet: its name, title row, columns and totals row. */
export interface ReportSpec {
  /** The worksheet's name (at most 31 characters). */
  sheetName: string;
  /** The text of the title row: the report, its region and period, the generation time. */
  title: string;
  columns: readonly ReportColumn[];
  /** When set, a totals row follows the data, with this label in the first column. */
  totalsLabel?: string;
}

/** A row's value for one column; null or undefined leaves the cell blank. */
export type CellInput = string | number | null | undefined;

/** One data row: a value per column key. */
export type ReportRow = Readonly<Record<string, CellInput>>;

const TITLE_ROWS = 2; // the title row and the header row, frozen above the data
const YIELD_EVERY_ROWS = 500; // rows between waits for the zip to catch up
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

const NUMBER_FORMATS: Record<ColumnKind, string | undefined> = {
  text: undefined,
  count: EXCEL_NUMBER_FORMATS.count,
  yuan: EXCEL_NUMBER_FORMATS.wan,
  rate: EXCEL_NUMBER_FORMATS.percent,
  date: 'yyyy-mm-dd',
  datetime: 'yyyy-mm-dd hh:mm:ss',
};

const THIN_BORDER: Partial<ExcelJS.Borders> = {
  top: { style: 'thin', color: { argb: 'FFBFBFBF' } },
  left: { style: 'thin', color: { argb: 'FFBFBFBF' } },
  bottom: { style: 'thin', color: { argb: 'FFBFBFBF' } },
  right: { style: 'thin', color: { argb: 'FFBFBFBF' } },
};

function isSummed(column: ReportColumn): boolean {
  return column.kind === 'count' || column.kind === 'yuan';
}

function integerOf(column: ReportColumn, value: CellInput): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new TypeError(`report column ${column.key}: expected an integer, got ${String(value)}`);
  }
  return value;
}

/** The China-time wall clock of an instant as a Date whose UTC fields carry it (Excel has no zones). */
function chinaWallClock(value: string | number): Date {
  const time = typeof value === 'number' ? value : Date.parse(value);
  if (Number.isNaN(time)) throw new TypeError(`report: not a date: ${String(value)}`);
  return new Date(time + CHINA_OFFSET_MS);
}

/** The value a cell holds for a column's input; null leaves the cell blank. */
function cellValue(column: ReportColumn, value: CellInput): ExcelJS.CellValue {
  if (value === null || value === undefined || value === '') return null;
  switch (column.kind) {
    case 'text':
      return typeof value === 'string' ? spreadsheetSafe(value) : value;
    case 'count':
      return integerOf(column, value);
    case 'yuan':
      return wanValue(integerOf(column, value));
    case 'rate':
      if (typeof value !== 'number') throw new TypeError(`report column ${column.key}: expected a rate, got ${value}`);
      return value;
    case 'date': {
      // The China-time calendar day itself (midnight), so Excel's date filters group it correctly.
      const clock = chinaWallClock(value);
      return new Date(Date.UTC(clock.getUTCFullYear(), clock.getUTCMonth(), clock.getUTCDate()));
    }
    case 'datetime':
      return chinaWallClock(value);
  }
}

function styles(columns: readonly ReportColumn[]) {
  const data = columns.map((column): Partial<ExcelJS.Style> => {
    const numFmt = NUMBER_FORMATS[column.kind];
    return {
      ...(numFmt ? { numFmt } : {}),
      border: THIN_BORDER,
      alignment: { vertical: 'middle', horizontal: column.kind === 'text' ? 'left' : 'right' },
    };
  });
  return {
    title: { font: { bold: true, size: 14 }, alignment: { vertical: 'middle', horizontal: 'center' } } satisfies Partial<ExcelJS.Style>,
    header: {
      font: { bold: true },
      border: THIN_BORDER,
      alignment: { vertical: 'middle', horizontal: 'center', wrapText: true },
      fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } },
    } satisfies Partial<ExcelJS.Style>,
    data,
    totals: data.map((style) => ({ ...style, font: { bold: true } })),
  };
}

/**
 * Writes a report workbook to `filePath` with the streaming writer, committing each row as it goes.
 * The file has one worksheet: the title row (merged across the columns, bold and larger), the header
 * row, the frozen pane below both, the data rows and, with `spec.totalsLabel`, the totals row.
 *
 * @returns the number of data rows written (the totals row not counted).
 * @throws TypeError when a row holds a value its column cannot show (a non-integer count or amount).
 *   On any failure the output stream is closed; the caller removes the partial file.
 */
export async function writeReportWorkbook(
  spec: ReportSpec,
  rows: Iterable<ReportRow> | AsyncIterable<ReportRow>,
  filePath: string,
): Promise<{ rowCount: number }> {
  if (spec.columns.length === 0) throw new RangeError('report: at least one column is required');
  // Our own file stream (rather than the writer's `filename` option) so that a failure can close it,
  // and an error of the disk is seen as a rejection, not an unhandled 'error' event.
  const output = createWriteStream(filePath);
  let outputError: Error | undefined;
  const outputFailed = new Promise<never>((_, reject) => {
    output.on('error', (error) => {
      outputError ??= error;
      reject(error);
    });
  });
  outputFailed.catch(() => undefined); // observed through outputError / the race below
  try {
    const workbook = new WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: false });
    workbook.creator = '信易贷政府端';
    const sheet = workbook.addWorksheet(spec.sheetName, { views: [{ state: 'frozen', ySplit: TITLE_ROWS }] });
    sheet.columns = spec.columns.map((column) => ({ width: column.width }));
    const style = styles(spec.columns);

    const title = sheet.addRow([spec.title]);
    title.height = 28;
    title.getCell(1).style = style.title;
    if (spec.columns.length > 1) sheet.mergeCells(1, 1, 1, spec.columns.length);
    title.commit();

    const header = sheet.addRow(spec.columns.map((column) => column.header));
    header.height = 22;
    spec.columns.forEach((_, index) => {
      header.getCell(index + 1).style = style.header;
    });
    header.commit();

    const sums = new Map(spec.columns.filter(isSummed).map((column) => [column.key, 0]));
    let rowCount = 0;
    for await (const input of rows) {
      const row = sheet.addRow(spec.columns.map((column) => cellValue(column, input[column.key])));
      spec.columns.forEach((column, index) => {
        row.getCell(index + 1).style = style.data[index]!;
        const value = input[column.key];
        if (isSummed(column) && value !== null && value !== undefined && value !== '') sums.set(column.key, sums.get(column.key)! + integerOf(column, value));
      });
      row.commit();
      rowCount += 1;
      if (rowCount % YIELD_EVERY_ROWS === 0) {
        await Promise.race([zipCaughtUp(sheet), outputFailed]);
      }
    }

    if (spec.totalsLabel !== undefined) {
      const totals = sheet.addRow(spec.columns.map((column, index) => (index === 0 ? spec.totalsLabel : totalValue(column, sums, rowCount))));
      spec.columns.forEach((column, index) => {
        const cellStyle = style.totals[index]!;
        totals.getCell(index + 1).style = column.total === 'rows' ? { ...cellStyle, numFmt: NUMBER_FORMATS.count } : cellStyle;
      });
      totals.commit();
    }

    sheet.commit();
    await workbook.commit();
    if (outputError) throw outputError;
    return { rowCount };
  } catch (error) {
    // Wait until the file is really closed: the stream may still be opening it, and a caller that
    // removes the file right away would otherwise race the late open and leave it behind.
    await new Promise<void>((resolve) => {
      if (output.closed) return resolve();
      output.once('close', () => resolve());
      output.destroy();
    });
    throw error;
  }
}

/**
 * Waits until the zip has taken the rows written so far. exceljs 4.4.0 pipes a worksheet into the
 * zip through a stream whose backpressure it ignores, so rows produced faster than they are deflated
 * would pile up as uncompressed XML in memory (hundreds of MB for 300,000 rows). The writer exposes no
 * handle to that stream, so it is reached defensively; without it, this just yields to the event loop.
 */
async function zipCaughtUp(sheet: ExcelJS.Worksheet): Promise<void> {
  type ZipEntry = EventEmitter & { _writableState?: { needDrain?: boolean } };
  const entry = (sheet as unknown as { stream?: { pipes?: ZipEntry[] } }).stream?.pipes?.[0];
  if (entry?._writableState?.needDrain) await once(entry, 'drain');
  else await new Promise((resolve) => setImmediate(resolve));
}

function totalValue(column: ReportColumn, sums: ReadonlyMap<string, number>, rowCount: number): ExcelJS.CellValue {
  const total = column.total;
  if (total === undefined) return null;
  if (total === 'rows') return rowCount;
  if (total === 'sum') {
    const sum = sums.get(column.key);
    if (sum === undefined) throw new RangeError(`report column ${column.key}: only count and yuan columns can be summed`);
    return cellValue(column, sum);
  }
  const [numerator, denominator] = total.rateOf.map((key) => sums.get(key));
  if (numerator === undefined || denominator === undefined) {
    throw new RangeError(`report column ${column.key}: a rate total needs two summed columns (${total.rateOf.join(', ')})`);
  }
  return rate(numerator, denominator);
}

/**
 * Writes a report to a fresh temporary file (under `directory`, by default the system's temporary
 * directory), hands the file to `use`, and removes it afterwards whether writing or `use` succeeded.
 *
 * @returns what `use` returns.
 * @throws whatever writing or `use` throws, after the file is removed.
 */
export async function withReportFile<T>(
  spec: ReportSpec,
  rows: Iterable<ReportRow> | AsyncIterable<ReportRow>,
  use: (file: { path: string; rowCount: number }) => Promise<T>,
  directory: string = tmpdir(),
): Promise<T> {
  const path = join(directory, `xyd-report-${randomUUID()}.xlsx`);
  try {
    const { rowCount } = await writeReportWorkbook(spec, rows, path);
    return await use({ path, rowCount });
  } finally {
    await rm(path, { force: true });
  }
}
