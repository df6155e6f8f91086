// Prints rows as an aligned plain-text table (benchmarks report this way).
export function printTable(rows: Array<[string, string]>, title?: string): void {
  const width = Math.max(...rows.map(([label]) => label.length));
  if (title) console.log(`\n${title}`);
  for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}  ${value}`);
}

/** Prints a header and rows as aligned columns (the first left-aligned, the others right-aligned). */
export function printColumns(header: string[], rows: string[][], title?: string): void {
  const widths = header.map((cell, index) => Math.max(cell.length, ...rows.map((row) => (row[index] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, index) => (index === 0 ? cell.padEnd(widths[index]!) : cell.padStart(widths[index]!))).join('  ');
  if (title) console.log(`\n${title}`);
  console.log(`  ${line(header)}`);
  for (const row of rows) console.log(`  ${line(row)}`);
}
