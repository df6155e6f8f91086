// Pure builders of the ffmpeg command lines of live viewing (platform/processes.ts runs them).
//
// Every live source writes fragmented MP4 on stdout, one fragment per picture
// (`frag_every_frame`; `frag_keyframe` keeps every keyframe at a fragment's start), after an
// empty moov: the server cuts stdout into an init segment and fragments and fans them out to
// WebSocket viewers and the HLS window. Measured on loopback at 12 frames/s: a picture leaves
// this ffmpeg about one frame period after it came in (the muxer writes a fragment when it
// knows its duration, i.e. at the next picture).
//   - main stream: the recorder's live copy piped into stdin (the ffmpeg engine's MPEG-TS, or
//     the native engine's fragmented MP4 when it must be transcoded), remuxed without
//     re-encoding. The pipe starts with the recorder's cached GOP (PAT, PMT, keyframe, ...):
//     `-probesize 32 -analyzeduration 0` makes ffmpeg start on it at once (about 60 ms) and
//     keep it; `-fflags nobuffer` must NOT be used, it drops the probed packets (the cached
//     keyframe) and the first picture then waits for the next keyframe.
//   - sub-stream: received by Vigie's own RTSP ingest (issue 12 item 4); ffmpeg runs only when
//     it must re-encode, fed the ingest's fragmented MP4 on stdin (it opens no camera, knows no
//     URL nor credentials): Vigie burns privacy masks in (LEGAL 4, the same overlay as the
//     recorder's, scaled to the sub-stream's size), or the camera is H.265 and the browser
//     wants H.264.
//   - `transcodeToH264`: H.265 re-encoded to H.264 (x264 ultrafast, zerolatency) for browsers
//     without H.265; the decoder uses slice threads only (frame threads would hold pictures).
// Sound is never mapped.
import { MASK_FILTER_GRAPH, maskImageInputArgs } from './ffmpeg-args.ts';

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
  /** Privacy mask burnt in (LEGAL 4, a sub-stream): PNG, opaque where hidden, scaled to the picture; re-encoded to H.264. */
  maskImagePath?: string;
}

/** The recorder's live copy, or the sub-stream ingest's, on stdin -> fragmented MP4 on stdout; re-encoded when masked or transcoded. */
export function liveRemuxArgs(input: LiveRemuxInput = {}): string[] {
  if (input.maskImagePath !== undefined && !input.maskImagePath) throw new Error('mask image path missing');
  const masked = input.maskImagePath !== undefined;
  const reencode = masked || input.transcodeToH264 === true;
  return [
    ...common,
    '-probesize',
    '32',
    '-analyzeduration',
    '0',
    ...(reencode ? ['-thread_type', 'slice'] : []),
    // Two inputs when masked: each is read by its own thread; the picture's queue must absorb the encoder's start-up.
    ...(masked ? ['-thread_queue_size', '1024'] : []),
    '-f',
    input.inputFormat ?? 'mpegts',
    '-i',
    'pipe:0',
    ...(input.maskImagePath ? [...maskImageInputArgs(input.maskImagePath), '-filter_complex', MASK_FILTER_GRAPH, '-map', '[masked]'] : ['-map', '0:v:0']),
    '-an',
    ...(reencode ? h264Encode(input.gopSeconds ?? LIVE_GOP_SECONDS) : ['-c:v', 'copy']),
    ...fragmentedMp4Output,
  ];
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
