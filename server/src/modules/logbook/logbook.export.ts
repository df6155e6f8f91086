// The logbook as CSV (French spreadsheets: UTF-8 with a byte-order mark, `;`, French headings,
// Paris times) and as PDF (landscape A4, DejaVu embedded, page numbers). Pure but for PDFKit.
import { stringify } from 'csv-stringify/sync';
import { spreadsheetSafeRecord } from '../../platform/csv.ts';
import { createPdf, pdfBytes, pdfPageNumbers, pdfTable, type PdfTableColumn } from '../../platform/pdf/document.ts';
import { type LogbookEntryView, type LogbookQuery, logbookTypeLabels } from './logbook.schemas.ts';

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

export const logbookCsvColumns = [
  'N° de chaîne',
  'Date et heure des faits (heure de Paris)',
  'Inscrite le (heure de Paris)',
  'Commune (INSEE)',
  'Type',
  'Origine',
  'Texte',
  'Catégorie d’infraction',
  'Alarme',
  'Site',
  'Caméras',
  'Auteur',
  'Corrige l’entrée',
  'Corrigée par',
  'Identifiant',
] as const;

export function logbookCsvRow(entry: LogbookEntryView): Array<string | number> {
  return [
    entry.seq,
    parisDateTime(entry.occurredAt),
    parisDateTime(entry.recordedAt),
    entry.communeInsee ?? '',
    logbookTypeLabels[entry.type].fr,
    entry.origin === 'alarm' ? 'automatique (alarme)' : 'saisie',
    entry.text,
    entry.offenceCategory ?? '',
    entry.alarmId ?? '',
    entry.siteId ?? '',
    entry.cameraIds.join(', '),
    entry.author,
    entry.corrects ?? '',
    entry.correctedBy.join(', '),
    entry.id,
  ];
}

export function logbookCsv(entries: readonly LogbookEntryView[]): string {
  return `\uFEFF${stringify(
    entries.map((entry) => spreadsheetSafeRecord(logbookCsvRow(entry))),
    { header: true, columns: [...logbookCsvColumns], delimiter: ';' },
  )}`;
}

// Landscape A4: 742 pt between the margins.
const columns: PdfTableColumn[] = [
  { header: 'N°', width: 34 },
  { header: 'Faits (heure de Paris)', width: 78 },
  { header: 'Commune', width: 48 },
  { header: 'Type', width: 84 },
  { header: 'Texte', width: 300 },
  { header: 'Alarme / caméras', width: 110 },
  { header: 'Auteur', width: 88 },
];

export function logbookPdf(entries: readonly LogbookEntryView[], filter: LogbookQuery, now: Date): Promise<Buffer> {
  const doc = createPdf({
    title: 'Main courante',
    subject: 'Main courante du centre de supervision urbain',
    createdAt: now,
    landscape: true,
    bufferPages: true,
  });
  doc.font('bold').fontSize(14).text('Main courante');
  const criteria = [
    filter.communeInsee ? `commune ${filter.communeInsee}` : 'toutes communes autorisées',
    filter.type ? `type : ${logbookTypeLabels[filter.type].fr}` : null,
    filter.from ? `depuis le ${parisDateTime(filter.from)}` : null,
    filter.to ? `jusqu’au ${parisDateTime(filter.to)}` : null,
    filter.text ? `texte contenant « ${filter.text} »` : null,
    filter.alarmId ? `alarme ${filter.alarmId}` : null,
  ].filter((value) => value !== null);
  doc
    .font('regular')
    .fontSize(9)
    .text(`Extrait du ${parisDateTime(now)} (heure de Paris) — ${criteria.join(', ')} — ${entries.length} entrée(s).`);
  doc.moveDown(0.8);
  pdfTable(
    doc,
    columns,
    entries.map((entry) => [
      String(entry.seq),
      parisDateTime(entry.occurredAt),
      entry.communeInsee ?? '—',
      logbookTypeLabels[entry.type].fr + (entry.offenceCategory ? ` (${entry.offenceCategory})` : ''),
      (entry.corrects ? `[corrige l’entrée ${entry.corrects}] ` : '') +
        entry.text +
        (entry.correctedBy.length > 0 ? ` [corrigée par ${entry.correctedBy.join(', ')}]` : ''),
      [entry.alarmId ? `alarme ${entry.alarmId}` : '', entry.cameraIds.join(', ')].filter(Boolean).join('\n'),
      entry.author,
    ]),
    7.5,
  );
  pdfPageNumbers(doc, `Main courante — extrait du ${parisDateTime(now)} (heure de Paris)`);
  return pdfBytes(doc);
}
