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
import type { NewRegisterEntry, RegisterEntry, RegisterKind, RetentionRepository } from './retention.repository.ts';

export interface RegisterFilter {
  communeInsee?: string;
  cameraId?: string;
  kind?: RegisterKind;
  /** ISO instants bounding the date of inscription: [from, to). */
  from?: string;
  to?: string;
  limit?: number;
}

export const registerKindLabels: Record<RegisterKind, string> = {
  recorded: 'Enregistrement',
  destroyed: 'Destruction (durée de conservation échue)',
  destroyed_early: 'Destruction anticipée',
  exported: 'Extraction sur réquisition',
  handed_over: 'Remise à l’autorité judiciaire',
  export_purged: 'Destruction d’une extraction remise',
};

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

const parisFormat = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** "2026-11-23 11:00:00": Europe/Paris wall time, sortable, read by spreadsheets as a date. */
export function parisDateTime(at: Date | number | string): string {
  return parisFormat.format(new Date(at));
}

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

export class StatutoryRegister {
  constructor(
    private readonly repository: RetentionRepository,
    private readonly clock: Clock,
  ) {}

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
      limit: Math.min(filter.limit ?? 100_000, 100_000),
    });
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
