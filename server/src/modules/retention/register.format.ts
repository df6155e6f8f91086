// How the statutory register writes its kinds and dates (CSV and PDF alike): French labels,
// Europe/Paris wall time.
import type { RegisterKind } from './retention.repository.ts';

export interface RegisterFilter {
  communeInsee?: string;
  cameraId?: string;
  kind?: RegisterKind;
  /** ISO instants bounding the date of inscription: [from, to). */
  from?: string;
  to?: string;
  /** Free text found in the procedure reference (case-insensitive). */
  text?: string;
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
