/**
 * A small streaming CSV reader and writer (RFC 4180): comma-separated, fields optionally in double
 * quotes with `""` for a quote, records ending in CRLF, LF or CR, line breaks allowed inside quotes.
 * The reader accepts UTF-8 (with or without BOM) and, for files saved by Excel on Chinese Windows,
 * GB18030 (a superset of GBK); the writer produces UTF-8 with a BOM so Excel opens it correctly, and
 * writes no text that a spreadsheet would take for a formula (shared/spreadsheet.ts).
 */
import { createReadStream } from 'node:fs';
import { TextDecoder } from 'node:util';
import { spreadsheetSafe } from '#shared/spreadsheet';

/** A file that is not UTF-8 throughout (and did not look like GB18030 from its start). */
export class CsvEncodingError extends Error {
  constructor() {
    super('CSV 文件编码无法识别：请另存为“CSV UTF-8（逗号分隔）”后重试');
    this.name = 'CsvEncodingError';
  }
}

/**
 * The text of a file, chunk by chunk. The encoding is UTF-8 unless the first chunk is not valid
 * UTF-8, in which case the whole file is read as GB18030. Throws {@link CsvEncodingError} when a
 * later chunk breaks UTF-8.
 */
export async function* decodeFile(path: string): AsyncGenerator<string> {
  let decoder: TextDecoder | undefined;
  for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
    if (!decoder) {
      const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
      try {
        const text = utf8.decode(chunk, { stream: true });
        decoder = utf8;
        yield text;
      } catch {
        decoder = new TextDecoder('gb18030');
        yield decoder.decode(chunk, { stream: true });
      }
      continue;
    }
    try {
      yield decoder.decode(chunk, { stream: true });
    } catch {
      throw new CsvEncodingError();
    }
  }
  try {
    const rest = decoder?.decode() ?? '';
    if (rest) yield rest;
  } catch {
    throw new CsvEncodingError();
  }
}

/** One record: its position (1 for the first record, as a spreadsheet numbers rows) and its fields. */
export interface CsvRecord {
  record: number;
  fields: string[];
}

/** Parses CSV text arriving in chunks into records, without holding more than one record. */
export async function* parseCsv(chunks: AsyncIterable<string>): AsyncGenerator<CsvRecord> {
  let fields: string[] = [];
  let field = '';
  let inQuotes = false;
  /** The last character closed a quoted field (a quote seen inside quotes, maybe the first of `""`). */
  let quotePending = false;
  let afterCr = false;
  let fieldStarted = false;
  let record = 0;
  let first = true;

  const endField = () => {
    fields.push(field);
    field = '';
    fieldStarted = false;
  };
  const endRecord = (): CsvRecord => {
    endField();
    const done = { record: ++record, fields };
    fields = [];
    return done;
  };

  for await (let chunk of chunks) {
    if (first) {
      first = false;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    for (let i = 0; i < chunk.length; i += 1) {
      const char = chunk[i]!;
      if (afterCr) {
        afterCr = false;
        if (char === '\n') continue;
      }
      if (inQuotes) {
        if (quotePending) {
          quotePending = false;
          if (char === '"') {
            field += '"';
            continue;
          }
          inQuotes = false;
          // fall through: the character after a closing quote is handled as outside quotes
        } else if (char === '"') {
          quotePending = true;
          continue;
        } else {
          field += char;
          continue;
        }
      }
      if (char === ',') {
        endField();
      } else if (char === '\n' || char === '\r') {
        afterCr = char === '\r';
        yield endRecord();
      } else if (char === '"' && !fieldStarted) {
        inQuotes = true;
        fieldStarted = true;
      } else {
        // A stray quote inside an unquoted field is kept as text (lenient, as spreadsheets are).
        field += char;
        fieldStarted = true;
      }
    }
  }
  if (fieldStarted || field !== '' || fields.length > 0 || (inQuotes && quotePending)) yield endRecord();
}

/** One CSV line (with CRLF): fields quoted when they hold a comma, quote, line break or edge spaces. */
export function csvLine(values: readonly (string | number | undefined | null)[]): string {
  return (
    values
      .map((value) => {
        const text = value === undefined || value === null ? '' : typeof value === 'number' ? String(value) : spreadsheetSafe(value);
        return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
      })
      .join(',') + '\r\n'
  );
}

/** The byte-order mark that makes Excel read a CSV file as UTF-8. */
export const UTF8_BOM = '\ufeff';
