// Test and bench helper: seeds a camera's archive fast. ffmpeg encodes a small pool of distinct
// segments once (fragmented MP4, H.264, a fixed keyframe grid so every segment starts on a
// keyframe and lasts exactly `segmentSeconds`); each archive segment is then a copy of a pool
// file, indexed by the real SegmentIndexer (moved into the commune/camera/date layout, chained,
// read-only) with the pool file's probed facts, so nothing is probed or hashed twice.
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSegmentProbe, probeSegmentArgs } from '../platform/media/ffmpeg-args.ts';
import { FFMPEG_PATH, FFPROBE_PATH } from '../platform/processes.ts';
import { runToCompletion } from '../platform/process-runs.ts';
import type { IndexedSegment, SegmentIndexer, StorageVolume } from '../modules/recording/index.ts';

export interface FootageShape {
  width: number;
  height: number;
  fps: number;
  kbps: number;
  gopSeconds: number;
  segmentSeconds: number;
}

export interface SeedRequest {
  cameraId: string;
  communeInsee: string;
  startMs: number;
  seconds: number;
}

type SegmentFacts = NonNullable<Parameters<SegmentIndexer['index']>[0]['facts']>;

export interface FootagePool {
  shape: FootageShape;
  files: Array<{ path: string; facts: SegmentFacts }>;
  /** Seeds one camera: `ceil(seconds / segmentSeconds)` segments back to back from `startMs`. */
  seed(indexer: Pick<SegmentIndexer, 'index'>, volume: StorageVolume, request: SeedRequest): Promise<IndexedSegment[]>;
  remove(): Promise<void>;
}

/** The pool's ffmpeg command: `distinct` segments of synthetic noisy pictures at the shape's bitrate. */
export function poolEncodeArgs(shape: FootageShape, distinct: number, pattern: string): string[] {
  const gop = Math.max(1, Math.round(shape.gopSeconds * shape.fps));
  const kbps = `${shape.kbps}k`;
  return [
    ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'],
    ...['-f', 'lavfi', '-i', `testsrc2=size=${shape.width}x${shape.height}:rate=${shape.fps},noise=alls=24:allf=t`],
    ...['-t', String(distinct * shape.segmentSeconds), '-an'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0'],
    ...['-b:v', kbps, '-maxrate', kbps, '-bufsize', kbps],
    ...['-f', 'segment', '-segment_time', String(shape.segmentSeconds), '-reset_timestamps', '1', '-segment_format', 'mp4'],
    ...['-segment_format_options', 'movflags=+frag_keyframe+empty_moov+default_base_moof', pattern],
  ];
}

/** Encodes the pool (in a temporary folder under `workRoot`). */
export async function createFootagePool(shape: FootageShape, distinct: number, workRoot: string, ffmpegPath = FFMPEG_PATH): Promise<FootagePool> {
  if (shape.segmentSeconds % shape.gopSeconds !== 0) throw new Error('segmentSeconds must be a whole number of GOPs');
  await mkdir(workRoot, { recursive: true });
  const folder = await mkdtemp(join(workRoot, 'vigie-footage-pool-'));
  const timeoutMs = 60_000 + distinct * shape.segmentSeconds * 2000;
  const result = await runToCompletion(ffmpegPath, poolEncodeArgs(shape, distinct, join(folder, 'pool-%05d.mp4')), { timeoutMs });
  if (result.code !== 0) throw new Error(`ffmpeg (footage pool) exited with ${result.code ?? result.signal}: ${result.stderr.slice(-400)}`);
  const names = (await readdir(folder)).filter((name) => name.startsWith('pool-')).sort();
  const files: FootagePool['files'] = [];
  for (const name of names) {
    const path = join(folder, name);
    const probed = await runToCompletion(FFPROBE_PATH, probeSegmentArgs(path), { timeoutMs: 30_000 });
    if (probed.code !== 0) throw new Error(`ffprobe failed on ${path}: ${probed.stderr.slice(-300)}`);
    const probe = parseSegmentProbe(probed.stdout.toString('utf8'));
    const bytes = await readFile(path);
    // The last file of a segment run may be short: the pool keeps whole segments only.
    if (Math.abs(probe.durationMs - shape.segmentSeconds * 1000) > 1000 / shape.fps) continue;
    files.push({ path, facts: { ...probe, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length } });
  }
  if (files.length === 0) throw new Error('ffmpeg wrote no whole pool segment');
  let copies = 0;
  return {
    shape,
    files,
    async seed(indexer, volume, request) {
      const count = Math.ceil(request.seconds / shape.segmentSeconds);
      const seeded: IndexedSegment[] = [];
      let startMs = request.startMs;
      for (let index = 0; index < count; index += 1) {
        const source = files[index % files.length]!;
        // The indexer moves the file into the volume's layout: the copy is made on the volume's filesystem.
        const staging = join(volume.root, '.seed-incoming');
        await mkdir(staging, { recursive: true });
        copies += 1;
        const file = join(staging, `${request.cameraId}-${copies}.mp4`);
        await copyFile(source.path, file);
        const segment = await indexer.index({
          cameraId: request.cameraId,
          communeInsee: request.communeInsee,
          volume,
          file,
          startMs,
          durationMs: source.facts.durationMs,
          status: 'closed',
          facts: source.facts,
        });
        if (!segment) throw new Error('a seeded segment was not indexed');
        seeded.push(segment);
        startMs = segment.endMs;
      }
      await rm(join(volume.root, '.seed-incoming'), { recursive: true, force: true });
      return seeded;
    },
    remove: () => rm(folder, { recursive: true, force: true }),
  };
}
