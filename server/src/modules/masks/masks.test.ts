// Privacy mask rules, pure: geometry validation with bilingual errors, the polygons in force at
// a PTZ preset, the version the recorder fleet compares, and the size of the check's frame.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../platform/clock.ts';
import { DomainError } from '../../platform/errors.ts';
import type { TechnicalEvent } from '../technical-events/index.ts';
import { checkFrameSize, MaskCheck, type CheckedSegment, type MaskCheckDeps } from './masks.check.ts';
import type { EffectiveMask } from './masks.service.ts';
import {
  maskCreateSchema,
  maskVersion,
  parseMaskInput,
  parseMaskMode,
  polygonArea,
  polygonsInForce,
  validatePolygons,
  type PrivacyMask,
} from './masks.rules.ts';

const square = [
  [0, 0],
  [0.5, 0],
  [0.5, 0.5],
  [0, 0.5],
] as const;

function maskError(work: () => unknown): DomainError {
  try {
    work();
  } catch (error) {
    assert.ok(error instanceof DomainError, `DomainError expected, got ${String(error)}`);
    assert.equal(error.code, 'mask_invalid');
    return error;
  }
  throw new Error('no error thrown');
}

describe('mask validation', () => {
  it('accepts normalised polygons and measures their area', () => {
    assert.deepEqual(validatePolygons([square.map((point) => [...point])]), [square]);
    assert.equal(polygonArea(square), 0.25);
    assert.equal(polygonArea([...square].reverse()), -0.25, 'orientation does not matter, only the surface');
    assert.doesNotThrow(
      () =>
        validatePolygons([
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 1],
          ],
        ]),
      'the whole picture may be masked',
    );
  });

  it('refuses points outside the picture, too few or too many points or polygons, and flat polygons, in French and English', () => {
    const outside = maskError(() =>
      validatePolygons([
        [
          [0, 0],
          [1.2, 0],
          [0.5, 0.5],
        ],
      ]),
    );
    assert.match(outside.messageFr, /point 2 du polygone 1 est hors de l’image/);
    assert.match(outside.messageEn, /point 2 of polygon 1 is outside the picture/);
    assert.deepEqual(outside.details, { polygon: 0, point: 1 });
    maskError(() =>
      validatePolygons([
        [
          [0, 0],
          [0.5, -0.01],
          [0.5, 0.5],
        ],
      ]),
    );
    maskError(() =>
      validatePolygons([
        [
          [0, 0],
          [Number.NaN, 0],
          [0.5, 0.5],
        ],
      ]),
    );
    assert.match(
      maskError(() =>
        validatePolygons([
          square.map((p) => [...p]),
          [
            [0, 0],
            [0.5, 0.5],
          ],
        ]),
      ).messageEn,
      /polygon 2 must have 3 to 64 points \(got 2\)/,
    );
    maskError(() => validatePolygons([Array.from({ length: 65 }, (_, index) => [index / 100, (index % 2) / 2])]));
    assert.match(maskError(() => validatePolygons(Array.from({ length: 33 }, () => square.map((p) => [...p])))).messageFr, /de 1 à 32 polygones/);
    maskError(() => validatePolygons([]));
    assert.match(
      maskError(() =>
        validatePolygons([
          [
            [0, 0],
            [0.5, 0.5],
            [1, 1],
          ],
        ]),
      ).messageFr,
      /n’a pas de surface/,
    );
    maskError(() =>
      validatePolygons([
        [
          [0.2, 0.2],
          [0.2, 0.2],
          [0.2, 0.2],
        ],
      ]),
    );
  });

  it('turns malformed input into the same bilingual error, never a raw schema error', () => {
    const error = maskError(() => parseMaskInput(maskCreateSchema, { cameraId: 'c1', name: ' ', polygons: [square] }));
    assert.match(error.messageEn, /^Invalid mask: field "name" is wrong/);
    maskError(() => parseMaskInput(maskCreateSchema, { cameraId: 'c1', name: 'Fenêtres', polygons: [[['a', 0]]] }));
    maskError(() => parseMaskMode('camera'));
    assert.equal(parseMaskMode('in_camera'), 'in_camera');
  });
});

describe('polygons in force and versions', () => {
  const mask = (id: string, presetToken: string | null, x: number): PrivacyMask => ({
    id,
    cameraId: 'c1',
    communeInsee: '21038',
    presetToken,
    name: id,
    polygons: [
      [
        [x, 0],
        [x + 0.1, 0],
        [x, 0.1],
      ],
    ],
    createdAt: '',
    createdBy: '',
    updatedAt: '',
    updatedBy: '',
    revision: `${id}-r1`,
  });
  const masks = [mask('b', null, 0.2), mask('a', null, 0.1), mask('c', 'preset-1', 0.3), mask('d', 'preset-2', 0.4)];

  it('applies camera-wide masks everywhere and preset masks at their preset only', () => {
    assert.deepEqual(
      polygonsInForce(masks, null).map((polygon) => polygon[0]![0]),
      [0.1, 0.2],
    );
    assert.deepEqual(
      polygonsInForce(masks, 'preset-1').map((polygon) => polygon[0]![0]),
      [0.1, 0.2, 0.3],
    );
    assert.deepEqual(
      polygonsInForce(masks, 'preset-9').map((polygon) => polygon[0]![0]),
      [0.1, 0.2],
    );
  });

  it('versions what the recorder burns in: nothing in camera mode or without polygons', () => {
    const polygons = polygonsInForce(masks, null);
    const version = maskVersion('server', polygons);
    assert.match(version!, /^[0-9a-f]{16}$/);
    assert.equal(maskVersion('server', polygonsInForce([...masks].reverse(), null)), version, 'stable whatever the row order');
    assert.notEqual(maskVersion('server', polygonsInForce(masks, 'preset-1')), version);
    assert.equal(maskVersion('in_camera', polygons), null);
    assert.equal(maskVersion('server', []), null);
  });

  it('decodes the check frame at the recorded size, scaled down past 960 pixels wide', () => {
    assert.deepEqual(checkFrameSize({ width: 320, height: 180 }), { width: 320, height: 180 });
    assert.deepEqual(checkFrameSize({ width: 1920, height: 1080 }), { width: 960, height: 540 });
    assert.deepEqual(checkFrameSize({ width: 2560, height: 1440 }), { width: 960, height: 540 });
    assert.deepEqual(checkFrameSize({ width: 0, height: 0 }), { width: 640, height: 360 });
  });
});

describe('MaskCheck with fakes', () => {
  const now = new Date('2026-12-01T10:00:00.000Z');
  const quarter = [
    [0, 0],
    [0.5, 0],
    [0.5, 0.5],
    [0, 0.5],
  ] as const;
  const segment = (cameraId: string): CheckedSegment => ({
    id: 7,
    volume: 'vol1',
    path: `21038/${cameraId}/x.mp4`,
    startMs: now.getTime() - 60_000,
    endMs: now.getTime() - 1000,
    width: 40,
    height: 20,
  });
  // 40x20 frames: the masked quarter is columns 0-19 of rows 0-9.
  const frame = (inside: (index: number) => number | null) => {
    let seed = 1;
    return Uint8Array.from({ length: 800 }, (_, index) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const masked = index % 40 < 20 && index < 400;
      return (masked ? inside(index) : null) ?? (seed >>> 16) & 255;
    });
  };
  const frames = { flat: frame(() => 10), blank: new Uint8Array(800).fill(16), unmasked: frame(() => null) };

  function run(grab: (path: string) => Promise<Uint8Array>, auditFails = false) {
    const events: TechnicalEvent[] = [];
    const audited: string[] = [];
    const audit: MaskCheckDeps['audit'] = {
      recordAlone: async (_actor, entry) => {
        if (auditFails) throw new Error('database gone');
        audited.push(entry.action);
        return 1;
      },
    };
    const check = new MaskCheck({
      audit,
      clock: new ManualClock(now),
      repository: {
        maskedCameras: async () => [
          { cameraId: 'cam-flat', communeInsee: '21038' },
          { cameraId: 'cam-blank', communeInsee: '21038' },
          { cameraId: 'cam-broken', communeInsee: '21038' },
        ],
      },
      masks: {
        effectiveMask: async (cameraId: string): Promise<EffectiveMask> => ({
          cameraId,
          communeInsee: '21038',
          mode: 'in_camera',
          presetToken: null,
          polygons: [quarter],
          version: null,
        }),
      },
      footage: { newestSegment: async (cameraId: string) => segment(cameraId) },
      volumes: async () => [{ name: 'vol1', root: '/srv/vol1' }],
      grabFrame: (path) => grab(path),
      onTechnicalEvent: (event) => {
        events.push(event);
      },
      tolerance: 3,
    });
    return { check, events, audited };
  }

  it('passes a flat masked area, calls a blank picture inconclusive, and reports an unreadable frame as a warning', async () => {
    const h = run(async (path) => {
      if (path.includes('cam-broken')) throw new Error('moov atom not found');
      return path.includes('cam-flat') ? frames.flat : frames.blank;
    });
    const report = await h.check.run(now);
    assert.deepEqual(
      report.cameras.map((camera) => [camera.cameraId, camera.outcome]),
      [
        ['cam-flat', 'passed'],
        ['cam-blank', 'inconclusive'],
        ['cam-broken', 'error'],
      ],
    );
    assert.deepEqual([report.passed, report.inconclusive, report.errors, report.failed], [1, 1, 1, 0]);
    assert.deepEqual(
      h.events.map((event) => [event.severity, event.code, event.cameraId]),
      [['warning', 'mask_check_failed', 'cam-broken']],
    );
    assert.deepEqual(h.audited, []);
  });

  it('still raises the critical event when the audit row cannot be written, and says so', async () => {
    const h = run(async () => frames.unmasked, true);
    const report = await h.check.run(now);
    assert.equal(report.failed, 3);
    assert.equal(h.events.length, 3);
    assert.ok(h.events.every((event) => event.severity === 'critical' && event.code === 'mask_not_in_force'));
    assert.match(h.events[0]!.message, /audit row NOT written: database gone/);
  });
});
