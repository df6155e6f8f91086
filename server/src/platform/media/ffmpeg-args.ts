// Pure builders of ffmpeg and ffprobe command lines for recording, and parsers of what those
// tools write back. Nothing here runs a process (platform/processes.ts does).
//
// One ffmpeg per camera pulls the main stream once over RTSP (TCP unless the camera says UDP or
// auto) and, without re-encoding,
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

/** A file ffmpeg reads at start that only Vigie's account may read (it holds a camera's password). */
export interface PrivateInputFile {
  path: string;
  content: string;
}

/** ffmpeg's `-i` for a camera: the arguments, and the private file they name when the camera has credentials. */
export interface CameraInput {
  args: string[];
  privateFile?: PrivateInputFile;
}

/** Protocols the concat demuxer may open for the one camera URL its file names. */
const CAMERA_INPUT_PROTOCOLS = 'file,rtsp,rtsps,tcp,udp,rtp,tls,crypto';

/** One `file` directive of the concat demuxer: single-quoted, a quote written as '\''. */
function ffconcatQuoted(value: string): string {
  if (/[\r\n]/u.test(value)) throw new Error('line break in a camera URL');
  return `'${value.replace(/'/g, "'\\''")}'`;
}

/**
 * How ffmpeg opens a camera without its password on any command line (issue 12: `ps` and
 * /proc/<pid>/cmdline are readable by every local account). Without credentials the URL is the
 * `-i` argument as it is. With credentials, `-i` names a concat-demuxer file (`ffconcat`) that
 * holds the URL with its credentials and the input's options; the caller writes it for Vigie's
 * account only just before the spawn and removes it once ffmpeg has exited. The demuxer hands
 * packets and timestamps through unchanged (checked: same packets, same timestamps as a direct
 * pull). `inputOptions` are the camera input's own (RTSP transport, socket timeout, probing).
 */
export function cameraInputArgs(
  rtspUrl: string,
  credentials: StreamCredentials | undefined,
  inputOptions: ReadonlyArray<readonly [string, string]>,
  privateFilePath: string | undefined,
): CameraInput {
  const flags = inputOptions.flatMap(([key, value]) => [`-${key}`, value]);
  if (!credentials || (!credentials.username && !credentials.password)) return { args: [...flags, '-i', rtspUrl] };
  if (!privateFilePath) throw new Error('a camera with credentials needs a private input file');
  const lines = ['ffconcat version 1.0', `file ${ffconcatQuoted(withCredentials(rtspUrl, credentials))}`];
  for (const [key, value] of inputOptions) {
    if (!/^[a-z_]+$/.test(key) || /\s/u.test(value)) throw new Error(`unexpected input option ${key}`);
    lines.push(`option ${key} ${value}`);
  }
  // The probing options also bound the concat demuxer's own look at its file.
  const probing = inputOptions.filter(([key]) => key === 'probesize' || key === 'analyzeduration').flatMap(([key, value]) => [`-${key}`, value]);
  return {
    args: [...probing, '-f', 'concat', '-safe', '0', '-protocol_whitelist', CAMERA_INPUT_PROTOCOLS, '-i', privateFilePath],
    privateFile: { path: privateFilePath, content: `${lines.join('\n')}\n` },
  };
}

/**
 * ffmpeg's `-i` for the camera's fragmented MP4 piped on stdin (init segment, then one moof + mdat
 * per picture): the moov gives the codec and size, so nothing is probed (the first picture is
 * decoded as soon as it is read, not after the default 5 s of probing). Decode times come from
 * each fragment's tfdt (the mp4 demuxer's `use_tfdt`, on by default).
 */
const PIPED_CAMERA_INPUT_ARGS: readonly string[] = Object.freeze(['-probesize', '32', '-analyzeduration', '0', '-f', 'mp4', '-i', 'pipe:0']);

/** Where a recorder run's private input file goes: beside its segments, in the camera's incoming folder. */
export function recordingInputFilePath(incomingDir: string, runTag: string): string {
  return `${incomingDir}/${runTag}.input.ffconcat`;
}

export interface RecordingCommandInput {
  /** Main stream URL, without credentials. */
  rtspUrl: string;
  credentials?: StreamCredentials;
  /**
   * The camera comes as fragmented MP4 on stdin, fed by Vigie's own RTSP ingest (a masked camera
   * of the native engine): ffmpeg opens no connection and never sees the URL nor its credentials.
   */
  pipedInput?: boolean;
  /** Target length of a segment; the cut happens at the first keyframe after it. */
  segmentSeconds: number;
  /** Folder ffmpeg writes into (the volume's incoming folder for this camera). */
  incomingDir: string;
  /** Distinguishes the files of one ffmpeg run from the others: [a-z0-9]+. */
  runTag: string;
  /** ffmpeg gives up a silent socket after this long (its own watchdog, ours is the recorder's). */
  socketTimeoutSeconds?: number;
  /** How the camera's RTSP stream is received (default `tcp`); see rtspTransportOption. */
  rtspTransport?: 'tcp' | 'udp' | 'auto';
  /** Live copy on stdout (default true). */
  liveOutput?: boolean;
  /** Privacy mask burnt in by Vigie (LEGAL 4): the stream is then re-encoded, once, for both outputs. */
  mask?: RecordingMask;
}

export interface RecordingMask {
  /** PNG, opaque where the picture is hidden, transparent elsewhere (any size: scaled to the picture). */
  imagePath: string;
  /** Keyframe interval of the re-encoded stream (default 1 s): segments and fragments cut on keyframes. */
  gopSeconds?: number;
}

export interface FfmpegCommand {
  args: string[];
  /** Environment the command needs: file names are strftime-expanded in UTC. */
  env: Record<string, string>;
  /** Written for Vigie's account only before the spawn, removed after the exit: the camera's credentials. */
  privateFile?: PrivateInputFile;
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

// ffmpeg's names carry the second; the native engine's the millisecond (`...T081502.123Z.mp4`).
const segmentNamePattern = /^([a-z0-9]+)-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(?:\.(\d{3}))?Z\.mp4$/;

/** The run tag and the wall-clock second (epoch ms) a segment's file name carries. */
export function parseSegmentFileName(name: string): { runTag: string; openedAtMs: number } | undefined {
  const match = segmentNamePattern.exec(name);
  if (!match) return undefined;
  const [, runTag, year, month, day, hour, minute, second, millisecond] = match;
  const openedAtMs = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), Number(millisecond ?? 0));
  return Number.isNaN(openedAtMs) ? undefined : { runTag: runTag!, openedAtMs };
}

/**
 * The live MPEG-TS copy: PAT/PMT at once, each packet flushed, and the length of each video PES
 * written (ffmpeg omits it by default): the live remux's demuxer then hands a picture on as soon
 * as its PES is complete instead of at the start of the next one (one frame period less, 83 ms
 * at 12 frames/s; keyframes above 64 KiB keep an open length, as the format requires).
 */
export const LIVE_TS_OPTIONS: ReadonlyArray<readonly [string, string]> = [
  ['f', 'mpegts'],
  ['mpegts_flags', '+resend_headers'],
  ['omit_video_pes_length', '0'],
  ['flush_packets', '1'],
];

/**
 * ffmpeg's `-rtsp_transport` for the camera's choice. `auto` is `udp+tcp`: ffmpeg sets up over UDP
 * first, over TCP when the camera answers 461 Unsupported Transport, and reconnects over TCP when
 * no packet came over UDP within its socket timeout ("UDP timeout, retrying with TCP"); that
 * fallback lasts one ffmpeg run (the next run tries UDP again).
 */
export function rtspTransportOption(transport: RecordingCommandInput['rtspTransport']): string {
  return transport === 'auto' ? 'udp+tcp' : (transport ?? 'tcp');
}

export function recordingCommand(input: RecordingCommandInput): FfmpegCommand {
  if (!/^[a-z0-9]+$/.test(input.runTag)) throw new Error(`invalid run tag ${input.runTag}`);
  if (!(input.segmentSeconds >= 1 && input.segmentSeconds <= 600)) throw new Error(`segment length ${input.segmentSeconds} s outside 1-600 s`);
  const socketTimeoutMicros = Math.round((input.socketTimeoutSeconds ?? 10) * 1_000_000);
  // ffmpeg >= 5: `timeout` is the socket I/O timeout in µs (4.x named it -stimeout).
  const camera: CameraInput = input.pipedInput
    ? { args: [...PIPED_CAMERA_INPUT_ARGS] }
    : cameraInputArgs(
        input.rtspUrl,
        input.credentials,
        [
          ['rtsp_transport', rtspTransportOption(input.rtspTransport)],
          ['timeout', String(socketTimeoutMicros)],
        ],
        recordingInputFilePath(input.incomingDir, input.runTag),
      );
  if (input.mask) return maskedRecordingCommand(input, input.mask, camera);
  const args = [
    '-hide_banner',
    '-loglevel',
    'warning',
    '-nostats',
    ...camera.args,
    '-map',
    '0:v:0',
    '-c',
    'copy',
    '-an',
    '-f',
    'segment',
    '-segment_time',
    String(input.segmentSeconds),
    '-segment_format',
    'mp4',
    // flush_packets: without it the muxer's output buffer holds the segment in progress (seen: whole 6-s segments),
    // so a crash lost the whole segment instead of at most the fragment in progress (recorder-crash.itest.ts).
    '-segment_format_options',
    'movflags=+frag_keyframe+empty_moov+default_base_moof:flush_packets=1',
    '-reset_timestamps',
    '1',
    '-strftime',
    '1',
    '-segment_list',
    segmentListPath(input.incomingDir, input.runTag),
    '-segment_list_type',
    'csv',
    segmentFilePattern(input.incomingDir, input.runTag),
  ];
  if (input.liveOutput !== false) {
    args.push('-map', '0:v:0', '-c', 'copy', '-an', ...LIVE_TS_OPTIONS.flatMap(([key, value]) => [`-${key}`, value]), 'pipe:1');
  }
  return { args, env: { ...RECORDING_ENV }, privateFile: camera.privateFile };
}

// ---------------------------------------------------------------------------------------------
// Server-side privacy masks (LEGAL 4). The unmasked picture must never be stored nor shown, so
// the mask is applied inside the one ffmpeg that pulls the camera, before either output:
//   input 0: the camera; input 1: the mask PNG, looped at 1 frame/s (cheap; overlay keeps the
//   latest one); scale2ref sizes the mask to the picture (nearest neighbour: the mask's edges
//   stay sharp, no half-transparent border), overlay burns it in; libx264 encodes ONCE, with
//   a keyframe every gopSeconds so that segments and fragments still cut on keyframes, and
//   `-fps_mode passthrough` so that no frame is invented or dropped (LEGAL 14: the recorded
//   rate is the camera's), timestamps kept at 90 kHz as received; the tee muxer writes that one encoded stream to the segment archive
//   (same options as the copy path) and to MPEG-TS on stdout for live viewing.
// `+global_header` puts SPS/PPS in the stream's extradata: the MP4's empty moov needs them up
// front; the MPEG-TS muxer repeats them in front of each keyframe for viewers joining late.

/** Escapes one level of ffmpeg's token syntax (av_get_token): every character but safe ones gets a backslash. */
export function escapeFfmpegToken(value: string): string {
  return value.replace(/[^A-Za-z0-9/._%+-]/gu, (character) => `\\${character}`);
}

/** One output of the tee muxer: `[key=value:...]target`. The whole slave is unescaped once, option values a second time. */
export function teeSlave(options: ReadonlyArray<readonly [string, string]>, target: string): string {
  const rendered = options.map(([key, value]) => `${key}=${escapeFfmpegToken(escapeFfmpegToken(value))}`).join(':');
  return `[${rendered}]${escapeFfmpegToken(target)}`;
}

/** The mask filter graph: picture in `0:v:0`, mask in `1:v:0`, masked picture out as `[masked]`. */
export const MASK_FILTER_GRAPH =
  '[1:v:0][0:v:0]scale2ref=w=iw:h=ih:flags=neighbor[mask][picture];[picture][mask]overlay=format=auto:shortest=1,format=yuv420p[masked]';

/** The copy path's archive muxer and its options (`-f segment -segment_time 60 ...`), as tee options: both paths cut alike by construction. */
function archiveMuxerOptions(input: RecordingCommandInput): Array<[string, string]> {
  const { args } = recordingCommand({ ...input, mask: undefined, liveOutput: false });
  const options = args.slice(args.lastIndexOf('-f'), -1); // the segment muxer's, up to the file pattern (the last argument)
  const pairs: Array<[string, string]> = [];
  for (let index = 0; index < options.length; index += 2) {
    const key = options[index]!;
    if (!key.startsWith('-') || options[index + 1] === undefined) throw new Error(`unexpected archive argument ${key}`);
    pairs.push([key.slice(1), options[index + 1]!]);
  }
  return pairs;
}

function maskedRecordingCommand(input: RecordingCommandInput, mask: RecordingMask, camera: CameraInput): FfmpegCommand {
  const gopSeconds = mask.gopSeconds ?? 1;
  if (!(gopSeconds >= 0.5 && gopSeconds <= 10)) throw new Error(`mask keyframe interval ${gopSeconds} s outside 0.5-10 s`);
  if (!mask.imagePath) throw new Error('mask image path missing');
  const archive = teeSlave(archiveMuxerOptions(input), segmentFilePattern(input.incomingDir, input.runTag));
  const outputs = [archive];
  if (input.liveOutput !== false) outputs.push(teeSlave(LIVE_TS_OPTIONS, 'pipe:1'));
  const args = [
    '-hide_banner',
    '-loglevel',
    'warning',
    '-nostats',
    // Two inputs: each is read by its own thread; the camera's queue must absorb the encoder's start-up.
    '-thread_queue_size',
    '1024',
    ...camera.args,
    ...maskImageInputArgs(mask.imagePath),
    ...maskedEncodeArgs(gopSeconds),
    '-flags',
    '+global_header',
    '-f',
    'tee',
    outputs.join('|'),
  ];
  return { args, env: { ...RECORDING_ENV }, privateFile: camera.privateFile };
}

/** The mask PNG as a second input: looped, re-read once a second, the path as is (never a %d sequence). */
export function maskImageInputArgs(imagePath: string): string[] {
  return ['-f', 'image2', '-pattern_type', 'none', '-loop', '1', '-framerate', '1', '-i', imagePath];
}

/**
 * The mask overlaid (MASK_FILTER_GRAPH) and the result encoded once with x264, a keyframe every
 * `gopSeconds`, every frame kept with its time, on the 1/90000 time base of the camera's RTP
 * clock (a 1/fps time base rounds jittered frame times onto each other). The recorder and the
 * playback re-encode burn masks in the same way.
 */
export function maskedEncodeArgs(gopSeconds: number): string[] {
  return [
    '-filter_complex',
    MASK_FILTER_GRAPH,
    '-map',
    '[masked]',
    '-an',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-tune',
    'zerolatency',
    '-pix_fmt',
    'yuv420p',
    '-force_key_frames',
    `expr:gte(t,n_forced*${gopSeconds})`,
    '-fps_mode',
    'passthrough',
    '-enc_time_base',
    '1/90000',
  ];
}

/** One decoded frame of a recorded file as 8-bit gray pixels on stdout, scaled to exactly width x height. */
export function grabGrayFrameArgs(path: string, width: number, height: number, seekSeconds = 0): string[] {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 2 || height < 2 || width > 7680 || height > 4320)
    throw new Error(`invalid frame size ${width}x${height}`);
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    ...(seekSeconds > 0 ? ['-ss', String(seekSeconds)] : []),
    '-i',
    path,
    '-map',
    '0:v:0',
    '-frames:v',
    '1',
    '-vf',
    `scale=${width}:${height}:flags=area`,
    '-pix_fmt',
    'gray',
    '-f',
    'rawvideo',
    'pipe:1',
  ];
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
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-count_packets',
    '-show_entries',
    'stream=codec_name,width,height,nb_read_packets,avg_frame_rate:format=duration',
    '-of',
    'json',
    path,
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
