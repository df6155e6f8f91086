import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TickListener, TickSource, TickSources } from './frame-clock.ts';
import type { EncodedLoop } from './loop-store.ts';
import type { WirePicture } from './rtp.ts';
import { StreamSource, type RtpPathState, type StreamSink, type StreamSourceOptions } from './stream-source.ts';

class FakeClock implements TickSource {
  readonly listeners = new Set<TickListener>();
  constructor(
    readonly fps: number,
    public tick: number,
  ) {}
  currentTick(): number {
    return this.tick;
  }
  subscribe(listener: TickListener): void {
    this.listeners.add(listener);
  }
  unsubscribe(listener: TickListener): void {
    this.listeners.delete(listener);
  }
  advance(): void {
    this.tick += 1;
    for (const listener of [...this.listeners]) listener(this.tick);
  }
}

function fakeLoop(key: string, fps: number, frames: number, gop: number): EncodedLoop {
  return {
    key,
    codec: 'h264',
    width: 320,
    height: 180,
    fps,
    gopFrames: gop,
    bytes: 0,
    parameterSets: { sps: Buffer.from([0x67]), pps: Buffer.from([0x68]) },
    frames: Array.from({ length: frames }, (_, index) => ({
      data: Buffer.from([index % gop === 0 ? 0x65 : 0x41, index]),
      payloadEnds: [2],
      keyframe: index % gop === 0,
    })),
  };
}

class RecordingSink implements StreamSink {
  needsKeyframe = false;
  pictures: WirePicture[] = [];
  reports = 0;
  reportPackets: Buffer[] = [];
  sendPicture(picture: WirePicture): void {
    if (this.needsKeyframe && !picture.keyframe) return;
    this.needsKeyframe = false;
    this.pictures.push(picture);
  }
  sendControl(packet: Buffer): void {
    this.reports += 1;
    this.reportPackets.push(packet);
  }
  frameIndexes(): number[] {
    return this.pictures.map((picture) => picture.interleaved[17]!);
  }
}

function setup(startTick: number, extra: Partial<StreamSourceOptions> = {}) {
  const clocks = new Map<number, FakeClock>();
  const sources: TickSources = { forRate: (fps) => clocks.get(fps) ?? clocks.set(fps, new FakeClock(fps, startTick * (fps / 12))).get(fps)! };
  let stalled = false;
  const dropped: string[] = [];
  const source = new StreamSource({ clocks: sources, cname: 'test', isStalled: () => stalled, onLoopDropped: (loop) => dropped.push(loop.key), ...extra });
  return {
    source,
    clock: (fps: number) => sources.forRate(fps) as FakeClock,
    stall: (value: boolean) => {
      stalled = value;
    },
    dropped,
  };
}

describe('stream source', () => {
  test('a first viewer gets the pictures since the last keyframe at once, aligned to the wall clock', () => {
    const { source, clock } = setup(24 * 100 + 7); // loop of 24 frames: frame 7 is on screen now
    source.setLoop(fakeLoop('normal', 12, 24, 6));
    const sink = new RecordingSink();
    source.addSink(sink);
    assert.deepEqual(sink.frameIndexes(), [6, 7]);
    assert.equal(sink.pictures[0]!.keyframe, true);
    for (let step = 0; step < 20; step += 1) clock(12).advance();
    assert.deepEqual(
      sink.frameIndexes().slice(-4),
      [16, 17, 18, 19].map((index) => (index + 8) % 24),
    );
    const timestamps = sink.pictures.map((picture) => picture.timestamp);
    for (let index = 1; index < timestamps.length; index += 1) assert.equal((timestamps[index]! - timestamps[index - 1]!) >>> 0, 7500);
  });

  test('a later viewer starts at the current GOP and shares sequence numbers with the first', () => {
    const { source, clock } = setup(2400);
    source.setLoop(fakeLoop('normal', 12, 24, 6));
    const first = new RecordingSink();
    source.addSink(first);
    clock(12).advance();
    clock(12).advance();
    const second = new RecordingSink();
    source.addSink(second);
    assert.deepEqual(second.frameIndexes(), [0, 1, 2]);
    assert.equal(second.pictures[0]!.firstSequence, source.nextSequenceForNewViewer());
    clock(12).advance();
    assert.equal(first.pictures.at(-1), second.pictures.at(-1));
  });

  test('a new picture (a fault) starts on its own keyframe, timestamps continuing', () => {
    const { source, clock, dropped } = setup(2400 + 1);
    source.setLoop(fakeLoop('normal', 12, 24, 6));
    const sink = new RecordingSink();
    source.addSink(sink);
    source.setLoop(fakeLoop('black', 12, 24, 6));
    for (let step = 0; step < 8; step += 1) clock(12).advance();
    assert.deepEqual(dropped, ['normal']);
    assert.equal(source.loop?.key, 'black');
    const switchedAt = sink.pictures.findIndex((picture) => picture.interleaved[17] === 6 && picture.keyframe && sink.pictures.indexOf(picture) > 2);
    assert.ok(switchedAt > 0);
    const timestamps = sink.pictures.map((picture) => picture.timestamp);
    for (let index = 1; index < timestamps.length; index += 1) assert.equal((timestamps[index]! - timestamps[index - 1]!) >>> 0, 7500);
  });

  test("a lower frame rate moves the stream to that rate's clock at a keyframe", () => {
    const { source, clock } = setup(2400 + 3);
    source.setLoop(fakeLoop('normal', 12, 24, 6));
    const sink = new RecordingSink();
    source.addSink(sink);
    source.setLoop(fakeLoop('slow', 4, 8, 2));
    for (let step = 0; step < 3; step += 1) {
      clock(12).advance();
      if (clock(12).tick % 3 === 0) clock(4).advance();
    }
    assert.equal(source.loop?.key, 'slow');
    const before = sink.pictures.length;
    clock(4).advance();
    clock(12).advance();
    assert.equal(sink.pictures.length, before + 1, 'only the 4 fps clock drives it now');
  });

  test('while stalled nothing is sent; afterwards viewers wait for a keyframe', () => {
    const { source, clock, stall } = setup(2400);
    source.setLoop(fakeLoop('normal', 12, 24, 6));
    const sink = new RecordingSink();
    source.addSink(sink);
    stall(true);
    for (let step = 0; step < 3; step += 1) clock(12).advance();
    assert.equal(sink.pictures.length, 1);
    stall(false);
    for (let step = 0; step < 5; step += 1) clock(12).advance();
    assert.deepEqual(sink.frameIndexes(), [0, 6, 7, 8]);
  });

  test('the last viewer leaving stops the clock subscription and gives the loop back', () => {
    const { source, clock, dropped } = setup(2400);
    source.setLoop(fakeLoop('normal', 12, 24, 6));
    const sink = new RecordingSink();
    source.addSink(sink);
    source.removeSink(sink);
    assert.equal(clock(12).listeners.size, 0);
    assert.deepEqual(dropped, ['normal']);
    assert.equal(source.loop, undefined);
  });

  test('a stall sends nothing but sender reports, then resumes with the picture due, sequence numbers continuing', () => {
    let path: RtpPathState | undefined;
    const { source, clock } = setup(2400, { rtpPath: () => path });
    source.setLoop(fakeLoop('normal', 12, 24, 6));
    const sink = new RecordingSink();
    source.addSink(sink);
    clock(12).advance();
    const reportsBefore = sink.reports;
    path = { paused: true };
    for (let step = 0; step < 65; step += 1) clock(12).advance();
    assert.equal(sink.pictures.length, 2);
    assert.ok(sink.reports > reportsBefore, 'sender reports go on during a stall');
    path = undefined;
    clock(12).advance();
    const resumed = sink.pictures.at(-1)!;
    assert.equal(resumed.keyframe, false, 'no wait for a keyframe');
    assert.equal(resumed.firstSequence, (sink.pictures[1]!.firstSequence + 1) & 0xffff);
    assert.equal((resumed.timestamp - sink.pictures[1]!.timestamp) >>> 0, 66 * 7500);
  });

  test('a timestamp jump moves RTP time once; sender reports follow it or keep the old mapping', () => {
    for (const rtcp of ['consistent', 'stale'] as const) {
      const { source, clock } = setup(2400);
      source.setLoop(fakeLoop('normal', 12, 24, 6));
      const sink = new RecordingSink();
      source.addSink(sink);
      clock(12).advance();
      source.jumpTimestamps(-5, rtcp);
      clock(12).advance();
      clock(12).advance();
      const [before, jumped, after] = sink.pictures.slice(-3).map((picture) => picture.timestamp);
      assert.equal((jumped! - before!) | 0, 7500 - 5 * 90000);
      assert.equal((after! - jumped!) >>> 0, 7500);
      for (let step = 0; step < 60; step += 1) clock(12).advance();
      // The report is sent with a picture: its RTP time is that picture's, or 5 s after it when stale.
      const reported = sink.reportPackets.at(-1)!.readUInt32BE(16);
      const expected = rtcp === 'consistent' ? 0 : 5 * 90000;
      assert.ok(
        sink.pictures.slice(3).some((picture) => ((reported - picture.timestamp) | 0) === expected),
        rtcp,
      );
    }
  });

  test("sender reports carry the camera's own clock (a skewed camera reports skewed NTP times)", () => {
    const ntpSeconds = (packet: Buffer) => packet.readUInt32BE(8) - 2_208_988_800;
    const tick = 12 * 1_700_000_000;
    const straight = setup(tick);
    const skewed = setup(tick, { clockOffsetMs: () => 300_000 });
    for (const { source } of [straight, skewed]) source.setLoop(fakeLoop('normal', 12, 24, 6));
    const [a, b] = [new RecordingSink(), new RecordingSink()];
    straight.source.addSink(a);
    skewed.source.addSink(b);
    assert.equal(ntpSeconds(a.reportPackets[0]!), 1_700_000_000);
    assert.equal(ntpSeconds(b.reportPackets[0]!) - ntpSeconds(a.reportPackets[0]!), 300);
  });
});
