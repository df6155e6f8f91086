// `./vigie structure`: the figures of the module structure (issue 10), printed as a table:
// imports that cross a module boundary and where they land, module sizes, the longest file,
// lines over 160 characters, route files that receive the bag of every service.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = process.env.VIGIE_ROOT ?? process.cwd();
const modulesDir = join(root, 'server/src/modules');

function listFiles(dir: string, pattern: RegExp): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...listFiles(path, pattern));
    else if (pattern.test(entry)) found.push(path);
  }
  return found;
}

const moduleOf = (path: string): string | null => {
  const rel = relative(modulesDir, path);
  return rel.startsWith('..') ? null : (rel.split('/')[0] ?? null);
};

const sources = ['server/src', 'web/src', 'simulator/src', 'bench', 'scripts', 'test']
  .flatMap((dir) => listFiles(join(root, dir), /\.(ts|tsx)$/))
  .filter((path) => !path.endsWith('.gen.ts'));
const serverSources = sources.filter((path) => path.startsWith(join(root, 'server/src')));
const importPattern = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"](\.[^'"]+)['"]/g;

let crossing = 0;
let throughInternals = 0;
let platformToModules = 0;
let servicesBag = 0;
for (const file of serverSources) {
  const isTest = /\.(test|itest)\.ts$/.test(file) || file.includes('/testing/');
  const text = readFileSync(file, 'utf8');
  const from = moduleOf(file);
  for (const match of text.matchAll(importPattern)) {
    const target = resolve(dirname(file), match[1] ?? '');
    const to = moduleOf(target);
    if (to === null) continue;
    if (file.startsWith(join(root, 'server/src/platform'))) platformToModules += 1;
    if (from !== null && from !== to && !isTest) {
      crossing += 1;
      if (relative(join(modulesDir, to), target) !== 'index.ts') throughInternals += 1;
    }
  }
  if (/routes\.ts$/.test(file) && /import type \{[^}]*\bServices\b[^}]*\} from ['"][./]*services\.ts['"]/.test(text)) servicesBag += 1;
}

const moduleLines = new Map<string, number>();
let longest = { file: '', lines: 0 };
let longLines = 0;
for (const file of sources) {
  const lines = readFileSync(file, 'utf8').split('\n');
  longLines += lines.filter((line) => line.length > 160).length;
  if (lines.length > longest.lines) longest = { file: relative(root, file), lines: lines.length };
  const module = moduleOf(file);
  if (module) moduleLines.set(module, (moduleLines.get(module) ?? 0) + lines.length);
}
const largest = [...moduleLines.entries()].sort((a, b) => b[1] - a[1])[0] ?? ['none', 0];
const withIndex = [...moduleLines.keys()].filter((module) => {
  try {
    return statSync(join(modulesDir, module, 'index.ts')).isFile();
  } catch {
    return false;
  }
});

const rows: [string, string][] = [
  ['modules', String(moduleLines.size)],
  ['modules with an index.ts', String(withIndex.length)],
  ['imports crossing a module boundary (non-test)', String(crossing)],
  ["  of which into another module's internals", String(throughInternals)],
  ['platform/ imports of a module', String(platformToModules)],
  ['route files receiving every service', String(servicesBag)],
  ['largest module (lines)', `${largest[0]} (${largest[1]})`],
  ['longest file (lines)', `${longest.file} (${longest.lines})`],
  ['lines over 160 characters', String(longLines)],
];
const width = Math.max(...rows.map(([name]) => name.length));
console.log(`| ${'figure'.padEnd(width)} | value`);
console.log(`|${'-'.repeat(width + 2)}|------`);
for (const [name, value] of rows) console.log(`| ${name.padEnd(width)} | ${value}`);
