// Re-encoding a stored segment with the current privacy mask burnt in (LEGAL 4: a segment
// recorded before the camera's latest mask change is never served raw). The argument list is
// a pure builder (tested as an array); the run goes through platform/processes.ts, streams
// fragmented MP4 from ffmpeg's stdout, and ends the child (by its own handle) when the client
// leaves, the deadline passes, or too much output piles up unread.
import { Readable } from 'node:stream';
import { MASK_FILTER_GRAPH } from '../../platform/media/ffmpeg-args.ts';
import { FFMPEG_PATH, nodeSpawner, redactedCommandLine, silentLog, type ProcessLog, type Spawner } from '../../platform/processes.ts';

/**
 * ffmpeg reading one segment file and the mask PNG (looped, re-read once a second), overlaying
 * the mask exactly as the recorder does (same filter graph: nearest-neighbour scaling, no soft
 * edge), encoding once with x264, a keyframe every `gopSeconds`, every frame kept with its
 * time (no frame invented or dropped), into a self-contained fragmented MP4 on stdout whose
 * timestamps start at 0, like the stored files.
 */
export function maskedSegmentArgs(segmentPath: string, maskImagePath: string, gopSeconds = 1): string[] {
  if (!segmentPath || !maskImagePath) throw new Error('segment and mask paths are required');
  if (!(gopSeconds >= 0.5 && gopSeconds <= 10)) throw new Error(`keyframe interval ${gopSeconds} s outside 0.5-10 s`);
  return [
    '-hide_banner', '-loglevel', 'error', '-nostats', '-nostdin',
    '-i', segmentPath,
    '-f', 'image2', '-pattern_type', 'none', '-loop', '1', '-framerate', '1', '-i', maskImagePath,
    '-filter_complex', MASK_FILTER_GRAPH,
    '-map', '[masked]', '-an',
    '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p',
    '-force_key_frames', `expr:gte(t,n_forced*${gopSeconds})`,
    '-fps_mode', 'passthrough',
    '-enc_time_base', '1/90000',
    '-f', 'mp4', '-movflags', '+frag_keyframe+empty_moov+default_base_moof',
    'pipe:1',
  ];
}

export interface ReencodeOptions {
  /** The child is killed past this (a 60-s segment re-encodes in a few seconds). */
  timeoutMs: number;
  /** Output waiting for a slow client beyond this ends the child: memory stays bounded. */
  maxBufferedBytes?: number;
  spawner?: Spawner;
  log?: ProcessLog;
}

/** Runs one re-encode; resolves with the output stream once ffmpeg has written its first bytes. */
export type Reencoder = (args: readonly string[], options: ReencodeOptions) => Promise<Readable>;

// A plain Error: the client gets a 500 without details, the log keeps ffmpeg's words.
const reencodeFailed = (detail: string) => new Error(`playback re-encode failed: ${detail}`);

export const ffmpegReencoder: Reencoder = (args, options) => {
  const spawner = options.spawner ?? nodeSpawner;
  const log = options.log ?? silentLog;
  const maxBuffered = options.maxBufferedBytes ?? 64 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const child = spawner(FFMPEG_PATH, args, {});
    log.info({ pid: child.pid, command: redactedCommandLine(FFMPEG_PATH, args) }, 'playback re-encode started');
    let exited = false;
    let started = false;
    let stderr = '';
    const stop = () => {
      if (exited) return;
      child.kill('SIGTERM');
      setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 2000).unref();
    };
    const output = new Readable({ read: () => undefined, destroy: (error, done) => { stop(); done(error); } });
    const deadline = setTimeout(() => {
      log.warn({ pid: child.pid, timeoutMs: options.timeoutMs }, 'playback re-encode past its deadline, killed');
      stop();
    }, options.timeoutMs);
    child.onStdout((chunk) => {
      if (output.destroyed) return;
      output.push(chunk);
      if (!started) {
        started = true;
        resolve(output);
      }
      if (output.readableLength > maxBuffered) {
        log.warn({ pid: child.pid, buffered: output.readableLength }, 'playback client too slow, re-encode stopped');
        output.destroy(new Error('client too slow'));
      }
    });
    child.onStderr((chunk) => {
      if (stderr.length < 8000) stderr += chunk.toString('utf8');
    });
    child.onExit((code, signal, error) => {
      exited = true;
      clearTimeout(deadline);
      if (!started) return reject(reencodeFailed(error?.message ?? `ffmpeg exit ${code ?? signal}: ${stderr.trim().slice(0, 500)}`));
      if (code === 0) output.push(null);
      else if (!output.destroyed) output.destroy(new Error(`ffmpeg exit ${code ?? signal}`));
    });
  });
};
