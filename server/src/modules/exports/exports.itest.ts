// Evidence packages on both databases, on footage really recorded from the simulator by the
// recorder role (2-s segments, about 20 s in all): a police user files a requisition, a
// supervisor validates, an operator exports, the worker builds, the police user downloads.
//   - the MP4 is a stream copy: same frame count as the archive's segments (ffprobe), same codec
//     parameters; the requisition becomes `exported`, the register and the audit say so;
//   - `export verify` and `minisign -V` pass on the fresh package, fail on a flipped byte, a
//     removed file and a swapped signature (`sha256sum -c` fails on the flipped media byte);
//   - once the camera has a privacy mask, its export is re-encoded with it and the masked area is
//     uniform in the decoded picture;
//   - a package left `building` by a stopped process becomes `failed`, no ZIP;
//   - a delivered requisition's packages are purged after the configured days, registered.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { copyFile, cp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type Simulator } from '../../../../simulator/src/index.ts';
import { maskedAreasUniform } from '../../platform/media/mask-image.ts';
import { silentLog } from '../../platform/processes.ts';
import { createTestContext, testCli, type TestContext } from '../../testing/context.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { grabGrayFrame } from '../../testing/frames.ts';
import { signIn, type SignedIn } from '../../testing/http.ts';
import { waitFor } from '../../testing/wait.ts';
import type { RecordingRole, SegmentSpan } from '../recording/index.ts';
import { createExportsModule, renderExtractionReport } from './index.ts';
import { pdfText } from '../../testing/pdf-text.ts';
import { packetTimes, probe, quarterA, quarterC, tool, zipMethods } from './exports.fixtures.ts';
import type { EvidenceJournal } from './exports.journal.ts';
import type { PackageView } from './exports.schemas.ts';
import { minisignPublicKey } from './exports.minisign.ts';
import { verifyPackage } from './exports.verify.ts';

const HOME = '38996';
const WIDTH = 320;
const HEIGHT = 180;

let simulator: Simulator | undefined;
const roles: RecordingRole[] = [];

before(async () => {
  simulator = await startSimulator({
    count: 1,
    loopSeconds: 8,
    controlPort: false,
    main: { width: WIDTH, height: HEIGHT, fps: 12, bitrateKbps: 300, gopSeconds: 1 },
    sub: { width: 160, height: 90, fps: 6, bitrateKbps: 100, gopSeconds: 1 },
  });
});
after(async () => {
  await Promise.all(roles.map((role) => role.stop().catch(() => undefined)));
  await simulator?.stop();
});

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`evidence packages [${dialect}]`, { skip }, () => {
    let context: TestContext;
    let police: SignedIn;
    let supervisor: SignedIn;
    let operator: SignedIn;
    let cameraId = '';
    let requisitionId = '';
    let segments: SegmentSpan[] = [];
    const packages: { id: string; folder: string; zip: string; journal: EvidenceJournal }[] = [];
    const renderers = {
      renderPlayer: (journal: EvidenceJournal) => `<!doctype html><title>${journal.packageId}</title>`,
      renderReport: async (journal: EvidenceJournal) => {
        // What a GET reads while the package is built.
        const row = await context.database.handle.db
          .selectFrom('evidence_packages')
          .select(['state', 'progress', 'progress_message'])
          .where('id', '=', journal.packageId)
          .executeTakeFirstOrThrow();
        duringBuild.push({ ...row, progress: Math.round(row.progress * 1000) / 1000 });
        // The real procès-verbal (PDF, embedded font) inside the real build.
        return renderExtractionReport(journal);
      },
    };
    const duringBuild: { state: string; progress: number; progress_message: string }[] = [];

    before(async () => {
      context = await createTestContext(dialect, { clockStart: new Date().toISOString(), clockRunning: true, exportRenderers: renderers });
      const { services } = context;
      await services.communes.create({ insee: HOME, name: 'Saint-Égrève', retentionDays: 14 }, testCli);
      const site = await services.sites.create({ communeInsee: HOME, name: 'Gare', kind: 'station' }, testCli);
      const camera = await services.cameras.create(
        {
          siteId: site.id,
          name: 'Parvis de la gare',
          kind: 'fixed',
          fieldClass: 'wide',
          mainStreamUrl: simulator!.cameras[0]!.rtspUrls.main,
          credentials: simulator!.cameras[0]!.credentials,
          purposes: ['people_property_safety'],
        },
        testCli,
      );
      cameraId = camera.id;
      await services.authorisations.create(
        {
          reference: 'AP-2026-12',
          communeInsee: HOME,
          startOn: '2026-01-01',
          endOn: '2030-12-31',
          perimeter: 'Gare',
          purposes: ['people_property_safety'],
          minRetentionDays: 1,
          maxRetentionDays: 30,
          cameraIds: [cameraId],
        },
        testCli,
      );
      const role = services.recordingModule.api.createRole(
        {
          segmentSeconds: 2,
          reconcileIntervalMs: 500,
          recorderTuning: {
            pollIntervalMs: 200,
            socketTimeoutSeconds: 3,
            stallTimeoutMs: 5000,
            backoff: { initialMs: 300, maxMs: 1500, stableAfterMs: 10_000 },
          },
        },
        { log: silentLog },
      );
      roles.push(role);
      await role.start();
      const listed = () => services.recordingRepository.segmentsOverlapping(cameraId, Date.now() - 600_000, Date.now() + 60_000);
      await waitFor('8 segments', async () => (await listed()).length >= 8, 60_000);
      await role.stop();
      segments = await listed();
      police = await signIn(context, 'police', [HOME]);
      supervisor = await signIn(context, 'supervisor', [HOME]);
      operator = await signIn(context, 'operator', [HOME]);
    });
    after(async () => context?.close());

    const range = () => ({ from: new Date(segments[1]!.startMs).toISOString(), to: new Date(segments[6]!.endMs).toISOString() });
    const fileOf = (segment: SegmentSpan) => join(context.config.recordingsDir, segment.path);
    const build = async (as: SignedIn, payload: object = {}) => {
      const asked = await operator.request({ method: 'POST', url: `/api/requisitions/${requisitionId}/exports`, payload });
      assert.equal(asked.statusCode, 202, asked.body);
      const view = asked.json() as PackageView;
      assert.equal(view.state, 'queued');
      assert.equal(await context.services.exports.buildNext(), view.id);
      const ready = (await (await as.request({ method: 'GET', url: `/api/exports/${view.id}` })).json()) as PackageView;
      assert.equal(ready.state, 'ready', JSON.stringify(ready.error));
      assert.equal(ready.progress.fraction, 1);
      const download = await as.request({ method: 'GET', url: `/api/exports/${view.id}/download` });
      assert.equal(download.statusCode, 200, download.body.slice(0, 300));
      assert.equal(createHash('sha256').update(download.rawPayload).digest('hex'), download.headers['x-vigie-sha256']);
      const zip = join(context.dataDir, `${view.id}.zip`);
      const folder = join(context.dataDir, `unzipped-${view.id}`);
      await writeFile(zip, download.rawPayload);
      assert.equal((await tool('unzip', ['-q', zip, '-d', folder])).code, 0);
      const journal = JSON.parse(await readFile(join(folder, 'journal.json'), 'utf8')) as EvidenceJournal;
      packages.push({ id: view.id, folder, zip, journal });
      return { view: ready, folder, zip, journal };
    };
    const archiveFrames = async () => {
      let frames = 0;
      for (const segment of segments.slice(1, 7)) frames += Number((await probe(fileOf(segment))).nb_read_packets);
      return frames;
    };

    it('exports a range by stream copy: the archive frame count, the same codec parameters, the requisition exported', async () => {
      const filed = await police.request({
        method: 'POST',
        url: '/api/requisitions',
        payload: {
          communeInsee: HOME,
          officerName: 'Karim Benali',
          officerRank: 'OPJ, lieutenant',
          officerUnit: 'Commissariat de Grenoble',
          officerContact: 'karim.benali@interieur.gouv.fr',
          procedureNumber: 'PV 2026/777',
          legalFramework: 'flagrance',
          requisitionDate: new Date().toISOString(),
          channel: 'email',
          ranges: [{ cameraId, ...range() }],
        },
      });
      assert.equal(filed.statusCode, 201, filed.body);
      requisitionId = (filed.json() as { id: string }).id;
      // Not before the review has started, and never by a police user.
      const early = await operator.request({ method: 'POST', url: `/api/requisitions/${requisitionId}/exports`, payload: {} });
      assert.deepEqual([early.statusCode, early.json().code], [409, 'export_refused']);
      for (const to of ['in_review', 'positive'])
        assert.equal(
          (await supervisor.request({ method: 'POST', url: `/api/requisitions/${requisitionId}/transitions`, payload: { to, reason: to } })).statusCode,
          200,
        );
      const byPolice = await police.request({ method: 'POST', url: `/api/requisitions/${requisitionId}/exports`, payload: {} });
      assert.equal(byPolice.statusCode, 403);
      const tooLong = await operator.request({
        method: 'POST',
        url: `/api/requisitions/${requisitionId}/exports`,
        payload: { items: [{ cameraId, from: new Date(Date.now() - 25 * 3_600_000).toISOString(), to: new Date().toISOString() }] },
      });
      assert.deepEqual([tooLong.statusCode, tooLong.json().code], [400, 'export_invalid']);

      // The requisition's range, and one inside segments: cut at the keyframe before its start, at its end.
      const trimmedFrom = segments[2]!.startMs + 1300;
      const trimmedTo = segments[4]!.startMs + 900;
      const items = [
        { cameraId, ...range() },
        { cameraId, from: new Date(trimmedFrom).toISOString(), to: new Date(trimmedTo).toISOString() },
      ];
      const { view, folder, journal } = await build(police, { items });
      const [item, trimmed] = journal.items;
      assert.ok(item);
      assert.deepEqual(
        [item.reencoded, item.masked, item.gaps.length, item.cameraName, item.location.communeName],
        [false, false, 0, 'Parvis de la gare', 'Saint-Égrève'],
      );
      const exported = await probe(join(folder, item.file));
      const source = await probe(fileOf(segments[1]!));
      assert.equal(Number(exported.nb_read_packets), await archiveFrames(), 'every archived frame of the range, none added');
      assert.equal(item.frames, Number(exported.nb_read_packets));
      for (const key of ['codec_name', 'profile', 'level', 'width', 'height', 'pix_fmt', 'extradata_hash'])
        assert.equal(exported[key], source[key], `${key} copied, not re-encoded`);
      assert.equal(item.imageStart, new Date(segments[1]!.startMs).toISOString());
      assert.equal(view.journal?.items[0]?.frames, item.frames);
      assert.deepEqual(duringBuild.at(-1), { state: 'building', progress: 0.667, progress_message: 'Journal, lecteur, procès-verbal, signature, ZIP' });
      // The journal's requisition facts (its date and channel), the exporter's service (none held), and the real PDF naming them.
      assert.deepEqual([journal.requisition?.channel, journal.exporter.service, item.clockOffsetMs, item.cameraNumber], ['email', null, null, null]);
      assert.ok(journal.requisition?.requisitionDate.endsWith('Z') && journal.requisition.requisitionDateParis.match(/[+-]0[12]:00$/));
      const report = pdfText(await readFile(join(folder, 'proces-verbal-extraction.pdf')));
      for (const words of ['PV 2026/777', 'Date de la réquisition', 'courriel']) assert.ok(report.includes(words), words);

      const times = (segment: SegmentSpan) => packetTimes(fileOf(segment));
      const [first, middle, last] = await Promise.all([segments[2]!, segments[3]!, segments[4]!].map(times));
      const keyframe = Math.max(...first!.filter((packet) => packet.key && packet.at <= 1.3).map((packet) => packet.at));
      const expected = first!.filter((packet) => packet.at >= keyframe).length + middle!.length + last!.filter((packet) => packet.at < 0.9).length;
      assert.ok(keyframe > 0, 'the cut is inside the first segment');
      assert.equal(trimmed!.frames, expected, 'from the keyframe before the start to the end, nothing else');
      assert.equal(trimmed!.imageStart, new Date(segments[2]!.startMs + Math.round(keyframe * 1000)).toISOString());
      assert.equal(trimmed!.imageEnd, new Date(trimmedTo).toISOString());

      const requisition = await context.services.requisitions.get(requisitionId, null);
      assert.equal(requisition.state, 'exported');
      const register = await context.services.register.list({ kind: 'exported' }, null);
      assert.deepEqual(
        register.map((entry) => [entry.cameraId, entry.reference]),
        [
          [cameraId, 'PV 2026/777'],
          [cameraId, 'PV 2026/777'],
        ],
      );
      const audit = await context.database.handle.db
        .selectFrom('audit_log')
        .select(['action', 'actor_login'])
        .where('target_id', '=', view.id)
        .orderBy('seq')
        .execute();
      assert.deepEqual(
        audit.map((row) => row.action),
        ['export.created', 'export.ready', 'export.downloaded'],
      );
      const access = await context.database.handle.db.selectFrom('audit_log').select('actor_login').where('action', '=', 'image.export').execute();
      assert.deepEqual(
        access.map((row) => row.actor_login),
        [operator.login],
      );
      // The operator who built it is not a recipient; the police officer who filed it is.
      assert.equal((await operator.request({ method: 'GET', url: `/api/exports/${view.id}/download` })).statusCode, 403);
    });

    it('export verify and minisign pass on the fresh package, and fail on a flipped byte and a removed file', async () => {
      const { folder, zip, journal } = packages[0]!;
      assert.equal((await verifyPackage(zip)).ok, true, JSON.stringify((await verifyPackage(zip)).lines.filter((line) => !line.ok)));
      assert.equal((await verifyPackage(folder)).ok, true);
      // An expected key: the same passes without warning; another one warns and the signature fails.
      const own = await readFile(join(folder, 'minisign.pub'), 'utf8');
      assert.ok((await verifyPackage(folder, { expectedKey: own })).lines.every((line) => line.ok && !line.warning));
      const stranger = await verifyPackage(folder, {
        expectedKey: minisignPublicKey(generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' }).subarray(-32)),
      });
      assert.equal(stranger.ok, false);
      assert.ok(stranger.lines.some((line) => line.warning && line.en === 'WARNING: the included public key is not the expected one'));
      assert.ok(stranger.lines.some((line) => !line.ok && line.en === 'Manifest signature invalid: signed by another key (key id differs)'));
      assert.equal((await tool('minisign', ['-Vm', 'manifest.sha256', '-p', 'minisign.pub'], folder)).code, 0);
      assert.equal((await tool('sha256sum', ['-c', '--quiet', 'manifest.sha256'], folder)).code, 0);
      const cli = (target: string) => tool(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../../cli.ts'), 'export', 'verify', target]);
      const passed = await cli(zip);
      assert.equal(passed.code, 0, passed.out);
      assert.match(passed.out, /Signature minisign du manifeste valide .* \/ Manifest minisign signature valid/);

      const flipped = join(context.dataDir, 'flipped');
      await cp(folder, flipped, { recursive: true });
      const media = join(flipped, journal.items[0]!.file);
      const bytes = await readFile(media);
      bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
      await writeFile(media, bytes);
      const flippedReport = await verifyPackage(flipped);
      assert.equal(flippedReport.ok, false);
      assert.ok(flippedReport.lines.some((line) => !line.ok && line.en === `SHA-256 mismatch: ${journal.items[0]!.file}`));
      assert.notEqual((await tool('sha256sum', ['-c', '--quiet', 'manifest.sha256'], flipped)).code, 0);
      const failed = await cli(flipped);
      assert.equal(failed.code, 1);
      assert.match(failed.out, new RegExp(`ÉCHEC / FAIL\tEmpreinte SHA-256 différente : ${journal.items[0]!.file} / SHA-256 mismatch`));
      const manifest = join(flipped, 'manifest.sha256');
      const text = await readFile(manifest);
      text[3]! ^= 0x01;
      await writeFile(manifest, text);
      assert.notEqual((await tool('minisign', ['-Vm', 'manifest.sha256', '-p', 'minisign.pub'], flipped)).code, 0);
      assert.ok((await verifyPackage(flipped)).lines.some((line) => !line.ok && line.en.startsWith('Manifest signature invalid')));

      const removed = join(context.dataDir, 'removed');
      await cp(folder, removed, { recursive: true });
      await rm(join(removed, 'player.html'));
      const removedReport = await verifyPackage(removed);
      assert.equal(removedReport.ok, false);
      assert.ok(removedReport.lines.some((line) => line.en === 'File listed in the manifest is missing: player.html'));
      assert.equal((await stat(join(context.dataDir, 'exports', `${packages[0]!.id}.zip`))).mode & 0o777, 0o600, 'readable by Vigie only');
      // Media stored as is, text deflated.
      const methods = await zipMethods(zip);
      assert.deepEqual(
        [...methods].filter(([name]) => name.endsWith('.mp4')).map(([, method]) => method),
        [0, 0],
      );
      assert.equal(methods.get('journal.json'), 8);
    });

    it('burns in the camera’s privacy mask: the export is re-encoded and the masked area uniform; a swapped signature fails', async () => {
      await context.services.masks.create({ cameraId, name: 'Fenêtres', polygons: [quarterA] }, testCli);
      // One segment's file is gone (a disk removed): its time is a gap of the journal, with why.
      const all = await archiveFrames();
      const gone = segments[4]!;
      const goneFrames = Number((await probe(fileOf(gone))).nb_read_packets);
      await copyFile(fileOf(gone), join(context.dataDir, 'aside.mp4'));
      await rm(fileOf(gone));
      const { folder, journal } = await build(supervisor);
      await copyFile(join(context.dataDir, 'aside.mp4'), fileOf(gone));
      const [item] = journal.items;
      assert.deepEqual([item!.reencoded, item!.masked], [true, true]);
      assert.equal(item!.frames, all - goneFrames, 'every frame kept by the masked re-encode');
      assert.deepEqual(
        item!.gaps.map((gap) => [gap.reason, Math.abs(gap.durationSeconds - (gone.endMs - gone.startMs) / 1000) < 0.5]),
        [['file_missing', true]],
      );
      const pixels = await grabGrayFrame(join(folder, item!.file), WIDTH, HEIGHT, 1);
      assert.ok(maskedAreasUniform(pixels, WIDTH, HEIGHT, [quarterA], 3).uniform, 'the masked quarter is uniform');
      assert.ok(!maskedAreasUniform(pixels, WIDTH, HEIGHT, [quarterC], 3).uniform, 'the rest has detail');
      assert.equal((await verifyPackage(folder)).ok, true);

      const swapped = join(context.dataDir, 'swapped');
      await cp(folder, swapped, { recursive: true });
      await copyFile(join(packages[0]!.folder, 'manifest.sha256.minisig'), join(swapped, 'manifest.sha256.minisig'));
      assert.notEqual((await tool('minisign', ['-Vm', 'manifest.sha256', '-p', 'minisign.pub'], swapped)).code, 0);
      const report = await verifyPackage(swapped);
      assert.equal(report.ok, false);
      assert.ok(report.lines.some((line) => line.en === 'Manifest signature invalid: signature does not match the file'));
    });

    it('marks a package a stopped process left building as failed, and removes its partial files', async () => {
      const asked = await operator.request({ method: 'POST', url: `/api/requisitions/${requisitionId}/exports`, payload: {} });
      const id = (asked.json() as PackageView).id;
      await context.database.handle.db.updateTable('evidence_packages').set({ state: 'building' }).where('id', '=', id).execute();
      await writeFile(join(context.dataDir, 'exports', `${id}.zip.partial`), 'half');
      // A fresh process (a new module on the same database and folder) finds it at its first run.
      const restarted = createExportsModule({
        database: context.database.handle,
        audit: context.services.audit,
        clock: context.clock,
        dataDir: context.dataDir,
        keepAfterDeliveryDays: 7,
        cameras: context.services.cameras,
        register: context.services.register,
        requisitions: { find: () => Promise.reject(new Error('not read')), markExported: async () => false },
        builder: {
          ...renderers,
          footage: context.services.recordingRepository,
          volumes: async () => [],
          masks: { plans: async () => new Map(), imagePath: async () => '' },
          cameras: { facts: () => Promise.reject(new Error('not read')) },
          signer: { publicKeyRaw: Buffer.alloc(32), signBytes: () => Buffer.alloc(64) },
          installation: { name: 'Vigie', version: 'test' },
        },
      });
      assert.equal(await restarted.api.buildNext(), null);
      const row = await context.database.handle.db
        .selectFrom('evidence_packages')
        .select(['state', 'error_code', 'zip_path'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(row, { state: 'failed', error_code: 'export_interrupted', zip_path: null });
      await assert.rejects(stat(join(context.dataDir, 'exports', `${id}.zip.partial`)));
    });

    it('purges the packages of a delivered requisition after the configured days, registered and audited', async () => {
      assert.equal(
        (
          await supervisor.request({
            method: 'POST',
            url: `/api/requisitions/${requisitionId}/transitions`,
            payload: { to: 'delivered', reason: 'remis à l’OPJ' },
          })
        ).statusCode,
        200,
      );
      assert.equal(await context.services.exports.purgeDelivered(), 0, 'kept 7 days after delivery');
      context.clock.advance(8 * 86_400_000);
      assert.equal(await context.services.exports.purgeDelivered(), 2);
      for (const { id } of packages) await assert.rejects(stat(join(context.dataDir, 'exports', `${id}.zip`)));
      const rows = await context.database.handle.db
        .selectFrom('evidence_packages')
        .select('state')
        .where('requisition_id', '=', requisitionId)
        .orderBy('created_at')
        .execute();
      assert.deepEqual(
        rows.map((row) => row.state),
        ['purged', 'purged', 'failed'],
      );
      const register = await context.services.register.list({ kind: 'export_purged' }, null);
      assert.equal(register.length, 3, 'one row per exported file');
      const audited = await context.database.handle.db.selectFrom('audit_log').select('action').where('action', '=', 'export.purged').execute();
      assert.equal(audited.length, 2);
    });
  });
}
