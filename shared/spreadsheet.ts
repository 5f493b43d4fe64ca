/**
 * Text written into CSV and xlsx files never starts a formula (docs/security.md, "Files"): a cell
 * beginning with `=`, `+`, `-`, `@`, a tab or a carriage return would be evaluated by a spreadsheet
 * that opens the file (formula injection), so such text gets a leading apostrophe, which spreadsheets
 * show as a text marker. Numbers stay numbers; readers of our own files take the apostrophe off again.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** The text as it may be written to a spreadsheet cell. */
export function spreadsheetSafe(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** The text of a cell written with {@link spreadsheetSafe}. */
export function fromSpreadsheetText(text: string): string {
  return text.startsWith("'") && FORMULA_START.test(text.slice(1)) ? text.slice(1) : text;
}
