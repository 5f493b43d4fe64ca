/**
 * The generic report writer: a small workbook is written with the streaming writer to a temporary
 * file and read back with exceljs's ordinary reader, cell by cell.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withReportFile, writeReportWorkbook, type ReportRow, type ReportSpec } from '#functions/reports/workbook';

const SPEC: ReportSpec = {
  sheetName: '测试报表',
  title: '区域数据统计（数据概览）　福建省　2024年4月　生成时间：2026-11-27 10:15',
  columns: [
    { key: 'name', header: '地区', kind: 'text', width: 22 },
    { key: 'acceptedCount', header: '受理笔数', kind: 'count', width: 12, total: 'sum' },
    { key: 'loanCount', header: '放款笔数', kind: 'count', width: 12, total: 'sum' },
    { key: 'loanAmount', header: '放款金额(万元)', kind: 'yuan', width: 16, total: 'sum' },
    { key: 'successRate', header: '放款成功率', kind: 'rate', width: 12, total: { rateOf: ['loanCount', 'acceptedCount'] } },
    { key: 'openedAt', header: '开通日期', kind: 'date', width: 12 },
    { key: 'createdAt', header: '创建时间', kind: 'datetime', width: 20 },
  ],
  totalsLabel: '合计',
};

const ROWS: ReportRow[] = [
  // 2024-03-31T17:00Z is 2024-04-01 01:00 in China.
  { name: '厦门市', acceptedCount: 3, loanCount: 1, loanAmount: 123_456_789, successRate: 1 / 3, openedAt: '2024-03-31T17:00:00.000Z', createdAt: '2024-03-31T17:00:05.000Z' },
  { name: '福州市', acceptedCount: 0, loanCount: 0, loanAmount: 50, successRate: null, openedAt: null, createdAt: '2025-01-01T00:00:00.000Z' },
  { name: '泉州市', acceptedCount: 2, loanCount: 2, loanAmount: 1_234_500, successRate: 1, openedAt: '2025-06-30T16:00:00.000Z', createdAt: '2025-06-30T16:00:00.000Z' },
];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'report-workbook-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readBack(path: string): Promise<ExcelJS.Worksheet> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path);
  return workbook.worksheets[0]!;
}

async function writeSample(rows: Iterable<ReportRow> | AsyncIterable<ReportRow> = ROWS) {
  const path = join(dir, 'sample.xlsx');
  const result = await writeReportWorkbook(SPEC, rows, path);
  return { sheet: await readBack(path), result };
}

describe('writeReportWorkbook', () => {
  it('writes the title row merged across every column, bold and larger', async () => {
    const { sheet } = await writeSample();
    expect(sheet.name).toBe('测试报表');
    expect(sheet.getCell('A1').value).toBe(SPEC.title);
    expect(sheet.getCell('A1').font).toMatchObject({ bold: true, size: 14 });
    expect(sheet.model.merges).toEqual(['A1:G1']);
    expect(sheet.getCell('G1').master.address).toBe('A1');
  });

  it('writes the Chinese headers in the second row and freezes both rows', async () => {
    const { sheet } = await writeSample();
    expect((sheet.getRow(2).values as unknown[]).slice(1)).toEqual(SPEC.columns.map((column) => column.header));
    expect(sheet.getCell('B2').font).toMatchObject({ bold: true });
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
  });

  it('sets each column width from the spec', async () => {
    const { sheet } = await writeSample();
    expect(SPEC.columns.map((_, index) => sheet.getColumn(index + 1).width)).toEqual(SPEC.columns.map((column) => column.width));
  });

  it('formats counts as integers, amounts as 万元 with two decimals, rates as percentages and dates', async () => {
    const { sheet } = await writeSample();
    expect(sheet.getCell('B3').numFmt).toBe('#,##0');
    expect(sheet.getCell('D3').numFmt).toBe('#,##0.00');
    expect(sheet.getCell('E3').numFmt).toBe('0.0%');
    expect(sheet.getCell('F3').numFmt).toBe('yyyy-mm-dd');
    expect(sheet.getCell('G3').numFmt).toBe('yyyy-mm-dd hh:mm:ss');
  });

  it('converts integer yuan to 万元 exactly, rounding half up on the cent of 万', async () => {
    const { sheet } = await writeSample();
    expect(sheet.getCell('D3').value).toBe(12345.68); // 123456789 元
    expect(sheet.getCell('D4').value).toBe(0.01); // 50 元 rounds up
    expect(sheet.getCell('D5').value).toBe(123.45);
  });

  it('writes rates in [0, 1] and leaves a null rate blank', async () => {
    const { sheet } = await writeSample();
    expect(sheet.getCell('E3').value).toBe(1 / 3);
    expect(sheet.getCell('E4').value).toBeNull();
    expect(sheet.getCell('E5').value).toBe(1);
  });

  it('writes dates and times in China time', async () => {
    const { sheet } = await writeSample();
    expect((sheet.getCell('F3').value as Date).toISOString()).toBe('2024-04-01T00:00:00.000Z');
    expect((sheet.getCell('G3').value as Date).toISOString()).toBe('2024-04-01T01:00:05.000Z');
    expect(sheet.getCell('F4').value).toBeNull();
  });

  it('adds a 合计 row that sums counts and amounts and recomputes rates from the sums', async () => {
    const { sheet, result } = await writeSample();
    expect(result.rowCount).toBe(3);
    const totals = sheet.getRow(6);
    expect(totals.getCell(1).value).toBe('合计');
    expect(totals.getCell(2).value).toBe(5);
    expect(totals.getCell(3).value).toBe(3);
    // 123456789 + 50 + 1234500 元 = 124691339 元, converted once: not the sum of rounded 万元.
    expect(totals.getCell(4).value).toBe(12469.13);
    expect(totals.getCell(4).numFmt).toBe('#,##0.00');
    // 3 loans of 5 accepted, not the average of 1/3, blank and 1.
    expect(totals.getCell(5).value).toBe(0.6);
    expect(totals.getCell(6).value).toBeNull();
    expect(totals.getCell(1).font).toMatchObject({ bold: true });
    expect(sheet.rowCount).toBe(6);
  });

  it('counts the rows in a column whose total is rows', async () => {
    const path = join(dir, 'accounts.xlsx');
    const spec: ReportSpec = {
      sheetName: '账号列表',
      title: '账号列表',
      columns: [
        { key: 'id', header: 'ID', kind: 'text', width: 10 },
        { key: 'phone', header: '用户名', kind: 'text', width: 14, total: 'rows' },
      ],
      totalsLabel: '合计',
    };
    await writeReportWorkbook(spec, [{ id: 30, phone: '187****9266' }, { id: 28, phone: '188****5555' }], path);
    const sheet = await readBack(path);
    expect(sheet.getCell('A3').value).toBe(30);
    expect(sheet.getCell('B5').value).toBe(2);
    expect(sheet.getCell('B5').numFmt).toBe('#,##0');
  });

  it('accepts rows from an async iterable', async () => {
    async function* rows() {
      for (const row of ROWS) yield row;
    }
    const { sheet, result } = await writeSample(rows());
    expect(result.rowCount).toBe(3);
    expect(sheet.getCell('A5').value).toBe('泉州市');
  });

  it('never writes text that a spreadsheet would evaluate as a formula', async () => {
    const hostile = ['=HYPERLINK("http://x","y")', '+1+1', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd'];
    const { sheet } = await writeSample(hostile.map((name) => ({ ...ROWS[0]!, name })));
    hostile.forEach((name, index) => {
      const cell = sheet.getRow(3 + index).getCell(1);
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      // (xlsx stores a carriage return inside text as a line feed)
      expect(cell.value).toBe(`'${name}`.replace('\r', '\n'));
    });
  });

  it('writes only the title, header and totals rows when there is no data', async () => {
    const { sheet, result } = await writeSample([]);
    expect(result.rowCount).toBe(0);
    expect(sheet.getCell('A3').value).toBe('合计');
    expect(sheet.getCell('B3').value).toBe(0);
    expect(sheet.getCell('E3').value).toBeNull();
  });

  it('rejects an amount that is not an integer number of yuan', async () => {
    await expect(writeReportWorkbook(SPEC, [{ ...ROWS[0], loanAmount: 12.5 }], join(dir, 'bad.xlsx'))).rejects.toThrow(TypeError);
  });
});

describe('withReportFile', () => {
  it('hands the written file to its user and removes it afterwards', async () => {
    const seen = await withReportFile(SPEC, ROWS, async (file) => {
      const sheet = await readBack(file.path);
      return { rowCount: file.rowCount, name: sheet.getCell('A3').value, inDir: file.path.startsWith(dir) };
    }, dir);
    expect(seen).toEqual({ rowCount: 3, name: '厦门市', inDir: true });
    expect(await readdir(dir)).toEqual([]);
  });

  it('removes the file when writing fails part way', async () => {
    async function* failing() {
      yield ROWS[0]!;
      throw new Error('source failed');
    }
    await expect(withReportFile(SPEC, failing(), async () => 'unused', dir)).rejects.toThrow('source failed');
    expect(await readdir(dir)).toEqual([]);
  });

  it('removes the file when its user fails', async () => {
    await expect(
      withReportFile(SPEC, ROWS, async () => {
        throw new Error('upload failed');
      }, dir),
    ).rejects.toThrow('upload failed');
    expect(await readdir(dir)).toEqual([]);
  });
});
