// Pure rules of evidence packages: Paris wall time with its offset, which requisition states
// allow an export, who receives a package, and when a delivered package is purged.
import type { Principal } from '../access/index.ts';

const parisParts = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'longOffset',
});

/** "2026-12-07T15:29:16.250+01:00": Europe/Paris wall time with its offset. */
export function parisInstant(at: number | Date): string {
  const date = new Date(at);
  const parts = Object.fromEntries(parisParts.formatToParts(date).map((part) => [part.type, part.value]));
  const offset = String(parts.timeZoneName ?? 'GMT').replace('GMT', '') || '+00:00';
  const millis = String(date.getUTCMilliseconds()).padStart(3, '0');
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}.${millis}${offset}`;
}

/** A package is asked once the footage is under review, or after a positive result (again after an export). */
export const exportableStates: ReadonlySet<string> = new Set(['in_review', 'positive', 'exported']);

/** Its package is kept until the requisition is handed over (or closed), then purged after the configured days. */
export const deliveredStates: ReadonlySet<string> = new Set(['delivered', 'closed']);

/** The requisition's authorised recipients: the police user who filed it, and the supervisors of its commune. */
export function mayDownload(principal: Principal, requisition: { commune_insee: string; filed_by_id: string | null }): boolean {
  if (principal.role === 'supervisor') return principal.allCommunes || principal.communes.includes(requisition.commune_insee);
  return principal.role === 'police' && requisition.filed_by_id !== null && requisition.filed_by_id === principal.id;
}

/** Purge is due `keepDays` after the requisition reached a delivered state. */
export function purgeDue(deliveredAt: string, keepDays: number, nowMs: number): boolean {
  return Date.parse(deliveredAt) + keepDays * 86_400_000 <= nowMs;
}
