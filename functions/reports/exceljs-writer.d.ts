/**
 * exceljs's streaming workbook writer on its own. The package's entry point also loads the in-memory
 * workbook, the readers and CSV (≈ 600 KB of the reports bundle) that this function never uses.
 */
declare module 'exceljs/lib/stream/xlsx/workbook-writer.js' {
  import type ExcelJS from 'exceljs';

  const WorkbookWriter: typeof ExcelJS.stream.xlsx.WorkbookWriter;
  export default WorkbookWriter;
}
