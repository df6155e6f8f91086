// Helpers of exports.itest.ts: the command-line tools a court expert would run (ffprobe,
// minisign, sha256sum, unzip), how the ZIP stores each entry, and the test's mask polygons.
import { openPromise, type Entry } from 'yauzl';
import type { MaskPolygon } from '../../platform/media/mask-image.ts';
import { runToCompletion } from '../../platform/process-runs.ts';

export const quarterA: MaskPolygon = [
  [0, 0],
  [0.5, 0],
  [0.5, 0.5],
  [0, 0.5],
];
export const quarterC: MaskPolygon = [
  [0, 0.5],
  [0.5, 0.5],
  [0.5, 1],
  [0, 1],
];

/** Runs a tool (in `cwd` through sh when given); its exit code and output. */
export const tool = async (command: string, args: string[], cwd?: string) => {
  const result = await runToCompletion(cwd ? 'sh' : command, cwd ? ['-c', `cd '${cwd}' && ${command} ${args.join(' ')}`] : args, { timeoutMs: 60_000 });
  return { code: result.code, out: `${result.stdout.toString('utf8')}${result.stderr}` };
};
export const probe = async (file: string) => {
  const { out } = await tool('ffprobe', [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-count_packets',
    '-show_data_hash',
    'SHA256',
    '-show_entries',
    'stream=codec_name,profile,level,width,height,pix_fmt,nb_read_packets,extradata_hash',
    '-of',
    'json',
    file,
  ]);
  return (JSON.parse(out) as { streams: Record<string, string | number>[] }).streams[0]!;
};

/** Each video packet's time (s) and whether it is a keyframe. */
export async function packetTimes(file: string): Promise<Array<{ at: number; key: boolean }>> {
  const { out } = await tool('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', file]);
  return out
    .trim()
    .split('\n')
    .map((line) => ({ at: Number(line.split(',')[0]), key: line.split(',')[1]!.includes('K') }));
}

/** The compression method of each entry of a ZIP (0 stored, 8 deflated). */
export async function zipMethods(zip: string): Promise<Map<string, number>> {
  const archive = await openPromise(zip, { lazyEntries: true, autoClose: false });
  try {
    return await new Promise<Map<string, number>>((resolve, reject) => {
      const found = new Map<string, number>();
      archive.on('entry', (entry: Entry) => {
        found.set(entry.fileName, entry.compressionMethod);
        archive.readEntry();
      });
      archive.on('end', () => resolve(found));
      archive.on('error', reject);
      archive.readEntry();
    });
  } finally {
    archive.close();
  }
}
