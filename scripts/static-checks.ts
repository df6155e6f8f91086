// `./vigie check`: the checks that keep the structure by themselves (issue 10), also run by
// `./vigie test` after the type-check. Each prints its findings and the command that fixes or
// shows them; any finding fails the run.
//   format + lint     Biome (biome.json): formatting, and the lint rules with zero findings
//   dependencies      dependency-cruiser (.dependency-cruiser.cjs): across modules only index.ts,
//                     platform/ imports no module, no import cycle (type imports included)
//   unused exports    knip (knip.json): an export nobody imports is removed
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const root = process.env.VIGIE_ROOT ?? process.cwd();
const bin = (name: string) => join(root, 'node_modules/.bin', name);

export const staticChecks: { name: string; command: string; args: string[]; fix: string }[] = [
  {
    name: 'format and lint (biome)',
    command: bin('biome'),
    args: ['ci', '--colors=off', '--error-on-warnings', '--max-diagnostics=50', '.'],
    fix: 'npx biome check --write . (then fix what remains by hand)',
  },
  {
    name: 'dependency rules (dependency-cruiser)',
    command: bin('depcruise'),
    args: ['server', 'bench', 'test', 'scripts', 'simulator', 'web/src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'],
    fix: 'docs/contributing.md, "Dependency rules"',
  },
  {
    name: 'unused exports (knip)',
    command: bin('knip'),
    args: ['--no-progress', '--include', 'exports,types,nsExports,nsTypes,enumMembers,duplicates,files,dependencies,unlisted'],
    fix: 'remove the export, or the code if nothing uses it',
  },
];

function run(command: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: process.env });
    child.on('error', () => resolve(127));
    child.on('close', (code) => resolve(code ?? 1));
  });
}

/** Runs every check (all of them, even after a failure, so one run shows everything); true when all pass. */
export async function runStaticChecks(): Promise<boolean> {
  let passed = true;
  for (const check of staticChecks) {
    console.log(`# ${check.name}`);
    const code = await run(check.command, check.args);
    if (code !== 0) {
      passed = false;
      console.error(`vigie check: ${check.name} failed (${check.fix})`);
    }
  }
  return passed;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exit((await runStaticChecks()) ? 0 : 1);
}
