import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PlaybackSession } from '../../api/types.ts';
import {
  defaultPlayhead,
  driftTolerance,
  gapReasonCode,
  gapStep,
  estimateFrameDuration,
  mediaTimeOf,
  nextRecordedStart,
  planSegments,
  previousRecordedEnd,
  segmentIndexAt,
  sessionCovers,
  sessionOrigin,
  sessionWindowFor,
  speedLabel,
  stepSpeed,
  timedSegments,
  wallTimeOf,
} from './session.ts';
import { HOUR, MINUTE } from './timeline.ts';

const t0 = Date.parse('2026-11-23T08:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
// Three one-minute segments, a two-minute gap, then two more.
const starts = [0, 1, 2, 5, 6].map((minute) => t0 + minute * MINUTE);
const session: PlaybackSession = {
  playbackId: 'p1',
  cameraId: 'c1',
  requisitionId: null,
  from: iso(t0 + 20_000),
  to: iso(t0 + HOUR),
  expiresAt: iso(t0 + 2 * HOUR),
  segments: starts.reverse().map((start, index) => ({
    id: 10 + index,
    start: iso(start),
    end: iso(start + MINUTE),
    durationSeconds: 60,
    bytes: 1000,
    url: `/api/playback/p1/segments/${10 + index}`,
    reencoded: false,
  })),
  gaps: [{ from: iso(t0 + 3 * MINUTE), to: iso(t0 + 5 * MINUTE), reason: 'camera_unreachable' }],
};
const segments = timedSegments(session);

describe('playback session', () => {
  it('sorts segments on the wall clock and starts the video at the earliest instant', () => {
    assert.deepEqual(
      segments.map((segment) => segment.startMs - t0),
      [0, 1, 2, 5, 6].map((minute) => minute * MINUTE),
    );
    assert.equal(segments[0]!.id, '14');
    const origin = sessionOrigin(session, segments);
    assert.equal(origin, t0, 'the first segment began before the session: no negative timestamp');
    assert.equal(mediaTimeOf(origin, t0 + 90_000), 90);
    assert.equal(wallTimeOf(origin, 90), t0 + 90_000);
    assert.equal(sessionOrigin({ from: iso(t0 - 5000) }, segments), t0 - 5000);
  });

  it('finds the segment under an instant', () => {
    assert.equal(segmentIndexAt(segments, t0), 0);
    assert.equal(segmentIndexAt(segments, t0 + MINUTE), 1, 'end exclusive');
    assert.equal(segmentIndexAt(segments, t0 + 4 * MINUTE), -1);
    assert.equal(segmentIndexAt(segments, t0 + 6 * MINUTE + 59_999), 4);
    assert.equal(segmentIndexAt([], t0), -1);
  });

  it('fetches the current segment, then one ahead, and drops the rest', () => {
    const first = planSegments({ segments, playheadMs: t0 + 30_000, appended: new Set(), busy: false, forward: true });
    assert.equal(first.fetch?.id, '14');
    const second = planSegments({ segments, playheadMs: t0 + 30_000, appended: new Set(['14']), busy: false, forward: true });
    assert.equal(second.fetch?.id, '13');
    assert.equal(planSegments({ segments, playheadMs: t0 + 30_000, appended: new Set(['14']), busy: true, forward: true }).fetch, null);
    const later = planSegments({ segments, playheadMs: t0 + 2 * MINUTE + 20_000, appended: new Set(['14', '13', '12']), busy: false, forward: true });
    assert.equal(later.fetch?.id, '11', 'across the gap');
    assert.deepEqual(
      later.evict.map((segment) => segment.id),
      ['14'],
      'the second one is kept for steps back',
    );
    const inGap = planSegments({ segments, playheadMs: t0 + 4 * MINUTE, appended: new Set(), busy: false, forward: true });
    assert.equal(inGap.fetch?.id, '11');
    const reverse = planSegments({ segments, playheadMs: t0 + 5 * MINUTE + 10_000, appended: new Set(['11', '10']), busy: false, forward: false });
    assert.equal(reverse.fetch?.id, '12');
    assert.deepEqual(
      reverse.evict.map((segment) => segment.id),
      ['10'],
    );
    assert.deepEqual(planSegments({ segments: [], playheadMs: t0, appended: new Set(), busy: false, forward: true }), { fetch: null, evict: [] });
  });

  it('opens a session on the visible window, at least an hour, at most a day', () => {
    const visible = { from: t0, to: t0 + 10 * MINUTE };
    const widened = sessionWindowFor(t0 + 5 * MINUTE, visible);
    assert.deepEqual(widened, { from: t0 - 25 * MINUTE, to: t0 + 35 * MINUTE });
    const day = { from: t0, to: t0 + 24 * HOUR };
    assert.deepEqual(sessionWindowFor(t0 + HOUR, day), day);
    const outside = sessionWindowFor(t0 + 3 * HOUR, visible);
    assert.deepEqual(outside, { from: t0 + 3 * HOUR - 5 * MINUTE, to: t0 + 4 * HOUR - 5 * MINUTE });
    const long = sessionWindowFor(t0, { from: t0 - HOUR, to: t0 + 25 * HOUR });
    assert.equal(long.to - long.from, 24 * HOUR);
    assert.ok(sessionCovers(session, t0 + 30_000));
    assert.ok(!sessionCovers(session, t0 + 10_000));
    assert.ok(!sessionCovers(session, t0 + HOUR - 1000, 5000));
    assert.ok(!sessionCovers(null, t0));
  });

  it('finds where recording resumes after a gap, among several cameras', () => {
    const other = timedSegments({
      segments: [{ id: 99, start: iso(t0 + 4 * MINUTE), end: iso(t0 + 4 * MINUTE + 30_000), durationSeconds: 30, bytes: 1, url: '/x', reencoded: false }],
    });
    assert.equal(nextRecordedStart([segments], t0 + 3 * MINUTE), t0 + 5 * MINUTE);
    assert.equal(nextRecordedStart([segments, other], t0 + 3 * MINUTE), t0 + 4 * MINUTE);
    assert.equal(nextRecordedStart([segments], t0 + 7 * MINUTE), null);
    assert.equal(previousRecordedEnd([segments, other], t0 + 4 * MINUTE + 50_000), t0 + 4 * MINUTE + 30_000);
    assert.equal(previousRecordedEnd([segments], t0), null);
  });

  it('offers the speeds x1/4 to x16', () => {
    assert.deepEqual([0.25, 0.5, 1, 2, 16, -4].map(speedLabel), ['x1/4', 'x1/2', 'x1', 'x2', 'x16', '-x4']);
    assert.equal(stepSpeed(1, 1), 2);
    assert.equal(stepSpeed(16, 1), 16);
    assert.equal(stepSpeed(0.25, -1), 0.25);
    assert.equal(stepSpeed(-2, 1), -4);
    assert.equal(stepSpeed(3, -1), 2);
    assert.ok(driftTolerance(16) > driftTolerance(1));
  });

  it('measures a frame as the median step between frame times', () => {
    assert.equal(estimateFrameDuration([]), 0.04);
    const twelve = [0, 1, 2, 3, 4, 6, 7].map((frame) => frame / 12.5);
    assert.ok(Math.abs(estimateFrameDuration(twelve) - 0.08) < 1e-9);
    assert.equal(estimateFrameDuration([0, 5, 10, 15], 0.1), 0.1, 'steps of 5 s are seeks, not frames');
  });
});

describe('gaps while playing', () => {
  const ranges = [
    [
      { from: iso(t0), to: iso(t0 + MINUTE) },
      { from: iso(t0 + 5 * MINUTE), to: iso(t0 + 6 * MINUTE) },
    ],
    [{ from: iso(t0 + 3 * MINUTE), to: iso(t0 + 4 * MINUTE) }],
  ];

  it('goes on inside a recording, jumps over a gap, stops at the end', () => {
    assert.deepEqual(gapStep(ranges, t0 + 30_000, true), { kind: 'inside' });
    assert.deepEqual(gapStep(ranges, t0 + 3 * MINUTE + 1, true), { kind: 'inside' }, 'the second camera recorded it');
    assert.deepEqual(gapStep(ranges, t0 + 2 * MINUTE, true), { kind: 'jump', toMs: t0 + 3 * MINUTE });
    assert.deepEqual(gapStep(ranges, t0 + 4 * MINUTE + 5, false), { kind: 'jump', toMs: t0 + 4 * MINUTE - 40 });
    assert.deepEqual(gapStep(ranges, t0 + 7 * MINUTE, true), { kind: 'end' });
    assert.deepEqual(gapStep([], t0, true), { kind: 'end' });
  });

  it('starts today near the latest recording, another day at its first', () => {
    const day = { from: t0 - 8 * HOUR, to: t0 + 16 * HOUR };
    assert.equal(defaultPlayhead(ranges[0]!, day, t0 + HOUR), t0 + 5 * MINUTE);
    assert.equal(defaultPlayhead([{ from: iso(t0), to: iso(t0 + HOUR) }], day, t0 + 2 * HOUR), t0 + 55 * MINUTE);
    assert.equal(defaultPlayhead(ranges[0]!, day, t0 + 30 * HOUR), t0);
    assert.equal(defaultPlayhead([], day, t0), day.from);
  });

  it('words the recorder’s gap reasons', () => {
    assert.equal(gapReasonCode('stream_lost (code 1)'), 'stream_lost');
    assert.equal(gapReasonCode('recorder_crashed'), 'recorder_crashed');
    assert.equal(gapReasonCode('packet_loss'), 'packet_loss');
    assert.equal(gapReasonCode('disk_too_slow'), 'disk_too_slow');
    assert.equal(gapReasonCode('encoder_too_slow'), 'encoder_too_slow');
    assert.equal(gapReasonCode(null), 'unknown');
    assert.equal(gapReasonCode('something new'), 'unknown');
  });
});
