// The evidence package's extraction report (procès-verbal d'extraction, LEGAL 16 and 18), a PDF in
// French made from the journal alone: who extracted what and when (Paris time and UTC), for which
// requisition and legal framework; per extract the camera, place, requested range, first and last
// pictures, the video's facts, its file and SHA-256, a timeline of the range and the table of its
// gaps with their reasons in words; then the signature key, the verification commands and the
// blocks where the operator and the officer sign. Every page says "page N / M".
import { createPdf, pdfBytes, pdfPageNumbers, pdfTable, type PdfDocument } from '../../platform/pdf/document.ts';
import { type EvidenceJournal, type EvidenceJournalItem, packageFiles } from './exports.journal.ts';
import { channelWords, gapReasonInWords, legalFrameworkInWords, roleWords } from './exports.player.words.ts';
import { drawTimeline, durationText, parisText, utcText } from './exports.report.timeline.ts';

/** The gaps listed per extract; beyond it the report counts the others and points to journal.json. */
const gapRowsShown = 300;

interface Row {
  label: string;
  value: string;
  mono?: boolean;
}

const contentWidth = (doc: PdfDocument) => doc.page.width - doc.page.margins.left - doc.page.margins.right;

function heading(doc: PdfDocument, text: string, size = 12): void {
  if (doc.y + 60 > doc.page.height - doc.page.margins.bottom) doc.addPage();
  doc.moveDown(0.6);
  doc
    .font('bold')
    .fontSize(size)
    .text(text, doc.page.margins.left, doc.y, { width: contentWidth(doc) });
  doc.moveDown(0.3);
  doc.font('regular');
}

/** Label in bold on the left, value on the right (mono for hashes, wrapped), one line under each row. */
function rows(doc: PdfDocument, entries: readonly Row[], labelWidth = 150): void {
  const left = doc.page.margins.left;
  const valueWidth = contentWidth(doc) - labelWidth;
  for (const entry of entries) {
    doc.font('bold').fontSize(8.5);
    const labelHeight = doc.heightOfString(entry.label, { width: labelWidth - 6 });
    doc.font(entry.mono ? 'mono' : 'regular').fontSize(entry.mono ? 8 : 8.5);
    const valueHeight = doc.heightOfString(entry.value, { width: valueWidth - 4 });
    const height = Math.max(labelHeight, valueHeight) + 4;
    if (doc.y + height > doc.page.height - doc.page.margins.bottom) doc.addPage();
    const top = doc.y;
    doc
      .font('bold')
      .fontSize(8.5)
      .text(entry.label, left, top + 2, { width: labelWidth - 6 });
    doc
      .font(entry.mono ? 'mono' : 'regular')
      .fontSize(entry.mono ? 8 : 8.5)
      .text(entry.value, left + labelWidth, top + 2, { width: valueWidth - 4 });
    doc
      .moveTo(left, top + height)
      .lineTo(left + contentWidth(doc), top + height)
      .lineWidth(0.3)
      .stroke('#999999');
    doc.x = left;
    doc.y = top + height;
  }
  doc.font('regular').fillColor('black');
}

const bytesText = (bytes: number) => `${bytes.toLocaleString('fr-FR').replace(/\u202f/g, ' ')} octets`;
const both = (iso: string) => `${parisText(iso)} (heure de Paris) · ${utcText(iso)}`;

function header(doc: PdfDocument, journal: EvidenceJournal): void {
  doc.font('bold').fontSize(16).text("Procès-verbal d'extraction d'images de vidéoprotection", { align: 'center' });
  doc.font('regular').fontSize(10).text(journal.installation.name, { align: 'center' });
  doc.moveDown(0.8);
  heading(doc, "L'extraction");
  rows(doc, [
    { label: 'Installation', value: `${journal.installation.name} (logiciel Vigie ${journal.installation.version})` },
    { label: 'Paquet', value: journal.packageId, mono: true },
    { label: "Date de l'extraction", value: both(journal.createdAt) },
    {
      label: 'Extraction réalisée par',
      value: `${journal.exporter.name}, ${roleWords[journal.exporter.role]?.fr ?? journal.exporter.role}${journal.exporter.service ? `, ${journal.exporter.service}` : ''} (compte ${journal.exporter.userId})`,
    },
    { label: 'Fuseau des heures', value: 'Europe/Paris (heure légale française) ; chaque instant est aussi donné en UTC' },
  ]);
  heading(doc, 'La réquisition');
  const requisition = journal.requisition;
  if (!requisition) {
    rows(doc, [{ label: 'Réquisition', value: 'aucune réquisition liée à cette extraction' }]);
  } else {
    rows(doc, [
      { label: 'Numéro de procédure', value: requisition.procedureNumber },
      { label: 'Cadre légal', value: legalFrameworkInWords(requisition.legalFramework) },
      { label: 'Officier requérant', value: [requisition.officerRank, requisition.officerName].filter(Boolean).join(' ') },
      { label: 'Service ou unité', value: requisition.officerUnit },
      { label: 'Date de la réquisition', value: both(requisition.requisitionDate) },
      { label: 'Reçue par', value: channelWords[requisition.channel]?.fr ?? requisition.channel },
      { label: 'Commune (INSEE)', value: requisition.communeInsee },
      { label: 'Référence Vigie', value: requisition.id, mono: true },
    ]);
  }
  heading(doc, 'Contenu du paquet');
  const totalSeconds = journal.items.reduce((sum, item) => sum + item.durationSeconds, 0);
  const totalBytes = journal.items.reduce((sum, item) => sum + item.bytes, 0);
  rows(doc, [
    { label: 'Extraits', value: `${journal.items.length} fichier(s) MP4, ${durationText(totalSeconds)} d'images, ${bytesText(totalBytes)}` },
    {
      label: 'Autres fichiers',
      value: [
        `${packageFiles.journal} : journal de l'extraction (JSON)`,
        `${packageFiles.player} : lecteur hors ligne (s'ouvre dans un navigateur, sans installation)`,
        `${packageFiles.report} : le présent procès-verbal`,
        `${packageFiles.manifest} : empreintes SHA-256 de tous les fichiers`,
        `${packageFiles.signature} et ${packageFiles.publicKey} : signature minisign du manifeste et clé publique`,
        `${packageFiles.readme} : mode d'emploi`,
      ].join('\n'),
    },
  ]);
}

function location(item: EvidenceJournalItem): string {
  const place = item.location;
  const parts = [`${place.communeName} (INSEE ${place.communeInsee})`, place.siteName, place.address];
  if (place.latitude !== null && place.longitude !== null) parts.push(`${place.latitude.toFixed(6)}, ${place.longitude.toFixed(6)} (WGS 84)`);
  return parts.filter(Boolean).join(' ; ');
}

function treatment(item: EvidenceJournalItem): string {
  if (item.reencoded) return 'ré-encodée pour appliquer les masques de confidentialité (images masquées)';
  if (item.masked) return 'copie du flux sans ré-encodage ; masques de confidentialité appliqués dès l’enregistrement';
  return 'copie du flux enregistré, sans ré-encodage ni perte de qualité';
}

function clockOffset(item: EvidenceJournalItem): string {
  if (item.clockOffsetMs === null) return 'non mesuré (caméra sans ONVIF, ou jamais relevé)';
  const sign = item.clockOffsetMs > 0 ? '+' : '';
  return `${sign}${item.clockOffsetMs.toLocaleString('fr-FR')} ms (écart entre l'horloge de la caméra et celle du serveur au dernier relevé ONVIF ; les heures de ce procès-verbal sont celles du serveur)`;
}

function codecWords(codec: string): string {
  const lower = codec.toLowerCase();
  if (lower === 'h264' || lower === 'avc1') return 'H.264 (AVC)';
  if (lower === 'hevc' || lower === 'h265' || lower === 'hvc1') return 'H.265 (HEVC)';
  return codec;
}

function itemSection(doc: PdfDocument, item: EvidenceJournalItem, position: number, count: number): void {
  if (doc.y + 320 > doc.page.height - doc.page.margins.bottom) doc.addPage();
  const camera = [item.cameraNumber, item.cameraName].filter(Boolean).join(' · ');
  heading(doc, `Extrait ${position} / ${count} : ${camera}`);
  rows(doc, [
    { label: 'Caméra', value: camera },
    { label: 'Identifiant de la caméra', value: item.cameraId, mono: true },
    { label: 'Lieu', value: location(item) },
    {
      label: 'Plage demandée',
      value: `du ${parisText(item.requestedFrom)} au ${parisText(item.requestedTo)} (heure de Paris)\n${utcText(item.requestedFrom)} → ${utcText(item.requestedTo)}`,
    },
    { label: 'Première image', value: both(item.imageStart) },
    { label: 'Dernière image', value: both(item.imageEnd) },
    { label: 'Durée des images', value: durationText(item.durationSeconds) },
    { label: 'Nombre d’images', value: item.frames.toLocaleString('fr-FR').replace(/\u202f/g, ' ') },
    {
      label: 'Codage, définition, cadence',
      value: `${codecWords(item.codec)}, ${item.width} × ${item.height} pixels, ${item.fps.toLocaleString('fr-FR')} images par seconde`,
    },
    { label: 'Traitement', value: treatment(item) },
    { label: "Décalage d'horloge", value: clockOffset(item) },
    { label: 'Fichier', value: item.file, mono: true },
    { label: 'Taille', value: bytesText(item.bytes) },
    { label: 'Empreinte SHA-256', value: item.sha256, mono: true },
  ]);
  doc.moveDown(0.5);
  doc.font('bold').fontSize(9).text('Frise de la plage', doc.page.margins.left, doc.y);
  doc.font('regular');
  drawTimeline(doc, item);
  const totalGap = item.gaps.reduce((sum, gap) => sum + gap.durationSeconds, 0);
  doc
    .font('bold')
    .fontSize(9)
    .text(
      item.gaps.length ? `Trous dans la plage : ${item.gaps.length}, ${durationText(totalGap)} au total` : 'Trous dans la plage : aucun',
      doc.page.margins.left,
      doc.y,
    );
  doc.font('regular').moveDown(0.2);
  if (item.gaps.length) {
    pdfTable(
      doc,
      [
        { header: 'Début (heure de Paris)', width: 115 },
        { header: 'Fin (heure de Paris)', width: 115 },
        { header: 'Durée', width: 75 },
        { header: 'Cause', width: contentWidth(doc) - 305 },
      ],
      item.gaps.slice(0, gapRowsShown).map((gap) => [parisText(gap.from), parisText(gap.to), durationText(gap.durationSeconds), gapReasonInWords(gap.reason)]),
    );
    if (item.gaps.length > gapRowsShown) {
      doc.fontSize(8).text(`… et ${item.gaps.length - gapRowsShown} autres trous, tous listés dans ${packageFiles.journal}.`, doc.page.margins.left, doc.y + 2);
    }
  }
}

function signatureSection(doc: PdfDocument, journal: EvidenceJournal): void {
  doc.addPage();
  heading(doc, 'Intégrité et vérification');
  doc
    .fontSize(8.5)
    .text(
      `Le fichier ${packageFiles.manifest} donne l'empreinte SHA-256 de chaque fichier du paquet. Il est signé (Ed25519, format minisign) par la clé de l'installation ; la clé publique est le fichier ${packageFiles.publicKey}. Toute modification d'un fichier, même d'un octet, change son empreinte ; toute modification du manifeste invalide la signature.`,
      { width: contentWidth(doc) },
    );
  doc.moveDown(0.4);
  rows(doc, [
    { label: 'Identifiant de la clé (minisign)', value: journal.signature.keyId, mono: true },
    { label: `Empreinte SHA-256 de ${packageFiles.publicKey}`, value: journal.signature.publicKeySha256, mono: true },
  ]);
  doc.moveDown(0.5);
  doc.font('bold').fontSize(9).text('Commandes de vérification, depuis le dossier du paquet décompressé :', doc.page.margins.left, doc.y);
  doc.moveDown(0.2);
  const commands: [string, string][] = [
    [`minisign -Vm ${packageFiles.manifest} -p ${packageFiles.publicKey}`, 'la signature du manifeste (outil minisign, libre, sans Vigie)'],
    [`sha256sum -c ${packageFiles.manifest}`, 'les empreintes de tous les fichiers (outil standard)'],
    ['./vigie export verify <paquet>', 'tout à la fois avec Vigie : empreintes, signature, cohérence du journal, structure des MP4'],
  ];
  for (const [command, purpose] of commands) {
    doc
      .font('mono')
      .fontSize(8.5)
      .text(command, doc.page.margins.left + 10, doc.y, { width: contentWidth(doc) - 10 });
    doc
      .font('regular')
      .fontSize(8)
      .text(purpose, doc.page.margins.left + 20, doc.y, { width: contentWidth(doc) - 20 });
    doc.moveDown(0.3);
  }
  doc
    .fontSize(8)
    .text(
      `Le lecteur ${packageFiles.player} calcule aussi ces empreintes dans le navigateur (rubrique « Vérifier les empreintes »).`,
      doc.page.margins.left,
      doc.y,
      { width: contentWidth(doc) },
    );
  heading(doc, 'Signatures');
  const left = doc.page.margins.left;
  const gutter = 15;
  const boxWidth = (contentWidth(doc) - gutter) / 2;
  const boxHeight = 130;
  if (doc.y + boxHeight + 20 > doc.page.height - doc.page.margins.bottom) doc.addPage();
  const top = doc.y;
  const officer = journal.requisition ? [journal.requisition.officerRank, journal.requisition.officerName].filter(Boolean).join(' ') : '';
  const boxes: [string, string][] = [
    ["L'opérateur qui a réalisé l'extraction", journal.exporter.name],
    ["L'officier de police judiciaire", officer],
  ];
  boxes.forEach(([title, name], index) => {
    const x = left + index * (boxWidth + gutter);
    doc.rect(x, top, boxWidth, boxHeight).lineWidth(0.6).stroke('#333333');
    doc
      .font('bold')
      .fontSize(9)
      .text(title, x + 6, top + 6, { width: boxWidth - 12 });
    doc
      .font('regular')
      .fontSize(8.5)
      .text(`Nom et qualité : ${name}`, x + 6, top + 24, { width: boxWidth - 12 })
      .text('Date et heure :', x + 6, top + 48, { width: boxWidth - 12 })
      .text('Signature :', x + 6, top + 72, { width: boxWidth - 12 });
  });
  doc.x = left;
  doc.y = top + boxHeight + 10;
}

/** The PDF of `proces-verbal-extraction.pdf`, from the journal alone. */
export async function renderExtractionReport(journal: EvidenceJournal): Promise<Buffer> {
  const doc = createPdf({
    title: `Procès-verbal d'extraction ${journal.packageId}`,
    subject: journal.requisition ? `Procédure ${journal.requisition.procedureNumber}` : 'Extraction de vidéoprotection',
    author: journal.installation.name,
    createdAt: new Date(journal.createdAt),
    bufferPages: true,
  });
  header(doc, journal);
  journal.items.forEach((item, index) => {
    itemSection(doc, item, index + 1, journal.items.length);
  });
  signatureSection(doc, journal);
  pdfPageNumbers(doc, `Procès-verbal d'extraction · paquet ${journal.packageId}`);
  return pdfBytes(doc);
}
