import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pdfText } from '../../testing/pdf-text.ts';
import { journalFixture } from './exports.player.fixture.ts';
import { renderExtractionReport } from './exports.report.ts';

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
