// A journal for the player's and the report's unit tests, valid against journalSchema: `count`
// extracts of one camera each, 10 minutes from 15:00 Paris time, one gap inside each, and the
// camera names the tests want (dangerous ones included).
import { type EvidenceJournal, type EvidenceJournalItem, journalFormat, journalSchema } from './exports.journal.ts';

const start = Date.parse('2026-12-07T14:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const paris = (ms: number) => `${new Date(ms + 3_600_000).toISOString().slice(0, 19)}+01:00`;

function fixtureItem(index: number, cameraName: string): EvidenceJournalItem {
  const from = start + index * 120_000;
  const to = from + 600_000;
  const gapFrom = from + 200_000;
  const gapTo = gapFrom + 45_000;
  return {
    file: `media/${String(index + 1).padStart(2, '0')}-cam-${index}-${iso(from).replace(/[-:]|\.\d+/g, '')}.mp4`,
    cameraId: `cam-${index}`,
    cameraName,
    cameraNumber: `C-${String(index + 1).padStart(3, '0')}`,
    location: {
      communeInsee: '38999',
      communeName: 'Vigie-les-Bains',
      siteName: 'Hôtel de Ville',
      address: "1 place de l'Église",
      latitude: 45.188,
      longitude: 5.724,
    },
    requestedFrom: iso(from - 5000),
    requestedTo: iso(to),
    imageStart: iso(from),
    imageStartParis: paris(from),
    imageEnd: iso(to),
    imageEndParis: paris(to),
    durationSeconds: 555,
    frames: 555 * 25,
    codec: 'h264',
    width: 1920,
    height: 1080,
    fps: 25,
    masked: index % 2 === 1,
    reencoded: index % 2 === 1,
    clockOffsetMs: index === 0 ? 240 : null,
    bytes: 140_000_000 + index,
    sha256: String(index).repeat(64).slice(0, 64),
    gaps: [
      { from: iso(from - 5000), fromParis: paris(from - 5000), to: iso(from), toParis: paris(from), durationSeconds: 5, reason: 'before_archive' },
      { from: iso(gapFrom), fromParis: paris(gapFrom), to: iso(gapTo), toParis: paris(gapTo), durationSeconds: 45, reason: 'stream_lost: timeout' },
    ],
  };
}

export function journalFixture(cameraNames: readonly string[] = ['Gare – Parvis']): EvidenceJournal {
  return journalSchema.parse({
    format: journalFormat,
    packageId: 'pkg-2026-000123',
    createdAt: '2026-12-07T16:30:00.000Z',
    createdAtParis: '2026-12-07T17:30:00+01:00',
    timeZone: 'Europe/Paris',
    installation: { name: 'CSU intercommunal de Vigie-les-Bains', version: '0.13.0' },
    exporter: { userId: 'user-7', name: 'Camille Martin', role: 'operator', service: null },
    requisition: {
      id: 'req-42',
      procedureNumber: '2026/00123',
      legalFramework: 'preliminary',
      officerName: 'Claire Dubois',
      officerRank: 'capitaine',
      officerUnit: 'Commissariat de Vigie-les-Bains, brigade de sûreté urbaine',
      communeInsee: '38999',
      requisitionDate: '2026-12-07T08:15:00.000Z',
      requisitionDateParis: '2026-12-07T09:15:00+01:00',
      channel: 'paper',
    },
    signature: { keyId: '0123456789ABCDEF', publicKeySha256: 'f'.repeat(64) },
    items: cameraNames.map((name, index) => fixtureItem(index, name)),
  });
}
