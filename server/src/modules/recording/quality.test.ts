// Legal quality floors (LEGAL 13-14) as values, and the monitor's one-event-per-transition rule.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TechnicalEvent } from '../technical-events/index.ts';
import { QualityMonitor } from './quality.monitor.ts';
import { qualityFloor, qualityProblems } from './quality.rules.ts';
import type { IndexedSegment } from './recording.types.ts';

describe('quality floors', () => {
  it('sets 704x576 for narrow fields, 352x288 otherwise; 12 frames/s only for narrow fields on busy places', () => {
    assert.deepEqual(qualityFloor('narrow', true), { minWidth: 704, minHeight: 576, minFps: 12 });
    assert.deepEqual(qualityFloor('narrow', false), { minWidth: 704, minHeight: 576, minFps: 6 });
    assert.deepEqual(qualityFloor('wide', true), { minWidth: 352, minHeight: 288, minFps: 6 });
  });

  it('flags each dimension and the measured rate, with a small tolerance for rounding', () => {
    const floor = qualityFloor('narrow', true);
    assert.deepEqual(qualityProblems({ width: 1280, height: 720, fps: 12 }, floor), []);
    assert.deepEqual(qualityProblems({ width: 1280, height: 540, fps: 11.9 }, floor), ['resolution_below_floor']);
    assert.deepEqual(qualityProblems({ width: 640, height: 360, fps: 4 }, floor), ['resolution_below_floor', 'fps_below_floor']);
    assert.deepEqual(qualityProblems({ width: 352, height: 288, fps: 6 }, qualityFloor('wide', false)), []);
    assert.deepEqual(qualityProblems({ width: 320, height: 240, fps: 6 }, qualityFloor('wide', false)), ['resolution_below_floor']);
  });
});

describe('quality monitor', () => {
  const segment = (id: number, width: number, height: number, fps: number, durationMs = 10_000): IndexedSegment => ({
    id,
    cameraId: 'cam-1',
    communeInsee: '38999',
    volume: 'local',
    path: `p${id}`,
    startMs: id * 10_000,
    endMs: id * 10_000 + durationMs,
    durationMs,
    bytes: 1,
    codec: 'h264',
    width,
    height,
    fps,
    frameCount: Math.round((fps * durationMs) / 1000),
    sha256: '',
    prevHash: '',
    chainHash: '',
    status: 'closed',
  });

  it('raises one event when a camera goes below a floor, none while it stays, one when it is restored', async () => {
    const events: TechnicalEvent[] = [];
    const monitor = new QualityMonitor({
      facts: async () => ({ fieldClass: 'narrow', busyPedestrianPlace: true }),
      raise: async (event) => {
        events.push(event);
      },
    });
    await monitor.onSegment(segment(1, 1280, 720, 12));
    await monitor.onSegment(segment(2, 1280, 720, 4));
    await monitor.onSegment(segment(3, 1280, 720, 4));
    await monitor.onSegment(segment(4, 320, 240, 4));
    await monitor.onSegment(segment(5, 1280, 720, 1, 500)); // too short to judge
    await monitor.onSegment(segment(6, 1280, 720, 12));
    assert.deepEqual(
      events.map((event) => [event.code, event.severity]),
      [
        ['fps_below_floor', 'warning'],
        ['resolution_below_floor', 'warning'],
        ['quality_restored', 'info'],
      ],
    );
    assert.deepEqual(monitor.of('cam-1')?.problems, []);
  });

  it('does not judge a camera it knows nothing of', async () => {
    const events: TechnicalEvent[] = [];
    const monitor = new QualityMonitor({
      facts: async () => undefined,
      raise: async (event) => {
        events.push(event);
      },
    });
    await monitor.onSegment(segment(1, 100, 100, 1));
    assert.deepEqual(events, []);
  });
});
