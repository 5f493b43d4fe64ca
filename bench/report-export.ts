/**
 * Export of a 100,000-row institutions report through the same streaming workbook writer the API
 * uses: elapsed time, file size and the process's peak memory (this process does nothing else).
 */
import { stat } from 'node:fs/promises';
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
  const before = process.memoryUsage().rss;
  const started = performance.now();
  const size = await withReportFile(
    { sheetName: '机构数据统计', title: '机构数据统计（数据概览）　全国　全部时间', columns: INSTITUTION_COLUMNS, totalsLabel: '合计' },
    rows(),
    async (file) => (await stat(file.path)).size,
  );
  const seconds = (performance.now() - started) / 1000;
  report('report-export', {
    rows: ROWS,
    seconds: Number(seconds.toFixed(2)),
    rowsPerSecond: Math.round(ROWS / seconds),
    fileMegabytes: Number((size / 1024 / 1024).toFixed(1)),
    rssBeforeMegabytes: Math.round(before / 1024 / 1024),
    peakRssMegabytes: Math.round(process.resourceUsage().maxRSS / 1024),
  });
}

await main();
