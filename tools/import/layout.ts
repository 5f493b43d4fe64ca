/**
 * The column layout of the bulk import file (one worksheet or CSV file of events, one event a row)
 * and the translation between a row and an ingestion event (docs/http-api.md, "Ingestion").
 *
 * | 列名            | event field            | used by                                              |
 * |-----------------|------------------------|------------------------------------------------------|
 * | 事件编号         | id                     | all (required; unique; the key of idempotency)       |
 * | 事件类型         | type                   | all (code such as `order.loaned`, or 放款 …)         |
 * | 发生时间         | occurredAt             | all (ISO-8601, or `2024-03-05 10:21:33` China time)  |
 * | 企业编号         | enterpriseId           | 企业注册, 需求发布                                    |
 * | 企业名称         | name                   | 企业注册                                             |
 * | 统一社会信用代码  | creditCode             | 企业注册                                             |
 * | 行业门类         | industry               | 企业注册 (A–T)                                       |
 * | 区县代码         | districtCode           | 企业注册 (6-digit GB/T 2260 district)                |
 * | 产品编号         | productId              | 产品发布, 产品下架, 受理 (optional)                   |
 * | 机构编号         | institutionId          | 产品发布, 产品下架, 受理                              |
 * | 产品名称         | name                   | 产品发布 (optional)                                  |
 * | 订单编号         | orderId                | 需求发布, 受理, 放款, 拒绝, 撤回, 坏账                |
 * | 需求金额(元)     | requestedAmount        | 需求发布 (integer yuan)                              |
 * | 意向金额(元)     | intendedAmount         | 受理 (integer yuan)                                  |
 * | 放款金额(元)     | loanAmount             | 放款 (integer yuan)                                  |
 * | 原因            | reason                 | 拒绝, 撤回, 坏账 (optional)                           |
 *
 * Columns may come in any order; headers are matched after trimming, with full-width brackets
 * accepted (需求金额（元）), and the English field names work as headers too. Cells a type does not use
 * are ignored. A time without a zone is China time (UTC+8), as is a spreadsheet date cell.
 */
import type { EventEnvelope, EventType, Rejection } from '#shared/financing/model';
import { EVENT_ID_PATTERN, EVENT_TYPES } from '#shared/financing/model';
import { fromSpreadsheetText } from '#shared/spreadsheet';

export const IMPORT_COLUMNS = [
  { key: 'id', header: '事件编号', note: '必填。每个事件唯一；重复导入同一编号的事件不会重复生效。' },
  { key: 'type', header: '事件类型', note: '必填。企业注册、产品发布、产品下架、需求发布、受理、放款、拒绝、撤回、坏账，或英文代码（如 order.loaned）。' },
  { key: 'occurredAt', header: '发生时间', note: '必填。如 2024-03-05 10:21:33（北京时间），或带时区的 ISO-8601 时间。' },
  { key: 'enterpriseId', header: '企业编号', note: '企业注册、需求发布时必填。' },
  { key: 'enterpriseName', header: '企业名称', note: '企业注册时必填。' },
  { key: 'creditCode', header: '统一社会信用代码', note: '企业注册时必填，18 位，校验位须正确。' },
  { key: 'industry', header: '行业门类', note: '企业注册时必填，国民经济行业分类门类 A–T。' },
  { key: 'districtCode', header: '区县代码', note: '企业注册时必填，6 位区县行政区划代码。' },
  { key: 'productId', header: '产品编号', note: '产品发布、产品下架时必填；受理时选填。' },
  { key: 'institutionId', header: '机构编号', note: '产品发布、产品下架、受理时必填，为本平台金融机构的 ID。' },
  { key: 'productName', header: '产品名称', note: '产品发布时选填。' },
  { key: 'orderId', header: '订单编号', note: '需求发布、受理、放款、拒绝、撤回、坏账时必填。' },
  { key: 'requestedAmount', header: '需求金额(元)', note: '需求发布时必填，整数（元）。' },
  { key: 'intendedAmount', header: '意向金额(元)', note: '受理时必填，整数（元）。' },
  { key: 'loanAmount', header: '放款金额(元)', note: '放款时必填，整数（元）。' },
  { key: 'reason', header: '原因', note: '拒绝、撤回、坏账时选填。' },
] as const;

export type ColumnKey = (typeof IMPORT_COLUMNS)[number]['key'];

/** What a spreadsheet cell can hold once read. */
export type CellValue = string | number | boolean | Date | null | undefined;

/** The Chinese name of each event type, as written to files and accepted on import. */
export const EVENT_TYPE_LABELS: Record<EventType, string> = {
  'enterprise.registered': '企业注册',
  'product.published': '产品发布',
  'product.withdrawn': '产品下架',
  'order.submitted': '需求发布',
  'order.accepted': '受理',
  'order.loaned': '放款',
  'order.rejected': '拒绝',
  'order.withdrawn': '撤回',
  'order.defaulted': '坏账',
};

const TYPE_ALIASES = new Map<string, EventType>([
  ...EVENT_TYPES.map((type) => [type.toLowerCase(), type] as const),
  ...Object.entries(EVENT_TYPE_LABELS).map(([type, label]) => [label, type as EventType] as const),
  ['产品上架', 'product.published'],
  ['订单提交', 'order.submitted'],
  ['融资需求', 'order.submitted'],
  ['订单受理', 'order.accepted'],
  ['已放款', 'order.loaned'],
  ['订单拒绝', 'order.rejected'],
  ['订单撤回', 'order.withdrawn'],
]);

/** Headers are compared in this form: NFKC (full-width brackets become ASCII), no white space, lower case. */
function normalizeHeader(header: string): string {
  return header.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
}

const HEADER_INDEX = new Map<string, ColumnKey>();
for (const column of IMPORT_COLUMNS) {
  HEADER_INDEX.set(normalizeHeader(column.header), column.key);
  HEADER_INDEX.set(normalizeHeader(column.header.replace(/\(元\)$/, '')), column.key);
  HEADER_INDEX.set(normalizeHeader(column.key), column.key);
}

const REQUIRED_HEADERS: ColumnKey[] = ['id', 'type', 'occurredAt'];

/** Which column each position of the header row holds. */
export type HeaderMap = (ColumnKey | undefined)[];

/** The bad header row of an import file: missing required columns or a column named twice. */
export class ImportLayoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportLayoutError';
  }
}

/** Maps a header row; throws {@link ImportLayoutError} when a required column is missing or repeated. */
export function mapHeader(cells: CellValue[]): HeaderMap {
  const map: HeaderMap = cells.map((cell) => HEADER_INDEX.get(normalizeHeader(cellText(cell) ?? '')));
  const seen = new Set<ColumnKey>();
  for (const key of map) {
    if (!key) continue;
    if (seen.has(key)) throw new ImportLayoutError(`表头「${columnHeader(key)}」出现了两次`);
    seen.add(key);
  }
  const missing = REQUIRED_HEADERS.filter((key) => !seen.has(key));
  if (missing.length > 0) {
    throw new ImportLayoutError(`表头缺少必需的列：${missing.map(columnHeader).join('、')}（第一行须为列名，见 npm run import -- --template）`);
  }
  return map;
}

/** The Chinese header of a column. */
export function columnHeader(key: ColumnKey): string {
  return IMPORT_COLUMNS.find((column) => column.key === key)!.header;
}

// ---- cells ----------------------------------------------------------------------------------

const CST_OFFSET_MS = 8 * 3_600_000;

/** A cell as text (trimmed; integers without exponent), or undefined when empty. */
export function cellText(cell: CellValue): string | undefined {
  if (cell === null || cell === undefined) return undefined;
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? undefined : chinaTimeText(new Date(cell.getTime() - CST_OFFSET_MS));
  if (typeof cell === 'number') return Number.isSafeInteger(cell) ? cell.toFixed(0) : String(cell);
  const text = fromSpreadsheetText(String(cell).trim());
  return text === '' ? undefined : text;
}

/** A number cell, or a text cell holding a plain number (thousands separators allowed); else the text. */
function cellNumber(cell: CellValue): number | string | undefined {
  if (typeof cell === 'number') return cell;
  const text = cellText(cell);
  if (text === undefined) return undefined;
  const plain = text.replace(/[,，\s]/g, '');
  return /^-?\d+(\.\d+)?$/.test(plain) ? Number(plain) : text;
}

/** `yyyy-mm-dd hh:mm:ss` of an instant in China time. */
export function chinaTimeText(instant: Date): string {
  return new Date(instant.getTime() + CST_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

const LOCAL_TIME = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/;

/**
 * The event time of a cell as ISO-8601: a spreadsheet date (its wall-clock time read as China time),
 * a zone-less `yyyy-mm-dd[ hh:mm[:ss]]` (China time), or any other text as given (validation judges it).
 */
export function cellTime(cell: CellValue): string | undefined {
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? undefined : new Date(cell.getTime() - CST_OFFSET_MS).toISOString();
  const text = cellText(cell);
  if (text === undefined) return undefined;
  const local = LOCAL_TIME.exec(text);
  if (!local) return text;
  const [, year, month, day, hour = '0', minute = '0', second = '0', millis = '0'] = local;
  const utc = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), Number(millis.padEnd(3, '0')));
  const parsed = new Date(utc);
  // 2024-02-30 must not roll over into March.
  if (parsed.getUTCMonth() !== Number(month) - 1 || parsed.getUTCDate() !== Number(day)) return text;
  return new Date(utc - CST_OFFSET_MS).toISOString();
}

// ---- rows and events ------------------------------------------------------------------------

/** The fields each type takes, with the columns they come from; `?` marks optional ones. */
const FIELDS: Record<EventType, readonly (readonly [field: string, column: ColumnKey, kind: 'text' | 'number', required: boolean])[]> = {
  'enterprise.registered': [
    ['enterpriseId', 'enterpriseId', 'text', true],
    ['name', 'enterpriseName', 'text', true],
    ['creditCode', 'creditCode', 'text', true],
    ['industry', 'industry', 'text', true],
    ['districtCode', 'districtCode', 'text', true],
  ],
  'product.published': [
    ['productId', 'productId', 'text', true],
    ['institutionId', 'institutionId', 'number', true],
    ['name', 'productName', 'text', false],
  ],
  'product.withdrawn': [
    ['productId', 'productId', 'text', true],
    ['institutionId', 'institutionId', 'number', true],
    ['name', 'productName', 'text', false],
  ],
  'order.submitted': [
    ['orderId', 'orderId', 'text', true],
    ['enterpriseId', 'enterpriseId', 'text', true],
    ['requestedAmount', 'requestedAmount', 'number', true],
  ],
  'order.accepted': [
    ['orderId', 'orderId', 'text', true],
    ['institutionId', 'institutionId', 'number', true],
    ['productId', 'productId', 'text', false],
    ['intendedAmount', 'intendedAmount', 'number', true],
  ],
  'order.loaned': [
    ['orderId', 'orderId', 'text', true],
    ['loanAmount', 'loanAmount', 'number', true],
  ],
  'order.rejected': [
    ['orderId', 'orderId', 'text', true],
    ['reason', 'reason', 'text', false],
  ],
  'order.withdrawn': [
    ['orderId', 'orderId', 'text', true],
    ['reason', 'reason', 'text', false],
  ],
  'order.defaulted': [
    ['orderId', 'orderId', 'text', true],
    ['reason', 'reason', 'text', false],
  ],
};

/** A row's cells by column. */
export type RowValues = Partial<Record<ColumnKey, CellValue>>;

/** The cells of a row under the header map. */
export function rowValues(header: HeaderMap, cells: CellValue[]): RowValues {
  const values: RowValues = {};
  header.forEach((key, index) => {
    if (key) values[key] = cells[index];
  });
  return values;
}

/** True when every cell of the row is empty (such rows are skipped). */
export function isBlankRow(cells: CellValue[]): boolean {
  return cells.every((cell) => cellText(cell) === undefined);
}

/**
 * The ingestion event of a row, or the reason it cannot be one (same codes as the API where they
 * apply: an unknown type or a bad time is left to `validateEvent`, so its answer is the API's).
 */
export function rowToEvent(values: RowValues): EventEnvelope | Rejection {
  const id = cellText(values.id);
  if (!id) return { code: 'INVALID_DATA', message: '缺少事件编号' };
  if (!EVENT_ID_PATTERN.test(id)) return { code: 'INVALID_DATA', message: '事件编号须为 1–128 个字母、数字或 ._:- 字符' };
  const rawType = cellText(values.type);
  if (!rawType) return { code: 'INVALID_DATA', message: '缺少事件类型' };
  const type = TYPE_ALIASES.get(rawType.toLowerCase()) ?? rawType;
  const occurredAt = cellTime(values.occurredAt);
  if (!occurredAt) return { code: 'INVALID_OCCURRED_AT', message: '缺少发生时间' };

  const fields = FIELDS[type as EventType];
  if (!fields) return { id, type, occurredAt, data: {} };
  const data: Record<string, unknown> = {};
  for (const [field, column, kind, required] of fields) {
    const value = kind === 'number' ? cellNumber(values[column]) : cellText(values[column]);
    if (value === undefined) {
      if (required) return { code: /Amount$/.test(field) ? 'INVALID_AMOUNT' : 'INVALID_DATA', message: `缺少「${columnHeader(column)}」` };
      continue;
    }
    data[field] = value;
  }
  return { id, type, occurredAt, data };
}

/** The row of an event (the inverse of {@link rowToEvent}), with times in China time. */
export function eventToRow(event: EventEnvelope): RowValues {
  const type = event.type as EventType;
  const row: RowValues = {
    id: event.id,
    type: EVENT_TYPE_LABELS[type] ?? event.type,
    occurredAt: chinaTimeText(new Date(event.occurredAt)),
  };
  const data = (event.data ?? {}) as Record<string, unknown>;
  for (const [field, column] of FIELDS[type] ?? []) {
    const value = data[field];
    if (value !== undefined) row[column] = value as CellValue;
  }
  return row;
}
