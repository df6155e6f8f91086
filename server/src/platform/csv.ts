// CSV cells that a spreadsheet would run as a formula (issue 11: a failed sign-in named
// `=HYPERLINK(...)` in the audit export) are written with a leading apostrophe, which
// spreadsheets show as text. A plain number (`-1.5`) is left as it is.
const formulaStart = /^[=+\-@\t\r]/;
const plainNumber = /^[-+]?(\d+([.,]\d+)?|[.,]\d+)(e[-+]?\d+)?$/i;

export function spreadsheetSafe(value: unknown): unknown {
  if (typeof value !== 'string' || !formulaStart.test(value) || plainNumber.test(value)) return value;
  return `'${value}`;
}

/** Every cell of a record made safe (records as objects or arrays). */
export function spreadsheetSafeRecord<T extends Record<string, unknown> | unknown[]>(record: T): T {
  if (Array.isArray(record)) return record.map(spreadsheetSafe) as T;
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, spreadsheetSafe(value)])) as T;
}

/** The importer's side: an apostrophe that an export put before a formula character is taken off again. */
export function withoutSpreadsheetGuard(cell: string): string {
  return /^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}
