/**
 * The bulk import against real dynalite: an .xlsx and a .csv file written by the template writer,
 * each with good rows, one row with an altered credit code and one forbidden transition, imported
 * twice. The first run applies the good rows and lists the two bad ones in the error file; the second
 * changes nothing and reports the good rows as duplicates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useTestStores } from './db-harness';
import { createInstitution } from '#shared/db/institutions';
import { getFinancingItem } from '#shared/db/financing';
import { creditCodeCheckChar } from '#shared/reference/credit-code';
import type { EnterpriseItem, EventEnvelope, OrderItem } from '#shared/financing/model';
import { errorFilePath, importEventsFile } from '#tools/import/import-file';
import { writeImportFile } from '#tools/import/write';

useTestStores();

let dir = '';
let institutionId = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'xyd-import-'));
  const institution = await createInstitution({
    type: 'bank',
    fullName: '中国工商银行厦门分行',
    shortName: '工商银行厦门分行',
    logoKey: 'demo/institution-logo/bank.png',
    districtCode: '350203',
    cityCode: '350200',
    provinceCode: '350000',
    sortOrder: 0,
    status: 'enabled',
    createdBy: 0,
  });
  institutionId = institution.id;
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function creditCode(serial: string): string {
  const first17 = `91350203${serial}`;
  return first17 + creditCodeCheckChar(first17);
}

/** Seven events: five good ones, a bad credit code (row 3) and a forbidden transition (row 7). */
function events(prefix: string): EventEnvelope[] {
  const good = creditCode('MA2XY1234');
  const altered = creditCode('MA2XY5678');
  const wrongCheck = altered.slice(0, 17) + (altered[17] === '0' ? '1' : '0');
  const at = (day: number) => `2025-03-${String(day).padStart(2, '0')}T02:00:00.000Z`;
  return [
    { id: `${prefix}-1`, type: 'enterprise.registered', occurredAt: at(1), data: { enterpriseId: `${prefix}-e1`, name: '厦门鑫达网络科技有限公司', creditCode: good, industry: 'I', districtCode: '350203' } },
    { id: `${prefix}-2`, type: 'enterprise.registered', occurredAt: at(2), data: { enterpriseId: `${prefix}-e2`, name: '厦门恒信贸易有限公司', creditCode: wrongCheck, industry: 'F', districtCode: '350206' } },
    { id: `${prefix}-3`, type: 'order.submitted', occurredAt: at(3), data: { orderId: `${prefix}-o1`, enterpriseId: `${prefix}-e1`, requestedAmount: 1_000_000 } },
    { id: `${prefix}-4`, type: 'order.accepted', occurredAt: at(5), data: { orderId: `${prefix}-o1`, institutionId, intendedAmount: 800_000 } },
    { id: `${prefix}-5`, type: 'order.loaned', occurredAt: at(9), data: { orderId: `${prefix}-o1`, loanAmount: 800_000 } },
    { id: `${prefix}-6`, type: 'order.withdrawn', occurredAt: at(10), data: { orderId: `${prefix}-o1`, reason: '企业主动撤回' } },
    { id: `${prefix}-7`, type: 'order.submitted', occurredAt: at(11), data: { orderId: `${prefix}-o2`, enterpriseId: `${prefix}-e1`, requestedAmount: 500_000 } },
  ];
}

describe.each(['xlsx', 'csv'] as const)('importing a .%s file', (format) => {
  const prefix = `imp-${format}`;
  const file = () => join(dir, `events-${format}.${format}`);

  it('applies the good rows and lists the bad ones in the error file', async () => {
    expect(await writeImportFile(file(), events(prefix))).toBe(7);
    const progress: string[] = [];

    const report = await importEventsFile(file(), { onProgress: (line) => progress.push(line) });

    expect(report).toMatchObject({ rows: 7, accepted: 5, duplicates: 0, rejected: 2, errorFile: errorFilePath(file()) });
    const order = await getFinancingItem<OrderItem>('order', `${prefix}-o1`);
    expect(order).toMatchObject({ status: 'loaned', requestedAmount: 1_000_000, intendedAmount: 800_000, loanAmount: 800_000, institutionId });
    expect(order?.submittedAt).toBe('2025-03-03T02:00:00.000Z');
    expect(await getFinancingItem('enterprise', `${prefix}-e2`)).toBeUndefined();
    const lines = (await readFile(errorFilePath(file()), 'utf8')).replace(/^\ufeff/, '').trim().split(/\r\n/);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('行号,事件编号,错误代码,错误说明');
    expect(lines[1]).toMatch(new RegExp(`^3,${prefix}-2,INVALID_CREDIT_CODE,`));
    expect(lines[2]).toMatch(new RegExp(`^7,${prefix}-6,INVALID_TRANSITION,`));
    expect(progress.at(-1)).toMatch(/^导入完成：共 7 行，接受 5，重复 0/);
  });

  it('rejects event ids outside [A-Za-z0-9._:-] and writes no formula into the error file', async () => {
    const hostile = join(dir, `hostile.${format}`);
    const good = events(`${prefix}-h`)[0]!;
    await writeImportFile(hostile, [{ ...good, id: '=HYPERLINK("http://evil.example","x")' }, { ...good, id: '@SUM(1)' }]);
    const report = await importEventsFile(hostile);
    expect(report).toMatchObject({ rows: 2, accepted: 0, rejected: 2 });
    const lines = (await readFile(errorFilePath(hostile), 'utf8')).replace(/^\ufeff/, '').trim().split(/\r\n/);
    expect(lines[1]).toMatch(/^2,"?'=HYPERLINK/);
    expect(lines[2]).toMatch(/^3,'@SUM\(1\),INVALID_DATA,/);
    for (const line of lines.slice(1)) expect(line.split(',')[1]).toMatch(/^"?'/);
  });

  it('changes nothing when the same file is imported again, and reports duplicates', async () => {
    const before = {
      order: await getFinancingItem<OrderItem>('order', `${prefix}-o1`),
      enterprise: await getFinancingItem<EnterpriseItem>('enterprise', `${prefix}-e1`),
    };
    const errorsBefore = await readFile(errorFilePath(file()), 'utf8');

    const report = await importEventsFile(file());

    expect(report).toMatchObject({ rows: 7, accepted: 0, duplicates: 5, rejected: 2 });
    expect(await getFinancingItem<OrderItem>('order', `${prefix}-o1`)).toEqual(before.order);
    expect(await getFinancingItem<EnterpriseItem>('enterprise', `${prefix}-e1`)).toEqual(before.enterprise);
    expect(await readFile(errorFilePath(file()), 'utf8')).toBe(errorsBefore);
  });
});

describe('the import error file', () => {
  it('is removed when a later run of the file has no rejected rows', async () => {
    const file = join(dir, 'clean.csv');
    await writeImportFile(file, [{ id: 'clean-1', type: '坏账', occurredAt: '2025-04-01 10:00:00', orderId: 'no-such-order' }]);
    expect((await importEventsFile(file)).rejected).toBe(1);
    expect(existsSync(errorFilePath(file))).toBe(true);

    await writeImportFile(file, events('clean').slice(0, 1));
    const report = await importEventsFile(file);

    expect(report).toMatchObject({ accepted: 1, rejected: 0 });
    expect(report.errorFile).toBeUndefined();
    expect(existsSync(errorFilePath(file))).toBe(false);
  });
});
