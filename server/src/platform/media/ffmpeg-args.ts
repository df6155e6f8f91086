// Pure builders of ffmpeg and ffprobe command lines for recording, and parsers of what those
// tools write back. Nothing here runs a process (platform/processes.ts does).
//
// One ffmpeg per camera pulls the main stream once over RTSP/TCP and, without re-encoding,
// writes two outputs from that single connection:
//   1. the archive: the segment muxer cuts 60-s (configurable) fragmented MP4 files on
//      keyframes; `empty_moov` + `frag_keyframe` make every file playable while it is written
//      and a crash lose at most the fragment in progress; a CSV segment list, flushed at each
//      close, tells the recorder which files are finished and their exact media times; file
//      names carry ffmpeg's wall-clock (UTC) second at the moment the segment was opened;
//   2. live viewing: MPEG-TS on stdout. TS was chosen over fragmented MP4 for the pipe because
//      a viewer can join at any 188-byte packet (PAT/PMT are repeated), so the server fans the
//      bytes out to any number of viewers without parsing boxes or caching an init segment.
//      Those stdout bytes are also the recorder's proof of life for the stall watchdog.
// Sound is never mapped: municipal video-protection does not record audio.

export interface StreamCredentials {
  username: string;
  password: string;
}

/** The URL with its credentials, for ffmpeg's argument list only: never log the result. */
export function withCredentials(url: string, credentials: StreamCredentials | undefined): string {
  if (!credentials || (!credentials.username && !credentials.password)) return url;
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(credentials.username);
  parsed.password = encodeURIComponent(credentials.password);
  return parsed.toString();
}

export interface RecordingCommandInput {
  /** Main stream URL, without credentials. */
  rtspUrl: string;
  credentials?: StreamCredentials;
  /** Target length of a segment; the cut happens at the first keyframe after it. */
  segmentSeconds: number;
  /** Folder ffmpeg writes into (the volume's incoming folder for this camera). */
  incomingDir: string;
  /** Distinguishes the files of one ffmpeg run from the others: [a-z0-9]+. */
  runTag: string;
  /** ffmpeg gives up a silent socket after this long (its own watchdog, ours is the recorder's). */
  socketTimeoutSeconds?: number;
  /** Live copy on stdout (default true). */
  liveOutput?: boolean;
}

export interface FfmpegCommand {
  args: string[];
  /** Environment the command needs: file names are strftime-expanded in UTC. */
  env: Record<string, string>;
}

export const SEGMENT_LIST_SUFFIX = '.segments.csv';

/** strftime in segment file names must give UTC whatever the server's time zone. */
export const RECORDING_ENV: Readonly<Record<string, string>> = Object.freeze({ TZ: 'UTC' });

export function segmentListPath(incomingDir: string, runTag: string): string {
  return `${incomingDir}/${runTag}${SEGMENT_LIST_SUFFIX}`;
}

/** strftime pattern of segment file names: `<runTag>-20261123T184335Z.mp4`. */
export function segmentFilePattern(incomingDir: string, runTag: string): string {
  return `${incomingDir.replace(/%/g, '%%')}/${runTag}-%Y%m%dT%H%M%SZ.mp4`;
}

const segmentNamePattern = /^([a-z0-9]+)-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\.mp4$/;

/** The run tag and the wall-clock second (epoch ms) a segment's file name carries. */
export function parseSegmentFileName(name: string): { runTag: string; openedAtMs: number } | undefined {
  const match = segmentNamePattern.exec(name);
  if (!match) return undefined;
  const [, runTag, year, month, day, hour, minute, second] = match;
  const openedAtMs = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
  return Number.isNaN(openedAtMs) ? undefined : { runTag: runTag!, openedAtMs };
}

export function recordingCommand(input: RecordingCommandInput): FfmpegCommand {
  if (!/^[a-z0-9]+$/.test(input.runTag)) throw new Error(`invalid run tag ${input.runTag}`);
  if (!(input.segmentSeconds >= 1 && input.segmentSeconds <= 600)) throw new Error(`segment length ${input.segmentSeconds} s outside 1-600 s`);
  const socketTimeoutMicros = Math.round((input.socketTimeoutSeconds ?? 10) * 1_000_000);
  const args = [
    '-hide_banner', '-loglevel', 'warning', '-nostats',
    '-rtsp_transport', 'tcp',
    '-timeout', String(socketTimeoutMicros), // ffmpeg >= 5: socket I/O timeout in µs (4.x named it -stimeout)
    '-i', withCredentials(input.rtspUrl, input.credentials),
    '-map', '0:v:0', '-c', 'copy', '-an',
    '-f', 'segment',
    '-segment_time', String(input.segmentSeconds),
    '-segment_format', 'mp4',
    '-segment_format_options', 'movflags=+frag_keyframe+empty_moov+default_base_moof',
    '-reset_timestamps', '1',
    '-strftime', '1',
    '-segment_list', segmentListPath(input.incomingDir, input.runTag),
    '-segment_list_type', 'csv',
    segmentFilePattern(input.incomingDir, input.runTag),
  ];
  if (input.liveOutput !== false) {
    args.push('-map', '0:v:0', '-c', 'copy', '-an', '-f', 'mpegts', '-mpegts_flags', '+resend_headers', '-flush_packets', '1', 'pipe:1');
  }
  return { args, env: { ...RECORDING_ENV } };
}

export interface SegmentListEntry {
  file: string;
  /** Media time of the segment within its run, seconds. */
  startSeconds: number;
  endSeconds: number;
}

/** Parses the CSV segment list (`file,start,end` per closed segment); ignores a partial last line. */
export function parseSegmentList(text: string): SegmentListEntry[] {
  const entries: SegmentListEntry[] = [];
  const lines = text.split('\n');
  if (!text.endsWith('\n')) lines.pop(); // still being written
  for (const line of lines) {
    const match = /^(.+),(-?[\d.]+),(-?[\d.]+)\s*$/.exec(line);
    if (!match) continue;
    const file = match[1]!.replace(/^"(.*)"$/, '$1');
    entries.push({ file, startSeconds: Number(match[2]), endSeconds: Number(match[3]) });
  }
  return entries;
}

/** ffprobe reading a closed segment: codec, size, frame count (by counting packets) and duration. */
export function probeSegmentArgs(path: string): string[] {
  return [
    '-v', 'error', '-select_streams', 'v:0', '-count_packets',
    '-show_entries', 'stream=codec_name,width,height,nb_read_packets,avg_frame_rate:format=duration',
    '-of', 'json', path,
  ];
}

export interface SegmentProbe {
  codec: string;
  width: number;
  height: number;
  frameCount: number;
  durationMs: number;
  /** Frames actually stored per second (LEGAL 14: measured, never the declared rate). */
  measuredFps: number;
}

export function parseSegmentProbe(json: string): SegmentProbe {
  const parsed = JSON.parse(json) as { streams?: Array<Record<string, unknown>>; format?: { duration?: string } };
  const stream = parsed.streams?.[0];
  if (!stream) throw new Error('no video stream in segment');
  const durationSeconds = Number(parsed.format?.duration ?? Number.NaN);
  const frameCount = Number(stream.nb_read_packets ?? 0);
  const durationMs = Number.isFinite(durationSeconds) ? Math.round(durationSeconds * 1000) : 0;
  return {
    codec: String(stream.codec_name ?? 'unknown'),
    width: Number(stream.width ?? 0),
    height: Number(stream.height ?? 0),
    frameCount,
    durationMs,
    measuredFps: durationMs > 0 ? Math.round((frameCount / (durationMs / 1000)) * 100) / 100 : 0,
  };
}
