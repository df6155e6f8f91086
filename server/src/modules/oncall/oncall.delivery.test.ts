// The acknowledgement token (signed, tamper-evident, under the router's parameter limit), the
// webhook address rule and signature, and the SMTP address rule of the configuration.
import assert from 'node:assert/strict';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { loadConfig } from '../../config.ts';
import { createSecretBox } from '../../platform/secrets.ts';
import { ackToken, readAckToken, webhookSignature, webhookUrlProblem } from './oncall.delivery.ts';

const secrets = createSecretBox(randomBytes(32));

describe('on-call delivery rules', () => {
  it('signs the acknowledgement token and refuses any alteration or another key', () => {
    const id = randomUUID();
    const token = ackToken(secrets, id, 1_774_432_800_000);
    assert.ok(token.length <= 100, 'under Fastify’s 100-character parameter limit');
    assert.deepEqual(readAckToken(secrets, token), { notificationId: id, expiresMs: 1_774_432_800_000 });
    assert.equal(readAckToken(secrets, token.replace('1774432800000', '1774432800001')), null, 'expiry moved');
    assert.equal(readAckToken(secrets, `${randomUUID()}${token.slice(36)}`), null, 'another notification');
    assert.equal(readAckToken(createSecretBox(randomBytes(32)), token), null, 'another installation');
    assert.equal(readAckToken(secrets, 'garbage'), null);
  });

  it('accepts https webhooks, http only on loopback, never credentials', () => {
    assert.equal(webhookUrlProblem('https://sms.example.fr/hook'), null);
    assert.equal(webhookUrlProblem('http://127.0.0.1:8099/sms'), null);
    assert.equal(webhookUrlProblem('http://[::1]:8099/sms'), null);
    assert.notEqual(webhookUrlProblem('http://192.0.2.10/sms'), null);
    assert.notEqual(webhookUrlProblem('https://user:pass@sms.example.fr/'), null);
    assert.notEqual(webhookUrlProblem('ftp://sms.example.fr/'), null);
    assert.notEqual(webhookUrlProblem('not a url'), null);
  });

  it('signs the webhook body with its timestamp', () => {
    const expected = `sha256=${createHmac('sha256', 'k').update('1700000000.{"a":1}').digest('hex')}`;
    assert.equal(webhookSignature('k', '1700000000', '{"a":1}'), expected);
  });

  it('takes smtp:// or smtps:// host and port only, without credentials', () => {
    assert.equal(loadConfig({ VIGIE_SMTP_URL: 'smtp://127.0.0.1:2525' }).oncall.smtp?.url, 'smtp://127.0.0.1:2525');
    assert.equal(loadConfig({ VIGIE_SMTP_URL: 'smtps://mail.example.fr:465' }).oncall.smtp?.url, 'smtps://mail.example.fr:465');
    assert.equal(loadConfig({}).oncall.smtp, null);
    for (const url of ['smtp://user:secret@mail.example.fr:587', 'http://mail.example.fr', 'smtp://mail.example.fr/path']) {
      assert.throws(() => loadConfig({ VIGIE_SMTP_URL: url }), /VIGIE_SMTP_URL/, url);
    }
    assert.equal(loadConfig({}).oncall.escalationMs, 5 * 60_000);
  });
});
