// The statistics as files: a CSV for French spreadsheets (`;`, byte-order mark, French headings,
// decimal commas) and a PDF for the mayor's office (bars of the main series across years drawn
// with PDFKit's vector drawing, then one table per year). Vigie's figures and imported ones are
// told apart in both, never added.
import { stringify } from 'csv-stringify/sync';
import { spreadsheetSafeRecord } from '../../platform/csv.ts';
import { createPdf, pdfBytes, pdfTable, type PdfDocument } from '../../platform/pdf/document.ts';
import { frenchNumber, indicatorLabels, mainSeries, originLabels } from './statistics.rules.ts';
import type { Indicator, StatisticsView } from './statistics.schemas.ts';

const parisFormat = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'short' });

export const statisticsCsvColumns = ['Année', 'Commune (INSEE)', 'Service', 'Indicateur', 'Code indicateur', 'Valeur', 'Origine'] as const;

/** "12,5": the decimal comma of French spreadsheets, no thousands separator. */
const decimalComma = (value: number) => String(Math.round(value * 100) / 100).replace('.', ',');

export function statisticsCsv(view: StatisticsView): string {
  const records = view.rows.map((row) =>
    spreadsheetSafeRecord([
      row.year,
      row.communeInsee,
      row.service,
      indicatorLabels[row.indicator].fr,
      row.indicator,
      decimalComma(row.value),
      originLabels[row.origin],
    ]),
  );
  return `\uFEFF${stringify(records, { header: true, columns: [...statisticsCsvColumns], delimiter: ';' })}`;
}

const colours = { vigie: '#1f5fa8', imported: '#9aa5b1', axis: '#333333' };

/** One small bar chart: a bar per year (Vigie's, and the imported figure beside it in grey when there is one). */
function barChart(doc: PdfDocument, view: StatisticsView, indicator: Indicator, top: number, height: number): void {
  const left = doc.page.margins.left;
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const years = Array.from({ length: view.to - view.from + 1 }, (_, index) => view.from + index);
  const figureOf = (year: number, origin: 'vigie' | 'imported') =>
    view.totals.find((total) => total.year === year && total.indicator === indicator && total.origin === origin)?.value ?? 0;
  const highest = Math.max(1, ...years.flatMap((year) => [figureOf(year, 'vigie'), figureOf(year, 'imported')]));
  doc.font('bold').fontSize(9).fillColor(colours.axis).text(indicatorLabels[indicator].fr, left, top, { width });
  const chartTop = top + 14;
  const chartHeight = height - 34;
  const baseline = chartTop + chartHeight;
  const slot = width / years.length;
  const bar = Math.max(2, Math.min(14, slot / 3));
  doc.font('regular').fontSize(6);
  years.forEach((year, index) => {
    const x = left + index * slot + slot / 2;
    for (const [offset, origin] of [
      [-bar, 'vigie'],
      [0, 'imported'],
    ] as const) {
      const value = figureOf(year, origin);
      if (value <= 0) continue;
      const barHeight = (value / highest) * chartHeight;
      doc.rect(x + offset, baseline - barHeight, bar, barHeight).fill(colours[origin]);
      doc.fillColor(colours.axis).text(frenchNumber(value), x + offset - 10, baseline - barHeight - 8, { width: bar + 20, align: 'center', lineBreak: false });
    }
    doc.fillColor(colours.axis).text(String(year), x - slot / 2, baseline + 3, { width: slot, align: 'center', lineBreak: false });
  });
  doc
    .moveTo(left, baseline)
    .lineTo(left + width, baseline)
    .lineWidth(0.5)
    .strokeColor(colours.axis)
    .stroke();
  doc.fillColor('black').strokeColor('black');
}

function legend(doc: PdfDocument, top: number): void {
  const left = doc.page.margins.left;
  doc.font('regular').fontSize(8);
  doc.rect(left, top, 8, 8).fill(colours.vigie);
  doc.fillColor('black').text('Vigie (calculé depuis ses registres)', left + 12, top, { lineBreak: false });
  doc.rect(left + 200, top, 8, 8).fill(colours.imported);
  doc.fillColor('black').text('Importé (années passées, CSV)', left + 212, top, { lineBreak: false });
}

export async function statisticsPdf(view: StatisticsView, meta: { communeInsee: string | null; generatedAt: Date }): Promise<Buffer> {
  const title = `Statistiques annuelles du CSU, ${view.from}–${view.to}`;
  const doc = createPdf({ title, subject: 'Faits constatés, réquisitions, relectures, extractions, heures de relecture', createdAt: meta.generatedAt });
  const left = doc.page.margins.left;
  doc.font('bold').fontSize(16).text(title);
  doc
    .font('regular')
    .fontSize(9)
    .text(
      `${meta.communeInsee ? `Commune ${meta.communeInsee}` : 'Toutes les communes du périmètre'} · édité le ${parisFormat.format(meta.generatedAt)} (heure de Paris)`,
    );
  doc.moveDown(0.5);
  legend(doc, doc.y);
  let top = doc.y + 16;
  const chartHeight = 130;
  for (const indicator of mainSeries) {
    if (top + chartHeight > doc.page.height - doc.page.margins.bottom) {
      doc.addPage();
      top = doc.page.margins.top;
    }
    barChart(doc, view, indicator, top, chartHeight);
    top += chartHeight + 8;
  }
  const columns = [
    { header: 'Indicateur', width: 165 },
    { header: 'Commune', width: 55 },
    { header: 'Service', width: 150 },
    { header: 'Valeur', width: 60 },
    { header: 'Origine', width: 65 },
  ];
  doc.addPage();
  for (let year = view.from; year <= view.to; year += 1) {
    const rows = view.rows.filter((row) => row.year === year);
    // A year starts on a new page only when little room is left on this one.
    if (year > view.from) doc.moveDown(1.5);
    if (doc.y > doc.page.height - doc.page.margins.bottom - 150) doc.addPage();
    doc.x = left;
    doc.font('bold').fontSize(13).text(`Année ${year}`);
    doc.moveDown(0.3);
    const totals = view.totals.filter((total) => total.year === year);
    if (rows.length === 0) {
      doc.font('regular').fontSize(9).text('Aucune donnée pour cette année.');
      continue;
    }
    doc.font('bold').fontSize(9).text('Totaux');
    pdfTable(
      doc,
      [columns[0]!, { header: 'Valeur', width: 60 }, { header: 'Origine', width: 65 }],
      totals.map((total) => [indicatorLabels[total.indicator].fr, frenchNumber(total.value), originLabels[total.origin]]),
    );
    doc.moveDown(0.5);
    doc.font('bold').fontSize(9).text('Détail par commune et service');
    pdfTable(
      doc,
      columns,
      rows.map((row) => [indicatorLabels[row.indicator].fr, row.communeInsee, row.service || '—', frenchNumber(row.value), originLabels[row.origin]]),
    );
  }
  return pdfBytes(doc);
}
