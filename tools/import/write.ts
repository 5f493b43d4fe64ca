/**
 * Writes events as an import file in the documented layout (see `layout.ts`): `.xlsx` with a 事件
 * worksheet (and a 说明 worksheet describing the columns), or `.csv` (UTF-8 with BOM). Used for the
 * template (`npm run import -- --template out.xlsx`) and by the tests. Streams: memory stays flat.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import type { EventEnvelope } from '#shared/financing/model';
import { spreadsheetSafe } from '#shared/spreadsheet';
import { csvLine, UTF8_BOM } from './csv';
import { eventToRow, IMPORT_COLUMNS, type RowValues } from './layout';
import { importFormat } from './read';

/** A row to write: an event, or raw cells by column (to write deliberately odd rows in tests). */
export type ImportFileRow = EventEnvelope | RowValues;

function isEvent(row: ImportFileRow): row is EventEnvelope {
  return 'data' in row && typeof (row as EventEnvelope).id === 'string' && typeof (row as EventEnvelope).occurredAt === 'string';
}

/** The row's cells, text made spreadsheet-safe (shared/spreadsheet.ts). */
function cells(row: ImportFileRow): RowValues {
  const values = isEvent(row) ? eventToRow(row) : row;
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, typeof value === 'string' ? spreadsheetSafe(value) : value]));
}

const COLUMN_WIDTHS: Record<string, number> = { id: 22, type: 10, occurredAt: 20, enterpriseName: 30, creditCode: 22, productName: 20, reason: 24 };

async function writeXlsx(path: string, rows: Iterable<ImportFileRow>): Promise<number> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet('事件', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = IMPORT_COLUMNS.map((column) => ({ header: column.header, key: column.key, width: COLUMN_WIDTHS[column.key] ?? 14 }));
  sheet.getRow(1).font = { bold: true };
  let count = 0;
  for (const row of rows) {
    sheet.addRow(cells(row)).commit();
    count += 1;
  }
  sheet.commit();

  const notes = workbook.addWorksheet('说明');
  notes.columns = [
    { header: '列名', key: 'header', width: 18 },
    { header: '说明', key: 'note', width: 90 },
  ];
  notes.getRow(1).font = { bold: true };
  for (const column of IMPORT_COLUMNS) notes.addRow({ header: column.header, note: column.note }).commit();
  notes.addRow({}).commit();
  notes.addRow({ header: '导入', note: 'npm run import -- 文件.xlsx（或 .csv）。只读取第一个工作表；第一行为列名，列的顺序不限。' }).commit();
  notes.addRow({ header: '错误', note: '被拒绝的行写入同目录下的 <文件名>.errors.csv（行号、事件编号、错误代码、错误说明）。重复导入同一文件不会产生任何改动。' }).commit();
  notes.commit();
  await workbook.commit();
  return count;
}

async function writeCsv(path: string, rows: Iterable<ImportFileRow>): Promise<number> {
  const stream = createWriteStream(path, { encoding: 'utf8' });
  const write = async (text: string) => {
    if (!stream.write(text)) await once(stream, 'drain');
  };
  let count = 0;
  await write(UTF8_BOM + csvLine(IMPORT_COLUMNS.map((column) => column.header)));
  for (const row of rows) {
    const values = cells(row);
    await write(csvLine(IMPORT_COLUMNS.map((column) => {
      const value = values[column.key];
      if (value instanceof Date) return value.toISOString();
      return typeof value === 'boolean' ? String(value) : value;
    })));
    count += 1;
  }
  stream.end();
  await finished(stream);
  return count;
}

/**
 * Writes rows (events, or raw cells by column) to `path` as `.xlsx` or `.csv` by its extension.
 * Resolves to the number of data rows. Throws `ImportFormatError` for other extensions.
 */
export async function writeImportFile(path: string, rows: Iterable<ImportFileRow>): Promise<number> {
  return importFormat(path) === 'xlsx' ? writeXlsx(path, rows) : writeCsv(path, rows);
}
