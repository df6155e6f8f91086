// Builds one evidence package (issue 13 item 4, LEGAL 16) in a work folder: per camera and range
// one MP4 from the archive segments (stream copy, or re-encoded with the masks where the
// playback mask plan requires it: masks always applied), probed (frames, codec, size, fps) and
// hashed; then journal.json (validated against its schema), player.html and the extraction report
// (injected renderers), LISEZMOI.txt, the manifest, its minisign signature, the public key, and
// the ZIP. ffmpeg and ffprobe run at low priority so recording keeps the CPU. The work folder is
// removed at the end, whatever happens; only a complete ZIP gets its final name.
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { FFMPEG_PATH, FFPROBE_PATH, silentLog, type ProcessLog } from '../../platform/processes.ts';
import { runToCompletion } from '../../platform/process-runs.ts';
import { coverage, type RecordingRepository, type SegmentSpan, type StorageVolume } from '../recording/index.ts';
import { DomainError } from '../../platform/errors.ts';
import type { MaskPolygon } from '../../platform/media/mask-image.ts';
import type { SegmentMaskPlan } from '../masks/index.ts';
import { type EvidenceJournal, type EvidenceJournalItem, journalFormat, journalSchema, packageFiles } from './exports.journal.ts';
import { concatList, copyArgs, keyframeAtOrBefore, keyframeProbeArgs, maskedArgs, parseProbe, probeArgs, type ConcatEntry } from './exports.media.ts';
import { keyIdHex, minisignKeyId, minisignPublicKey, minisignSign, type RawSigner } from './exports.minisign.ts';
import { fileSha256, manifestText, type PackageEntry, readmeText, sha256Hex, writeZip } from './exports.package.ts';
import { parisInstant } from './exports.rules.ts';

/** What the journal says of a camera (the inventory: cameras, sites, communes). */
export interface CameraFacts {
  name: string;
  number: string | null;
  communeInsee: string;
  communeName: string;
  siteName: string | null;
  address: string | null;
  latitude: number | null;
  longitude: number | null;
  /** The camera's clock offset as last read over ONVIF (ms, camera minus server), null where unknown. */
  clockOffsetMs: number | null;
}

/** The masks of the playback module: each segment's plan, and the picture a re-encode overlays. */
export interface ExportMasks {
  plans(cameraId: string, segments: readonly Pick<SegmentSpan, 'id' | 'startMs'>[]): Promise<Map<number, SegmentMaskPlan>>;
  imagePath(cameraId: string, mask: { version: string; polygons: MaskPolygon[] }): Promise<string>;
}

export interface BuilderDeps {
  footage: Pick<RecordingRepository, 'segmentsOverlapping' | 'gapsOverlapping'>;
  volumes(): Promise<readonly StorageVolume[]>;
  masks: ExportMasks;
  cameras: { facts(cameraId: string): Promise<CameraFacts> };
  signer: RawSigner;
  /** exports.player.ts's renderPlayerHtml (injected: the lead wires it). */
  renderPlayer(journal: EvidenceJournal): string;
  /** exports.report.ts's renderExtractionReport (PDF). */
  renderReport(journal: EvidenceJournal): Promise<Buffer>;
  installation: { name: string; version: string };
  ffmpegPath?: string;
  ffprobePath?: string;
  /** Nice value of ffmpeg and ffprobe (default 10). */
  niceness?: number;
  log?: ProcessLog;
}

export interface BuildRequest {
  packageId: string;
  createdAt: Date;
  exporter: EvidenceJournal['exporter'];
  requisition: NonNullable<EvidenceJournal['requisition']>;
  items: ReadonlyArray<{ cameraId: string; fromMs: number; toMs: number }>;
}

export interface BuiltPackage {
  zipPath: string;
  bytes: number;
  sha256: string;
  journal: EvidenceJournal;
}

export type Progress = (fraction: number, message: string) => Promise<void>;

const iso = (ms: number) => new Date(ms).toISOString();
const stamp = (ms: number) =>
  iso(ms)
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
const safeName = (text: string) => text.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 40) || 'camera';
const noFootage = (index: number, cameraId: string) =>
  new DomainError('footage_unavailable', {
    fr: `Plage ${index + 1} (${cameraId}) : aucune image enregistrée.`,
    en: `Range ${index + 1} (${cameraId}): no footage recorded.`,
    details: { index, cameraId },
  });

export class PackageBuilder {
  private readonly log: ProcessLog;

  constructor(private readonly deps: BuilderDeps) {
    this.log = deps.log ?? silentLog;
  }

  /** Builds the package into `<directory>/<packageId>.zip`; the work folder `<directory>/<packageId>.work` is removed in the end. */
  async build(directory: string, request: BuildRequest, progress: Progress): Promise<BuiltPackage> {
    const work = join(directory, `${request.packageId}.work`);
    await rm(work, { recursive: true, force: true });
    await mkdir(join(work, packageFiles.mediaDirectory), { recursive: true, mode: 0o700 });
    try {
      const items: EvidenceJournalItem[] = [];
      for (const [index, item] of request.items.entries()) {
        await progress(index / (request.items.length + 1), `Vidéo ${index + 1}/${request.items.length} (${item.cameraId})`);
        items.push(await this.buildItem(work, index, item));
      }
      await progress(request.items.length / (request.items.length + 1), 'Journal, lecteur, procès-verbal, signature, ZIP');
      const publicKey = minisignPublicKey(this.deps.signer.publicKeyRaw);
      const createdAt = request.createdAt.getTime();
      const journal = journalSchema.parse({
        format: journalFormat,
        packageId: request.packageId,
        createdAt: iso(createdAt),
        createdAtParis: parisInstant(createdAt),
        timeZone: 'Europe/Paris',
        installation: this.deps.installation,
        exporter: request.exporter,
        requisition: request.requisition,
        signature: { keyId: keyIdHex(minisignKeyId(this.deps.signer.publicKeyRaw)), publicKeySha256: sha256Hex(Buffer.from(publicKey)) },
        items,
      } satisfies EvidenceJournal);
      const texts = new Map<string, Buffer>([
        [packageFiles.journal, Buffer.from(`${JSON.stringify(journal, null, 2)}\n`)],
        [packageFiles.player, Buffer.from(this.deps.renderPlayer(journal))],
        [packageFiles.report, await this.deps.renderReport(journal)],
        [packageFiles.readme, Buffer.from(readmeText(journal))],
      ]);
      const hashes = new Map<string, string>(items.map((item) => [item.file, item.sha256]));
      for (const [name, bytes] of texts) hashes.set(name, sha256Hex(bytes));
      const manifest = Buffer.from(manifestText(hashes));
      const signature = minisignSign(
        this.deps.signer,
        manifest,
        `vigie evidence package ${request.packageId} signed ${iso(Date.now())}`,
        'Vigie evidence package manifest',
      );
      const entries: PackageEntry[] = [
        ...items.map((item) => ({ name: item.file, diskPath: join(work, item.file) })),
        ...[...texts].map(([name, bytes]) => ({ name, bytes })),
        { name: packageFiles.manifest, bytes: manifest },
        { name: packageFiles.signature, bytes: Buffer.from(signature) },
        { name: packageFiles.publicKey, bytes: Buffer.from(publicKey) },
      ];
      const zipPath = join(directory, `${request.packageId}.zip`);
      await writeZip(zipPath, entries, request.createdAt);
      const zip = await fileSha256(zipPath);
      return { zipPath, bytes: zip.bytes, sha256: zip.sha256, journal };
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  private async buildItem(work: string, index: number, item: BuildRequest['items'][number]): Promise<EvidenceJournalItem> {
    const { cameraId, fromMs, toMs } = item;
    const indexed = await this.deps.footage.segmentsOverlapping(cameraId, fromMs, toMs);
    const present = await this.present(indexed);
    // Indexed segments whose file is gone (a volume unmounted, a file removed): their time is a gap that says so.
    const missing = indexed.filter((segment) => !present.some((entry) => entry.segment.id === segment.id));
    if (present.length === 0) throw noFootage(index, cameraId);
    const first = present[0]!;
    const last = present.at(-1)!;
    // The start: the first segment's last keyframe at or before the range's start (a copy starts on a keyframe).
    let inpoint = 0;
    if (fromMs > first.segment.startMs) {
      const keyframes = await this.tool(this.deps.ffprobePath ?? FFPROBE_PATH, keyframeProbeArgs(first.path), 60_000);
      inpoint = keyframeAtOrBefore(keyframes, (fromMs - first.segment.startMs) / 1000);
    }
    const outpoint = toMs < last.segment.endMs ? (toMs - last.segment.startMs) / 1000 : undefined;
    const entries: ConcatEntry[] = present.map((entry, position) => ({
      path: entry.path,
      ...(position === 0 ? { inpoint } : {}),
      ...(position === present.length - 1 && outpoint !== undefined ? { outpoint } : {}),
    }));
    const listPath = join(work, `item-${index}.ffconcat`);
    await writeFile(listPath, concatList(entries), { mode: 0o600 });
    const file = `${packageFiles.mediaDirectory}/${String(index + 1).padStart(2, '0')}-${safeName(cameraId)}-${stamp(fromMs)}.mp4`;
    const outPath = join(work, file);
    const plans = await this.deps.masks.plans(
      cameraId,
      present.map((entry) => entry.segment),
    );
    // Every polygon any segment needs: burnt over the whole file (masking more than a segment needs never shows a private area).
    const polygons = [...plans.values()].flatMap((plan) => (plan.masking === 'reencoded' ? plan.polygons : []));
    const reencoded = [...plans.values()].some((plan) => plan.masking === 'reencoded');
    const recordedMasked = [...plans.values()].some((plan) => plan.masking === 'recorded');
    const seconds = Math.max(1, (toMs - fromMs) / 1000);
    if (reencoded) {
      const version = `export-${sha256Hex(Buffer.from(JSON.stringify(polygons))).slice(0, 16)}`;
      const image = await this.deps.masks.imagePath(cameraId, { version, polygons });
      await this.tool(this.deps.ffmpegPath ?? FFMPEG_PATH, maskedArgs(listPath, image, outPath), Math.max(120_000, seconds * 2000));
    } else {
      await this.tool(this.deps.ffmpegPath ?? FFMPEG_PATH, copyArgs(listPath, outPath), Math.max(60_000, seconds * 200));
    }
    const probed = parseProbe(await this.tool(this.deps.ffprobePath ?? FFPROBE_PATH, probeArgs(outPath), 120_000));
    const hashed = await fileSha256(outPath);
    const imageStart = Math.max(first.segment.startMs + Math.round(inpoint * 1000), first.segment.startMs);
    const imageEnd = Math.min(toMs, last.segment.endMs);
    const window = { startMs: Math.max(fromMs, imageStart), endMs: imageEnd };
    const [gapRows, facts] = await Promise.all([this.deps.footage.gapsOverlapping(cameraId, fromMs, toMs), this.deps.cameras.facts(cameraId)]);
    const gaps = coverage(
      present.map((entry) => entry.segment),
      { startMs: fromMs, endMs: toMs },
    ).gaps.map((gap) => ({
      from: iso(gap.startMs),
      fromParis: parisInstant(gap.startMs),
      to: iso(gap.endMs),
      toParis: parisInstant(gap.endMs),
      durationSeconds: (gap.endMs - gap.startMs) / 1000,
      reason:
        gapRows.find((row) => row.startMs < gap.endMs && row.endMs > gap.startMs)?.reason ??
        (missing.some((segment) => segment.startMs < gap.endMs && segment.endMs > gap.startMs) ? 'file_missing' : 'unknown'),
    }));
    this.log.info({ cameraId, file, frames: probed.frames, reencoded, window }, 'evidence package item built');
    return {
      file,
      cameraId,
      cameraName: facts.name,
      cameraNumber: facts.number,
      location: {
        communeInsee: facts.communeInsee,
        communeName: facts.communeName,
        siteName: facts.siteName,
        address: facts.address,
        latitude: facts.latitude,
        longitude: facts.longitude,
      },
      requestedFrom: iso(fromMs),
      requestedTo: iso(toMs),
      imageStart: iso(imageStart),
      imageStartParis: parisInstant(imageStart),
      imageEnd: iso(imageEnd),
      imageEndParis: parisInstant(imageEnd),
      durationSeconds: probed.durationSeconds,
      frames: probed.frames,
      codec: probed.codec,
      width: probed.width,
      height: probed.height,
      fps: probed.fps,
      masked: reencoded || recordedMasked,
      reencoded,
      clockOffsetMs: facts.clockOffsetMs,
      bytes: hashed.bytes,
      sha256: hashed.sha256,
      gaps,
    };
  }

  private async tool(command: string, args: readonly string[], timeoutMs: number): Promise<string> {
    const result = await runToCompletion(command, args, { timeoutMs, niceness: this.deps.niceness ?? 10, maxOutputBytes: 64 * 1024 * 1024, log: this.log });
    if (result.code !== 0) throw new Error(`${command} exited with ${result.code ?? result.signal}: ${result.stderr.slice(-500)}`);
    return result.stdout.toString('utf8');
  }

  /** The segments whose files exist, with their paths; those gone count as gaps. */
  private async present(segments: readonly SegmentSpan[]): Promise<Array<{ segment: SegmentSpan; path: string }>> {
    const volumes = await this.deps.volumes();
    const found: Array<{ segment: SegmentSpan; path: string }> = [];
    for (const segment of segments) {
      const root = volumes.find((volume) => volume.name === segment.volume)?.root;
      if (root === undefined) continue;
      const base = resolve(root);
      const path = resolve(base, segment.path);
      if (!path.startsWith(base + sep)) continue;
      const info = await stat(path).catch(() => null);
      if (info?.isFile()) found.push({ segment, path });
    }
    return found;
  }
}
