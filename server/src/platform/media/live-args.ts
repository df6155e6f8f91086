// Pure builders of the ffmpeg command lines of live viewing (platform/processes.ts runs them).
//
// Every live source writes fragmented MP4 on stdout, one fragment per picture
// (`frag_every_frame`; `frag_keyframe` keeps every keyframe at a fragment's start), after an
// empty moov: the server cuts stdout into an init segment and fragments and fans them out to
// WebSocket viewers and the HLS window. Measured on loopback at 12 frames/s: a picture leaves
// this ffmpeg about one frame period after it came in (the muxer writes a fragment when it
// knows its duration, i.e. at the next picture).
//   - main stream: the recorder's MPEG-TS live copy piped into stdin, remuxed without
//     re-encoding. The pipe starts with the recorder's cached GOP (PAT, PMT, keyframe, ...):
//     `-probesize 32 -analyzeduration 0` makes ffmpeg start on it at once (about 60 ms) and
//     keep it; `-fflags nobuffer` must NOT be used, it drops the probed packets (the cached
//     keyframe) and the first picture then waits for the next keyframe.
//   - sub-stream: a live-only RTSP pull of the camera's sub-stream (the recorder records the
//     main stream only), started without probing too (first keyframe ~0.25 s after the
//     spawn instead of ~1.9 s), copied, or re-encoded when Vigie burns privacy masks in (LEGAL 4):
//     the same overlay as the recorder's, scaled to the sub-stream's size.
//   - `transcodeToH264`: H.265 re-encoded to H.264 (x264 ultrafast, zerolatency) for browsers
//     without H.265; the decoder uses slice threads only (frame threads would hold pictures).
// Sound is never mapped.
import { cameraInputArgs, MASK_FILTER_GRAPH, type PrivateInputFile, type StreamCredentials } from './ffmpeg-args.ts';

/** Flags of the fragmented MP4 every live source writes. */
export const LIVE_MOVFLAGS = 'empty_moov+default_base_moof+frag_keyframe+frag_every_frame';

/** Keyframe interval of what the live server re-encodes (masked sub-streams, transcodes). */
export const LIVE_GOP_SECONDS = 1;

const common = ['-hide_banner', '-loglevel', 'warning', '-nostats'];
const fragmentedMp4Output = ['-f', 'mp4', '-movflags', LIVE_MOVFLAGS, '-flush_packets', '1', 'pipe:1'];

function h264Encode(gopSeconds: number): string[] {
  if (!(gopSeconds >= 0.5 && gopSeconds <= 10)) throw new Error(`live keyframe interval ${gopSeconds} s outside 0.5-10 s`);
  return [
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-tune',
    'zerolatency',
    '-pix_fmt',
    'yuv420p',
    '-force_key_frames',
    `expr:gte(t,n_forced*${gopSeconds})`,
    '-fps_mode',
    'passthrough', // no frame invented nor dropped (LEGAL 14)
  ];
}

/** What the recorder's live copy is: the ffmpeg engine's MPEG-TS, the native engine's fragmented MP4. */
export type LiveInputFormat = 'mpegts' | 'mp4';

export interface LiveRemuxInput {
  /** Re-encode to H.264 (the input is H.265 and the viewer's browser cannot show it). */
  transcodeToH264?: boolean;
  gopSeconds?: number;
  /** Default mpegts. */
  inputFormat?: LiveInputFormat;
}

/** The recorder's live copy on stdin -> fragmented MP4 on stdout. */
export function liveRemuxArgs(input: LiveRemuxInput = {}): string[] {
  return [
    ...common,
    '-probesize',
    '32',
    '-analyzeduration',
    '0',
    ...(input.transcodeToH264 ? ['-thread_type', 'slice'] : []),
    '-f',
    input.inputFormat ?? 'mpegts',
    '-i',
    'pipe:0',
    '-map',
    '0:v:0',
    '-an',
    ...(input.transcodeToH264 ? h264Encode(input.gopSeconds ?? LIVE_GOP_SECONDS) : ['-c:v', 'copy']),
    ...fragmentedMp4Output,
  ];
}

export interface LiveRtspInput {
  /** Sub-stream URL, without credentials. */
  rtspUrl: string;
  credentials?: StreamCredentials;
  socketTimeoutSeconds?: number;
  /** Privacy mask burnt in (LEGAL 4): PNG, opaque where hidden, scaled to the picture. */
  maskImagePath?: string;
  transcodeToH264?: boolean;
  gopSeconds?: number;
  /** Where the credentials file goes (required when there are credentials: they never go on the command line). */
  privateFilePath?: string;
}

/** A live-only RTSP pull (sub-stream) -> fragmented MP4 on stdout; re-encoded when masked or transcoded. */
export function liveRtspArgs(input: LiveRtspInput): { args: string[]; privateFile?: PrivateInputFile } {
  const socketTimeoutMicros = Math.round((input.socketTimeoutSeconds ?? 10) * 1_000_000);
  const reencode = input.maskImagePath !== undefined || input.transcodeToH264 === true;
  if (input.maskImagePath !== undefined && !input.maskImagePath) throw new Error('mask image path missing');
  const camera = cameraInputArgs(
    input.rtspUrl,
    input.credentials,
    [
      // The SDP carries the parameter sets: no probing needed (it held the first picture ~1.7 s back).
      ['probesize', '32'],
      ['analyzeduration', '0'],
      ['rtsp_transport', 'tcp'],
      ['timeout', String(socketTimeoutMicros)],
    ],
    input.privateFilePath,
  );
  const args = [...common, ...(reencode ? ['-thread_type', 'slice'] : []), ...(input.maskImagePath ? ['-thread_queue_size', '1024'] : []), ...camera.args];
  if (input.maskImagePath) {
    args.push(
      '-f',
      'image2',
      '-pattern_type',
      'none',
      '-loop',
      '1',
      '-framerate',
      '1',
      '-i',
      input.maskImagePath,
      '-filter_complex',
      MASK_FILTER_GRAPH,
      '-map',
      '[masked]',
    );
  } else {
    args.push('-map', '0:v:0');
  }
  args.push('-an', ...(reencode ? h264Encode(input.gopSeconds ?? LIVE_GOP_SECONDS) : ['-c:v', 'copy']), ...fragmentedMp4Output);
  return { args, privateFile: camera.privateFile };
}

/** The last picture of an MPEG-TS file (the recorder's cached GOP) as a JPEG file. */
export function stillJpegArgs(inputPath: string, outputPath: string, inputFormat: LiveInputFormat = 'mpegts'): string[] {
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    '-f',
    inputFormat,
    '-i',
    inputPath,
    '-map',
    '0:v:0',
    '-an',
    // Every decoded picture overwrites the file: the last one of the GOP stays, the newest.
    '-update',
    '1',
    '-q:v',
    '3',
    '-f',
    'image2',
    '-y',
    outputPath,
  ];
}
