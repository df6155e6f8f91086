// The audit hash chain, pure: each row's hash is SHA-256 over the previous row's hash and a
// canonical encoding of the row (fixed field order, object keys sorted, no whitespace).
import { createHash } from 'node:crypto';
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
    return Object.fromEntries(Object.keys(value as object).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]));
  }
  return value;
}

/** Details are stored as canonical JSON so that the stored text is what was hashed. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value ?? {}));
}

export function canonicalEncoding(row: ChainedFields): string {
  return JSON.stringify([
    row.seq, row.at, row.actor_type, row.actor_id, row.actor_login, row.commune_insee,
    row.action, row.target_type, row.target_id, row.reason, row.details, row.ip,
  ]);
}

export function chainHash(prevHash: string, row: ChainedFields): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalEncoding(row)).digest('hex');
}

export type ChainProblem =
  | { kind: 'edited'; seq: number; message: string }
  | { kind: 'deleted'; seq: number; message: string }
  | { kind: 'reordered'; seq: number; message: string }
  | { kind: 'tail_removed'; seq: number; message: string };

/**
 * Incremental verifier: feed rows in seq order, then call `finish` with the stored head.
 * Reports the first problem only (later rows cannot be trusted once the chain is broken).
 */
export class ChainVerifier {
  private expectedSeq: number;
  private previousHash: string;
  private problem: ChainProblem | null = null;
  private checked = 0;

  constructor(anchorSeq = 1, anchorPrevHash = GENESIS_HASH) {
    this.expectedSeq = anchorSeq;
    this.previousHash = anchorPrevHash;
  }

  get rowsChecked(): number {
    return this.checked;
  }

  get firstProblem(): ChainProblem | null {
    return this.problem;
  }

  add(row: ChainedRow): boolean {
    if (this.problem) return false;
    this.checked++;
    const selfConsistent = chainHash(row.prev_hash, row) === row.hash;
    if (row.seq !== this.expectedSeq) {
      this.problem = row.seq > this.expectedSeq
        ? { kind: 'deleted', seq: this.expectedSeq, message: `row ${this.expectedSeq} is missing (next row found is ${row.seq})` }
        : { kind: 'reordered', seq: row.seq, message: `row ${row.seq} appears where row ${this.expectedSeq} was expected` };
      return false;
    }
    if (row.prev_hash !== this.previousHash) {
      this.problem = selfConsistent
        ? { kind: 'reordered', seq: row.seq, message: `row ${row.seq} does not chain to the row before it (moved, reordered or re-sequenced)` }
        : { kind: 'edited', seq: row.seq, message: `row ${row.seq} was altered (its chain link does not match)` };
      return false;
    }
    if (!selfConsistent) {
      this.problem = { kind: 'edited', seq: row.seq, message: `row ${row.seq} was edited (its hash does not match its content)` };
      return false;
    }
    this.previousHash = row.hash;
    this.expectedSeq++;
    return true;
  }

  finish(head: { seq: number; hash: string } | null): ChainProblem | null {
    if (this.problem) return this.problem;
    const lastSeq = this.expectedSeq - 1;
    if (head && (head.seq !== lastSeq || head.hash !== this.previousHash)) {
      this.problem = head.seq > lastSeq
        ? { kind: 'tail_removed', seq: lastSeq + 1, message: `rows ${lastSeq + 1} to ${head.seq} were removed from the end of the log` }
        : { kind: 'edited', seq: head.seq, message: `the chain head does not match row ${head.seq}` };
    }
    return this.problem;
  }
}
