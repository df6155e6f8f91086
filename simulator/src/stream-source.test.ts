import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TickListener, TickSource, TickSources } from './frame-clock.ts';
import type { EncodedLoop } from './loop-store.ts';
import type { WirePicture } from './rtp.ts';
import { StreamSource, type StreamSink } from './stream-source.ts';

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
  sendPicture(picture: WirePicture): void {
    if (this.needsKeyframe && !picture.keyframe) return;
    this.needsKeyframe = false;
    this.pictures.push(picture);
  }
  sendControl(): void {
    this.reports += 1;
  }
  frameIndexes(): number[] {
    return this.pictures.map((picture) => picture.interleaved[17]!);
  }
}

function setup(startTick: number) {
  const clocks = new Map<number, FakeClock>();
  const sources: TickSources = { forRate: (fps) => clocks.get(fps) ?? clocks.set(fps, new FakeClock(fps, startTick * (fps / 12))).get(fps)! };
  let stalled = false;
  const dropped: string[] = [];
  const source = new StreamSource({ clocks: sources, cname: 'test', isStalled: () => stalled, onLoopDropped: (loop) => dropped.push(loop.key) });
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
});
