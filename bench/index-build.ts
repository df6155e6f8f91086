// The synthetic recording index of `./vigie bench index`, built once and kept (43.2 M rows take
// 10 to 20 minutes per database on a 2-core machine): a SQLite file in the cache folder and a
// PostgreSQL database, both named after their size and INDEX_VERSION, each reused while a build
// marker says it was completed.
//
// Rows are generated inside the database (recursive CTE on SQLite, generate_series on
// PostgreSQL), in time order across cameras as a live recorder writes them, so that a camera's
// rows are scattered over the table as in production. The indexes (the migration's own
// definitions) are dropped during the load and rebuilt after it, as a bulk import would do, and
// recording_ranges is then filled by the migration's own statement from the segments.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase, type DatabaseHandle, type Dialect } from '../server/src/platform/db/database.ts';
import { migrateToLatest } from '../server/src/platform/db/migrate.ts';
import { segmentIndexNames, segmentIndexStatements } from '../server/src/platform/db/migrations/2026-11-23T2000_recording.ts';
import { rebuildRecordedRangesStatement } from '../server/src/platform/db/migrations/2026-12-03T1200_recorded_ranges.ts';

export const T0 = Date.parse('2026-10-01T00:00:00.000Z');
/** Raise it when a migration changes the recording tables the bench reads, or the data below changes: the caches are then rebuilt. */
const INDEX_VERSION = 2;

export interface Size {
  cameras: number;
  days: number;
}

export interface BuildFigures {
  rows: number;
  rangeRows: number;
  loadSeconds: number;
  indexSeconds: number;
  rangesSeconds: number;
  storageMiB: number;
  /** Where the cache lives (file or database name). */
  location: string;
  reused: boolean;
}

export interface CacheOptions {
  cacheDir: string;
  postgresUrl: string;
  fresh: boolean;
}

export const defaultCacheDir = () => join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'vigie', 'bench-index');

export const cameraId = (index: number) => `cam-${String(index).padStart(4, '0')}`;

function cacheKey(size: Size): string {
  return `${size.cameras}x${size.days}_v${INDEX_VERSION}`;
}

const dropIndexes = segmentIndexNames.map((name) => `drop index if exists ${name}`);
const progress = (dialect: Dialect, line: string) => process.stderr.write(`  [${dialect}] ${line}\n`);

export function sqliteCachePath(size: Size, cacheDir: string): string {
  return join(cacheDir, `index-${cacheKey(size)}.sqlite`);
}

/** The cached SQLite index of that size, built first if missing or incomplete; the handle is the caller's to close. */
export async function sqliteIndex(size: Size, options: CacheOptions): Promise<{ handle: DatabaseHandle; build: BuildFigures }> {
  mkdirSync(options.cacheDir, { recursive: true });
  const path = sqliteCachePath(size, options.cacheDir);
  const marker = `${path}.build.json`;
  const reused = !options.fresh && existsSync(marker);
  if (!reused) {
    for (const file of [path, `${path}-wal`, `${path}-shm`, marker]) rmSync(file, { force: true });
    const migrated = openDatabase({ dialect: 'sqlite', path });
    await migrateToLatest(migrated.db);
    await migrated.close();
    const raw = new SQLite(path);
    raw.pragma('journal_mode = DELETE');
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
      progress('sqlite', `day ${day + 1}/${size.days} loaded`);
    }
    const indexStarted = performance.now();
    for (const statement of segmentIndexStatements('sqlite')) raw.exec(statement);
    const rangesStarted = performance.now();
    progress('sqlite', 'indexes built; recording_ranges from the segments');
    raw.exec('delete from recording_ranges');
    raw.exec(rebuildRecordedRangesStatement('sqlite'));
    raw.exec('analyze');
    const done = performance.now();
    const count = (table: string) => Number((raw.prepare(`select count(*) as count from ${table}`).get() as { count: number }).count);
    const build = {
      rows: count('recording_segments'),
      rangeRows: count('recording_ranges'),
      loadSeconds: (indexStarted - started) / 1000,
      indexSeconds: (rangesStarted - indexStarted) / 1000,
      rangesSeconds: (done - rangesStarted) / 1000,
    };
    raw.close();
    writeFileSync(marker, JSON.stringify(build));
  }
  const build = JSON.parse(readFileSync(marker, 'utf8')) as Omit<BuildFigures, 'storageMiB' | 'location' | 'reused'>;
  const handle = openDatabase({ dialect: 'sqlite', path });
  return { handle, build: { ...build, storageMiB: statSync(path).size / 2 ** 20, location: path, reused } };
}

async function adminQuery<T extends pg.QueryResultRow>(adminUrl: string, text: string): Promise<T[]> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    return (await admin.query<T>(text)).rows;
  } finally {
    await admin.end();
  }
}

export function postgresCacheName(size: Size): string {
  return `vigie_bench_index_${cacheKey(size)}`;
}

/** The cached PostgreSQL index of that size (a database of its own), built first if missing or incomplete. */
export async function postgresIndex(size: Size, options: CacheOptions): Promise<{ handle: DatabaseHandle; build: BuildFigures }> {
  const name = postgresCacheName(size);
  const url = new URL(options.postgresUrl);
  url.pathname = `/${name}`;
  const exists = (await adminQuery(options.postgresUrl, `select 1 from pg_database where datname = '${name}'`)).length > 0;
  let build: Omit<BuildFigures, 'storageMiB' | 'location' | 'reused'> | undefined;
  if (exists && !options.fresh) {
    const probe = openDatabase({ dialect: 'postgres', url: url.toString() }, { poolSize: 1 });
    try {
      const rows = await sql<{ figures: string }>`select figures from bench_index_build`.execute(probe.db).catch(() => ({ rows: [] }));
      build = rows.rows[0] ? (JSON.parse(rows.rows[0].figures) as typeof build) : undefined;
    } finally {
      await probe.close();
    }
  }
  const reused = build !== undefined;
  if (!build) {
    await adminQuery(options.postgresUrl, `drop database if exists ${name} with (force)`);
    await adminQuery(options.postgresUrl, `create database ${name}`);
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
        progress('postgres', `day ${day + 1}/${size.days} loaded`);
      }
      const indexStarted = performance.now();
      for (const statement of segmentIndexStatements('postgres')) await sql.raw(statement).execute(handle.db);
      const rangesStarted = performance.now();
      progress('postgres', 'indexes built; recording_ranges from the segments');
      await sql.raw('delete from recording_ranges').execute(handle.db);
      await sql.raw(rebuildRecordedRangesStatement('postgres')).execute(handle.db);
      // Autovacuum does this on a live insert-only table; index-only scans need the visibility map.
      await sql.raw('vacuum analyze recording_segments').execute(handle.db);
      await sql.raw('vacuum analyze recording_ranges').execute(handle.db);
      const done = performance.now();
      const count = async (table: string) =>
        Number((await sql<{ count: string }>`select count(*) as count from ${sql.table(table)}`.execute(handle.db)).rows[0]!.count);
      build = {
        rows: await count('recording_segments'),
        rangeRows: await count('recording_ranges'),
        loadSeconds: (indexStarted - started) / 1000,
        indexSeconds: (rangesStarted - indexStarted) / 1000,
        rangesSeconds: (done - rangesStarted) / 1000,
      };
      await sql`create table bench_index_build (figures text not null)`.execute(handle.db);
      await sql`insert into bench_index_build (figures) values (${JSON.stringify(build)})`.execute(handle.db);
    } finally {
      await handle.close();
    }
  }
  const handle = openDatabase({ dialect: 'postgres', url: url.toString() }, { poolSize: 2 });
  const bytes = await sql<{ size: string }>`select pg_database_size(current_database()) as size`.execute(handle.db);
  return { handle, build: { ...build, storageMiB: Number(bytes.rows[0]!.size) / 2 ** 20, location: `database ${name}`, reused } };
}

/** Removes both caches of that size. */
export async function dropCaches(size: Size, options: CacheOptions): Promise<void> {
  const path = sqliteCachePath(size, options.cacheDir);
  for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}.build.json`]) rmSync(file, { force: true });
  await adminQuery(options.postgresUrl, `drop database if exists ${postgresCacheName(size)} with (force)`).catch(() => undefined);
}
