// One way to make a PDF (procès-verbal, receipt, register, statistics, status list): PDFKit with
// DejaVu Sans embedded (subset), so French accents print the same in every reader and the file
// needs no font of the machine that opens it. Pages are A4, margins 50 pt.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import PDFDocument from 'pdfkit';

const require = createRequire(import.meta.url);
const fontDirectory = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
export const pdfFonts = {
  regular: join(fontDirectory, 'DejaVuSans.ttf'),
  bold: join(fontDirectory, 'DejaVuSans-Bold.ttf'),
  mono: join(fontDirectory, 'DejaVuSansMono.ttf'),
} as const;

export interface PdfMetadata {
  title: string;
  author?: string;
  subject?: string;
  /** The date written into the document's metadata (tests pass a fixed one so output is stable). */
  createdAt?: Date;
  /** Keep every page open until the end, so that `pdfPageNumbers` can write "page N / M" on each. */
  bufferPages?: boolean;
  /** Landscape pages for wide tables (a register): 742 pt between the margins instead of 495. */
  landscape?: boolean;
}

export type PdfDocument = PDFKit.PDFDocument;

/** A new A4 document with the fonts registered as 'regular', 'bold' and 'mono' and 'regular' selected. */
export function createPdf(metadata: PdfMetadata): PdfDocument {
  const doc = new PDFDocument({
    size: 'A4',
    layout: metadata.landscape ? 'landscape' : 'portrait',
    margin: 50,
    lang: 'fr-FR',
    displayTitle: true,
    bufferPages: metadata.bufferPages ?? false,
    info: {
      Title: metadata.title,
      Author: metadata.author ?? 'Vigie',
      Subject: metadata.subject ?? '',
      Producer: 'Vigie',
      Creator: 'Vigie',
      CreationDate: metadata.createdAt ?? new Date(),
    },
  });
  doc.registerFont('regular', pdfFonts.regular);
  doc.registerFont('bold', pdfFonts.bold);
  doc.registerFont('mono', pdfFonts.mono);
  doc.font('regular');
  return doc;
}

/** Ends the document and returns its bytes (reports are small: pages of text, no images of footage). */
export function pdfBytes(doc: PdfDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}

export interface PdfTableColumn {
  header: string;
  /** Width in points; the columns of a table should add up to at most 495 (A4 less the margins). */
  width: number;
}

/**
 * A plain table: a bold header row repeated on each new page, rows wrapped inside their cells.
 * Enough for registers and lists; the data is text the caller already formatted (Paris dates).
 */
export function pdfTable(doc: PdfDocument, columns: readonly PdfTableColumn[], rows: readonly (readonly string[])[], fontSize = 8): void {
  const left = doc.page.margins.left;
  const padding = 2;
  const rowHeight = (cells: readonly string[], font: string) => {
    doc.font(font).fontSize(fontSize);
    return Math.max(...columns.map((column, index) => doc.heightOfString(cells[index] ?? '', { width: column.width - 2 * padding }))) + 2 * padding;
  };
  const drawRow = (cells: readonly string[], font: string) => {
    const height = rowHeight(cells, font);
    if (doc.y + height > doc.page.height - doc.page.margins.bottom) {
      doc.addPage();
      if (font !== 'bold')
        drawRow(
          columns.map((column) => column.header),
          'bold',
        );
    }
    const top = doc.y;
    let x = left;
    doc.font(font).fontSize(fontSize);
    columns.forEach((column, index) => {
      doc.text(cells[index] ?? '', x + padding, top + padding, { width: column.width - 2 * padding });
      x += column.width;
    });
    doc
      .moveTo(left, top + height)
      .lineTo(x, top + height)
      .lineWidth(0.3)
      .stroke();
    doc.x = left;
    doc.y = top + height;
  };
  drawRow(
    columns.map((column) => column.header),
    'bold',
  );
  for (const row of rows) drawRow(row, 'regular');
  doc.font('regular');
}

/** Writes "page N / M" (and an optional label on the left) in the bottom margin of every page; needs `bufferPages`. */
export function pdfPageNumbers(doc: PdfDocument, label = '', fontSize = 7.5): void {
  const range = doc.bufferedPageRange();
  for (let index = range.start; index < range.start + range.count; index += 1) {
    doc.switchToPage(index);
    const { margins } = doc.page;
    const bottom = margins.bottom;
    const y = doc.page.height - bottom + 18;
    const width = doc.page.width - margins.left - margins.right;
    // Writing inside the bottom margin would start a new page: lift the margin while the footer is written.
    doc.page.margins.bottom = 0;
    doc.font('regular').fontSize(fontSize).fillColor('#444444');
    if (label) doc.text(label, margins.left, y, { width: width - 80, lineBreak: false });
    doc.text(`page ${index - range.start + 1} / ${range.count}`, margins.left, y, { width, align: 'right', lineBreak: false });
    doc.page.margins.bottom = bottom;
    doc.fillColor('black');
  }
}
