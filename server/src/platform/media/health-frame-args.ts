// The ffmpeg arguments of the camera picture checks (docs/health.md): one ffmpeg decodes the
// keyframe of many cameras' cached GOPs at once (one process start for the whole batch), each
// scaled down to a small grey picture written raw to its own file. Only keyframes are decoded
// (`-skip_frame nokey`), on one thread each: the cheapest picture there is. Pure.
import type { LiveInputFormat } from './live-args.ts';

export interface HealthFrameInput {
  path: string;
  format: LiveInputFormat;
  /** Raw `gray` pictures of width x height bytes are written here. */
  output: string;
}

export function healthFramesArgs(inputs: readonly HealthFrameInput[], width: number, height: number): string[] {
  const args = ['-hide_banner', '-loglevel', 'error', '-nostdin'];
  for (const input of inputs) args.push('-threads', '1', '-skip_frame', 'nokey', '-f', input.format, '-i', input.path);
  inputs.forEach((input, index) => {
    args.push('-map', `${index}:v:0`, '-an', '-frames:v', '1', '-vf', `scale=${width}:${height}:flags=area,format=gray`, '-f', 'rawvideo', '-y', input.output);
  });
  return args;
}
