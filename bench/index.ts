// `./vigie bench index [--cameras 1000] [--days 30] [--queries 2000] [--dialects sqlite,postgres]
// [--postgres-url URL]`: builds a synthetic recording index (one 60-s segment per camera per
// minute: 30 days x 1,000 cameras = 43.2 M rows) in a temporary SQLite file and a temporary
// PostgreSQL database (dropped at the end), then times random range queries through the real
// repository (one camera, a random 1-h to 24-h window) and prints p50/p99 per dialect.
//
// Rows are generated inside the database (recursive CTE on SQLite, generate_series on
// PostgreSQL), in time order across cameras as a live recorder writes them, so that a camera's
// rows are scattered over the table as in production. The indexes (the migration's own
// definitions) are dropped during the load and rebuilt after it, as a bulk import would do;
// their build time is part of the figure.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase, type DatabaseHandle, type Dialect } from '../server/src/platform/db/database.ts';
import { migrateToLatest } from '../server/src/platform/db/migrate.ts';
import type { RecordingSchema } from '../server/src/platform/db/schema.ts';
import { tablesOf } from '../server/src/platform/db/tables.ts';
import { segmentIndexNames, segmentIndexStatements } from '../server/src/platform/db/migrations/2026-11-23T2000_recording.ts';
import { RecordingRepository } from '../server/src/modules/recording/index.ts';
import { printTable } from './lib/table.ts';

const root = process.env.VIGIE_ROOT ?? process.cwd();
const MINUTE_MS = 60_000;
const T0 = Date.parse('2026-10-01T00:00:00.000Z');

interface Size {
  cameras: number;
  days: number;
}

interface DialectResult {
  dialect: Dialect;
  rows: number;
  buildSeconds: number;
  indexSeconds: number;
  storageMiB: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanRowsPerQuery: number;
  /** p50/p99 by window length: the cost follows the number of segments returned. */
  byWindow: Array<{ label: string; count: number; p50Ms: number; p99Ms: number }>;
}

const windowBuckets = [
  { label: '1-6 h windows', maxHours: 6 },
  { label: '6-12 h windows', maxHours: 12 },
  { label: '12-24 h windows', maxHours: 24 },
];

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

const cameraId = (index: number) => `cam-${String(index).padStart(4, '0')}`;

/** The same pseudo-random queries for both dialects: (camera, from, to). */
function plannedQueries(size: Size, count: number): Array<{ camera: string; fromMs: number; toMs: number }> {
  let state = 0x9e3779b9;
  const random = () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return state / 2 ** 32;
  };
  const spanMs = size.days * 24 * 60 * MINUTE_MS;
  return Array.from({ length: count }, () => {
    const windowMs = Math.round((1 + random() * 23) * 60 * MINUTE_MS);
    const fromMs = T0 + Math.floor(random() * Math.max(1, spanMs - windowMs));
    return { camera: cameraId(1 + Math.floor(random() * size.cameras)), fromMs, toMs: fromMs + windowMs };
  });
}

async function timeQueries(
  handle: DatabaseHandle,
  queries: ReturnType<typeof plannedQueries>,
): Promise<Pick<DialectResult, 'p50Ms' | 'p99Ms' | 'maxMs' | 'meanRowsPerQuery' | 'byWindow'>> {
  const repository = new RecordingRepository(tablesOf<RecordingSchema>(handle.db), handle.dialect);
  for (const query of queries.slice(0, 50)) await repository.segmentsOverlapping(query.camera, query.fromMs, query.toMs); // warm-up
  const latencies: number[] = [];
  const buckets = windowBuckets.map(() => [] as number[]);
  let rows = 0;
  for (const query of queries) {
    const started = performance.now();
    rows += (await repository.segmentsOverlapping(query.camera, query.fromMs, query.toMs)).length;
    const elapsed = performance.now() - started;
    latencies.push(elapsed);
    const hours = (query.toMs - query.fromMs) / 3_600_000;
    buckets[windowBuckets.findIndex((bucket) => hours <= bucket.maxHours)]?.push(elapsed);
  }
  const sort = (list: number[]) => list.sort((a, b) => a - b);
  sort(latencies);
  const byWindow = windowBuckets.map((bucket, index) => {
    const list = sort(buckets[index]!);
    return { label: bucket.label, count: list.length, p50Ms: list.length ? percentile(list, 0.5) : 0, p99Ms: list.length ? percentile(list, 0.99) : 0 };
  });
  return {
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    maxMs: latencies[latencies.length - 1]!,
    meanRowsPerQuery: rows / queries.length,
    byWindow,
  };
}

const dropIndexes = segmentIndexNames.map((name) => `drop index if exists ${name}`);

async function benchSqlite(size: Size, queries: ReturnType<typeof plannedQueries>): Promise<DialectResult> {
  const directory = mkdtempSync(join(tmpdir(), 'vigie-bench-index-'));
  const path = join(directory, 'index.sqlite');
  try {
    const migrated = openDatabase({ dialect: 'sqlite', path });
    await migrateToLatest(migrated.db);
    await migrated.close();
    // The load uses its own connection: one statement per day generates 1,440 x cameras rows.
    const raw = new SQLite(path);
    raw.pragma('synchronous = OFF');
    raw.pragma('cache_size = -262144');
    for (const statement of dropIndexes) raw.exec(statement);
    const insertDay = raw.prepare(`
      WITH RECURSIVE minute(n) AS (SELECT @first UNION ALL SELECT n + 1 FROM minute WHERE n < @last),
        camera(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM camera WHERE k < @cameras)
      INSERT INTO recording_segments (camera_id, commune_insee, volume, path, start_ms, end_ms, duration_ms, bytes, codec, width, height,
        fps, frame_count, sha256, prev_hash, chain_hash, status, created_at)
      SELECT printf('cam-%04d', k), printf('%05d', 21000 + k % 40), 'vol1',
        printf('%05d/cam-%04d/%s.mp4', 21000 + k % 40, k, strftime('%Y-%m-%d/%Y%m%dT%H%M%S.000Z', (@t0 + n * 60000) / 1000, 'unixepoch')),
        @t0 + n * 60000, @t0 + n * 60000 + 60000, 60000, 15000000, 'h264', 1920, 1080, 12.0, 720,
        lower(hex(randomblob(32))), lower(hex(randomblob(32))), lower(hex(randomblob(32))), 'closed', '2026-11-23T00:00:00.000Z'
      FROM minute CROSS JOIN camera`);
    const started = performance.now();
    for (let day = 0; day < size.days; day++) {
      raw.transaction(() => insertDay.run({ first: day * 1440, last: day * 1440 + 1439, cameras: size.cameras, t0: T0 }))();
      process.stderr.write(`  [sqlite] day ${day + 1}/${size.days} loaded\n`);
    }
    const indexStarted = performance.now();
    for (const statement of segmentIndexStatements('sqlite')) raw.exec(statement);
    raw.exec('analyze');
    const done = performance.now();
    const rows = Number((raw.prepare('select count(*) as count from recording_segments').get() as { count: number }).count);
    raw.close();
    const handle = openDatabase({ dialect: 'sqlite', path });
    try {
      const timings = await timeQueries(handle, queries);
      return {
        dialect: 'sqlite',
        rows,
        buildSeconds: (done - started) / 1000,
        indexSeconds: (done - indexStarted) / 1000,
        storageMiB: statSync(path).size / 2 ** 20,
        ...timings,
      };
    } finally {
      await handle.close();
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

async function benchPostgres(size: Size, queries: ReturnType<typeof plannedQueries>, adminUrl: string): Promise<DialectResult> {
  const name = `vigie_bench_index_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = openDatabase({ dialect: 'postgres', url: url.toString() }, { poolSize: 2 });
  try {
    await migrateToLatest(handle.db);
    for (const statement of dropIndexes) await sql.raw(statement).execute(handle.db);
    const started = performance.now();
    for (let day = 0; day < size.days; day++) {
      await sql`
        insert into recording_segments (camera_id, commune_insee, volume, path, start_ms, end_ms, duration_ms, bytes, codec, width, height,
          fps, frame_count, sha256, prev_hash, chain_hash, status, created_at)
        select 'cam-' || lpad(k::text, 4, '0'), (21000 + k % 40)::text, 'vol1',
          (21000 + k % 40)::text || '/cam-' || lpad(k::text, 4, '0') || '/' || to_char(to_timestamp((${T0}::bigint + n * 60000) / 1000.0) at time zone 'UTC', 'YYYY-MM-DD/YYYYMMDD"T"HH24MISS".000Z.mp4"'),
          ${T0}::bigint + n * 60000, ${T0}::bigint + n * 60000 + 60000, 60000, 15000000, 'h264', 1920, 1080, 12.0, 720,
          lpad(to_hex(n * 10000 + k), 64, 'a'), lpad(to_hex(n * 10000 + k), 64, 'b'), lpad(to_hex(n * 10000 + k), 64, 'c'),
          'closed', '2026-11-23T00:00:00.000Z'
        from generate_series(${day * 1440}::bigint, ${day * 1440 + 1439}::bigint) as minute(n)
          cross join generate_series(1, ${size.cameras}) as camera(k)`.execute(handle.db);
      process.stderr.write(`  [postgres] day ${day + 1}/${size.days} loaded\n`);
    }
    const indexStarted = performance.now();
    for (const statement of segmentIndexStatements('postgres')) await sql.raw(statement).execute(handle.db);
    // Autovacuum does this on a live insert-only table; index-only scans need the visibility map.
    await sql.raw('vacuum analyze recording_segments').execute(handle.db);
    const done = performance.now();
    const counted = await sql<{ count: string }>`select count(*) as count from recording_segments`.execute(handle.db);
    const bytes = await sql<{ size: string }>`select pg_database_size(current_database()) as size`.execute(handle.db);
    const timings = await timeQueries(handle, queries);
    return {
      dialect: 'postgres',
      rows: Number(counted.rows[0]!.count),
      buildSeconds: (done - started) / 1000,
      indexSeconds: (done - indexStarted) / 1000,
      storageMiB: Number(bytes.rows[0]!.size) / 2 ** 20,
      ...timings,
    };
  } finally {
    await handle.close();
    const cleanup = new pg.Client({ connectionString: adminUrl });
    await cleanup.connect();
    await cleanup.query(`drop database if exists ${name} with (force)`).finally(() => cleanup.end());
  }
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      cameras: { type: 'string', default: '1000' },
      days: { type: 'string', default: '30' },
      queries: { type: 'string', default: '2000' },
      dialects: { type: 'string', default: 'sqlite,postgres' },
      'postgres-url': { type: 'string', default: process.env.VIGIE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
    },
  });
  const size: Size = { cameras: Number(values.cameras), days: Number(values.days) };
  if (!(size.cameras >= 1 && size.cameras <= 9999 && size.days >= 1 && size.days <= 60)) throw new Error('--cameras 1-9999, --days 1-60');
  const queries = plannedQueries(size, Number(values.queries));
  const results: DialectResult[] = [];
  for (const dialect of values.dialects.split(',')) {
    if (dialect === 'sqlite') results.push(await benchSqlite(size, queries));
    else if (dialect === 'postgres') results.push(await benchPostgres(size, queries, values['postgres-url']));
    else throw new Error(`unknown dialect ${dialect}`);
  }
  const full = size.cameras * size.days * 1440 >= 43_200_000;
  for (const result of results) {
    printTable(
      [
        [
          'rows (60-s segments)',
          `${result.rows.toLocaleString('en-US')} = ${size.cameras} cameras x ${size.days} days${full ? '' : ' (reduced size, not the 43.2 M target)'}`,
        ],
        ['build (load + index)', `${result.buildSeconds.toFixed(0)} s (index ${result.indexSeconds.toFixed(0)} s)`],
        ['storage', `${result.storageMiB.toFixed(0)} MiB`],
        [
          `range queries (${queries.length}, 1-24 h window)`,
          `p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, max ${result.maxMs.toFixed(1)} ms`,
        ],
        ...result.byWindow.map((bucket): [string, string] => [
          `  ${bucket.label} (${bucket.count})`,
          `p50 ${bucket.p50Ms.toFixed(2)} ms, p99 ${bucket.p99Ms.toFixed(2)} ms`,
        ]),
        ['segments returned per query (mean)', result.meanRowsPerQuery.toFixed(0)],
        ['target p99 < 10 ms', result.p99Ms < 10 ? 'met' : 'NOT met'],
      ],
      `vigie bench index [${result.dialect}]`,
    );
  }
  const resultsDir = join(root, 'bench/results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    join(resultsDir, `index-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
    JSON.stringify({ size, queries: queries.length, results }, null, 2),
  );
}
