// The current picture of a camera as JPEG, from the recorder's live feed: the hub's cached GOP
// (PAT, PMT, the last keyframe and the pictures since) is written to a temporary file and
// ffmpeg keeps its last decoded picture. Masks burnt in by the recorder are in it (LEGAL 4);
// no camera connection is opened.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stillJpegArgs, type LiveInputFormat } from '../../platform/media/live-args.ts';
import { FFMPEG_PATH, type ProcessLog, type Spawner } from '../../platform/processes.ts';
import { runToCompletion } from '../../platform/process-runs.ts';

export interface StillOptions {
  timeoutMs: number;
  spawner?: Spawner;
  ffmpegPath?: string;
  log?: ProcessLog;
}

export async function grabStill(
  hub: { snapshot(cameraId: string, timeoutMs: number): Promise<Buffer | null>; formatOf?(cameraId: string): LiveInputFormat },
  cameraId: string,
  options: StillOptions,
): Promise<Buffer | null> {
  const startedAt = Date.now();
  // The pictures since the last keyframe (the hub waits for the next one when it has none yet).
  const gop = await hub.snapshot(cameraId, Math.min(5000, options.timeoutMs));
  if (!gop) return null;
  // The native engine's copy is its init segment and the fragments since the keyframe.
  const format = hub.formatOf?.(cameraId) ?? 'mpegts';
  const directory = await mkdtemp(join(tmpdir(), 'vigie-still-'));
  try {
    const input = join(directory, format === 'mp4' ? 'gop.mp4' : 'gop.ts');
    const output = join(directory, 'still.jpg');
    await writeFile(input, gop);
    const result = await runToCompletion(options.ffmpegPath ?? FFMPEG_PATH, stillJpegArgs(input, output, format), {
      timeoutMs: Math.max(1000, options.timeoutMs - (Date.now() - startedAt)),
      spawner: options.spawner,
      log: options.log,
    });
    if (result.code !== 0) throw new Error(`ffmpeg could not decode the live picture: ${result.stderr.trim().split('\n').slice(-2).join(' | ')}`);
    return await readFile(output);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
