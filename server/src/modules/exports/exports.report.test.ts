import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inflateSync } from 'node:zlib';
import { journalFixture } from './exports.player.fixture.ts';
import { renderExtractionReport } from './exports.report.ts';

/**
 * The text a reader extracts from a PDFKit document (no poppler on this machine): the objects'
 * streams inflated, each font's ToUnicode CMap read, and the hex glyph strings of the content
 * streams decoded with the font selected by `Tf`; one line per text object (BT … ET).
 */
function pdfText(pdf: Buffer): string {
  const source = pdf.toString('latin1');
  const objects = new Map<string, { dict: string; stream: Buffer | null }>();
  for (const match of source.matchAll(/(\d+) 0 obj\b/g)) {
    const start = match.index + match[0].length;
    const end = source.indexOf('endobj', start);
    const body = source.slice(start, end);
    const streamAt = body.search(/stream\r?\n/);
    let stream: Buffer | null = null;
    if (streamAt >= 0) {
      const dataStart = start + streamAt + (body.slice(streamAt).startsWith('stream\r\n') ? 8 : 7);
      const length = Number(/\/Length (\d+)/.exec(body)?.[1]);
      const raw = pdf.subarray(dataStart, dataStart + length);
      stream = /FlateDecode/.test(body.slice(0, streamAt)) ? inflateSync(raw) : raw;
    }
    objects.set(match[1]!, { dict: streamAt >= 0 ? body.slice(0, streamAt) : body, stream });
  }
  const utf16 = (hex: string) => Buffer.from(hex, 'hex').swap16().toString('utf16le');
  const cmapOf = (id: string) => {
    const map = new Map<number, string>();
    const text = objects.get(id)?.stream?.toString('latin1') ?? '';
    for (const range of text.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\[[^\]]*\]|<[0-9a-fA-F]+>)/g)) {
      const low = Number.parseInt(range[1]!, 16);
      const high = Number.parseInt(range[2]!, 16);
      if (range[3]!.startsWith('[')) {
        // An entry may hold several code units (a ligature: <0066 0069> for "fi").
        let code = low;
        for (const entry of range[3]!.matchAll(/<([0-9a-fA-F\s]+)>/g)) map.set(code++, utf16(entry[1]!.replace(/\s/g, '')));
      } else {
        const first = Number.parseInt(range[3]!.slice(1, -1), 16);
        for (let code = low; code <= high; code += 1) map.set(code, String.fromCodePoint(first + code - low));
      }
    }
    return map;
  };
  const fonts = new Map<string, Map<number, string>>();
  for (const { dict } of objects.values()) {
    for (const block of dict.matchAll(/\/Font\s*<<([^>]*)>>/g)) {
      for (const entry of block[1]!.matchAll(/\/(\w+)\s+(\d+) 0 R/g)) {
        const toUnicode = /\/ToUnicode (\d+) 0 R/.exec(objects.get(entry[2]!)?.dict ?? '')?.[1];
        if (toUnicode && !fonts.has(entry[1]!)) fonts.set(entry[1]!, cmapOf(toUnicode));
      }
    }
  }
  const lines: string[] = [];
  for (const { stream } of objects.values()) {
    const content = stream?.toString('latin1') ?? '';
    if (!/\bBT\b/.test(content)) continue;
    for (const block of content.matchAll(/BT([\s\S]*?)ET/g)) {
      let font = new Map<number, string>();
      let line = '';
      for (const token of block[1]!.matchAll(/\/(\w+)\s+[\d.]+\s+Tf|<([0-9a-fA-F]*)>/g)) {
        if (token[1]) font = fonts.get(token[1]) ?? new Map();
        else for (let at = 0; at + 4 <= token[2]!.length; at += 4) line += font.get(Number.parseInt(token[2]!.slice(at, at + 4), 16)) ?? '\uFFFD';
      }
      lines.push(line);
    }
  }
  return lines.join('\n');
}

const pageCount = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;

describe('the extraction report (procès-verbal d’extraction)', () => {
  it('is a PDF with its own font, in French with accents, every section present', async () => {
    const journal = journalFixture(['Hôtel de Ville – Entrée']);
    const pdf = await renderExtractionReport(journal);
    const raw = pdf.toString('latin1');
    assert.equal(raw.slice(0, 5), '%PDF-');
    assert.match(raw, /FontFile2/, 'the TrueType font is embedded');
    assert.match(raw, /DejaVuSans-Bold/);
    assert.match(raw, /DejaVuSansMono/, 'hashes and commands in the mono font');
    const text = pdfText(pdf);
    const flat = text.replace(/\s+/g, ' ');
    for (const expected of [
      "Procès-verbal d'extraction d'images de vidéoprotection",
      'CSU intercommunal de Vigie-les-Bains',
      'pkg-2026-000123',
      '07/12/2026 17:30:00 (heure de Paris) · 2026-12-07 16:30:00 UTC',
      'Camille Martin, opérateur',
      '2026/00123',
      'enquête préliminaire, article 77-1-1 du code de procédure pénale',
      'capitaine Claire Dubois',
      'C-001 · Hôtel de Ville – Entrée',
      "Vigie-les-Bains (INSEE 38999) ; Hôtel de Ville ; 1 place de l'Église",
      '07/12/2026 15:00:00 (heure de Paris) · 2026-12-07 14:00:00 UTC',
      '9 min 15 s',
      'H.264 (AVC), 1920 × 1080 pixels, 25 images par seconde',
      'copie du flux enregistré, sans ré-encodage ni perte de qualité',
      '+240 ms',
      journal.items[0]!.file,
      'Empreinte SHA-256',
      'Trous dans la plage : 2, 50 s au total',
      'flux perdu',
      'avant le début des images conservées',
      '0123456789ABCDEF',
      'minisign -Vm manifest.sha256 -p minisign.pub',
      'sha256sum -c manifest.sha256',
      './vigie export verify <paquet>',
      "L'officier de police judiciaire",
      'Signature :',
    ]) {
      assert.ok(flat.includes(expected), `the report says "${expected}"`);
    }
    assert.ok(text.replace(/\n/g, '').includes(journal.items[0]!.sha256), 'the SHA-256 is printed whole (wrapped or not)');
    const pages = pageCount(pdf);
    for (let page = 1; page <= pages; page += 1) assert.ok(text.includes(`page ${page} / ${pages}`), `page ${page} / ${pages} in the footer`);
    assert.ok(text.includes('15:00') && text.includes('15:05'), 'the timeline has ticks in Paris time');
  });

  it('grows by pages with the extracts, says when there is no requisition, and re-encoded extracts as masked', async () => {
    const one = await renderExtractionReport(journalFixture(['Gare']));
    const fiveJournal = journalFixture(['Gare', 'Quai 1', 'Quai 2', 'Parking', 'Souterrain']);
    const five = await renderExtractionReport({ ...fiveJournal, requisition: null });
    const twelve = await renderExtractionReport(journalFixture(Array.from({ length: 12 }, (_, index) => `Caméra ${index + 1}`)));
    assert.ok(
      pageCount(one) < pageCount(five) && pageCount(five) < pageCount(twelve),
      `${pageCount(one)}, ${pageCount(five)}, ${pageCount(twelve)} pages for 1, 5, 12 extracts`,
    );
    const text = pdfText(five);
    assert.ok(text.includes('aucune réquisition liée à cette extraction'));
    assert.ok(text.includes('ré-encodée pour appliquer les masques de confidentialité'));
    assert.ok(text.includes('Extrait 5 / 5 : C-005 · Souterrain'));
  });

  it('lists a bounded number of gaps and points to the journal for the rest', async () => {
    const journal = journalFixture(['Gare']);
    const item = journal.items[0]!;
    const gaps = Array.from({ length: 320 }, (_, index) => {
      const from = Date.parse(item.imageStart) + index * 1000;
      return { ...item.gaps[1]!, from: new Date(from).toISOString(), to: new Date(from + 500).toISOString(), durationSeconds: 0.5, reason: 'packet_loss' };
    });
    const text = pdfText(await renderExtractionReport({ ...journal, items: [{ ...item, gaps }] }));
    assert.ok(text.includes('… et 20 autres trous, tous listés dans journal.json.'));
    assert.ok(text.includes('perte de paquets réseau'));
  });
});
