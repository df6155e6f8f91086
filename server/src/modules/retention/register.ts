// The statutory register (LEGAL 7, CSI R252-11): recordings made, their destruction dates and
// the dates footage was handed to the judicial authority. Rows are written by the purge (and,
// later, by recording and export events) in the transaction of the event itself; this service
// reads them, scoped by commune, and exports them as CSV for the prefecture or the CNIL.
import { stringify } from 'csv-stringify/sync';
import { spreadsheetSafeRecord } from '../../platform/csv.ts';
import type { Clock } from '../../platform/clock.ts';
import { parisDate } from '../../platform/clock.ts';
import type { AnyHandle } from '../../platform/db/tables.ts';
import { DomainError } from '../../platform/errors.ts';
import { communeFilter, decide, type Principal } from '../access/index.ts';
import type { RegisterCheckpoint, RegisterVerifyReport } from './register.chain.ts';
import { parisDateTime, registerKindLabels, type RegisterFilter } from './register.format.ts';
import { registerPdf } from './register.pdf.ts';
import type { NewRegisterEntry, RegisterEntry, RetentionRepository } from './retention.repository.ts';

/** Column headings of the CSV export, in French (the register is a French legal document). */
export const registerCsvColumns = [
  'N°',
  'Date de l’inscription (heure de Paris)',
  'Date de l’inscription (UTC)',
  'Commune (INSEE)',
  'Caméra',
  'Nature',
  'Début des images (heure de Paris)',
  'Fin des images (heure de Paris)',
  'Nombre de segments',
  'Volume (octets)',
  'Référence de procédure',
  'Détails',
] as const;

export function registerCsvRow(entry: RegisterEntry): Array<string | number> {
  return [
    entry.id,
    parisDateTime(entry.at),
    entry.at,
    entry.communeInsee,
    entry.cameraId,
    registerKindLabels[entry.kind],
    parisDateTime(entry.fromMs),
    parisDateTime(entry.toMs),
    entry.segments,
    entry.bytes,
    entry.reference ?? '',
    JSON.stringify(entry.details),
  ];
}

export { parisDateTime, registerKindLabels, type RegisterFilter };

export class StatutoryRegister {
  constructor(
    private readonly repository: RetentionRepository,
    private readonly clock: Clock,
    /** The newest signed checkpoint's register head (the audit module's checkpoint file); absent: the chain alone is verified. */
    private readonly checkpoint?: () => Promise<RegisterCheckpoint>,
  ) {}

  /** The chain's head (seq and hash of the newest row), for the signed checkpoints. */
  head(): Promise<{ seq: number; hash: string }> {
    return this.repository.registerHead();
  }

  /** Writes entries in the caller's transaction (exports: `exported`, `export_purged`; handovers: `handed_over`; recording: `recorded`). */
  record(trx: AnyHandle, entries: readonly NewRegisterEntry[]): Promise<number[]> {
    return this.repository.insertRegisterEntries(trx, entries);
  }

  /** Entries in inscription order; readable with `register.read` (administrators, supervisors, auditors). */
  async list(filter: RegisterFilter, principal: Principal | null): Promise<RegisterEntry[]> {
    let communes: readonly string[] | null = null;
    if (principal) {
      const decision = decide(principal, 'register.read', filter.communeInsee ?? null, parisDate(this.clock.now()));
      if (!decision.allowed) throw decision.error;
      communes = communeFilter(principal);
    }
    if (filter.communeInsee) communes = communes === null || communes.includes(filter.communeInsee) ? [filter.communeInsee] : [];
    if (filter.from && filter.to && filter.from >= filter.to) {
      throw new DomainError('validation_failed', { fr: 'La période demandée est vide.', en: 'The requested period is empty.' });
    }
    return this.repository.registerEntries({
      communes,
      from: filter.from,
      to: filter.to,
      cameraId: filter.cameraId,
      kind: filter.kind,
      text: filter.text,
      limit: Math.min(filter.limit ?? 100_000, 100_000),
    });
  }

  /** Verifies the register's hash chain (`audit.verify`: administrators, supervisors, auditors; null: the command line). */
  async verify(principal: Principal | null): Promise<RegisterVerifyReport> {
    if (principal) {
      const decision = decide(principal, 'audit.verify', null, parisDate(this.clock.now()));
      if (!decision.allowed) throw decision.error;
    }
    return this.repository.verifyRegisterChain(this.checkpoint ? await this.checkpoint() : null);
  }

  /** The register as a PDF (French headings, Paris times), for the prefecture or the CNIL. */
  async exportPdf(filter: RegisterFilter, principal: Principal | null): Promise<Buffer> {
    const entries = await this.list(filter, principal);
    return registerPdf(entries, filter, this.clock.now());
  }

  /**
   * CSV for French spreadsheets: UTF-8 with a byte-order mark, `;` separator (the comma is
   * the decimal separator in French locales), French headings, Paris times (UTC kept for the
   * date of inscription).
   */
  async exportCsv(filter: RegisterFilter, principal: Principal | null): Promise<string> {
    const entries = await this.list(filter, principal);
    return (
      '\uFEFF' +
      stringify(
        entries.map((entry) => spreadsheetSafeRecord(registerCsvRow(entry))),
        { header: true, columns: [...registerCsvColumns], delimiter: ';' },
      )
    );
  }
}
