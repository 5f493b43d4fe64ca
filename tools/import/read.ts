/**
 * Reads the rows of an import file as a stream, whatever its format: `.xlsx` through exceljs's
 * streaming WorkbookReader (first worksheet only), `.csv` through the CSV reader. Memory stays flat
 * however long the file is.
 */
import { extname } from 'node:path';
import ExcelJS from 'exceljs';
import { decodeFile, parseCsv } from './csv';
import type { CellValue } from './layout';

/** One row: its number as a spreadsheet shows it (the header is row 1) and its cells, left to right. */
export interface SheetRow {
  rowNumber: number;
  cells: CellValue[];
}

/** A file the importer cannot read (format, encoding). */
export class ImportFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportFormatError';
  }
}

/** The supported import formats, by file extension. */
export type ImportFormat = 'xlsx' | 'csv';

/** The format of a file by its extension; throws {@link ImportFormatError} for anything else. */
export function importFormat(path: string): ImportFormat {
  const extension = extname(path).toLowerCase();
  if (extension === '.xlsx') return 'xlsx';
  if (extension === '.csv') return 'csv';
  if (extension === '.xls') throw new ImportFormatError('不支持旧版 .xls 文件：请在 Excel 中另存为 .xlsx 或 CSV UTF-8');
  throw new ImportFormatError(`不支持的文件类型 ${extension || '（无扩展名）'}：请使用 .xlsx 或 .csv`);
}

/** The plain value of an exceljs cell value (rich text joined, formulas by result, links by text). */
function plainCell(value: unknown): CellValue {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  if (typeof value === 'object') {
    const object = value as { richText?: { text: string }[]; result?: unknown; text?: unknown; error?: string };
    if (Array.isArray(object.richText)) return object.richText.map((run) => run.text).join('');
    if ('result' in object) return plainCell(object.result);
    if ('text' in object) return plainCell(object.text);
    if (object.error) return object.error;
  }
  return String(value);
}

async function* xlsxRows(path: string): AsyncGenerator<SheetRow> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    // Cached styles let the reader tell date cells from numbers.
    styles: 'cache',
    entries: 'ignore',
  });
  let sheets = 0;
  for await (const worksheet of workbook) {
    sheets += 1;
    if (sheets > 1) {
      // Only the first worksheet holds events. Later ones (说明 …) are read through and dropped: the
      // reader may have parked a sheet in a temporary file and opened it already, and deletes the
      // file once the sheet is consumed — left unread, the file went while its open was still under
      // way, and the failed open surfaced as an uncaught error.
      for await (const _row of worksheet) continue;
      continue;
    }
    for await (const row of worksheet) {
      const values = row.values as unknown[];
      // exceljs rows are 1-based: index 0 is always empty.
      yield { rowNumber: row.number, cells: values.slice(1).map(plainCell) };
    }
  }
}

async function* csvRows(path: string): AsyncGenerator<SheetRow> {
  for await (const { record, fields } of parseCsv(decodeFile(path))) yield { rowNumber: record, cells: fields };
}

/** The rows of an `.xlsx` or `.csv` file. Throws {@link ImportFormatError} for other files. */
export function readRows(path: string): AsyncGenerator<SheetRow> {
  return importFormat(path) === 'xlsx' ? xlsxRows(path) : csvRows(path);
}
