// Pure logic of the register screen: the filter form (Paris days) turned into the API query
// shared by the table and the CSV and PDF downloads. Unit-tested (register.test.ts).
import { withQuery } from '../../api/client.ts';
import { parisLocalToUtcIso } from '../../lib/dates.ts';

export const registerKinds = ['recorded', 'destroyed', 'destroyed_early', 'exported', 'handed_over', 'export_purged'] as const;
export type RegisterKind = (typeof registerKinds)[number];

export interface RegisterFilterDraft {
  communeInsee: string;
  cameraId: string;
  kind: RegisterKind | '';
  /** YYYY-MM-DD, Paris days; `to` is included. */
  fromDay: string;
  toDay: string;
  text: string;
}

export const emptyRegisterFilter: RegisterFilterDraft = { communeInsee: '', cameraId: '', kind: '', fromDay: '', toDay: '', text: '' };

function nextDay(day: string): string {
  const date = new Date(`${day}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

/** The query of GET /api/register (and its export.csv / export.pdf): Paris midnights as UTC instants, `to` exclusive. */
export function registerQuery(draft: RegisterFilterDraft): Record<string, string> {
  const query: Record<string, string> = {};
  if (draft.communeInsee) query.communeInsee = draft.communeInsee;
  if (draft.cameraId.trim()) query.cameraId = draft.cameraId.trim();
  if (draft.kind) query.kind = draft.kind;
  const from = draft.fromDay ? parisLocalToUtcIso(`${draft.fromDay}T00:00`) : null;
  const to = draft.toDay ? parisLocalToUtcIso(`${nextDay(draft.toDay)}T00:00`) : null;
  if (from) query.from = from;
  if (to) query.to = to;
  if (draft.text.trim()) query.text = draft.text.trim().slice(0, 100);
  return query;
}

export function registerDownloadUrl(format: 'csv' | 'pdf', draft: RegisterFilterDraft): string {
  return withQuery(`/api/register/export.${format}`, registerQuery(draft));
}
