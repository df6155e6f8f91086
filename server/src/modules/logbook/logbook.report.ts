// The incident report of one alarm (issue 14 item 6), pure but for PDFKit: the alarm, its intake
// (every receipt with its channel and a summary of the raw payload), and one timeline in time
// order built from the alarm's own stamps, the audit rows about it (state changes and their
// comments, procedure steps, notifications and acknowledgements, escalations, cameras opened
// live or played back during the alarm) and its logbook entries.
import type { AlarmRow, ReceiptRow } from '../alarms/index.ts';
import { createPdf, pdfBytes, pdfPageNumbers, pdfTable } from '../../platform/pdf/document.ts';
import { parisDateTime } from './logbook.export.ts';
import { type LogbookEntryView, logbookTypeLabels } from './logbook.schemas.ts';

export interface ReportAuditRow {
  seq: number;
  at: string;
  actorLogin: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  details: Record<string, unknown>;
}

export interface TimelineRow {
  at: string;
  kind: string;
  who: string;
  what: string;
}

const actionLabels: Record<string, string> = {
  'alarm.take': 'Prise en charge',
  'alarm.acknowledge': 'Acquittement',
  'alarm.start': 'Traitement commencé',
  'alarm.close': 'Clôture',
  'alarm.escalated': 'Escalade',
  'alarm.step': 'Étape de procédure',
  'alarm.received': 'Réception',
  'image.live.start': 'Caméra ouverte en direct',
  'image.live.stop': 'Direct fermé',
  'image.playback': 'Relecture ouverte',
  'image.playback.stop': 'Relecture fermée',
  'image.snapshot': 'Image fixe',
  'image.ptz.take': 'Prise de main PTZ',
  'image.ptz.release': 'Fin de prise de main PTZ',
};

function actionLabel(action: string): string {
  if (actionLabels[action]) return actionLabels[action];
  if (action.startsWith('oncall.')) {
    if (action.includes('ack')) return 'Astreinte : accusé de réception';
    if (action.includes('notif')) return 'Astreinte notifiée';
    if (action.includes('escalat')) return 'Astreinte : escalade';
    return `Astreinte (${action.slice(7)})`;
  }
  return action;
}

const skippedDetails = new Set(['alarmId', 'from', 'to', 'seq', 'step', 'position']);

/** The details worth printing: scalars, `key: value`, at most 8 and 400 characters. */
export function detailsSummary(details: Record<string, unknown>): string {
  const parts: string[] = [];
  const first = ['label', 'comment', 'result', 'outcome', 'recipient'];
  const keys = [...first.filter((key) => key in details), ...Object.keys(details).filter((key) => !first.includes(key))];
  for (const [key, value] of keys.map((key) => [key, details[key]] as const)) {
    if (skippedDetails.has(key) || value === null || value === undefined || typeof value === 'object') continue;
    parts.push(`${key} : ${String(value)}`);
    if (parts.length === 8) break;
  }
  const text = parts.join(' ; ');
  return text.length > 400 ? `${text.slice(0, 399)}…` : text;
}

/** A payload as one short line (JSON re-serialised compactly when it parses), at most `max` characters. */
export function payloadSummary(raw: string, max = 300): string {
  let text = raw;
  try {
    text = JSON.stringify(JSON.parse(raw));
  } catch {
    // Not JSON (a DC-09 frame, a CAP document): shown as received, whitespace folded.
    text = raw.replace(/\s+/g, ' ').trim();
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const stamps = [
  { action: 'alarm.take', at: 'taken_at', by: 'taken_by' },
  { action: 'alarm.acknowledge', at: 'acknowledged_at', by: 'acknowledged_by' },
  { action: 'alarm.start', at: 'started_at', by: 'started_by' },
  { action: 'alarm.close', at: 'closed_at', by: 'closed_by' },
] as const;

export function incidentTimeline(input: {
  alarm: AlarmRow;
  outcomeLabel: string | null;
  receipts: readonly ReceiptRow[];
  audit: readonly ReportAuditRow[];
  entries: readonly LogbookEntryView[];
}): TimelineRow[] {
  const { alarm } = input;
  const rows: TimelineRow[] = [{ at: alarm.occurred_at, kind: 'Événement (heure de l’émetteur)', who: alarm.source_id, what: alarm.title }];
  for (const receipt of input.receipts)
    rows.push({
      at: receipt.received_at,
      kind: `Réception (${receipt.channel})`,
      who: receipt.source_id,
      what: `${receipt.event} → ${receipt.outcome}, n° ${receipt.sender_event_id}`,
    });
  const audited = new Set<string>();
  for (const row of input.audit) {
    if (row.action.startsWith('logbook.')) continue;
    audited.add(row.action);
    const camera = row.targetType === 'camera' && row.targetId ? `caméra ${row.targetId}` : '';
    rows.push({
      at: row.at,
      kind: actionLabel(row.action),
      who: row.actorLogin ?? '',
      what: [camera, detailsSummary(row.details)].filter(Boolean).join(' ; '),
    });
  }
  // Seeded or older alarms may lack the audit row of a state change: the alarm's own stamp stands in.
  for (const stamp of stamps) {
    const at = alarm[stamp.at];
    if (at && !audited.has(stamp.action))
      rows.push({
        at,
        kind: actionLabel(stamp.action),
        who: alarm[stamp.by] ?? '',
        what:
          stamp.action === 'alarm.close'
            ? `issue : ${input.outcomeLabel ?? alarm.outcome ?? ''}${alarm.comment ? ` ; commentaire : ${alarm.comment}` : ''}`
            : '',
      });
  }
  if (alarm.restored_at) rows.push({ at: alarm.restored_at, kind: 'Retour à la normale', who: alarm.source_id, what: '' });
  for (const entry of input.entries)
    rows.push({ at: entry.occurredAt, kind: `Main courante (${logbookTypeLabels[entry.type].fr})`, who: entry.author, what: entry.text });
  return rows.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

export function incidentReportPdf(input: {
  alarm: AlarmRow;
  labels: { type: string; state: string; outcome: string | null };
  receipts: readonly ReceiptRow[];
  timeline: readonly TimelineRow[];
  now: Date;
}): Promise<Buffer> {
  const { alarm, labels } = input;
  const doc = createPdf({ title: `Rapport d’incident — alarme ${alarm.id}`, subject: 'Rapport d’incident', createdAt: input.now, bufferPages: true });
  doc.font('bold').fontSize(14).text('Rapport d’incident');
  doc.font('regular').fontSize(9);
  const facts: [string, string][] = [
    ['Alarme', alarm.id],
    ['Type', `${labels.type} (priorité ${alarm.priority})`],
    ['Titre', alarm.title],
    ['Commune (INSEE)', alarm.commune_insee ?? 'centre (toutes communes)'],
    ['Site / zone', [alarm.site_id, alarm.zone].filter(Boolean).join(' / ') || '—'],
    ['Caméras', (JSON.parse(alarm.camera_ids) as string[]).join(', ') || '—'],
    ['État', labels.state],
    ['Issue', labels.outcome ?? '—'],
    ['Commentaire', alarm.comment ?? '—'],
    ['Réceptions', `${alarm.count} (première le ${parisDateTime(alarm.first_received_at)}, dernière le ${parisDateTime(alarm.last_received_at)})`],
  ];
  for (const [label, value] of facts) doc.font('bold').text(`${label} : `, { continued: true }).font('regular').text(value);
  doc.text(`Édité le ${parisDateTime(input.now)} (heure de Paris).`);
  doc.moveDown(0.8);
  doc.font('bold').fontSize(11).text('Réception');
  doc.moveDown(0.3);
  pdfTable(
    doc,
    [
      { header: 'Reçue (heure de Paris)', width: 80 },
      { header: 'Canal', width: 50 },
      { header: 'Événement', width: 75 },
      { header: 'Contenu reçu (résumé)', width: 290 },
    ],
    input.receipts.map((receipt) => [
      parisDateTime(receipt.received_at),
      receipt.channel,
      `${receipt.event} → ${receipt.outcome}`,
      payloadSummary(receipt.raw_payload),
    ]),
    7.5,
  );
  doc.moveDown(0.8);
  doc.font('bold').fontSize(11).text('Chronologie');
  doc.moveDown(0.3);
  pdfTable(
    doc,
    [
      { header: 'Heure de Paris', width: 80 },
      { header: 'Étape', width: 110 },
      { header: 'Par', width: 70 },
      { header: 'Détail', width: 235 },
    ],
    input.timeline.map((row) => [parisDateTime(row.at), row.kind, row.who, row.what]),
    7.5,
  );
  pdfPageNumbers(doc, `Rapport d’incident — alarme ${alarm.id}`);
  return pdfBytes(doc);
}
