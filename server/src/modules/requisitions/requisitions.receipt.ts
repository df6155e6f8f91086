// The handover receipt (récépissé de remise, issue 13 item 6): a one-page PDF in French for the
// officer to sign — the requisition and its procedure number, what was handed over (cameras and
// time ranges, the evidence package), the medium, the date in Paris time, and signature blocks
// for the CSU agent and the OPJ. PDFKit through platform/pdf (DejaVu embedded: accents print).
import { createPdf, pdfBytes, pdfTable } from '../../platform/pdf/document.ts';
import type { HandoverRow } from './requisitions.followup.repository.ts';
import type { RangeRow, RequisitionRow } from './requisitions.repository.ts';

export const mediumLabels: Record<string, string> = {
  download: 'téléchargement sécurisé',
  usb_key: 'clé USB',
  disc: 'disque optique (CD/DVD/Blu-ray)',
  other: 'autre support',
};
const frameworkLabels: Record<string, string> = {
  flagrance: 'enquête de flagrance (art. 60-1 CPP)',
  preliminary: 'enquête préliminaire (art. 77-1-1 CPP)',
  investigation: 'information judiciaire (art. 99-3 CPP)',
  direct_collection: 'recueil direct par un officier habilité, sans réquisition écrite',
};

const parisFormat = new Intl.DateTimeFormat('fr-FR', {
  timeZone: 'Europe/Paris',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
/** "23/11/2026 11:00:00" in Europe/Paris. */
export const parisText = (at: string | number) => parisFormat.format(new Date(at));

export function handoverReceiptPdf(requisition: RequisitionRow, ranges: readonly RangeRow[], handover: HandoverRow, now: Date): Promise<Buffer> {
  const doc = createPdf({
    title: `Récépissé de remise — procédure ${requisition.procedure_number}`,
    subject: 'Remise d’images de vidéoprotection',
    createdAt: now,
  });
  doc.font('bold').fontSize(15).text('Récépissé de remise d’images de vidéoprotection', { align: 'center' });
  doc.font('regular').fontSize(9).text('Code de la sécurité intérieure, art. L252-5 et R252-11 — remise à l’autorité judiciaire', { align: 'center' });
  doc.moveDown();
  const line = (label: string, value: string) => {
    doc.font('bold').fontSize(10).text(`${label} : `, { continued: true });
    doc.font('regular').text(value);
  };
  doc.font('bold').fontSize(11).text('Réquisition');
  line('Numéro de procédure', requisition.procedure_number);
  line('Cadre', frameworkLabels[requisition.legal_framework] ?? requisition.legal_framework);
  line('Officier requérant', `${requisition.officer_rank} ${requisition.officer_name}, ${requisition.officer_unit}`);
  line('Date de la réquisition', parisText(requisition.requisition_date));
  line('Commune (INSEE)', requisition.commune_insee);
  line('Référence Vigie', requisition.id);
  doc.moveDown(0.6);
  doc.font('bold').fontSize(11).text('Remise');
  line('Support', mediumLabels[handover.medium] ?? handover.medium);
  line('Date et heure de la remise (heure de Paris)', parisText(handover.handed_at));
  line('Destinataire', `${handover.recipient_rank} ${handover.recipient_name}, ${handover.recipient_unit}`);
  line('Paquet de preuve', handover.package_id ?? 'non renseigné');
  if (handover.comment) line('Observations', handover.comment);
  line('Remis par', handover.created_by);
  line('Référence de la remise', handover.id);
  doc.moveDown(0.6);
  doc.font('bold').fontSize(11).text('Images remises');
  doc.moveDown(0.3);
  pdfTable(
    doc,
    [
      { header: 'Caméra', width: 165 },
      { header: 'Du (heure de Paris)', width: 165 },
      { header: 'Au (heure de Paris)', width: 165 },
    ],
    ranges.map((range) => [range.cameraId, parisText(range.fromMs), parisText(range.toMs)]),
    9,
  );
  doc.moveDown(1.5);
  if (doc.y > doc.page.height - 220) doc.addPage();
  const top = doc.y;
  const left = doc.page.margins.left;
  const width = 235;
  const height = 120;
  const block = (x: number, title: string, lines: string[]) => {
    doc.rect(x, top, width, height).lineWidth(0.6).stroke();
    doc
      .font('bold')
      .fontSize(10)
      .text(title, x + 8, top + 8, { width: width - 16 });
    doc
      .font('regular')
      .fontSize(9)
      .text(lines.join('\n'), x + 8, top + 26, { width: width - 16 });
  };
  block(left, 'L’agent du CSU qui remet', ['Nom, qualité :', '', 'Date :', '', 'Signature :']);
  block(left + width + 25, 'L’officier de police judiciaire qui reçoit', ['Nom, grade, service :', '', 'Date :', '', 'Signature :']);
  doc.x = left;
  doc.y = top + height + 16;
  doc
    .font('regular')
    .fontSize(8)
    .text(
      `Édité par Vigie le ${parisText(now.getTime())} (heure de Paris). Ce récépissé signé est numérisé et joint à la remise, ou la remise est accusée réception dans la console par l’officier destinataire.`,
      { width: 495 },
    );
  return pdfBytes(doc);
}
