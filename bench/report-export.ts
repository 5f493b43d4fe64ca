/**
 * Export of a 100,000-row institutions report through the same streaming workbook writer the API
 * uses, against exceljs's in-memory workbook writing the same cells: elapsed time, file size and peak
 * memory of each, as ratios. Each way runs in a fresh process of its own (this file run again with
 * `memory` as its argument), so the peaks are the writers' own.
 */
import { spawnSync } from 'node:child_process';
import { stat, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { report } from './stores';

const ROWS = Number(process.env.BENCH_REPORT_ROWS ?? 100_000);

async function main(): Promise<void> {
  const { withReportFile } = await import('#functions/reports/workbook');
  const { INSTITUTION_COLUMNS, institutionRow } = await import('#functions/reports/sheets');
  const types = ['bank', 'guarantee', 'insurance', 'microloan', 'trust'];
  function* rows() {
    for (let i = 1; i <= ROWS; i += 1) {
      const accepted = (i * 7919) % 500;
      yield institutionRow({
        institutionId: i,
        name: `基准测试金融机构第${i}号分行`,
        shortName: `基准${i}`,
        type: types[i % types.length]!,
        typeName: '银行',
        logoKey: null,
        provinceCode: '350000',
        cityCode: '350200',
        productCount: i % 40,
        acceptedCount: accepted,
        acceptedAmount: accepted * 1_234_567,
        loanCount: Math.floor(accepted / 3),
        loanAmount: Math.floor(accepted / 3) * 987_654,
        dockingCount: accepted % 11,
        dockingAmount: (accepted % 11) * 456_789,
      });
    }
  }
  if (process.argv[2] === 'memory') {
    // The same cells through exceljs's in-memory workbook: every row held until the file is written.
    const { default: ExcelJS } = await import('exceljs');
    const started = performance.now();
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('机构数据统计');
    sheet.addRow(['机构数据统计（数据概览）　全国　全部时间']);
    sheet.addRow(INSTITUTION_COLUMNS.map((column) => column.header));
    for (const row of rows()) {
      const added = sheet.addRow(INSTITUTION_COLUMNS.map((column) => (column.kind === 'yuan' ? Number(row[column.key]) / 10_000 : row[column.key])));
      INSTITUTION_COLUMNS.forEach((column, i) => {
        if (column.kind === 'yuan') added.getCell(i + 1).numFmt = '#,##0.00';
      });
    }
    const path = join(tmpdir(), `xyd-bench-memory-${process.pid}.xlsx`);
    await workbook.xlsx.writeFile(path);
    const size = (await stat(path)).size;
    await rm(path, { force: true });
    console.log(`RESULT ${JSON.stringify({ seconds: (performance.now() - started) / 1000, size, peakRss: process.resourceUsage().maxRSS / 1024 })}`);
    return;
  }
  const before = process.memoryUsage().rss;
  const started = performance.now();
  const size = await withReportFile(
    { sheetName: '机构数据统计', title: '机构数据统计（数据概览）　全国　全部时间', columns: INSTITUTION_COLUMNS, totalsLabel: '合计' },
    rows(),
    async (file) => (await stat(file.path)).size,
  );
  const seconds = (performance.now() - started) / 1000;
  const peakRss = process.resourceUsage().maxRSS / 1024;

  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'memory'], { encoding: 'utf8', env: process.env, maxBuffer: 16 * 1024 * 1024 });
  const line = child.stdout.split('\n').find((text) => text.startsWith('RESULT '));
  if (!line) throw new Error(`the in-memory run failed: ${child.stderr.slice(-500)}`);
  const memory = JSON.parse(line.slice(7)) as { seconds: number; size: number; peakRss: number };
  report('report-export', {
    rows: ROWS,
    seconds: Number(seconds.toFixed(2)),
    rowsPerSecond: Math.round(ROWS / seconds),
    fileMegabytes: Number((size / 1024 / 1024).toFixed(1)),
    rssBeforeMegabytes: Math.round(before / 1024 / 1024),
    peakRssMegabytes: Math.round(peakRss),
    inMemorySeconds: Number(memory.seconds.toFixed(2)),
    inMemoryPeakRssMegabytes: Math.round(memory.peakRss),
    timeRatioInMemoryToStreaming: Number((memory.seconds / seconds).toFixed(1)),
    memoryRatioInMemoryToStreaming: Number((memory.peakRss / peakRss).toFixed(1)),
    'goal streaming faster and ≥ 3× leaner': memory.seconds > seconds && memory.peakRss >= 3 * peakRss ? 'pass' : 'FAIL',
  });
}

await main();
