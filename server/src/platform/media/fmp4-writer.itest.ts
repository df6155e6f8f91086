// The native recording path checked by real ffmpeg/ffprobe: H.264 and H.265 encoded by ffmpeg
// (Annex-B), packetized into RTP (single, aggregation and fragmentation packets, sequence and
// timestamp wrap), depacketized, assembled into segment files and a live stream; ffprobe must
// find the codec, size, frame count and duration the assembler reported, ffmpeg must decode
// every file without an error message, the codec string must be the one of ffmpeg's own MP4,
// and a file cut short must decode once recovered. A lost packet must give clean files too.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { splitAnnexB } from '../../../../simulator/src/h26x.ts';
import { FFMPEG_PATH, FFPROBE_PATH } from '../processes.ts';
import { runToCompletion } from '../process-runs.ts';
import { type AssemblerOutput, recoverSegment, SegmentAssembler, type SegmentStats } from './fmp4-writer.ts';
import { parseInitSegment } from './fmp4.ts';
import { packetize } from './h26x/h26x.fixtures.ts';
import { Depacketizer, type RtpPacket, type VideoCodec } from './h26x/index.ts';

const FPS = 12;
const SECONDS = 4;
const FRAMES = FPS * SECONDS;

let directory: string;
before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'vigie-fmp4-writer-'));
});
after(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function tool(command: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  const result = await runToCompletion(command, args, { timeoutMs: 60_000 });
  assert.equal(result.code, 0, `${command} ${args.join(' ')}: ${result.stderr}`);
  return { stdout: result.stdout.toString(), stderr: result.stderr };
}

async function encode(codec: VideoCodec, size: string): Promise<string> {
  const output = join(directory, `source-${codec}-${size}.${codec === 'h264' ? 'h264' : 'hevc'}`);
  const encoder =
    codec === 'h264'
      ? ['-c:v', 'libx264', '-bf', '0', '-g', `${FPS}`, '-f', 'h264']
      : ['-c:v', 'libx265', '-x265-params', `bframes=0:keyint=${FPS}:min-keyint=${FPS}:open-gop=0:repeat-headers=1:log-level=error`, '-f', 'hevc'];
  await tool(FFMPEG_PATH, [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=${size}:rate=${FPS}`,
    '-t',
    `${SECONDS}`,
    '-pix_fmt',
    'yuv420p',
    ...encoder,
    output,
  ]);
  return output;
}

/** NAL units grouped into pictures: a parameter set, SEI or AUD after a slice, or a first slice, starts the next one. */
function pictures(codec: VideoCodec, stream: Buffer): Buffer[][] {
  const result: Buffer[][] = [];
  let current: Buffer[] = [];
  let sawSlice = false;
  for (const unit of splitAnnexB(stream)) {
    const type = codec === 'h264' ? unit[0]! & 0x1f : (unit[0]! >> 1) & 0x3f;
    const isSlice = codec === 'h264' ? type >= 1 && type <= 5 : type <= 31;
    const first = ((unit[codec === 'h264' ? 1 : 2] ?? 0) & 0x80) !== 0;
    if (sawSlice && (!isSlice || first)) {
      result.push(current);
      current = [];
      sawSlice = false;
    }
    current.push(unit);
    if (isSlice) sawSlice = true;
  }
  if (current.length > 0) result.push(current);
  return result;
}

function rtpPackets(codec: VideoCodec, stream: Buffer): RtpPacket[] {
  const packets: RtpPacket[] = [];
  for (const [index, units] of pictures(codec, stream).entries()) {
    packets.push(...packetize(codec, units, 65_000 + packets.length, 4_294_800_000 + index * (90_000 / FPS), { aggregate: true }));
  }
  return packets;
}

interface Recorded {
  segments: Array<{ path: string; stats: SegmentStats; file: Buffer }>;
  livePath: string;
  liveFrames: number;
  codecString: string;
}

/** What the engine will do: depacketizer -> assembler -> one file per segment (init + parts), and the live fragments. */
async function record(codec: VideoCodec, packets: readonly RtpPacket[], name: string): Promise<Recorded> {
  const depacketizer = new Depacketizer({ codec });
  const assembler = new SegmentAssembler({ codec, segmentMs: 1500, maxPartMs: 1000, liveFragments: true });
  const outputs: AssemblerOutput[] = [];
  for (const packet of packets) {
    for (const event of depacketizer.push(packet)) outputs.push(...(event.kind === 'loss' ? assembler.discontinuity() : assembler.push(event.accessUnit)));
  }
  for (const event of depacketizer.flush()) if (event.kind === 'accessUnit') outputs.push(...assembler.push(event.accessUnit));
  outputs.push(...assembler.flush());
  const recorded: Recorded = { segments: [], livePath: join(directory, `${name}-live.mp4`), liveFrames: 0, codecString: '' };
  let init: Buffer | undefined;
  let open: Buffer[] | undefined;
  const live: Buffer[] = [];
  for (const output of outputs) {
    if (output.kind === 'init') {
      init = output.data;
      recorded.codecString = output.codecString;
      if (live.length === 0) live.push(init);
    } else if (output.kind === 'part') {
      open ??= [init!];
      open.push(output.data);
    } else if (output.kind === 'segmentBoundary') {
      const file = Buffer.concat(open!);
      const path = join(directory, `${name}-${recorded.segments.length}.mp4`);
      await writeFile(path, file);
      recorded.segments.push({ path, stats: output.segment, file });
      open = undefined;
    } else {
      live.push(output.data);
      recorded.liveFrames++;
    }
  }
  await writeFile(recorded.livePath, Buffer.concat(live));
  return recorded;
}

async function probe(
  path: string,
): Promise<{ codec_name: string; width: number; height: number; nb_read_frames: string; duration: string; duration_ts: number; time_base: string }> {
  const { stdout } = await tool(FFPROBE_PATH, ['-v', 'error', '-count_frames', '-show_streams', '-of', 'json', path]);
  const streams = JSON.parse(stdout).streams;
  assert.equal(streams.length, 1);
  return streams[0];
}

async function assertDecodesCleanly(path: string): Promise<void> {
  const { stderr } = await tool(FFMPEG_PATH, ['-v', 'error', '-i', path, '-f', 'null', '-']);
  assert.equal(stderr.trim(), '', `${path} decodes without an error message`);
}

async function assertSegment(path: string, stats: SegmentStats, codecName: string, width: number, height: number): Promise<void> {
  const stream = await probe(path);
  assert.deepEqual(
    { codec: stream.codec_name, width: stream.width, height: stream.height, frames: Number(stream.nb_read_frames) },
    { codec: codecName, width, height, frames: stats.frames },
    path,
  );
  assert.deepEqual(
    [stream.time_base, stream.duration_ts, stream.duration],
    ['1/90000', stats.durationTicks, (stats.durationMs / 1000).toFixed(6)],
    `${path}: duration`,
  );
  await assertDecodesCleanly(path);
}

for (const [codec, size, codecName] of [
  ['h264', '322x242', 'h264'],
  ['h265', '640x360', 'hevc'],
] as const) {
  describe(`native recording of ${codec} ${size} checked by ffmpeg`, () => {
    const [width, height] = size.split('x').map(Number) as [number, number];
    let source: Buffer;
    let sourcePath: string;
    let recorded: Recorded;

    before(async () => {
      sourcePath = await encode(codec, size);
      source = await readFile(sourcePath);
      recorded = await record(codec, rtpPackets(codec, source), `${codec}-whole`);
    });

    it('writes segments that ffprobe reads with the reported codec, size, frames and duration, and ffmpeg decodes', async () => {
      assert.ok(recorded.segments.length >= 2, 'segments cut on keyframes');
      assert.equal(
        recorded.segments.reduce((total, segment) => total + segment.stats.frames, 0),
        FRAMES,
      );
      for (const { path, stats } of recorded.segments) {
        assert.equal(stats.fps, FPS);
        await assertSegment(path, stats, codecName, width, height);
      }
    });

    it('gives the codec string of ffmpeg’s own MP4 of the same stream', async () => {
      const reference = join(directory, `${codec}-reference.mp4`);
      const tag = codec === 'h265' ? ['-tag:v', 'hvc1'] : [];
      await tool(FFMPEG_PATH, ['-v', 'error', '-y', '-i', sourcePath, '-c', 'copy', ...tag, '-movflags', 'frag_keyframe+empty_moov', reference]);
      assert.equal(recorded.codecString, parseInitSegment(await readFile(reference)).codecString);
    });

    it('writes a live stream (init + one fragment per picture) that plays every picture', async () => {
      assert.equal(recorded.liveFrames, FRAMES);
      const stream = await probe(recorded.livePath);
      assert.equal(Number(stream.nb_read_frames), FRAMES);
      await assertDecodesCleanly(recorded.livePath);
    });

    it('recovers a segment cut short to its last complete part, which decodes cleanly', async () => {
      const { file } = recorded.segments[0]!;
      const cut = file.subarray(0, file.length - 500);
      const recovered = recoverSegment(cut);
      assert.ok(recovered.keepBytes > 0 && recovered.keepBytes < cut.length && recovered.frames > 0);
      const path = join(directory, `${codec}-recovered.mp4`);
      await writeFile(path, cut.subarray(0, recovered.keepBytes));
      await assertSegment(
        path,
        { ...recorded.segments[0]!.stats, frames: recovered.frames, durationTicks: recovered.durationTicks, durationMs: recovered.durationMs },
        codecName,
        width,
        height,
      );
    });

    it('after a lost packet, writes clean segments resuming at the next keyframe', async () => {
      const packets = rtpPackets(codec, source);
      const middle = packets.findIndex((packet) => packet.timestamp === (4_294_800_000 + 17 * (90_000 / FPS)) >>> 0); // picture 17, not a keyframe
      const damaged = await record(
        codec,
        packets.filter((_, index) => index !== middle),
        `${codec}-loss`,
      );
      const frames = damaged.segments.map((segment) => segment.stats.frames);
      assert.equal(
        frames.reduce((total, count) => total + count, 0),
        FRAMES - 7,
        'pictures 17 to 23 dropped',
      );
      for (const { path, stats } of damaged.segments) await assertSegment(path, stats, codecName, width, height);
    });
  });
}
