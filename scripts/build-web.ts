// Builds the operator console (web/ -> web/dist) with Vite's JS API, only when a source is
// newer than web/dist/index.html: `node --import tsx scripts/build-web.ts [--force]`.
// The launcher runs it before demo, serve and test; the e2e test calls buildWebIfStale().
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repositoryRoot = process.env.VIGIE_ROOT ?? fileURLToPath(new URL('..', import.meta.url));
export const webDirectory = join(repositoryRoot, 'web');
export const webDist = join(webDirectory, 'dist');

function newestChange(path: string): number {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(path);
  } catch {
    return 0;
  }
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestChange(join(path, entry)));
  return newest;
}

/** True when web/dist/index.html is missing or older than a source of the console. */
export function webBuildIsStale(): boolean {
  const built = newestChange(join(webDist, 'index.html'));
  if (built === 0) return true;
  const sources = ['src', 'public', 'index.html', 'vite.config.ts', 'tsconfig.json'].map((entry) => newestChange(join(webDirectory, entry)));
  return Math.max(...sources) > built;
}

export async function buildWebIfStale(options: { force?: boolean; quiet?: boolean } = {}): Promise<'built' | 'fresh'> {
  if (!options.force && !webBuildIsStale()) return 'fresh';
  const started = Date.now();
  const { build } = await import('vite');
  await build({ configFile: join(webDirectory, 'vite.config.ts'), logLevel: options.quiet ? 'error' : 'warn', mode: 'production' });
  if (!options.quiet) console.error(`vigie: console built in web/dist (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return 'built';
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    await buildWebIfStale({ force: process.argv.includes('--force') });
  } catch (error) {
    console.error('vigie: the console build failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
