// Shared by the simulator's integration tests: small, fast cameras and client-side probes.
import { startSimulator, type Simulator, type SimulatorOptions } from '../src/index.ts';
import { runFfmpeg, runFfprobe, type RunResult } from '../src/processes.ts';
import type { SimCameraInfo } from '../src/camera.ts';

/** 320x180 and 160x90 pictures, 4-second loops, 1-second GOPs: quick to encode and to join. */
export function startSmallSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  return startSimulator({
    loopSeconds: 4,
    main: { width: 320, height: 180, fps: 12, bitrateKbps: 300, gopSeconds: 1 },
    sub: { width: 160, height: 90, fps: 12, bitrateKbps: 100, gopSeconds: 1 },
    encodeConcurrency: 2,
    ...options,
  });
}

export function withCredentials(url: string, camera: SimCameraInfo, password = camera.credentials.password): string {
  return url.replace('rtsp://', `rtsp://${camera.credentials.username}:${encodeURIComponent(password)}@`);
}

export interface ProbedStream {
  codec_name: string;
  width: number;
  height: number;
  r_frame_rate: string;
}

export async function probe(url: string): Promise<{ result: RunResult; stream: ProbedStream | undefined }> {
  const result = await runFfprobe(
    ['-v', 'error', '-analyzeduration', '1000000', '-rtsp_transport', 'tcp', '-timeout', '5000000', '-print_format', 'json', '-show_streams', url],
    { timeoutMs: 20_000, allowFailure: true },
  );
  let stream: ProbedStream | undefined;
  try {
    stream = (JSON.parse(result.stdout.toString('utf8')) as { streams?: ProbedStream[] }).streams?.[0];
  } catch {
    stream = undefined;
  }
  return { result, stream };
}

/** Decodes `seconds` of a stream with ffmpeg and returns its log (filters may print there). */
export function decode(url: string, seconds: number, filters?: string, transport: 'tcp' | 'udp' = 'tcp'): Promise<RunResult> {
  return runFfmpeg(
    [
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'info',
      '-rtsp_transport',
      transport,
      '-timeout',
      '5000000',
      '-i',
      url,
      '-t',
      String(seconds),
      ...(filters ? ['-vf', filters] : []),
      '-f',
      'null',
      '-',
    ],
    { timeoutMs: (seconds + 15) * 1000, allowFailure: true },
  );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Frames ffmpeg reports having processed (its last progress line). */
export function framesDecoded(stderr: string): number {
  const counts = [...stderr.matchAll(/frame=\s*(\d+)/g)].map((match) => Number(match[1]));
  return counts.at(-1) ?? 0;
}

export interface PictureStats {
  frames: number;
  luma: number;
  chromaU: number;
  chromaV: number;
}

/** Mean brightness and colour of `seconds` of a stream, as ffmpeg's signalstats measures them. */
export async function pictureStats(url: string, seconds = 1.5): Promise<PictureStats> {
  const { stderr } = await runFfmpeg(
    [
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'info',
      '-rtsp_transport',
      'tcp',
      '-timeout',
      '5000000',
      '-i',
      url,
      '-t',
      String(seconds),
      '-vf',
      'signalstats,metadata=print',
      '-f',
      'null',
      '-',
    ],
    { timeoutMs: (seconds + 15) * 1000, allowFailure: true },
  );
  const mean = (key: string) => {
    const values = [...stderr.matchAll(new RegExp(`lavfi\\.signalstats\\.${key}=([\\d.]+)`, 'g'))].map((match) => Number(match[1]));
    return values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : Number.NaN;
  };
  return { frames: [...stderr.matchAll(/lavfi\.signalstats\.YAVG=/g)].length, luma: mean('YAVG'), chromaU: mean('UAVG'), chromaV: mean('VAVG') };
}
