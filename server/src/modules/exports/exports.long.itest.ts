// A 10-minute evidence export on both databases (issue 13 "Proof"): 12 minutes of a
// low-resolution camera seeded into the archive (60+ distinct 10-s segments, indexed by the real
// indexer), then the real builder, with the real player page and the real extraction report (PDF):
//   - the MP4 has the archive's frame count (ffprobe -count_packets on every archive segment);
//   - no re-encoding: the same codec parameters, and every video packet byte for byte the
//     archive's (ffprobe's per-packet SHA-256, in order);
//   - the package verifies, and its procès-verbal is a real PDF naming the procedure.
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RecordingSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';
import { systemClock } from '../../platform/clock.ts';
import { createTestDatabase, dialectsUnderTest, type TestDatabase } from '../../testing/databases.ts';
import { pdfText } from '../../testing/pdf-text.ts';
import { createFootagePool, type FootagePool } from '../../testing/seed-footage.ts';
import { RecordingRepository, SegmentIndexer, type IndexedSegment } from '../recording/index.ts';
import { PackageBuilder, renderExtractionReport, renderPlayerHtml } from './index.ts';
import { probe, tool } from './exports.fixtures.ts';
import { packageFiles } from './exports.journal.ts';
import { verifyPackage } from './exports.verify.ts';

const SHAPE = { width: 160, height: 90, fps: 5, kbps: 60, gopSeconds: 2, segmentSeconds: 10 };
const MINUTES = 12;

/** Each video packet of a file, in order: keyframe or not, size, SHA-256 of its bytes. */
const packets = async (file: string): Promise<Array<{ key: boolean; size: number; hash: string }>> => {
  const args = ['-v', 'error', '-select_streams', 'v:0', '-show_data_hash', 'SHA256', '-show_entries', 'packet=flags,size,data_hash', '-of', 'csv=p=0', file];
  const { code, out } = await tool('ffprobe', args);
  assert.equal(code, 0, out);
  return out
    .trim()
    .split('\n')
    .map((line) => {
      const [size, flags, hash] = line.split(',');
      return { key: flags!.includes('K'), size: Number(size), hash: hash! };
    });
};

let work = '';
let pool: FootagePool | undefined;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'vigie-export-long-'));
  pool = await createFootagePool(SHAPE, (MINUTES * 60) / SHAPE.segmentSeconds, work);
});
after(async () => {
  await pool?.remove();
  await rm(work, { recursive: true, force: true });
});

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`a 10-minute evidence export [${dialect}]`, { skip }, () => {
    let database: TestDatabase | undefined;
    let segments: IndexedSegment[] = [];
    let repository: RecordingRepository;
    const volume = { name: 'archive', root: '' };

    before(async () => {
      database = await createTestDatabase(dialect);
      repository = new RecordingRepository(tablesOf<RecordingSchema>(database.handle.db), dialect);
      volume.root = join(work, `archive-${dialect}`);
      await mkdir(volume.root);
      const startMs = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
      segments = await pool!.seed(new SegmentIndexer(repository, systemClock), volume, {
        cameraId: 'cam-long',
        communeInsee: '38185',
        startMs,
        seconds: MINUTES * 60,
      });
    });
    after(async () => database?.drop());

    it('has the archive frame count, the same codec parameters and the same packets (no re-encoding)', async () => {
      const { publicKey, privateKey } = generateKeyPairSync('ed25519');
      const builder = new PackageBuilder({
        footage: repository,
        volumes: async () => [volume],
        masks: { plans: async () => new Map(), imagePath: async () => Promise.reject(new Error('no mask')) },
        cameras: {
          facts: async () => ({
            name: 'Place Grenette',
            number: 'C-012',
            communeInsee: '38185',
            communeName: 'Grenoble',
            siteName: 'Centre',
            address: 'Place Grenette',
            latitude: 45.19,
            longitude: 5.73,
            clockOffsetMs: -340,
          }),
        },
        signer: { publicKeyRaw: publicKey.export({ type: 'spki', format: 'der' }).subarray(-32), signBytes: (data) => sign(null, data, privateKey) },
        renderPlayer: renderPlayerHtml,
        renderReport: renderExtractionReport,
        installation: { name: 'Vigie', version: 'test' },
      });
      // Ten minutes exactly: from the second segment's start to the 61st segment's end.
      const inRange = segments.slice(1, 61);
      const fromMs = inRange[0]!.startMs;
      const toMs = inRange.at(-1)!.endMs;
      assert.equal(toMs - fromMs, 600_000);
      const output = join(work, `packages-${dialect}`);
      await mkdir(output);
      const built = await builder.build(
        output,
        {
          packageId: `long-${dialect}`,
          createdAt: new Date(),
          exporter: { userId: 'u-1', name: 'Claire Martin', role: 'operator', service: null },
          requisition: {
            id: 'r-1',
            procedureNumber: 'PV 2026/1010',
            legalFramework: 'preliminary_inquiry',
            officerName: 'Karim Benali',
            officerRank: 'OPJ',
            officerUnit: 'Commissariat de Grenoble',
            communeInsee: '38185',
            requisitionDate: '2026-12-07T08:30:00.000Z',
            requisitionDateParis: '2026-12-07T09:30:00+01:00',
            channel: 'email',
          },
          items: [{ cameraId: 'cam-long', fromMs, toMs }],
        },
        async () => undefined,
      );
      const folder = join(work, `unzipped-${dialect}`);
      assert.equal((await tool('unzip', ['-q', built.zipPath, '-d', folder])).code, 0);
      const item = built.journal.items[0]!;
      const exported = join(folder, item.file);
      const archiveFiles = inRange.map((segment) => join(volume.root, segment.path));

      // Every packet of every archive segment, read by ffprobe: their count is the archive's frame count.
      const archivePackets: Awaited<ReturnType<typeof packets>> = [];
      for (const file of archiveFiles) archivePackets.push(...(await packets(file)));
      const archiveFrames = archivePackets.length;
      const exportedProbe = await probe(exported);
      assert.equal(archiveFrames, 600 * SHAPE.fps);
      assert.equal(Number(exportedProbe.nb_read_packets), archiveFrames);
      assert.equal(item.frames, archiveFrames);
      assert.equal(item.reencoded, false);
      const { nb_read_packets: _frames, ...exportedCodec } = exportedProbe;
      const { nb_read_packets: _archived, ...archiveCodec } = await probe(archiveFiles[0]!);
      assert.deepEqual(exportedCodec, archiveCodec);
      // Every packet the archive's: byte for byte, except that where two segment files join, ffmpeg repeats the parameter
      // sets (SPS/PPS, a few dozen bytes) in band in the keyframe; a re-encode would change every packet.
      const exportedPackets = await packets(exported);
      assert.deepEqual(
        exportedPackets.map((packet) => packet.key),
        archivePackets.map((packet) => packet.key),
      );
      assert.deepEqual(
        exportedPackets.filter((packet) => !packet.key).map((packet) => packet.hash),
        archivePackets.filter((packet) => !packet.key).map((packet) => packet.hash),
      );
      for (const [index, packet] of exportedPackets.entries()) {
        if (!packet.key) continue;
        const grown = packet.size - archivePackets[index]!.size;
        assert.ok(grown >= 0 && grown <= 128, `keyframe ${index}: ${grown} bytes more than the archive's`);
      }
      assert.deepEqual(item.gaps, []);

      const report = await verifyPackage(built.zipPath);
      assert.ok(report.ok, JSON.stringify(report.lines.filter((line) => !line.ok)));
      const pdf = await readFile(join(folder, packageFiles.report));
      assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
      assert.match(pdfText(pdf), /PV 2026\/1010/);
      assert.ok((await readFile(join(folder, packageFiles.player), 'utf8')).includes(built.journal.packageId));
      assert.equal(item.clockOffsetMs, -340);
      assert.equal(item.cameraNumber, 'C-012');
    });
  });
}
