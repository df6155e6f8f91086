import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, parseDatabaseUrl } from './config.ts';

describe('configuration', () => {
  it('defaults to SQLite in ./data on loopback 8080', () => {
    const config = loadConfig({});
    assert.equal(config.database.dialect, 'sqlite');
    assert.match(config.database.dialect === 'sqlite' ? config.database.path : '', /data\/vigie\.sqlite$/);
    assert.deepEqual([config.host, config.port, config.cookieSecure], ['127.0.0.1', 8080, false]);
    assert.ok(Object.isFrozen(config));
  });

  it('stops on a bad value and names the variable', () => {
    assert.throws(() => loadConfig({ VIGIE_PORT: '99999' }), (error: Error) => error instanceof ConfigError && /VIGIE_PORT/.test(error.message));
    assert.throws(() => loadConfig({ VIGIE_LOG_LEVEL: 'chatty' }), /VIGIE_LOG_LEVEL/);
    assert.throws(() => loadConfig({ DATABASE_URL: 'mysql://x' }), /DATABASE_URL/);
    assert.throws(() => loadConfig({ VIGIE_AUDIT_RETENTION_DAYS: '30' }), /VIGIE_AUDIT_RETENTION_DAYS/);
  });

  it('purges every 30 s by default and never less often than every minute (LEGAL 6: at most a minute late)', () => {
    assert.equal(loadConfig({}).purgeIntervalMs, 30_000);
    assert.throws(() => loadConfig({ VIGIE_PURGE_INTERVAL_SECONDS: '61' }), /VIGIE_PURGE_INTERVAL_SECONDS/);
  });

  it('recognises PostgreSQL and SQLite URLs', () => {
    assert.deepEqual(parseDatabaseUrl('postgres://u@h/db', '/d'), { dialect: 'postgres', url: 'postgres://u@h/db' });
    assert.deepEqual(parseDatabaseUrl('sqlite:/tmp/x.sqlite', '/d'), { dialect: 'sqlite', path: '/tmp/x.sqlite' });
    assert.deepEqual(parseDatabaseUrl(undefined, '/d'), { dialect: 'sqlite', path: '/d/vigie.sqlite' });
  });

  it('secure cookies unless on loopback', () => {
    assert.equal(loadConfig({ VIGIE_HOST: '0.0.0.0' }).cookieSecure, true);
    assert.equal(loadConfig({ VIGIE_HOST: '0.0.0.0', VIGIE_COOKIE_SECURE: 'false' }).cookieSecure, false);
  });
});
