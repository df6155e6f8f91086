// Prints rows as an aligned plain-text table (benchmarks report this way).
export function printTable(rows: Array<[string, string]>, title?: string): void {
  const width = Math.max(...rows.map(([label]) => label.length));
  if (title) console.log(`\n${title}`);
  for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}  ${value}`);
}
