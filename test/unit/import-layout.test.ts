import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csvLine, decodeFile, parseCsv } from '#tools/import/csv';
import { cellTime, eventToRow, ImportLayoutError, mapHeader, rowToEvent, rowValues } from '#tools/import/layout';
import type { EventEnvelope } from '#shared/financing/model';

async function* chunks(...parts: string[]): AsyncGenerator<string> {
  yield* parts;
}

async function records(...parts: string[]): Promise<string[][]> {
  const out: string[][] = [];
  for await (const record of parseCsv(chunks(...parts))) out.push(record.fields);
  return out;
}

describe('CSV reader', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, across chunk borders', async () => {
    expect(await records('\ufeffa,"b,1","say ""hi""",', '"line\r\none"\r\nx,y', ',z\n')).toEqual([
      ['a', 'b,1', 'say "hi"', 'line\r\none'],
      ['x', 'y', 'z'],
    ]);
  });

  it('accepts LF, CRLF and CR endings and a last record without one', async () => {
    expect(await records('a\r', '\nb\nc\rd')).toEqual([['a'], ['b'], ['c'], ['d']]);
  });

  it('keeps empty fields and reads back what the writer writes', async () => {
    const values = ['', ' lead', 'tail ', 'q"uote', '多行\n文本', '1,000'];
    expect(await records(csvLine(values))).toEqual([values]);
    expect(await records('a,,\n')).toEqual([['a', '', '']]);
  });

  describe('file encodings', () => {
    let dir = '';
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'xyd-csv-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    const read = async (bytes: Buffer) => {
      const path = join(dir, 'file.csv');
      await writeFile(path, bytes);
      let text = '';
      for await (const part of decodeFile(path)) text += part;
      return text;
    };

    it('reads UTF-8 with and without a byte-order mark', async () => {
      expect(await read(Buffer.from('\ufeff事件编号,企业名称\n', 'utf8'))).toBe('事件编号,企业名称\n');
      expect(await read(Buffer.from('事件编号\n', 'utf8'))).toBe('事件编号\n');
    });

    it('reads a GB18030 (GBK) file as Excel on Chinese Windows saves it', async () => {
      // 中文 in GBK.
      expect(await read(Buffer.from([0xd6, 0xd0, 0xce, 0xc4, 0x2c, 0x31, 0x0a]))).toBe('中文,1\n');
    });
  });
});

describe('import layout', () => {
  const header = mapHeader(['事件编号', '事件类型', '发生时间', '企业编号', '订单编号', '需求金额（元）', '机构编号', '意向金额(元)', '备注']);

  it('maps headers in any order, with full-width brackets, ignoring unknown columns', () => {
    expect(header).toEqual(['id', 'type', 'occurredAt', 'enterpriseId', 'orderId', 'requestedAmount', 'institutionId', 'intendedAmount', undefined]);
    expect(mapHeader(['type', 'occurredAt', 'id'])).toEqual(['type', 'occurredAt', 'id']);
  });

  it('refuses a header row without the required columns or with a column twice', () => {
    expect(() => mapHeader(['事件编号', '发生时间'])).toThrow(ImportLayoutError);
    expect(() => mapHeader(['事件编号', '事件类型', '发生时间', '订单编号', '订单编号'])).toThrow(/两次/);
  });

  it('turns a row into the event of its type, with Chinese type names and numbers from text', () => {
    const row = rowValues(header, ['e-1', '需求发布', '2024-03-05 10:21:33', 'ent-1', 'o-1', '1,200,000', '', '', 'x']);
    expect(rowToEvent(row)).toEqual({
      id: 'e-1',
      type: 'order.submitted',
      occurredAt: '2024-03-05T02:21:33.000Z',
      data: { orderId: 'o-1', enterpriseId: 'ent-1', requestedAmount: 1_200_000 },
    });
    const accepted = rowValues(header, ['e-2', 'order.accepted', '2024-03-06T09:00:00+08:00', '', 'o-1', '', 7, 900000]);
    expect(rowToEvent(accepted)).toMatchObject({ type: 'order.accepted', data: { orderId: 'o-1', institutionId: 7, intendedAmount: 900_000 } });
  });

  it('names the missing cell, with the API’s codes', () => {
    expect(rowToEvent(rowValues(header, ['e-1', '需求发布', '2024-03-05', 'ent-1', 'o-1', '']))).toEqual({
      code: 'INVALID_AMOUNT',
      message: '缺少「需求金额(元)」',
    });
    expect(rowToEvent(rowValues(header, ['', '放款', '2024-03-05']))).toMatchObject({ code: 'INVALID_DATA', message: '缺少事件编号' });
  });

  it('reads zone-less times and spreadsheet dates as China time, and leaves nonsense to validation', () => {
    expect(cellTime('2024-03-05')).toBe('2024-03-04T16:00:00.000Z');
    expect(cellTime('2024/3/5 8:05')).toBe('2024-03-05T00:05:00.000Z');
    expect(cellTime(new Date(Date.UTC(2024, 2, 5, 10, 21, 33)))).toBe('2024-03-05T02:21:33.000Z');
    expect(cellTime('2024-02-30 10:00')).toBe('2024-02-30 10:00');
    expect(cellTime('2024-03-05T10:00:00Z')).toBe('2024-03-05T10:00:00Z');
  });

  it('writes an event as a row that reads back as the same event', () => {
    const event: EventEnvelope = {
      id: 'demo-1-9',
      type: 'order.accepted',
      occurredAt: '2024-03-06T01:02:03.000Z',
      data: { orderId: 'o-1', institutionId: 7, productId: 'p-3', intendedAmount: 900_000 },
    };
    const row = eventToRow(event);
    expect(row).toMatchObject({ type: '受理', occurredAt: '2024-03-06 09:02:03' });
    expect(rowToEvent(row)).toEqual(event);
  });
});
