// TOTP second factor (RFC 6238: SHA-1, 6 digits, 30 s, one step of tolerance; each time step
// accepted once) and one-time recovery codes of 80 random bits, stored as a keyed hash
// (HMAC under a key derived from the secret key: the database alone cannot test guesses).
import { createHash, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totpFor(secretBase32: string, login: string): TOTP {
  return new TOTP({ issuer: 'Vigie', label: login, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secretBase32) });
}

export function totpUri(secretBase32: string, login: string): string {
  return totpFor(secretBase32, login).toString();
}

export function totpCode(secretBase32: string, at: Date): string {
  return totpFor(secretBase32, 'code').generate({ timestamp: at.getTime() });
}

export const TOTP_PERIOD_SECONDS = 30;

/** The time step a code belongs to (current one, or one either side), or null when it matches none. */
export function totpStep(secretBase32: string, code: string, at: Date): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totpFor(secretBase32, 'check').validate({ token: code, timestamp: at.getTime(), window: 1 });
  return delta === null ? null : Math.floor(at.getTime() / 1000 / TOTP_PERIOD_SECONDS) + delta;
}

/** Crockford's base 32: no i, l, o, u to misread. */
const crockford = '0123456789abcdefghjkmnpqrstvwxyz';

/** Ten codes of 16 base-32 characters (80 bits), written `abcd-efgh-jkmn-pqrs`. */
export function newRecoveryCodes(count = 10): string[] {
  return Array.from({ length: count }, () => {
    const bytes = randomBytes(10);
    let bits = 0n;
    for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
    let text = '';
    for (let index = 0; index < 16; index++) {
      text = crockford[Number(bits & 31n)]! + text;
      bits >>= 5n;
    }
    return `${text.slice(0, 4)}-${text.slice(4, 8)}-${text.slice(8, 12)}-${text.slice(12)}`;
  });
}

export function normaliseRecoveryCode(code: string): string {
  return code.trim().toLowerCase();
}

/** Codes made before the 80-bit format (10 hex digits, unsalted SHA-256): still accepted until used. */
export function isLegacyRecoveryCode(code: string): boolean {
  return /^[0-9a-f]{5}-[0-9a-f]{5}$/i.test(code.trim());
}

export function legacyRecoveryCodeHash(code: string): string {
  return createHash('sha256').update(normaliseRecoveryCode(code)).digest('hex');
}

export function looksLikeRecoveryCode(code: string): boolean {
  return /^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$/i.test(code.trim()) || isLegacyRecoveryCode(code);
}
