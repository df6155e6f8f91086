// `./vigie bench fuzz [--cases 40] [--seed N] [--dialects sqlite,postgres]`: the API fuzzer of
// `./vigie test` (server/src/testing/api-fuzz.ts) with more cases per route, method and role,
// on a fresh database of each dialect (PostgreSQL from VIGIE_TEST_POSTGRES_URL; dropped at the
// end). Prints requests, answers by status, the slowest request, the largest refusal and every
// finding; exits 1 on any finding.
import { parseArgs } from 'node:util';
import type { Dialect } from '../server/src/platform/db/database.ts';
import { fuzzContext } from '../server/src/testing/api-fuzz.fixtures.ts';
import { createTestContext } from '../server/src/testing/context.ts';
import { printTable } from './lib/table.ts';

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      cases: { type: 'string', default: '40' },
      seed: { type: 'string', default: String(Date.now() % 1_000_000) },
      dialects: { type: 'string', default: 'sqlite' },
    },
  });
  const cases = Number(values.cases);
  const seed = Number(values.seed);
  if (!Number.isInteger(cases) || cases < 1 || cases > 10_000) throw new Error('--cases: a whole number from 1 to 10,000');
  if (!Number.isInteger(seed)) throw new Error('--seed: a whole number');
  let findings = 0;
  for (const dialect of values.dialects.split(',') as Dialect[]) {
    if (dialect !== 'sqlite' && dialect !== 'postgres') throw new Error(`--dialects: sqlite and/or postgres, not ${dialect}`);
    const context = await createTestContext(dialect, { clockRunning: true });
    try {
      const started = performance.now();
      const report = await fuzzContext(context, { casesPerRoute: cases, seed });
      const seconds = (performance.now() - started) / 1000;
      printTable(
        [
          ['seed', String(seed)],
          ['operations fuzzed', String(report.operations)],
          ['cases per route, method and role', String(cases)],
          ['requests', `${report.requests} in ${seconds.toFixed(1)} s (${(report.requests / seconds).toFixed(0)}/s)`],
          [
            'answers by status',
            [...report.byStatus]
              .sort(([a], [b]) => a - b)
              .map(([status, count]) => `${status}: ${count}`)
              .join(', '),
          ],
          ['slowest request', `${report.slowestMs.toFixed(0)} ms`],
          ['largest refusal', `${report.largestErrorBytes} bytes`],
          ['findings', String(report.findings.length)],
        ],
        `API fuzz [${dialect}]`,
      );
      for (const finding of report.findings.slice(0, 50))
        console.log(`  ${finding.role}\t${finding.operation}\t${finding.problem}\t${finding.status}\t${finding.request.slice(0, 200)}`);
      findings += report.findings.length;
    } finally {
      await context.close();
    }
  }
  if (findings > 0) process.exitCode = 1;
}
