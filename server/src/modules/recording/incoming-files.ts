// The files in the cameras' `.incoming` folders of a volume (issue 11 item 9). ffmpeg writes
// each segment there as `<run>-<YYYYMMDD>T<HHMMSS>Z.mp4`, named with the UTC second it opened
// the file (`strftime`, TZ=UTC): that name is the footage's start even when no index row
// exists. A crash leaves files there that only that camera's next recorder start would index;
// a camera removed, unauthorised or moved to another volume never comes back for them, so the
// purge and `recordings verify` read them here, camera in the inventory or not.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSegmentFileName } from '../../platform/media/ffmpeg-args.ts';
import { INCOMING_FOLDER } from './recorder.ts';
import type { StorageVolume } from './recording.types.ts';

/** ffmpeg cuts a segment after at most 600 s (VIGIE_SEGMENT_SECONDS), on the next keyframe. */
const MAX_SEGMENT_MS = 600_000 + 10_000;

export interface IncomingFile {
  volume: string;
  /** Relative to the volume root, `/`-separated: `<commune>/<camera>/.incoming/<name>`. */
  path: string;
  communeInsee: string;
  cameraId: string;
  name: string;
  /** Null when the name is not a recorder's segment name (then no time is known). */
  runTag: string | null;
  /** The second ffmpeg opened the file (from its name), null if the name says none. */
  startMs: number | null;
  /** Last write (the segment's end, roughly), kept within the longest segment (10 minutes) after its start. */
  endMs: number;
  bytes: number;
}

async function directories(folder: string): Promise<string[]> {
  try {
    return (await readdir(folder, { withFileTypes: true })).filter((entry) => entry.isDirectory() && !entry.name.startsWith('.')).map((entry) => entry.name);
  } catch {
    return [];
  }
}

/** Every `.mp4` file of every `<commune>/<camera>/.incoming/` folder of the volume (an unreadable folder is skipped). */
export async function* incomingFiles(volume: StorageVolume): AsyncGenerator<IncomingFile> {
  for (const communeInsee of await directories(volume.root)) {
    for (const cameraId of await directories(join(volume.root, communeInsee))) {
      const folder = join(volume.root, communeInsee, cameraId, INCOMING_FOLDER);
      let names: string[];
      try {
        names = await readdir(folder);
      } catch {
        continue;
      }
      for (const name of names.filter((candidate) => candidate.endsWith('.mp4')).sort()) {
        let info: Awaited<ReturnType<typeof stat>>;
        try {
          info = await stat(join(folder, name));
        } catch {
          continue; // indexed (moved out) or removed meanwhile
        }
        if (!info.isFile()) continue;
        const parsed = parseSegmentFileName(name);
        const startMs = parsed?.openedAtMs ?? null;
        yield {
          volume: volume.name,
          path: `${communeInsee}/${cameraId}/${INCOMING_FOLDER}/${name}`,
          communeInsee,
          cameraId,
          name,
          runTag: parsed?.runTag ?? null,
          startMs,
          endMs: startMs === null ? Math.round(info.mtimeMs) : Math.min(Math.max(startMs, Math.round(info.mtimeMs)), startMs + MAX_SEGMENT_MS),
          bytes: info.size,
        };
      }
    }
  }
}
