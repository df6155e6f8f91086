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
    assert.throws(
      () => loadConfig({ VIGIE_PORT: '99999' }),
      (error: Error) => error instanceof ConfigError && /VIGIE_PORT/.test(error.message),
    );
    assert.throws(() => loadConfig({ VIGIE_LOG_LEVEL: 'chatty' }), /VIGIE_LOG_LEVEL/);
    assert.throws(() => loadConfig({ DATABASE_URL: 'mysql://x' }), /DATABASE_URL/);
    assert.throws(() => loadConfig({ VIGIE_AUDIT_RETENTION_DAYS: '30' }), /VIGIE_AUDIT_RETENTION_DAYS/);
  });

  it('purges every 30 s by default and never less often than every minute (LEGAL 6: at most a minute late)', () => {
    assert.equal(loadConfig({}).purgeIntervalMs, 30_000);
    assert.throws(() => loadConfig({ VIGIE_PURGE_INTERVAL_SECONDS: '61' }), /VIGIE_PURGE_INTERVAL_SECONDS/);
    // One interval plus the pass's own time must stay under a minute.
    assert.throws(() => loadConfig({ VIGIE_PURGE_INTERVAL_SECONDS: '31' }), /VIGIE_PURGE_INTERVAL_SECONDS/);
    // Confirmed holds are reviewed at least every 90 days (issue 11).
    assert.throws(() => loadConfig({ VIGIE_HOLD_REVIEW_DAYS: '91' }), /VIGIE_HOLD_REVIEW_DAYS/);
  });

  it('recognises PostgreSQL and SQLite URLs', () => {
    assert.deepEqual(parseDatabaseUrl('postgres://u@h/db', '/d'), { dialect: 'postgres', url: 'postgres://u@h/db' });
    assert.deepEqual(parseDatabaseUrl('sqlite:/tmp/x.sqlite', '/d'), { dialect: 'sqlite', path: '/tmp/x.sqlite' });
    assert.deepEqual(parseDatabaseUrl(undefined, '/d'), { dialect: 'sqlite', path: '/d/vigie.sqlite' });
  });

  it("keeps the chain keys beside the secret key and the signed checkpoints outside the database's folder, at least daily (issue 11)", () => {
    const config = loadConfig({ VIGIE_DATA_DIR: '/srv/vigie' });
    assert.deepEqual([config.chainKeyFile, config.signingKeyFile], ['/srv/vigie/chain.key', '/srv/vigie/signing.key']);
    assert.deepEqual(config.checkpoints, { directory: '/srv/vigie/checkpoints', intervalMs: 3_600_000, webhookUrl: null });
    assert.equal(loadConfig({ VIGIE_SECRET_KEY_FILE: '/etc/vigie/secret.key' }).chainKeyFile, '/etc/vigie/chain.key');
    assert.throws(
      () => loadConfig({ VIGIE_DATA_DIR: '/srv/vigie', VIGIE_CHECKPOINT_DIR: '/srv/vigie' }),
      /VIGIE_CHECKPOINT_DIR: must not be the database's folder/,
    );
    assert.throws(() => loadConfig({ DATABASE_URL: '/var/db/vigie.sqlite', VIGIE_CHECKPOINT_DIR: '/var/db' }), /VIGIE_CHECKPOINT_DIR/);
    assert.equal(loadConfig({ DATABASE_URL: 'postgres://u@h/db', VIGIE_CHECKPOINT_DIR: '/var/db' }).checkpoints.directory, '/var/db');
    assert.throws(() => loadConfig({ VIGIE_CHECKPOINT_INTERVAL_MINUTES: '1441' }), /VIGIE_CHECKPOINT_INTERVAL_MINUTES/);
    assert.equal(
      loadConfig({ VIGIE_CHECKPOINT_WEBHOOK_URL: 'https://archive.example/checkpoints' }).checkpoints.webhookUrl,
      'https://archive.example/checkpoints',
    );
    assert.equal(loadConfig({ VIGIE_CHECKPOINT_WEBHOOK_URL: 'http://127.0.0.1:9000/c' }).checkpoints.webhookUrl, 'http://127.0.0.1:9000/c');
    assert.throws(() => loadConfig({ VIGIE_CHECKPOINT_WEBHOOK_URL: 'http://archive.example/c' }), /VIGIE_CHECKPOINT_WEBHOOK_URL: https:\/\/ required/);
    assert.throws(() => loadConfig({ VIGIE_CHECKPOINT_WEBHOOK_URL: 'https://user:pw@archive.example/c' }), /no credentials/);
  });

  it('secure cookies unless on loopback', () => {
    assert.equal(loadConfig({ VIGIE_HOST: '0.0.0.0' }).cookieSecure, true);
    assert.equal(loadConfig({ VIGIE_HOST: '0.0.0.0', VIGIE_COOKIE_SECURE: 'false' }).cookieSecure, false);
  });
});
