// `./vigie bench index [--cameras 1000] [--days 30] [--queries 2000] [--dialects sqlite,postgres]
// [--postgres-url URL] [--cache-dir DIR] [--fresh] [--drop-cache] [--inserts 2000]`: times the
// recording index at 30 days x 1,000 cameras of 60-s segments (43.2 M rows), SQLite and
// PostgreSQL, through the real repository, on a synthetic index built once and kept
// (index-build.ts: `--fresh` rebuilds it, `--drop-cache` removes it after the run).
//
// Query mix, the same pseudo-random (camera, window) for both dialects:
// - timeline at the console's three zoom levels (1 h, 24 h, 30 days): recording_ranges, gaps,
//   coverage(), what `GET /api/cameras/:id/recording/timeline` reads;
// - segment listings (1 h, 24 h, 30 days): every segment of the window, what playback opens
//   with, and what the timeline read before recording_ranges existed.
// Then the write path: segment inserts as the indexer runs them (chain head, segment row, head,
// and the summary), with and without the summary, and their removal by the purge's method.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import type { DatabaseHandle, Dialect } from '../server/src/platform/db/database.ts';
import type { RecordingSchema } from '../server/src/platform/db/schema.ts';
import { tablesOf } from '../server/src/platform/db/tables.ts';
import { coverage, RecordingRepository } from '../server/src/modules/recording/index.ts';
import { type BuildFigures, cameraId, defaultCacheDir, dropCaches, postgresIndex, type Size, sqliteIndex, T0 } from './index-build.ts';
import { printColumns } from './lib/table.ts';

const root = process.env.VIGIE_ROOT ?? process.cwd();
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

interface Figures {
  count: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  rowsPerQuery: number;
}

interface QueryKind {
  label: string;
  windowMs: number;
  /** Share of --queries (the 30-day segment listing reads 43,200 rows a query). */
  share: number;
  run(repository: RecordingRepository, camera: string, fromMs: number, toMs: number): Promise<number>;
}

const timeline = async (repository: RecordingRepository, camera: string, fromMs: number, toMs: number) => {
  const ranges = await repository.recordedRanges(camera, fromMs, toMs);
  await repository.gapsOverlapping(camera, fromMs, toMs);
  coverage(ranges, { startMs: fromMs, endMs: toMs });
  return ranges.length;
};
const listing = async (repository: RecordingRepository, camera: string, fromMs: number, toMs: number) => {
  const segments = await repository.segmentsOverlapping(camera, fromMs, toMs);
  coverage(segments, { startMs: fromMs, endMs: toMs });
  return segments.length;
};

const kinds: QueryKind[] = [
  { label: 'timeline 1 h (ranges)', windowMs: HOUR_MS, share: 1, run: timeline },
  { label: 'timeline 24 h (ranges)', windowMs: 24 * HOUR_MS, share: 1, run: timeline },
  { label: 'timeline 30 d (ranges)', windowMs: 30 * 24 * HOUR_MS, share: 1, run: timeline },
  { label: 'segments 1 h (playback)', windowMs: HOUR_MS, share: 1, run: listing },
  { label: 'segments 24 h (playback; timeline before)', windowMs: 24 * HOUR_MS, share: 1, run: listing },
  { label: 'segments 30 d (timeline before)', windowMs: 30 * 24 * HOUR_MS, share: 0.05, run: listing },
];

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0;
}

function summarise(latencies: number[], rows: number): Figures {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50Ms: percentile(sorted, 0.5),
    p95Ms: percentile(sorted, 0.95),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted[sorted.length - 1] ?? 0,
    rowsPerQuery: sorted.length ? rows / sorted.length : 0,
  };
}

/** Pseudo-random (camera, from) pairs, the same for every dialect and run. */
function plannedWindows(size: Size, count: number, windowMs: number, seed: number): Array<{ camera: string; fromMs: number; toMs: number }> {
  let state = seed >>> 0;
  const random = () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return state / 2 ** 32;
  };
  const spanMs = size.days * 24 * HOUR_MS;
  return Array.from({ length: count }, () => {
    const fromMs = T0 + Math.floor(random() * Math.max(1, spanMs - windowMs));
    return { camera: cameraId(1 + Math.floor(random() * size.cameras)), fromMs, toMs: fromMs + windowMs };
  });
}

async function timeQueries(repository: RecordingRepository, size: Size, queries: number): Promise<Record<string, Figures>> {
  const result: Record<string, Figures> = {};
  for (const [index, kind] of kinds.entries()) {
    const windows = plannedWindows(size, Math.max(20, Math.round(queries * kind.share)), kind.windowMs, 0x9e3779b9 + index);
    for (const window of windows.slice(0, 20)) await kind.run(repository, window.camera, window.fromMs, window.toMs); // warm-up
    const latencies: number[] = [];
    let rows = 0;
    for (const window of windows) {
      const started = performance.now();
      rows += await kind.run(repository, window.camera, window.fromMs, window.toMs);
      latencies.push(performance.now() - started);
    }
    result[kind.label] = summarise(latencies, rows);
  }
  return result;
}

/** The summary against the segments on sampled windows (edges anywhere): how many disagree. */
async function checkSummary(repository: RecordingRepository, size: Size, samples: number): Promise<number> {
  let disagreeing = 0;
  for (const window of plannedWindows(size, samples, 7 * 24 * HOUR_MS + 123_457, 0x51ed270b)) {
    const fromRanges = coverage(await repository.recordedRanges(window.camera, window.fromMs, window.toMs), { startMs: window.fromMs, endMs: window.toMs });
    // A segment less than the tolerance outside the window joins its first or last range.
    const segments = await repository.segmentsOverlapping(window.camera, window.fromMs - 1000, window.toMs + 1001);
    const fromSegments = coverage(segments, { startMs: window.fromMs, endMs: window.toMs });
    if (JSON.stringify(fromRanges.ranges) !== JSON.stringify(fromSegments.ranges)) disagreeing++;
  }
  return disagreeing;
}

/** The indexer's transaction without the summary: what a segment insert cost before recording_ranges. */
class RepositoryWithoutSummary extends RecordingRepository {
  protected override addToRanges(): Promise<void> {
    return Promise.resolve();
  }
}

interface WriteFigures {
  withoutSummary: Figures;
  withSummary: Figures;
  purge: Figures;
  summaryRestored: boolean;
}

/**
 * Appends `inserts` segments (N cameras x M minutes after the built span) without the summary,
 * then as many with it, each in its own transaction as the indexer runs it, then removes them
 * with the purge's method (one transaction per camera, its hours rebuilt), leaving the cache as built.
 */
async function timeWrites(handle: DatabaseHandle, size: Size, inserts: number, build: BuildFigures): Promise<WriteFigures> {
  const cameras = Math.min(400, size.cameras);
  const minutes = Math.max(1, Math.round(inserts / cameras));
  const endOfData = T0 + size.days * 24 * HOUR_MS;
  const db = tablesOf<RecordingSchema>(handle.db);
  const insertRun = async (repository: RecordingRepository, firstMinute: number) => {
    const latencies: number[] = [];
    for (let minute = firstMinute; minute < firstMinute + minutes; minute++) {
      for (let k = 1; k <= cameras; k++) {
        const startMs = endOfData + minute * MINUTE_MS;
        const camera = cameraId(k);
        const started = performance.now();
        await repository.transaction(async (trx) => {
          const head = await repository.head(trx, camera);
          const hash = `${minute}-${k}`.padStart(64, '0');
          await repository.insertSegment(
            trx,
            {
              cameraId: camera,
              communeInsee: String(21000 + (k % 40)),
              volume: 'vol1',
              path: `${21000 + (k % 40)}/${camera}/bench/${startMs}.mp4`,
              startMs,
              endMs: startMs + MINUTE_MS,
              durationMs: MINUTE_MS,
              bytes: 15_000_000,
              codec: 'h264',
              width: 1920,
              height: 1080,
              fps: 12,
              frameCount: 720,
              sha256: hash,
              prevHash: head?.chainHash ?? '0'.repeat(64),
              chainHash: hash,
              status: 'closed',
              maskVersion: 'none',
            },
            new Date().toISOString(),
          );
        });
        latencies.push(performance.now() - started);
      }
    }
    return summarise(latencies, latencies.length);
  };
  const withoutSummary = await insertRun(new RepositoryWithoutSummary(db, handle.dialect), 0);
  const repository = new RecordingRepository(db, handle.dialect);
  const withSummary = await insertRun(repository, minutes);
  const purgeLatencies: number[] = [];
  for (let k = 1; k <= cameras; k++) {
    const rows = await db.selectFrom('recording_segments').select('id').where('camera_id', '=', cameraId(k)).where('start_ms', '>=', endOfData).execute();
    const started = performance.now();
    await repository.transaction((trx) =>
      repository.deleteSegments(
        trx,
        rows.map((row) => Number(row.id)),
      ),
    );
    purgeLatencies.push(performance.now() - started);
  }
  // The built index had no chain heads.
  await db.deleteFrom('recording_heads').execute();
  const rangeRows = Number((await sql<{ count: number | string }>`select count(*) as count from recording_ranges`.execute(handle.db)).rows[0]!.count);
  return { withoutSummary, withSummary, purge: summarise(purgeLatencies, 2 * minutes * purgeLatencies.length), summaryRestored: rangeRows === build.rangeRows };
}

const ms = (value: number) => value.toFixed(2);

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      cameras: { type: 'string', default: '1000' },
      days: { type: 'string', default: '30' },
      queries: { type: 'string', default: '2000' },
      inserts: { type: 'string', default: '2000' },
      dialects: { type: 'string', default: 'sqlite,postgres' },
      'postgres-url': { type: 'string', default: process.env.VIGIE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
      'cache-dir': { type: 'string', default: defaultCacheDir() },
      fresh: { type: 'boolean', default: false },
      'drop-cache': { type: 'boolean', default: false },
    },
  });
  const size: Size = { cameras: Number(values.cameras), days: Number(values.days) };
  if (!(size.cameras >= 1 && size.cameras <= 9999 && size.days >= 1 && size.days <= 60)) throw new Error('--cameras 1-9999, --days 1-60');
  const cache = { cacheDir: values['cache-dir'], postgresUrl: values['postgres-url'], fresh: values.fresh };
  const results: Array<{ dialect: Dialect; build: BuildFigures; queries: Record<string, Figures>; writes: WriteFigures; disagreeing: number }> = [];
  for (const dialect of values.dialects.split(',')) {
    if (dialect !== 'sqlite' && dialect !== 'postgres') throw new Error(`unknown dialect ${dialect}`);
    const { handle, build } = dialect === 'sqlite' ? await sqliteIndex(size, cache) : await postgresIndex(size, cache);
    try {
      process.stderr.write(`  [${dialect}] ${build.reused ? 'reusing' : 'built'} ${build.location}; measuring\n`);
      const repository = new RecordingRepository(tablesOf<RecordingSchema>(handle.db), handle.dialect);
      const queries = await timeQueries(repository, size, Number(values.queries));
      const disagreeing = await checkSummary(repository, size, 100);
      const writes = await timeWrites(handle, size, Number(values.inserts), build);
      results.push({ dialect, build, queries, writes, disagreeing });
    } finally {
      await handle.close();
    }
  }
  if (values['drop-cache']) await dropCaches(size, cache);

  const full = size.cameras * size.days * 1440 >= 43_200_000;
  const rows: string[][] = [];
  for (const kind of kinds) {
    for (const result of results) {
      const figures = result.queries[kind.label]!;
      rows.push([
        kind.label,
        result.dialect,
        String(figures.count),
        ms(figures.p50Ms),
        ms(figures.p95Ms),
        ms(figures.p99Ms),
        ms(figures.maxMs),
        figures.rowsPerQuery.toFixed(0),
      ]);
    }
  }
  for (const [label, pick] of [
    ['insert, indexer transaction, no summary (before)', (writes: WriteFigures) => writes.withoutSummary],
    ['insert, indexer transaction, with summary', (writes: WriteFigures) => writes.withSummary],
    ['purge of one camera, summary rebuilt', (writes: WriteFigures) => writes.purge],
  ] as const) {
    for (const result of results) {
      const figures = pick(result.writes);
      rows.push([
        label,
        result.dialect,
        String(figures.count),
        ms(figures.p50Ms),
        ms(figures.p95Ms),
        ms(figures.p99Ms),
        ms(figures.maxMs),
        figures.rowsPerQuery.toFixed(0),
      ]);
    }
  }
  printColumns(
    ['query (ms)', 'db', 'n', 'p50', 'p95', 'p99', 'max', 'rows'],
    rows,
    `vigie bench index: ${size.cameras} cameras x ${size.days} days of 60-s segments${full ? '' : ' (reduced size, not the 43.2 M target)'}`,
  );
  printColumns(
    ['database', 'segments', 'ranges', 'build (load + indexes + ranges)', 'storage', 'summary check', 'cache'],
    results.map((result) => [
      result.dialect,
      result.build.rows.toLocaleString('en-US'),
      result.build.rangeRows.toLocaleString('en-US'),
      `${(result.build.loadSeconds + result.build.indexSeconds + result.build.rangesSeconds).toFixed(0)} s (${result.build.loadSeconds.toFixed(0)} + ${result.build.indexSeconds.toFixed(0)} + ${result.build.rangesSeconds.toFixed(0)})${result.build.reused ? ', cached' : ''}`,
      `${(result.build.storageMiB / 1024).toFixed(1)} GiB`,
      `${100 - result.disagreeing}/100 windows agree${result.writes.summaryRestored ? '' : ', NOT restored after the write test'}`,
      values['drop-cache'] ? 'dropped' : result.build.location,
    ]),
  );
  for (const result of results) {
    const p99 = result.queries['timeline 24 h (ranges)']!.p99Ms;
    console.log(`  target p99 < 10 ms for a 24-h timeline window [${result.dialect}]: ${p99 < 10 ? 'met' : 'NOT met'} (${ms(p99)} ms)`);
  }
  const resultsDir = join(root, 'bench/results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `index-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), JSON.stringify({ size, results }, null, 2));
}
