// TOTP second factor (RFC 6238: SHA-1, 6 digits, 30 s, one step of tolerance) and one-time
// recovery codes, stored as SHA-256 (they are random, so a slow hash adds nothing).
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

export function totpMatches(secretBase32: string, code: string, at: Date): boolean {
  if (!/^\d{6}$/.test(code)) return false;
  return totpFor(secretBase32, 'check').validate({ token: code, timestamp: at.getTime(), window: 1 }) !== null;
}

export function newRecoveryCodes(count = 10): string[] {
  return Array.from({ length: count }, () => {
    const raw = randomBytes(5).toString('hex');
    return `${raw.slice(0, 5)}-${raw.slice(5)}`;
  });
}

export function hashRecoveryCode(code: string): string {
  return createHash('sha256').update(code.trim().toLowerCase()).digest('hex');
}

export function looksLikeRecoveryCode(code: string): boolean {
  return /^[0-9a-f]{5}-[0-9a-f]{5}$/i.test(code.trim());
}
