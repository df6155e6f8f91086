// `./vigie bench ingest`: the CPU of the native engine's media path alone, without sockets nor
// the index: N cameras' RTSP interleaved bytes (a simulator loop, renumbered per camera) go
// through the framer, the RTP parser, the depacketizer, the MP4 assembler and segment files
// on disk (hashed as they are written), as fast as they can, and the CPU time is divided by the
// media time. Each stage alone is measured too (`--stage`), so a change of the hot path can be
// judged in seconds, away from the noise of a full `bench record`.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SegmentFile } from '../server/src/modules/recording/index.ts';
import { SegmentAssembler } from '../server/src/platform/media/fmp4-writer.ts';
import { Depacketizer } from '../server/src/platform/media/h26x/index.ts';
import { emptyRtpPacket, readRtpPacket } from '../server/src/platform/rtsp/rtp.ts';
import { RtspFramer } from '../server/src/platform/rtsp/rtsp-message.ts';
import { LoopStore } from '../simulator/src/loop-store.ts';
import { buildWirePicture } from '../simulator/src/rtp.ts';
import { fixed } from './lib/record-figures.ts';
import { printTable } from './lib/table.ts';

const STAGES = ['copy', 'framer', 'depacketizer', 'assembler', 'files'] as const;
type Stage = (typeof STAGES)[number];

interface Camera {
  framer: RtspFramer;
  depacketizer: Depacketizer;
  assembler: SegmentAssembler;
  file: SegmentFile | undefined;
  sequence: number;
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      cameras: { type: 'string', default: '400' },
      seconds: { type: 'string', default: '20' },
      kbps: { type: 'string', default: '2000' },
      'cache-dir': { type: 'string', default: join(process.env.VIGIE_DATA_DIR ?? join(process.cwd(), 'data'), 'sim-cache') },
    },
  });
  const cameras = Number(values.cameras);
  const seconds = Number(values.seconds);
  if (!(cameras >= 1 && cameras <= 2000)) throw new Error('--cameras 1-2000');
  if (!(seconds >= 5 && seconds <= 120)) throw new Error('--seconds 5-120');
  const loops = new LoopStore(values['cache-dir']);
  const loop = await loops.acquire({
    codec: 'h264',
    width: 1280,
    height: 720,
    fps: 12,
    bitrateKbps: Number(values.kbps),
    gopSeconds: 2,
    loopSeconds: 10,
    scene: 0,
    motion: true,
    variant: { kind: 'normal' },
    label: 'bench ingest',
  });
  const pictures = loop.frames.map((frame, index) => buildWirePicture(frame, 0, index * 7500, 0x1234).interleaved);
  console.log(`vigie bench ingest: ${cameras} cameras x ${seconds} s of 1280x720 12 fps ${values.kbps} kbit/s H.264 (no sockets, no index)`);
  const rows: Array<[string, string]> = [];
  let previous = 0;
  for (const stage of STAGES) {
    const cpuSeconds = await measure(stage, cameras, seconds, pictures, loop.parameterSets);
    const percent = (100 * cpuSeconds) / seconds;
    rows.push([`up to ${stage}`, `${fixed(percent, 1)} % of one core (${fixed(percent / cameras, 3)} %/camera), this stage ${fixed(percent - previous, 1)} %`]);
    previous = percent;
  }
  loops.release(loop);
  printTable(rows);
  console.log('\n  "copy" is the harness itself (a fresh buffer per camera and picture, as a socket read gives); each later row adds one stage.');
  console.log('  "files" writes and hashes real segment files (SHA-256) in a temporary folder, deleted afterwards.');
}

async function measure(stage: Stage, count: number, seconds: number, pictures: Buffer[], parameterSets: object): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-ingest-'));
  let files = 0;
  const cameras: Camera[] = [];
  const packet = emptyRtpPacket();
  const through = STAGES.indexOf(stage);
  try {
    mkdirSync(dir, { recursive: true });
    for (let index = 0; index < count; index++) {
      const camera = { sequence: 0, file: undefined } as Camera;
      camera.depacketizer = new Depacketizer({ codec: 'h264', parameterSets });
      camera.assembler = new SegmentAssembler({ codec: 'h264', segmentMs: 60_000, firstSegmentMs: 1000 + ((index * 997) % 59_000), liveFragments: true });
      camera.framer = new RtspFramer({
        message: () => {},
        interleaved: (_channel, payload) => {
          if (through < 2 || !readRtpPacket(payload, packet)) return;
          for (const event of camera.depacketizer.push(packet)) {
            if (event.kind !== 'accessUnit' || through < 3) continue;
            for (const output of camera.assembler.push(event.accessUnit)) {
              if (through < 4) continue;
              if (output.kind === 'init') {
                camera.file = SegmentFile.create(join(dir, `${files++}.mp4`));
                camera.file.append([output.data]);
              } else if (output.kind === 'part') camera.file?.append(output.chunks);
              else if (output.kind === 'segmentBoundary') {
                void camera.file?.close().catch(() => {});
                camera.file = SegmentFile.create(join(dir, `${files++}.mp4`));
                camera.file.append([camera.assembler.init!]);
              }
            }
          }
        },
      });
      cameras.push(camera);
    }
    const start = process.cpuUsage();
    const ticks = seconds * 12;
    for (let tick = 0; tick < ticks; tick++) {
      const source = pictures[tick % pictures.length]!;
      const timestamp = (tick * 7500) >>> 0;
      for (const camera of cameras) {
        const chunk = Buffer.allocUnsafe(source.length);
        source.copy(chunk);
        for (let at = 0; at < chunk.length; ) {
          chunk.writeUInt16BE(camera.sequence++ & 0xffff, at + 6);
          chunk.writeUInt32BE(timestamp, at + 8);
          at += 4 + chunk.readUInt16BE(at + 2);
        }
        if (through >= 1) camera.framer.push(chunk);
      }
      // Let the writes go out as they would between socket reads.
      if (tick % 3 === 2) await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(cameras.map((camera) => camera.file?.close().catch(() => {})));
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1e6;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
