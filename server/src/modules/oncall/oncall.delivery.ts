// How a notification leaves Vigie (docs/oncall.md): an e-mail over SMTP (nodemailer) and a
// signed POST to the service's webhook (an SMS gateway), each carrying the acknowledgement
// link; and that link's token, an HMAC over the notification id and its expiry.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import type { SecretBox } from '../../platform/secrets.ts';

export interface SmtpConfig {
  /** smtp://host:port (STARTTLS required off loopback) or smtps://host:port; never credentials. */
  url: string;
  from: string;
  username: string | null;
  /** Read at each connection: the password never sits in the environment nor on a command line. */
  passwordFile: string | null;
}

export interface Message {
  notificationId: string;
  to: { name: string; email: string | null; phone: string | null };
  serviceName: string;
  alarmId: string | null;
  communeInsee: string | null;
  subject: string;
  text: string;
  ackUrl: string;
  ackExpiresAt: string;
}

export interface Senders {
  email(message: Message): Promise<void>;
  webhook(target: { url: string; secret: string }, message: Message): Promise<void>;
}

const loopbackHost = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\]|::1)$/;

/** Why this URL may not be a webhook, or null: https://, or http:// on loopback only; no credentials. */
export function webhookUrlProblem(value: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return 'not a URL';
  }
  if (parsed.username || parsed.password) return 'no credentials in the webhook URL';
  if (parsed.protocol === 'https:') return null;
  if (parsed.protocol === 'http:' && loopbackHost.test(parsed.hostname)) return null;
  return 'https:// required (http:// only on loopback)';
}

export function createSenders(smtp: SmtpConfig | null, options: { timeoutMs: number }): Senders {
  return {
    async email(message) {
      if (!smtp) throw new Error('no SMTP server configured (VIGIE_SMTP_URL)');
      if (!message.to.email) throw new Error('no e-mail address');
      const url = new URL(smtp.url);
      const secure = url.protocol === 'smtps:';
      const loopback = loopbackHost.test(url.hostname);
      const password = smtp.passwordFile ? readFileSync(smtp.passwordFile, 'utf8').trim() : null;
      const transport = nodemailer.createTransport({
        host: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port ? Number(url.port) : secure ? 465 : 587,
        secure,
        // Off loopback a plain smtp:// must upgrade to TLS; on loopback (tests, a local relay) it may stay plain.
        requireTLS: !secure && !loopback,
        ignoreTLS: !secure && loopback,
        auth: smtp.username && password ? { user: smtp.username, pass: password } : undefined,
        connectionTimeout: options.timeoutMs,
        greetingTimeout: options.timeoutMs,
        socketTimeout: options.timeoutMs,
      });
      try {
        await transport.sendMail({
          from: smtp.from,
          to: { name: message.to.name, address: message.to.email },
          subject: message.subject,
          text: emailText(message),
          headers: { 'X-Vigie-Notification': message.notificationId },
        });
      } finally {
        transport.close();
      }
    },
    async webhook(target, message) {
      const body = JSON.stringify({
        notificationId: message.notificationId,
        service: message.serviceName,
        person: message.to,
        alarmId: message.alarmId,
        communeInsee: message.communeInsee,
        subject: message.subject,
        text: message.text,
        ackUrl: message.ackUrl,
        ackExpiresAt: message.ackExpiresAt,
      });
      const timestamp = Math.floor(Date.now() / 1000).toString();
      const response = await fetch(target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-vigie-timestamp': timestamp, 'x-vigie-signature': webhookSignature(target.secret, timestamp, body) },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (!response.ok) throw new Error(`webhook answered HTTP ${response.status}`);
    },
  };
}

/** `sha256=<hex>` of HMAC-SHA-256(secret, "<timestamp>.<body>"): the receiver checks both (docs/oncall.md). */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

function emailText(message: Message): string {
  return [
    message.text,
    '',
    `Service : ${message.serviceName}${message.communeInsee ? ` (commune ${message.communeInsee})` : ''}`,
    ...(message.alarmId ? [`Alarme : ${message.alarmId}`] : []),
    '',
    'Pour indiquer que vous prenez en compte cette alerte, ouvrez ce lien :',
    message.ackUrl,
    `(valable jusqu’au ${new Date(message.ackExpiresAt).toLocaleString('fr-FR', { timeZone: 'Europe/Paris' })}, heure de Paris). Sans réponse, la personne suivante de l’astreinte sera prévenue.`,
    '',
    'To acknowledge this alert, open the link above. Without an answer, the next person on call is notified.',
  ].join('\n');
}

/** The acknowledgement token: `<id>.<expiry ms>.<HMAC, base64url>`, the HMAC under a key derived from the secret key. */
export function ackToken(secrets: SecretBox, notificationId: string, expiresMs: number): string {
  // base64url keeps the token under the router's 100-character parameter limit.
  return `${notificationId}.${expiresMs}.${Buffer.from(secrets.keyedHash('oncall-ack', `${notificationId}.${expiresMs}`), 'hex').toString('base64url')}`;
}

/** The notification id and expiry of a well-signed token, or null (forged, altered or malformed). */
export function readAckToken(secrets: SecretBox, token: string): { notificationId: string; expiresMs: number } | null {
  const match = /^([0-9a-f-]{36})\.(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return null;
  const [, notificationId, expiry, signature] = match as unknown as [string, string, string, string];
  const expected = Buffer.from(secrets.keyedHash('oncall-ack', `${notificationId}.${expiry}`), 'hex');
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return { notificationId, expiresMs: Number(expiry) };
}
