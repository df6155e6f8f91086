// The statutory register's hash chain (LEGAL 7: "its rows chained like the audit"), pure: each
// row's hash covers the previous row's hash and a canonical encoding of the row (fixed field
// order). Rows are HMAC-SHA-256 under the `register` subkey of the chain key (chain-keys.ts);
// rows written before the chain existed were chained by the migration with plain SHA-256 and
// verify as such only at or below the key file's legacy boundary. Here (not in the retention
// module) because the migration that chains the existing rows uses it too.
import { createHash } from 'node:crypto';
import type { ChainMac } from './chain-keys.ts';

export const REGISTER_GENESIS_HASH = '0'.repeat(64);

/** The fields a register row's hash covers: every column but its id and the two hashes. */
export interface RegisterChainedFields {
  seq: number | string;
  at: string;
  commune_insee: string;
  camera_id: string;
  kind: string;
  from_ms: number | string;
  to_ms: number | string;
  segments: number | string;
  bytes: number | string;
  reference: string | null;
  details: string;
}

/** Text as both databases store it (no NUL, well-formed Unicode): what is read back is what was hashed. */
export function registerStorableText(value: string): string {
  const wellFormed = value.isWellFormed() ? value : value.toWellFormed();
  return wellFormed.includes('\u0000') ? wellFormed.replaceAll('\u0000', '\uFFFD') : wellFormed;
}

export function registerCanonicalEncoding(row: RegisterChainedFields): string {
  return JSON.stringify([
    Number(row.seq),
    row.at,
    row.commune_insee,
    row.camera_id,
    row.kind,
    Number(row.from_ms),
    Number(row.to_ms),
    Number(row.segments),
    Number(row.bytes),
    row.reference,
    row.details,
  ]);
}

/** Keyed when a key is given (every row Vigie writes), plain SHA-256 without (rows chained by the migration). */
export function registerChainHash(prevHash: string, row: RegisterChainedFields, key?: ChainMac): string {
  const message = `${prevHash}\n${registerCanonicalEncoding(row)}`;
  return key ? key.mac(message) : createHash('sha256').update(message).digest('hex');
}

/** Whether the row's hash matches its content: keyed, or plain only at or below the key's legacy boundary. */
export function registerRowSound(row: RegisterChainedFields & { hash: string; prev_hash: string }, key: ChainMac): boolean {
  if (registerChainHash(row.prev_hash, row, key) === row.hash) return true;
  return Number(row.seq) <= key.legacyThrough && registerChainHash(row.prev_hash, row) === row.hash;
}
