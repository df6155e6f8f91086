// `./vigie bench sim [--cameras 200] [--duration 60] [--profile main|sub] [--loop-seconds 10]
// [--live-ptz 0] [--distinct-pictures N]`: starts the camera simulator in its own process, pulls every camera's stream
// with one lightweight RTSP client (TCP interleaved, no decoding) from this process, and reports
// the simulator's CPU (percent of one core, from /proc/<pid>/stat), its memory (RSS and PSS)
// the bitrate each client got, and how late pictures arrived against their RTP timestamps (a
// picture is late when it arrives over 100 ms after the best-placed pictures of its stream).
// The clients' own CPU is not counted.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startNodeScript } from '../simulator/src/processes.ts';
import { RtspClient } from '../simulator/src/rtsp-client.ts';
import { cpuPercent, cpuSample, memorySample, type MemorySample } from './lib/proc-stats.ts';
import { printTable } from './lib/table.ts';

interface CameraLine {
  id: string;
  url: string;
  username: string;
  password: string;
}

const root = process.env.VIGIE_ROOT ?? process.cwd();
const LATE_MS = 100;

/** Arrival against RTP time, per picture of one stream: lateness is relative to its earliest picture. */
class Lateness {
  private unwrapped = 0;
  private lastTimestamp: number | undefined;
  private offsets: number[] = [];

  picture(timestamp: number, arrivedAtMs: number): void {
    if (this.lastTimestamp !== undefined) this.unwrapped += (timestamp - this.lastTimestamp) | 0;
    this.lastTimestamp = timestamp;
    this.offsets.push(arrivedAtMs - this.unwrapped / 90);
  }

  reset(): void {
    this.offsets = [];
  }

  summary(): { late: number; maxMs: number } {
    const best = Math.min(...this.offsets);
    const lateness = this.offsets.map((offset) => offset - best);
    return { late: lateness.filter((value) => value > LATE_MS).length, maxMs: Math.max(0, ...lateness) };
  }
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      cameras: { type: 'string', default: '200' },
      duration: { type: 'string', default: '60' },
      profile: { type: 'string', default: 'main' },
      'loop-seconds': { type: 'string', default: '10' },
      warmup: { type: 'string', default: '5' },
      'rtsp-port': { type: 'string', default: '18554' },
      'onvif-port': { type: 'string', default: '18080' },
      'cache-dir': { type: 'string' },
      'live-ptz': { type: 'string', default: '0' },
      'distinct-pictures': { type: 'string' },
    },
  });
  const count = Number(values.cameras);
  const durationSeconds = Number(values.duration);
  const profile = values.profile === 'sub' ? 'sub' : 'main';
  const cacheDir = values['cache-dir'] ?? join(process.env.VIGIE_DATA_DIR ?? join(root, 'data'), 'sim-cache');
  const cameras: CameraLine[] = [];
  let ready = false;
  const simulator = startNodeScript(
    join(root, 'simulator/src/cli.ts'),
    [
      'start',
      '--cameras',
      String(count),
      '--address-mode',
      'per-camera-ip',
      '--rtsp-port',
      values['rtsp-port'],
      '--onvif-port',
      values['onvif-port'],
      '--control-port',
      '0',
      '--live-ptz',
      values['live-ptz'],
      '--loop-seconds',
      values['loop-seconds'],
      '--cache-dir',
      cacheDir,
      ...(values['distinct-pictures'] !== undefined ? ['--distinct-pictures', values['distinct-pictures']] : []),
    ],
    (line, stream) => {
      if (stream === 'stderr') {
        process.stderr.write(`  [simulator] ${line}\n`);
        if (/cameras up/.test(line)) ready = true;
        return;
      }
      const [id, , main, sub, , userPass] = line.split(' ');
      const [username = '', password = ''] = (userPass ?? '').split(':');
      if (id && main && sub) cameras.push({ id, url: profile === 'main' ? main : sub, username, password });
    },
  );
  const clients: RtspClient[] = [];
  const lateness: Lateness[] = [];
  try {
    const startDeadline = Date.now() + 30 * 60_000;
    while (!ready) {
      if (Date.now() > startDeadline) throw new Error('simulator did not start within 30 minutes');
      const exited = await Promise.race([simulator.exited.then(() => true), sleep(250).then(() => false)]);
      if (exited) throw new Error('simulator exited before it was ready');
    }
    const pid = simulator.pid!;
    const idle = memorySample(pid);
    console.log(`pulling ${cameras.length} ${profile} streams (${values.warmup} s warm-up, then ${durationSeconds} s measured)`);
    for (let index = 0; index < cameras.length; index += 20) {
      await Promise.all(
        cameras.slice(index, index + 20).map(async (camera) => {
          const late = new Lateness();
          const onPacket = (channel: number, packet: Buffer) => {
            if (channel === 0 && (packet[1] ?? 0) & 0x80) late.picture(packet.readUInt32BE(4), performance.now());
          };
          const client = new RtspClient(camera.url, { username: camera.username, password: camera.password }, { onPacket });
          clients.push(client);
          lateness.push(late);
          try {
            await client.connect();
            await client.play();
          } catch (error) {
            console.error(`  ${camera.id}: ${error instanceof Error ? error.message : String(error)}`);
          }
        }),
      );
    }
    await sleep(Number(values.warmup) * 1000);
    const bytesAtStart = clients.map((client) => client.stats.bytes);
    const picturesAtStart = clients.map((client) => client.stats.pictures);
    for (const late of lateness) late.reset();
    const cpuStart = cpuSample(pid);
    const memory: MemorySample[] = [];
    const endAt = Date.now() + durationSeconds * 1000;
    while (Date.now() < endAt) {
      await sleep(Math.min(5000, endAt - Date.now()));
      memory.push(memorySample(pid));
    }
    const cpuEnd = cpuSample(pid);
    const seconds = (cpuEnd.atMs - cpuStart.atMs) / 1000;
    const kbps = clients.map((client, index) => ((client.stats.bytes - bytesAtStart[index]!) * 8) / 1000 / seconds);
    const fps = clients.map((client, index) => (client.stats.pictures - picturesAtStart[index]!) / seconds);
    const okStreams = fps.filter((value) => value >= 12 * 0.9).length;
    const peak = (key: keyof MemorySample) => Math.max(...memory.map((sample) => sample[key] ?? 0));
    const average = (list: number[]) => list.reduce((sum, value) => sum + value, 0) / Math.max(1, list.length);
    const cpu = cpuPercent(cpuStart, cpuEnd);
    const lateSummaries = lateness.map((late) => late.summary());
    const latePictures = lateSummaries.reduce((sum, summary) => sum + summary.late, 0);
    const totalPictures = clients.reduce((sum, client, index) => sum + client.stats.pictures - picturesAtStart[index]!, 0);
    const maxLateMs = Math.max(0, ...lateSummaries.map((summary) => summary.maxMs));
    printTable(
      [
        ['streams pulled / OK (>= 10.8 fps)', `${clients.length} / ${okStreams}`],
        ['measured over', `${seconds.toFixed(1)} s`],
        ['simulator CPU (% of one core)', `${cpu.toFixed(1)} %`],
        ['simulator RSS idle / peak', `${idle.rssMiB.toFixed(0)} MiB / ${peak('rssMiB').toFixed(0)} MiB`],
        ['simulator PSS peak', `${peak('pssMiB').toFixed(0)} MiB`],
        ['pulled bitrate per stream min / avg / max', `${Math.min(...kbps).toFixed(0)} / ${average(kbps).toFixed(0)} / ${Math.max(...kbps).toFixed(0)} kbit/s`],
        ['pulled frame rate per stream min / avg', `${Math.min(...fps).toFixed(1)} / ${average(fps).toFixed(1)} fps`],
        [`pictures late (> ${LATE_MS} ms) / max lateness`, `${latePictures} of ${totalPictures} / ${maxLateMs.toFixed(0)} ms`],
        ['total pulled', `${((average(kbps) * clients.length) / 1000).toFixed(1)} Mbit/s`],
      ],
      `vigie bench sim: ${count} cameras, ${profile} profile, ${values['loop-seconds']} s loops, ${values['live-ptz']} live PTZ`,
    );
    const resultsDir = join(root, 'bench/results');
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(
      join(resultsDir, `sim-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
      JSON.stringify(
        {
          cameras: count,
          profile,
          durationSeconds: seconds,
          cpuPercentOfOneCore: cpu,
          rssPeakMiB: peak('rssMiB'),
          pssPeakMiB: peak('pssMiB'),
          kbps: { min: Math.min(...kbps), avg: average(kbps), max: Math.max(...kbps) },
          okStreams,
          streams: clients.length,
          latePictures,
          totalPictures,
          maxLateMs,
        },
        null,
        2,
      ),
    );
  } finally {
    for (const client of clients) client.close();
    await simulator.stop();
  }
}
