// The figures of `./vigie bench record` (bench/record.ts): percentiles, formatting, memory
// samples, and the native/ffmpeg comparison printed when both engines ran on the same cameras.
import { memorySample } from './proc-stats.ts';
import { printTable } from './table.ts';

export type Engine = 'native' | 'ffmpeg';

export function percentile(sorted: number[], fraction: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

export const sum = (list: number[]) => list.reduce((total, value) => total + value, 0);
export const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
export const thousands = (value: number) => value.toLocaleString('en-US');

export function pss(pid: number | undefined): number {
  try {
    return pid === undefined ? 0 : (memorySample(pid).pssMiB ?? 0);
  } catch {
    return 0;
  }
}

export interface EngineFigures {
  engine: Engine;
  recordingCpu: number;
  cpuPerCamera: number;
  /** What recording adds to the memory, per camera: the recorders' PSS plus this process's growth since before they started. */
  pssPerCamera: number;
  p99Latency: number;
  anchorP99: number;
  framesShort: number;
  coveredPercent: number;
}

/** The two engines side by side, and what the native one costs of the ffmpeg one. */
export function printRatios(native: EngineFigures, ffmpeg: EngineFigures, cameras: number): void {
  const ratio = (a: number, b: number) =>
    a <= 0 ? 'n/a (below the measurement noise)' : b > 0 ? `${fixed(a / b, 3)} (x${fixed(b / Math.max(a, 1e-9), 1)} cheaper)` : 'n/a';
  printTable(
    [
      [
        'CPU recording, % of one core',
        `${fixed(native.recordingCpu)} / ${fixed(ffmpeg.recordingCpu)}    native/ffmpeg ${ratio(native.recordingCpu, ffmpeg.recordingCpu)}`,
      ],
      [
        'memory added per camera, MiB PSS',
        `${fixed(native.pssPerCamera, 2)} / ${fixed(ffmpeg.pssPerCamera, 2)}    native/ffmpeg ${ratio(native.pssPerCamera, ffmpeg.pssPerCamera)}`,
      ],
      ['segment-close latency p99, s', `${fixed(native.p99Latency / 1000, 2)} / ${fixed(ffmpeg.p99Latency / 1000, 2)}`],
      ['segment time error |p99|, ms', `${fixed(native.anchorP99, 0)} / ${fixed(ffmpeg.anchorP99, 0)}`],
      [
        'frames short / time recorded',
        `${native.framesShort}, ${fixed(native.coveredPercent, 2)} % / ${ffmpeg.framesShort}, ${fixed(ffmpeg.coveredPercent, 2)} %`,
      ],
      ['target (native): CPU', judged(`${fixed(native.recordingCpu)} % of one core`, '<= 50 %', native.recordingCpu <= 50)],
      ['target (native): memory', judged(`${fixed(native.pssPerCamera, 2)} MiB PSS per camera`, '<= 1 MiB', native.pssPerCamera <= 1)],
      ['target (native): close to indexed', judged(`p99 ${fixed(native.p99Latency / 1000, 2)} s`, '< 2 s', native.p99Latency < 2000)],
      ['target (native): segment time error', judged(`p99 ${fixed(native.anchorP99, 0)} ms`, '< 50 ms', native.anchorP99 < 50)],
    ],
    `vigie bench record: native / ffmpeg, ${cameras} cameras, same simulated cameras`,
  );
}

/** "figure   target ...   PASS": the target beside the figure. */
export function judged(figure: string, target: string, pass: boolean): string {
  return `${figure.padEnd(44)} target ${target.padEnd(22)} ${pass ? 'PASS' : 'FAIL'}`;
}

/** A figure judged against its target only when `target` is given (issue 12's targets are the native engine's). */
export function judgedIf(figure: string, target: string | undefined, pass: boolean): string {
  return target === undefined ? figure : judged(figure, target, pass);
}

/**
 * How far a segment's indexed start is from the picture that started it, on the simulator's
 * own clock: the simulator serves its loop aligned to the Unix epoch (picture n of the loop at
 * tick n, tick k at k x 1000 / fps ms), so with a loop of whole GOPs every keyframe is sent at a
 * multiple of the GOP, and a segment starts on a keyframe. NaN when the loop is not a whole
 * number of GOPs (no grid to compare with).
 */
export function keyframeGridError(startMs: number, settings: { gopSeconds: number; loopSeconds: number }): number {
  const gopMs = settings.gopSeconds * 1000;
  if (!(settings.loopSeconds % settings.gopSeconds === 0)) return Number.NaN;
  const offset = ((startMs % gopMs) + gopMs) % gopMs;
  return offset > gopMs / 2 ? offset - gopMs : offset;
}
