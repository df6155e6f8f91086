// The audit hash chain, pure: each row's hash is HMAC-SHA-256, under the chain key kept outside
// the database (issue 11), over the previous row's hash and a canonical encoding of the row
// (fixed field order, object keys sorted, no whitespace). Rows written before the key existed
// (at or below its legacy boundary) were plain SHA-256 and still verify as such.
import { createHash } from 'node:crypto';
import type { ChainMac } from '../../platform/chain-keys.ts';
import type { AuditLogTable } from '../../platform/db/schema.ts';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields a row's hash covers: every column but the two hashes. */
export type ChainedFields = Omit<AuditLogTable, 'prev_hash' | 'hash'>;

export interface ChainedRow extends ChainedFields {
  prev_hash: string;
  hash: string;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/**
 * Text as both databases store and return it: well-formed Unicode (a lone surrogate becomes
 * U+FFFD, as a UTF-8 store would make it) and no NUL (PostgreSQL cannot store it). The chain
 * hashes this form, so what is read back is what was hashed, whatever string a caller passes.
 */
export function storableText(value: string): string {
  const wellFormed = value.isWellFormed() ? value : value.toWellFormed();
  return wellFormed.includes('\u0000') ? wellFormed.replaceAll('\u0000', '\uFFFD') : wellFormed;
}

export function storableNullable(value: string | null): string | null {
  return value === null ? null : storableText(value);
}

function storableDeep(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) return value.map(storableDeep);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, inner]) => [storableText(key), storableDeep(inner)]));
  }
  return value;
}

/** Details are stored as canonical JSON so that the stored text is what was hashed. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(storableDeep(value ?? {})));
}

export function canonicalEncoding(row: ChainedFields): string {
  return JSON.stringify([
    row.seq,
    row.at,
    row.actor_type,
    row.actor_id,
    row.actor_login,
    row.commune_insee,
    row.action,
    row.target_type,
    row.target_id,
    row.reason,
    row.details,
    row.ip,
  ]);
}

/**
 * The row's hash: keyed when a key is given (every row Vigie writes), plain SHA-256 without
 * (rows written before issue 11, and tests of the chain's structure alone).
 */
export function chainHash(prevHash: string, row: ChainedFields, key?: ChainMac): string {
  const message = `${prevHash}\n${canonicalEncoding(row)}`;
  return key ? key.mac(message) : createHash('sha256').update(message).digest('hex');
}

/**
 * Whether a row's hash matches its content: keyed, or plain SHA-256 only at or below the key's
 * legacy boundary (rows written before the key existed). The boundary is in the key file, not
 * in the database, so a rewritten row cannot be passed off as an old one.
 */
export function rowHashSound(row: ChainedRow, key?: ChainMac): boolean {
  if (!key) return chainHash(row.prev_hash, row) === row.hash;
  return chainHash(row.prev_hash, row, key) === row.hash || (row.seq <= key.legacyThrough && chainHash(row.prev_hash, row) === row.hash);
}

export type ChainProblem =
  | { kind: 'edited'; seq: number; message: string }
  | { kind: 'deleted'; seq: number; message: string }
  | { kind: 'reordered'; seq: number; message: string }
  | { kind: 'tail_removed'; seq: number; message: string }
  /** Rows before the chain's start removed outside a retention purge (no audit.purged row names that start). */
  | { kind: 'anchor_unattested'; seq: number; message: string }
  /** A line of the checkpoint file that is not a genuine checkpoint, or one the chain no longer matches. */
  | { kind: 'checkpoint_invalid' | 'checkpoint_mismatch'; seq: number; message: string };

/** A verification lists at most this many problems, then counts the rest. */
export const MAX_LISTED_PROBLEMS = 1000;

/**
 * Incremental verifier: feed rows in seq order, then call `finish` with the stored head. Every
 * bad row is reported, not only the first: after a problem the check goes on from the row's
 * stored hash, so one edited row does not hide a later one.
 */
export class ChainVerifier {
  private expectedSeq: number;
  private previousHash: string;
  private readonly listed: ChainProblem[] = [];
  private count = 0;
  private checked = 0;

  /** Without `key`, every row is checked as plain SHA-256 (tests of the structure alone). */
  constructor(
    anchorSeq = 1,
    anchorPrevHash = GENESIS_HASH,
    private readonly key?: ChainMac,
  ) {
    this.expectedSeq = anchorSeq;
    this.previousHash = anchorPrevHash;
  }

  get rowsChecked(): number {
    return this.checked;
  }

  get firstProblem(): ChainProblem | null {
    return this.listed[0] ?? null;
  }

  /** Every problem found so far (the first MAX_LISTED_PROBLEMS). */
  get problems(): readonly ChainProblem[] {
    return this.listed;
  }

  get problemCount(): number {
    return this.count;
  }

  /** Adds a problem found outside the row walk (anchor, checkpoints) to the same list. */
  addProblem(problem: ChainProblem): void {
    this.report(problem);
  }

  private report(problem: ChainProblem): false {
    this.count++;
    if (this.listed.length < MAX_LISTED_PROBLEMS) this.listed.push(problem);
    return false;
  }

  /** True when the row is sound and in place. */
  add(row: ChainedRow): boolean {
    this.checked++;
    const selfConsistent = rowHashSound(row, this.key);
    const expected = this.expectedSeq;
    const linked = row.prev_hash === this.previousHash;
    this.previousHash = row.hash;
    this.expectedSeq = Math.max(expected, row.seq + 1);
    if (row.seq > expected) {
      const missing = row.seq - 1 === expected ? `row ${expected} is missing` : `rows ${expected} to ${row.seq - 1} are missing`;
      this.report({ kind: 'deleted', seq: expected, message: `${missing} (next row found is ${row.seq})` });
      return selfConsistent ? false : this.report({ kind: 'edited', seq: row.seq, message: `row ${row.seq} was edited (its hash does not match its content)` });
    }
    if (row.seq < expected) return this.report({ kind: 'reordered', seq: row.seq, message: `row ${row.seq} appears where row ${expected} was expected` });
    if (!linked) {
      return this.report(
        selfConsistent
          ? { kind: 'reordered', seq: row.seq, message: `row ${row.seq} does not chain to the row before it (moved, reordered or re-sequenced)` }
          : { kind: 'edited', seq: row.seq, message: `row ${row.seq} was altered (its chain link does not match)` },
      );
    }
    if (!selfConsistent) return this.report({ kind: 'edited', seq: row.seq, message: `row ${row.seq} was edited (its hash does not match its content)` });
    return true;
  }

  /** The first problem, or null; `problems` lists them all. */
  finish(head: { seq: number; hash: string } | null): ChainProblem | null {
    const lastSeq = this.expectedSeq - 1;
    if (head && (head.seq !== lastSeq || head.hash !== this.previousHash)) {
      this.report(
        head.seq > lastSeq
          ? { kind: 'tail_removed', seq: lastSeq + 1, message: `rows ${lastSeq + 1} to ${head.seq} were removed from the end of the log` }
          : { kind: 'edited', seq: head.seq, message: `the chain head does not match row ${head.seq}` },
      );
    }
    return this.firstProblem;
  }
}
