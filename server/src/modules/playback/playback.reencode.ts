// Re-encoding a stored segment with the current privacy mask burnt in (LEGAL 4: a segment
// recorded before the camera's latest mask change is never served raw). The argument list is
// a pure builder (tested as an array); the run goes through platform/processes.ts, streams
// fragmented MP4 from ffmpeg's stdout, and ends the child (by its own handle) when the client
// leaves, the deadline passes, or too much output piles up unread.
import type { Readable } from 'node:stream';
import { maskedEncodeArgs, maskImageInputArgs } from '../../platform/media/ffmpeg-args.ts';
import { FFMPEG_PATH, silentLog, type ProcessLog, type Spawner, type Timers } from '../../platform/processes.ts';
import { runStreaming } from '../../platform/process-runs.ts';

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
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostats',
    '-nostdin',
    '-i',
    segmentPath,
    ...maskImageInputArgs(maskImagePath),
    ...maskedEncodeArgs(gopSeconds),
    '-f',
    'mp4',
    '-movflags',
    '+frag_keyframe+empty_moov+default_base_moof',
    'pipe:1',
  ];
}

export interface ReencodeOptions {
  /** The child is killed past this (a 60-s segment re-encodes in a few seconds). */
  timeoutMs: number;
  /** Output waiting for a slow client beyond this ends the child: memory stays bounded. */
  maxBufferedBytes?: number;
  /** ffmpeg's command (config.ts's `tools.ffmpegPath`); default: `ffmpeg` on PATH. */
  ffmpegPath?: string;
  /** Aborting ends the child (the client left before the answer). */
  signal?: AbortSignal;
  spawner?: Spawner;
  timers?: Timers;
  log?: ProcessLog;
}

/** Runs one re-encode; resolves with the output stream once ffmpeg has written its first bytes. */
export type Reencoder = (args: readonly string[], options: ReencodeOptions) => Promise<Readable>;

// A plain Error: the client gets a 500 without details, the log keeps ffmpeg's words.
const reencodeFailed = (detail: string) => new Error(`playback re-encode failed: ${detail}`);

export const ffmpegReencoder: Reencoder = async (args, options) => {
  const log = options.log ?? silentLog;
  // No quit command: the arguments say -nostdin, so stopping starts at SIGTERM (SIGKILL 2 s later).
  const run = runStreaming(options.ffmpegPath ?? FFMPEG_PATH, args, {
    name: 'playback re-encode',
    timeoutMs: options.timeoutMs,
    maxBufferedBytes: options.maxBufferedBytes ?? 64 * 1024 * 1024,
    termGraceMs: 2000,
    signal: options.signal,
    spawner: options.spawner,
    timers: options.timers,
    log,
  });
  void run.done.then((result) => {
    if (result.reason === 'timeout') log.warn({ pid: result.pid, timeoutMs: options.timeoutMs }, 'playback re-encode past its deadline, killed');
    else if (result.reason === 'overflow') log.warn({ pid: result.pid }, 'playback client too slow, re-encode stopped');
  });
  try {
    await run.firstOutput;
  } catch (error) {
    throw reencodeFailed((error as Error).message);
  }
  return run.stdout;
};
