// Pure logic of the logbook screen (main courante, issue 14 items 6-7): the search form (Paris
// days) turned into the API query shared by the list and the CSV / PDF downloads, the entry form
// turned into the POST body (Paris local time to UTC), and the figures' durations. Unit-tested
// (logbook.test.ts).
import { type ApiAnswer, type ApiBody, withQuery } from '../../api/client.ts';
import { parisLocalToUtcIso } from '../../lib/dates.ts';

export type LogbookEntry = ApiAnswer<'GET', '/api/logbook'>[number];
export type LogbookEntryBody = ApiBody<'POST', '/api/logbook'>;
export type AlarmFigures = ApiAnswer<'GET', '/api/alarms/figures'>;
export type LogbookVerification = ApiAnswer<'GET', '/api/logbook/verify'>;

export const logbookTypes = ['offence_seen', 'offence_spotted', 'intervention', 'information', 'alarm', 'technical', 'other'] as const;
export type LogbookType = (typeof logbookTypes)[number];
export const offenceCategories = ['property', 'persons', 'drugs', 'traffic', 'incivility', 'other'] as const;
export const isOffence = (type: string) => type === 'offence_seen' || type === 'offence_spotted';

export interface LogbookFilterDraft {
  communeInsee: string;
  type: LogbookType | '';
  /** YYYY-MM-DD, Paris days; `to` is included. */
  fromDay: string;
  toDay: string;
  text: string;
  alarmId: string;
}

export const emptyLogbookFilter: LogbookFilterDraft = { communeInsee: '', type: '', fromDay: '', toDay: '', text: '', alarmId: '' };

export function nextDay(day: string): string {
  const date = new Date(`${day}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

/** The query of GET /api/logbook (and its export.csv / export.pdf): Paris midnights as UTC instants, `to` exclusive. */
export function logbookQuery(draft: LogbookFilterDraft): Record<string, string> {
  const query: Record<string, string> = {};
  if (draft.communeInsee) query.communeInsee = draft.communeInsee;
  if (draft.type) query.type = draft.type;
  const from = draft.fromDay ? parisLocalToUtcIso(`${draft.fromDay}T00:00`) : null;
  const to = draft.toDay ? parisLocalToUtcIso(`${nextDay(draft.toDay)}T00:00`) : null;
  if (from) query.from = from;
  if (to) query.to = to;
  if (draft.text.trim()) query.text = draft.text.trim().slice(0, 200);
  if (draft.alarmId.trim()) query.alarmId = draft.alarmId.trim().slice(0, 100);
  return query;
}

export function logbookDownloadUrl(format: 'csv' | 'pdf', draft: LogbookFilterDraft): string {
  return withQuery(`/api/logbook/export.${format}`, logbookQuery(draft));
}

export function incidentReportUrl(alarmId: string): string {
  return `/api/alarms/${encodeURIComponent(alarmId)}/report.pdf`;
}

export interface EntryDraft {
  type: LogbookType;
  communeInsee: string;
  /** "YYYY-MM-DDTHH:MM", Paris local time; empty: now. */
  occurredLocal: string;
  text: string;
  offenceCategory: string;
  alarmId: string;
  cameraIds: string;
}

export const emptyEntry = (communeInsee: string): EntryDraft => ({
  type: 'information',
  communeInsee,
  occurredLocal: '',
  text: '',
  offenceCategory: '',
  alarmId: '',
  cameraIds: '',
});

/** The POST body: only the fields given; the time converted from Paris to UTC; cameras split on commas and spaces. */
export function entryBody(draft: EntryDraft): LogbookEntryBody {
  const body: LogbookEntryBody = { type: draft.type, communeInsee: draft.communeInsee, text: draft.text.trim() };
  const occurredAt = draft.occurredLocal ? parisLocalToUtcIso(draft.occurredLocal) : null;
  if (occurredAt) body.occurredAt = occurredAt;
  if (isOffence(draft.type) && draft.offenceCategory) body.offenceCategory = draft.offenceCategory as LogbookEntryBody['offenceCategory'];
  if (draft.alarmId.trim()) body.alarmId = draft.alarmId.trim();
  const cameras = draft.cameraIds.split(/[\s,;]+/).filter(Boolean);
  if (cameras.length > 0) body.cameraIds = cameras.slice(0, 20);
  return body;
}

/** Seconds as the chief reads them: "45 s", "2 min 05 s", "1 h 03 min"; an em dash when there is none. */
export function formatSeconds(seconds: number | null): string {
  if (seconds === null) return '—';
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} s`;
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
  return `${Math.floor(whole / 3600)} h ${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')} min`;
}
