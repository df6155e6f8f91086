// bench record: what its table means, and the CPU profile of its measured window.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

/** What the table's rows mean, printed under it. */
export const READING_NOTES = [
  '',
  'How to read it:',
  `  - Frames: only segments that started and ended inside the window are counted (edge segments, cut by the window, are left out);`,
  `    each is expected to hold round(fps x its media duration) frames and "short" sums what a segment holds less than that.`,
  `    "Time recorded" clips every segment to the window and adds up what is covered, so edge segments count there for their inside part.`,
  '  - CPU is in percent of one core over the window (/proc/<pid>/stat); a camera whose ffmpeg restarted in the window is left out of the',
  '    per-camera figures and is not "recorded through". The Vigie process figure includes this benchmark\'s own sampling (small).',
  '  - Segment-close latency = when the `segment` event fired minus when ffmpeg closed the file (its mtime: the close is its last',
  '    write): the 1-s poll of the segment list, ffprobe, hashing, the move and the SQL transaction.',
  '  - "Indexed end minus real close" is the error of the wall-clock times written in the index: a run\'s first segment is anchored',
  "    on its file name's UTC second, and every later one follows by media durations, so the whole run carries that anchor's error.",
].join('\n');

/** A CPU profile of this process's main thread over the measured window only (`--profile FILE`: open it in Chrome's DevTools). */
export async function startProfile(): Promise<{ stop(path: string): Promise<void> }> {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
  await post('Profiler.enable');
  await post('Profiler.start');
  return {
    async stop(path) {
      const { profile } = (await post('Profiler.stop')) as { profile: object };
      writeFileSync(path, JSON.stringify(profile));
      session.disconnect();
      process.stderr.write(`  CPU profile of the window: ${path}\n`);
    },
  };
}

/** The recorders' log warnings and ffmpeg's stderr lines, counted (digits as N). */
export function printLogSummary(warnings: ReadonlyMap<string, number>, ffmpegLines: ReadonlyMap<string, number>): void {
  const noisy = [...warnings.entries()];
  if (noisy.length > 0) console.log(`\nRecorder log warnings: ${noisy.map(([message, times]) => `${message} x${times}`).join('; ')}`);
  if (ffmpegLines.size > 0)
    console.log(
      `ffmpeg stderr lines (digits as N): ${[...ffmpegLines.entries()]
        .slice(0, 5)
        .map(([line, times]) => `"${line}" x${times}`)
        .join('; ')}`,
    );
}
