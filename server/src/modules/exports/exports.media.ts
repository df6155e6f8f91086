// The ffmpeg and ffprobe arguments of an evidence package's MP4s, pure (tested as arrays): the
// archive segments of one camera and range joined by ffmpeg's concat demuxer, cut at the first
// segment's last keyframe at or before the range's start (a stream copy can only start on a
// keyframe) and at the range's end, then either copied (`-c copy`, no quality loss, LEGAL 16) or,
// where privacy masks require it, re-encoded with the mask overlaid exactly as playback does
// (LEGAL 4). `+faststart`: the index first, so any player starts at once.
import { maskedEncodeArgs, maskImageInputArgs } from '../../platform/media/ffmpeg-args.ts';

export interface ConcatEntry {
  path: string;
  /** Seconds into the file where the export starts (a keyframe); absent: its start. */
  inpoint?: number;
  /** Seconds into the file where the export ends; absent: its end. */
  outpoint?: number;
}

const quoted = (path: string) => `'${path.replace(/'/g, `'\\''`)}'`;
const seconds = (value: number) => value.toFixed(6);

/** The concat demuxer's list (`ffconcat version 1.0`). */
export function concatList(entries: readonly ConcatEntry[]): string {
  if (entries.length === 0) throw new Error('no segment to export');
  const lines = ['ffconcat version 1.0'];
  for (const entry of entries) {
    if (/[\r\n]/.test(entry.path)) throw new Error('segment path with a line break');
    lines.push(`file ${quoted(entry.path)}`);
    if (entry.inpoint !== undefined && entry.inpoint > 0) lines.push(`inpoint ${seconds(entry.inpoint)}`);
    if (entry.outpoint !== undefined) lines.push(`outpoint ${seconds(entry.outpoint)}`);
  }
  return `${lines.join('\n')}\n`;
}

const inputArgs = (listPath: string) => ['-hide_banner', '-loglevel', 'error', '-nostats', '-nostdin', '-f', 'concat', '-safe', '0', '-i', listPath];
const outputArgs = (outPath: string) => ['-movflags', '+faststart', '-f', 'mp4', '-y', outPath];

/** One MP4 by stream copy of the listed segments: video (and audio where recorded), nothing re-encoded. */
export function copyArgs(listPath: string, outPath: string): string[] {
  return [...inputArgs(listPath), '-map', '0:v:0', '-map', '0:a?', '-c', 'copy', ...outputArgs(outPath)];
}

/** One MP4 of the listed segments re-encoded with the mask picture burnt in (the playback and recorder filter graph). */
export function maskedArgs(listPath: string, maskImagePath: string, outPath: string): string[] {
  return [...inputArgs(listPath), ...maskImageInputArgs(maskImagePath), ...maskedEncodeArgs(1), ...outputArgs(outPath)];
}

/** The video stream's facts, its packets counted (one packet per frame in H.264/H.265 MP4). */
export function probeArgs(path: string): string[] {
  return [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-count_packets',
    '-show_entries',
    'stream=codec_name,width,height,avg_frame_rate,r_frame_rate,nb_read_packets:format=duration',
    '-of',
    'json',
    path,
  ];
}

/** Times (s) and flags of the video packets of one file: where its keyframes are. */
export function keyframeProbeArgs(path: string): string[] {
  return ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', path];
}

export interface ProbedVideo {
  codec: string;
  width: number;
  height: number;
  fps: number;
  frames: number;
  durationSeconds: number;
}

const rate = (text: unknown): number => {
  const [numerator, denominator] = String(text ?? '0/1')
    .split('/')
    .map(Number);
  return numerator && denominator ? numerator / denominator : 0;
};

export function parseProbe(stdout: string): ProbedVideo {
  const parsed = JSON.parse(stdout) as { streams?: Record<string, unknown>[]; format?: { duration?: string } };
  const stream = parsed.streams?.[0];
  if (!stream) throw new Error('no video stream');
  const fps = rate(stream.avg_frame_rate) || rate(stream.r_frame_rate);
  return {
    codec: String(stream.codec_name ?? 'unknown').slice(0, 16),
    width: Number(stream.width),
    height: Number(stream.height),
    fps: Math.round(fps * 1000) / 1000,
    frames: Number(stream.nb_read_packets ?? 0),
    durationSeconds: Number(parsed.format?.duration ?? 0),
  };
}

/** The last keyframe time at or before `atSeconds` (the file's start when none is). */
export function keyframeAtOrBefore(csv: string, atSeconds: number): number {
  let best = 0;
  for (const line of csv.split('\n')) {
    const [time, flags] = line.split(',');
    const value = Number(time);
    if (!flags?.includes('K') || !Number.isFinite(value)) continue;
    if (value <= atSeconds + 1e-6 && value > best) best = value;
  }
  return best;
}
