// Indexes one closed segment file: ffprobe (codec, size, frames), streaming SHA-256, move into
// the commune/camera/date layout, read-only, then one transaction that chains the row to the
// camera's previous segment, records a gap when time is missing between the two, and writes
// the masking the recorder ran with (LEGAL 4: playback serves the file as stored only when
// that masking accounted for every mask in force since).
//
// The move comes before the insert: a crash in between leaves a file in place but unindexed,
// which `recordings verify` reports; the other order would leave rows pointing at nothing.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, mkdir, rename, stat, truncate, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ChainMac } from '../../platform/chain-keys.ts';
import type { Clock } from '../../platform/clock.ts';
import { isUniqueViolation } from '../../platform/db/database.ts';
import { parseSegmentProbe, probeSegmentArgs, type SegmentProbe } from '../../platform/media/ffmpeg-args.ts';
import { readTopLevelBoxes, scanFragments } from '../../platform/media/fragmented-mp4.ts';
import { FFPROBE_PATH, silentLog, type ProcessLog } from '../../platform/processes.ts';
import { runToCompletion } from '../../platform/process-runs.ts';
import { segmentRelativePath } from './recorded-ranges.ts';
import { UNKNOWN_MASKING, type RecorderMasking } from '../masks/index.ts';
import { SEGMENT_GENESIS_HASH, segmentChainHash } from './recording.chain.ts';
import type { RecordingRepository } from './recording.repository.ts';
import type { IndexedSegment, SegmentStatus, StorageVolume } from './recording.types.ts';

export interface SegmentToIndex {
  cameraId: string;
  communeInsee: string;
  volume: StorageVolume;
  /** Absolute path of the finished file in the camera's incoming folder. */
  file: string;
  /** Wall-clock start (see segmentStartMs). */
  startMs: number;
  /** Exact media duration from ffmpeg's segment list; absent for a recovered file (probed). */
  durationMs?: number;
  status: SegmentStatus;
  /** Why time may be missing before this segment (the previous run's end), for the gap row. */
  gapReason?: string;
  /** What the recorder that wrote the file ran with; absent: unknown (a file left by a crashed run). */
  masking?: RecorderMasking;
  /**
   * What the native engine's writer knows of the file it wrote (codec, size, frames, duration,
   * measured rate, and the SHA-256 it computed while writing): no ffprobe and no second read.
   */
  facts?: WrittenSegmentFacts;
  /** Missing time above this is a gap row (default: the indexer's); the native engine's times are exact to a few ms. */
  gapToleranceMs?: number;
}

/** A segment's facts as its writer counted them. */
export interface WrittenSegmentFacts extends SegmentProbe {
  sha256: string;
  bytes: number;
}

export interface SegmentIndexerOptions {
  /** Missing time shorter than this between two segments is not a gap (clock rounding). */
  gapToleranceMs?: number;
  /** A new run's first segment may claim to start up to this much before the previous end (its file name has second precision): it is moved to that end. */
  overlapToleranceMs?: number;
  probe?: (path: string) => Promise<SegmentProbe>;
  /** ffprobe's command for the default probe (config.ts's `tools.ffprobePath`); default: `ffprobe` on PATH. */
  ffprobePath?: string;
  log?: ProcessLog;
  /**
   * HMAC key of the segment chain (issue 11). The recording role always passes it; tests of the
   * recorder alone may not, and their rows are then plain SHA-256, which `recordings verify`
   * with the key accepts only for segments indexed before the key existed.
   */
  chainKey?: ChainMac;
}

export async function probeSegment(path: string, ffprobePath = FFPROBE_PATH): Promise<SegmentProbe> {
  const result = await runToCompletion(ffprobePath, probeSegmentArgs(path), { timeoutMs: 30_000 });
  if (result.code !== 0) throw new Error(`ffprobe failed on ${path}: ${result.stderr.trim().slice(0, 300)}`);
  return parseSegmentProbe(result.stdout.toString('utf8'));
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Cuts a file left by a crash after its last complete fragment; false if nothing usable remains. */
export async function recoverFragmentedFile(path: string): Promise<boolean> {
  const { boxes, fileSize } = await readTopLevelBoxes(path);
  const scan = scanFragments(boxes, fileSize);
  if (scan.completeFragments === 0) return false;
  if (scan.keepBytes < fileSize) await truncate(path, scan.keepBytes);
  return true;
}

export class SegmentIndexer {
  private readonly probe: (path: string) => Promise<SegmentProbe>;
  private readonly gapToleranceMs: number;
  private readonly overlapToleranceMs: number;
  private readonly log: ProcessLog;
  private readonly chainKey: ChainMac | undefined;

  constructor(
    private readonly repository: RecordingRepository,
    private readonly clock: Clock,
    options: SegmentIndexerOptions = {},
  ) {
    this.probe = options.probe ?? ((path) => probeSegment(path, options.ffprobePath));
    this.gapToleranceMs = options.gapToleranceMs ?? 1000;
    this.overlapToleranceMs = options.overlapToleranceMs ?? 2000;
    this.log = options.log ?? silentLog;
    this.chainKey = options.chainKey;
  }

  /** Indexes the file; returns undefined (and deletes it) when it holds no frame at all. */
  async index(segment: SegmentToIndex): Promise<IndexedSegment | undefined> {
    const probe = segment.facts ?? (await this.probe(segment.file).catch(() => undefined));
    if (!probe || probe.frameCount === 0) {
      // An ftyp + empty moov and nothing else: ffmpeg opened the file and lost the camera.
      this.log.warn({ file: segment.file }, 'segment without frames discarded');
      await unlink(segment.file).catch(() => undefined);
      return undefined;
    }
    const durationMs = segment.durationMs !== undefined && segment.durationMs > 0 ? segment.durationMs : probe.durationMs;
    const sha256 = segment.facts?.sha256 ?? (await sha256File(segment.file));
    const bytes = segment.facts?.bytes ?? (await stat(segment.file)).size;
    const masking = segment.masking ?? UNKNOWN_MASKING;

    return this.repository.transaction(async (trx) => {
      const head = await this.repository.head(trx, segment.cameraId);
      let startMs = segment.startMs;
      if (head && startMs < head.endMs && head.endMs - startMs <= this.overlapToleranceMs) startMs = head.endMs;
      const endMs = startMs + durationMs;
      const path = await this.moveIntoPlace(segment, startMs);
      const prevHash = head?.chainHash ?? SEGMENT_GENESIS_HASH;
      const fields = { cameraId: segment.cameraId, communeInsee: segment.communeInsee, volume: segment.volume.name, path, startMs, endMs, bytes, sha256 };
      const row = {
        ...fields,
        durationMs,
        codec: probe.codec,
        width: probe.width,
        height: probe.height,
        fps: probe.measuredFps,
        frameCount: probe.frameCount,
        prevHash,
        chainHash: segmentChainHash(prevHash, fields, this.chainKey),
        status: segment.status,
        maskVersion: masking.version,
      };
      const now = this.clock.now().toISOString();
      await this.repository.ensureMaskVersion(trx, segment.cameraId, masking, now);
      if (head && startMs - head.endMs > (segment.gapToleranceMs ?? this.gapToleranceMs)) {
        await this.repository.insertGap(
          trx,
          { cameraId: segment.cameraId, communeInsee: segment.communeInsee, startMs: head.endMs, endMs: startMs, reason: segment.gapReason ?? 'no_data' },
          now,
        );
      }
      try {
        const id = await this.repository.insertSegment(trx, row, now);
        return { id, ...row };
      } catch (error) {
        if (isUniqueViolation(error)) this.log.warn({ file: join(segment.volume.root, path) }, 'segment already indexed');
        throw error;
      }
    });
  }

  // Idempotent within a retried transaction: the second attempt finds the file already moved.
  private async moveIntoPlace(segment: SegmentToIndex, startMs: number): Promise<string> {
    const path = segmentRelativePath(segment.communeInsee, segment.cameraId, startMs);
    const target = join(segment.volume.root, path);
    const alreadyMoved = await stat(target).then(
      () => true,
      () => false,
    );
    if (!alreadyMoved) {
      await mkdir(dirname(target), { recursive: true });
      await rename(segment.file, target);
      segment.file = target;
    }
    // Closed footage is never written again (LEGAL 15): read-only for everyone.
    // Read-only, and for Vigie's account (and its group) only (issue 11): footage is not for other local accounts.
    await chmod(target, 0o440);
    return path;
  }
}
