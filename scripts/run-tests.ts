// `./vigie test [filter...]`: type-checks the project, checks the console's generated API types
// (scripts/api-types.ts --check), then runs every *.test.ts (no IO),
// *.itest.ts (real databases, real ffmpeg) and test/e2e/*.e2e.ts file with Node's test runner.
// A filter keeps only the files whose path contains it. Prints a closing
// "N passed, N failed, N skipped" line and exits non-zero on any failure.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runStaticChecks } from './static-checks.ts';

const root = process.env.VIGIE_ROOT ?? process.cwd();
const filters = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const skipTypecheck = process.argv.includes('--no-typecheck');
const testDirs = ['server', 'simulator', 'bench', 'scripts', 'test', 'web'];
const testFile = /\.(test|itest|e2e)\.ts$/;

function listTests(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...listTests(path));
    else if (testFile.test(entry)) found.push(path);
  }
  return found;
}

function run(command: string, args: string[], onLine?: (line: string) => void): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) onLine?.(line);
    });
    child.on('close', (code) => {
      if (pending) onLine?.(pending);
      resolve(code ?? 1);
    });
  });
}

const files = testDirs
  .flatMap((dir) => {
    try {
      return listTests(join(root, dir));
    } catch {
      return [];
    }
  })
  .map((path) => relative(root, path))
  .filter((path) => filters.length === 0 || filters.some((filter) => path.includes(filter)))
  .sort();

if (!skipTypecheck) {
  console.log('# type-check (tsc --noEmit)');
  const projects = ['tsconfig.json', 'web/tsconfig.json'].filter((project) => existsSync(join(root, project)));
  let code = 0;
  for (const project of projects) code ||= await run(join(root, 'node_modules/.bin/tsc'), ['--noEmit', '-p', project]);
  if (code !== 0) {
    console.log('0 passed, 1 failed');
    console.error('vigie test: type-check failed');
    process.exit(1);
  }
  // The console's API types (web/src/api/schema.gen.ts) must match the server's OpenAPI document.
  console.log('# console API types (api-types --check)');
  if ((await run(process.execPath, ['--import', 'tsx', join(root, 'scripts/api-types.ts'), '--check'])) !== 0) {
    console.log('0 passed, 1 failed');
    console.error('vigie test: the console API types check failed (web/src/api/schema.gen.ts)');
    process.exit(1);
  }
  // Formatter, linter, dependency rules, unused exports (./vigie check).
  if (!(await runStaticChecks())) {
    console.log('0 passed, 1 failed');
    console.error('vigie test: static checks failed (./vigie check shows them)');
    process.exit(1);
  }
}
if (files.length === 0) {
  console.error('vigie test: no test file matches');
  process.exit(1);
}
console.log(`# ${files.length} test files`);
const counts = { pass: 0, fail: 0, skipped: 0, todo: 0, cancelled: 0 };
const code = await run(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${process.env.VIGIE_TEST_CONCURRENCY ?? 2}`, ...files],
  (line) => {
    const match = /^ℹ (pass|fail|skipped|todo|cancelled) (\d+)$/.exec(line.trim());
    if (match) counts[match[1] as keyof typeof counts] = Number(match[2]);
  },
);
const failed = counts.fail + counts.cancelled;
console.log(`${counts.pass} passed, ${failed} failed, ${counts.skipped + counts.todo} skipped`);
process.exit(code !== 0 || failed > 0 ? 1 : 0);
