import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPdf, pdfBytes, pdfTable } from './document.ts';

test('a PDF with French accents embeds its own font and carries its title', async () => {
  const doc = createPdf({ title: "Procès-verbal d'extraction", createdAt: new Date('2026-12-07T10:00:00Z') });
  doc.fontSize(14).text('Réquisition n° 2026/123 — caméra « Hôtel de ville », à 15 h 29');
  pdfTable(
    doc,
    [
      { header: 'Caméra', width: 200 },
      { header: 'Début (Europe/Paris)', width: 150 },
    ],
    Array.from({ length: 120 }, (_, index) => [`C-${String(index).padStart(3, '0')} Place de l'Église`, '07/12/2026 15:29:16']),
  );
  const bytes = await pdfBytes(doc);
  const text = bytes.toString('latin1');
  assert.equal(text.slice(0, 5), '%PDF-');
  assert.match(text, /FontFile2/, 'the TrueType font is embedded');
  assert.match(text, /DejaVuSans/);
  assert.ok((text.match(/\/Type \/Page\b/g) ?? []).length >= 3, 'a long table breaks onto new pages');
});
