// The pictures of the checks, from what the recorder already receives (no camera connection):
// each camera's cached GOP (live hub) is written to a temporary file and one ffmpeg decodes the
// keyframe of every camera of the batch into a small grey picture (health-frame-args.ts). A
// camera whose GOP could not be decoded is left out of the result, the others are kept.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { healthFramesArgs } from '../../platform/media/health-frame-args.ts';
import { type LiveInputFormat, stillJpegArgs } from '../../platform/media/live-args.ts';
import { runToCompletion } from '../../platform/process-runs.ts';
import { FFMPEG_PATH, type ProcessLog, type Spawner } from '../../platform/processes.ts';
import { CHECK_HEIGHT, CHECK_WIDTH, type GrayImage, grayImage } from './picture-metrics.ts';

export interface GopOfCamera {
  cameraId: string;
  gop: Buffer;
  format: LiveInputFormat;
}

export interface FrameGrabberOptions {
  ffmpegPath?: string;
  spawner?: Spawner;
  log?: ProcessLog;
  timeoutMs?: number;
  /** Background work: below recording (nice value of the decoder). */
  niceness?: number;
}

export type FrameDecoder = (gops: readonly GopOfCamera[]) => Promise<Map<string, GrayImage>>;

export function ffmpegFrameDecoder(options: FrameGrabberOptions = {}): FrameDecoder {
  const decodeBatch = batchDecoder(options);
  return async (gops) => {
    const frames = await decodeBatch(gops);
    // One unreadable GOP can fail the whole batch: the others are decoded again one by one.
    const missing = gops.length > 1 ? gops.filter((gop) => !frames.has(gop.cameraId)) : [];
    if (missing.length > 0) {
      for (const gop of missing) for (const [cameraId, frame] of await decodeBatch([gop])) frames.set(cameraId, frame);
    }
    return frames;
  };
}

function batchDecoder(options: FrameGrabberOptions): FrameDecoder {
  return async (gops) => {
    const frames = new Map<string, GrayImage>();
    if (gops.length === 0) return frames;
    const directory = await mkdtemp(join(tmpdir(), 'vigie-health-'));
    try {
      const inputs = await Promise.all(
        gops.map(async (entry, index) => {
          const path = join(directory, `${index}.${entry.format === 'mp4' ? 'mp4' : 'ts'}`);
          await writeFile(path, entry.gop);
          return { path, format: entry.format, output: join(directory, `${index}.gray`) };
        }),
      );
      const result = await runToCompletion(options.ffmpegPath ?? FFMPEG_PATH, healthFramesArgs(inputs, CHECK_WIDTH, CHECK_HEIGHT), {
        timeoutMs: options.timeoutMs ?? 20_000,
        spawner: options.spawner,
        log: options.log,
        niceness: options.niceness ?? 10,
      });
      if (result.code !== 0) options.log?.warn({ stderr: result.stderr.trim().split('\n').slice(-3).join(' | ') }, 'camera health: some pictures not decoded');
      await Promise.all(
        gops.map(async (entry, index) => {
          const bytes = await readFile(inputs[index]!.output).catch(() => null);
          if (bytes && bytes.length === CHECK_WIDTH * CHECK_HEIGHT) frames.set(entry.cameraId, grayImage(CHECK_WIDTH, CHECK_HEIGHT, new Uint8Array(bytes)));
        }),
      );
      return frames;
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  };
}

/** The JPEG still of one cached GOP (its newest picture), for the history and the alarm. */
export async function stillJpegOf(gop: GopOfCamera, options: FrameGrabberOptions = {}): Promise<Buffer | null> {
  const directory = await mkdtemp(join(tmpdir(), 'vigie-health-still-'));
  try {
    const input = join(directory, gop.format === 'mp4' ? 'gop.mp4' : 'gop.ts');
    const output = join(directory, 'still.jpg');
    await writeFile(input, gop.gop);
    const result = await runToCompletion(options.ffmpegPath ?? FFMPEG_PATH, stillJpegArgs(input, output, gop.format), {
      timeoutMs: options.timeoutMs ?? 20_000,
      spawner: options.spawner,
      log: options.log,
      niceness: options.niceness ?? 10,
    });
    return result.code === 0 ? await readFile(output) : null;
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
