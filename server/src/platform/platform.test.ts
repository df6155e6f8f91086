import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { addYears, parisDate } from './clock.ts';
import { spreadsheetSafe, withoutSpreadsheetGuard } from './csv.ts';
import { redactText, redactUrl, stripCredentialsFromUrl } from './redact.ts';
import { createSecretBox } from './secrets.ts';

describe('platform helpers', () => {
  it('redacts credentials from URLs and command lines', () => {
    assert.equal(redactUrl('ffmpeg -i rtsp://admin:S3cret!@10.0.0.5:554/main -c copy'), 'ffmpeg -i rtsp://***:***@10.0.0.5:554/main -c copy');
    assert.equal(redactText('http://x/?password=abc&user=1'), 'http://x/?password=***&user=1');
    assert.equal(
      redactUrl('a rtsp://u:p?w#d@h/x then http://v@h2 and ftp://h3/@x, s3://:nouser@h'),
      'a rtsp://***:***@h/x then http://***:***@h2 and ftp://h3/@x, s3://:nouser@h',
    );
    assert.equal(redactUrl('no url at all, not even ://@ one'), 'no url at all, not even ://@ one');
    const long = `${'a'.repeat(200_000)}://${'b'.repeat(100)}@host`;
    assert.equal(redactUrl(long), `${'a'.repeat(200_000)}://***:***@host`);
    assert.equal(redactUrl('x'.repeat(100_000)), 'x'.repeat(100_000));
    assert.deepEqual(stripCredentialsFromUrl('rtsp://op%40x:p%3Ass@127.0.0.1:8554/cam/1/main'), {
      url: 'rtsp://127.0.0.1:8554/cam/1/main',
      username: 'op@x',
      password: 'p:ss',
    });
  });

  it('writes spreadsheet formulas as text in CSV cells, and the importer takes the guard off', () => {
    assert.deepEqual(['=1+1', '+33 6', '-x', '@SUM(A1)', '\tx', '\rx', '-1.5', '+3', 'Gare', 12, null].map(spreadsheetSafe), [
      "'=1+1",
      "'+33 6",
      "'-x",
      "'@SUM(A1)",
      "'\tx",
      "'\rx",
      '-1.5',
      '+3',
      'Gare',
      12,
      null,
    ]);
    assert.equal(withoutSpreadsheetGuard("'=1+1"), '=1+1');
    assert.equal(withoutSpreadsheetGuard("l'=église"), "l'=église");
    assert.equal(withoutSpreadsheetGuard("'quoted"), "'quoted");
  });

  it('derives distinct keyed hashes per purpose, stable for one key', () => {
    const box = createSecretBox(Buffer.alloc(32, 7));
    assert.equal(box.keyedHash('recovery-code', 'abcd'), createSecretBox(Buffer.alloc(32, 7)).keyedHash('recovery-code', 'abcd'));
    assert.notEqual(box.keyedHash('recovery-code', 'abcd'), box.keyedHash('other', 'abcd'));
    assert.notEqual(box.keyedHash('recovery-code', 'abcd'), createSecretBox(Buffer.alloc(32, 8)).keyedHash('recovery-code', 'abcd'));
  });

  it('seals and opens secrets, and refuses a tampered value', () => {
    const box = createSecretBox(randomBytes(32));
    const sealed = box.encrypt('camera-password');
    assert.notEqual(sealed, 'camera-password');
    assert.equal(box.decrypt(sealed), 'camera-password');
    const parts = sealed.split(':');
    parts[3] = Buffer.from('tampered').toString('base64');
    assert.throws(() => box.decrypt(parts.join(':')));
  });

  it('takes legal dates in Europe/Paris', () => {
    assert.equal(parisDate(new Date('2026-12-31T23:30:00.000Z')), '2027-01-01');
    assert.equal(addYears('2028-02-29', 1), '2029-03-01');
  });
});
