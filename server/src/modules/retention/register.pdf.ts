// The statutory register as a PDF (LEGAL 7): French headings, Europe/Paris times, one table of
// the entries selected, the filter and the date of the extract in the heading. Pure but for
// PDFKit (platform/pdf: DejaVu embedded, so accents print everywhere).
import { createPdf, pdfBytes, pdfPageNumbers, pdfTable, type PdfTableColumn } from '../../platform/pdf/document.ts';
import { parisDateTime, registerKindLabels, type RegisterFilter } from './register.format.ts';
import type { RegisterEntry } from './retention.repository.ts';

// Landscape A4: 742 pt between the margins.
const columns: PdfTableColumn[] = [
  { header: 'N°', width: 40 },
  { header: 'Inscription (heure de Paris)', width: 86 },
  { header: 'Commune (INSEE)', width: 52 },
  { header: 'Caméra', width: 70 },
  { header: 'Nature', width: 110 },
  { header: 'Début des images (heure de Paris)', width: 86 },
  { header: 'Fin des images (heure de Paris)', width: 86 },
  { header: 'Segments', width: 50 },
  { header: 'Volume (octets)', width: 72 },
  { header: 'Référence de procédure', width: 90 },
];

const bytesFr = new Intl.NumberFormat('fr-FR');

export function registerPdfRow(entry: RegisterEntry): string[] {
  return [
    String(entry.id),
    parisDateTime(entry.at),
    entry.communeInsee,
    entry.cameraId,
    registerKindLabels[entry.kind],
    parisDateTime(entry.fromMs),
    parisDateTime(entry.toMs),
    String(entry.segments),
    bytesFr.format(entry.bytes),
    entry.reference ?? '',
  ];
}

export function registerPdf(entries: readonly RegisterEntry[], filter: RegisterFilter, now: Date): Promise<Buffer> {
  const doc = createPdf({
    title: 'Registre de vidéoprotection',
    subject: 'Registre des enregistrements (CSI R252-11)',
    createdAt: now,
    landscape: true,
    bufferPages: true,
  });
  doc.font('bold').fontSize(14).text('Registre des enregistrements de vidéoprotection');
  doc.font('regular').fontSize(9).text('Enregistrements réalisés, dates de destruction et de remise à l’autorité judiciaire (CSI, art. R252-11).');
  const criteria = [
    filter.communeInsee ? `commune ${filter.communeInsee}` : 'toutes communes autorisées',
    filter.cameraId ? `caméra ${filter.cameraId}` : null,
    filter.kind ? `nature : ${registerKindLabels[filter.kind]}` : null,
    filter.from ? `depuis le ${parisDateTime(filter.from)}` : null,
    filter.to ? `jusqu’au ${parisDateTime(filter.to)}` : null,
    filter.text ? `procédure contenant « ${filter.text} »` : null,
  ].filter((value) => value !== null);
  doc.text(`Extrait du ${parisDateTime(now)} (heure de Paris) — ${criteria.join(', ')} — ${entries.length} inscription(s).`);
  doc.moveDown(0.8);
  pdfTable(doc, columns, entries.map(registerPdfRow), 7.5);
  pdfPageNumbers(doc, `Registre de vidéoprotection — extrait du ${parisDateTime(now)} (heure de Paris)`);
  return pdfBytes(doc);
}
