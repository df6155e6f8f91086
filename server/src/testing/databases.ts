// Test databases: a fresh SQLite file, and a fresh PostgreSQL database created and dropped per
// test suite. PostgreSQL missing: the suite is skipped locally and fails in CI
// (VIGIE_TEST_POSTGRES_REQUIRED=1, set by .ci/run).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, type DatabaseHandle, type Dialect } from '../platform/db/database.ts';
import { migrateToLatest } from '../platform/db/migrate.ts';
import { postgresRequirement, skipUnlessRequired } from './requirements.ts';

export const postgresAdminUrl = process.env.VIGIE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let postgresProbe: Promise<string | null> | null = null;

/** Null when PostgreSQL answers, otherwise why not. */
function probePostgres(): Promise<string | null> {
  postgresProbe ??= (async () => {
    const client = new pg.Client({ connectionString: postgresAdminUrl, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('select 1');
      return null;
    } catch (error) {
      return (error as Error).message;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return postgresProbe;
}

export interface DialectUnderTest {
  dialect: Dialect;
  /** A reason to skip, or false. */
  skip: string | false;
}

/** The dialects every itest runs against. Throws in CI when PostgreSQL is unreachable. */
export async function dialectsUnderTest(): Promise<DialectUnderTest[]> {
  const problem = await probePostgres();
  const skip = skipUnlessRequired(
    'PostgreSQL',
    postgresRequirement(),
    problem === null ? null : { problem: `unreachable at ${postgresAdminUrl}: ${problem}`, skipReason: `PostgreSQL unreachable (${problem})` },
  );
  return [
    { dialect: 'sqlite', skip: false },
    { dialect: 'postgres', skip },
  ];
}

export interface TestDatabase {
  handle: DatabaseHandle;
  /** Connection settings, to open a second independent connection (concurrency tests). */
  config: { dialect: 'sqlite'; path: string } | { dialect: 'postgres'; url: string };
  drop(): Promise<void>;
}

export async function createTestDatabase(dialect: Dialect, options: { directory?: string } = {}): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const directory = options.directory ?? mkdtempSync(join(tmpdir(), 'vigie-db-'));
    const config = { dialect: 'sqlite' as const, path: join(directory, 'test.sqlite') };
    const handle = openDatabase(config);
    await migrateToLatest(handle.db);
    return {
      handle,
      config,
      drop: async () => {
        await handle.close();
        if (!options.directory) rmSync(directory, { recursive: true, force: true });
      },
    };
  }
  const name = `vigie_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  const config = { dialect: 'postgres' as const, url: url.toString() };
  const handle = openDatabase(config, { poolSize: 8 });
  await migrateToLatest(handle.db);
  return {
    handle,
    config,
    drop: async () => {
      await handle.close();
      const cleanup = new pg.Client({ connectionString: postgresAdminUrl });
      await cleanup.connect();
      try {
        await cleanup.query(`drop database if exists ${name} with (force)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}
