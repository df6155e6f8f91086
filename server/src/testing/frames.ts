// Decoding one recorded picture for the tests that prove privacy masks: the frame at
// `seekSeconds` of a video file, scaled to width x height, as 8-bit gray pixels (real ffmpeg).
import assert from 'node:assert/strict';
import { grabGrayFrameArgs } from '../platform/media/ffmpeg-args.ts';
import { FFMPEG_PATH } from '../platform/processes.ts';
import { runToCompletion } from '../platform/process-runs.ts';

export async function grabGrayFrame(file: string, width: number, height: number, seekSeconds: number): Promise<Uint8Array> {
  const result = await runToCompletion(FFMPEG_PATH, grabGrayFrameArgs(file, width, height, seekSeconds), { timeoutMs: 30_000 });
  assert.equal(result.code, 0, result.stderr.toString());
  assert.equal(result.stdout.length, width * height);
  return result.stdout;
}
