// Which masks a stored segment must carry (LEGAL 4, issue 11 item 7), pure: a segment is served
// as stored only when the masking it was recorded with accounted for every mask revision in
// force, or ever in force, since it started; otherwise it is re-encoded with all of them. The
// cases the former rule (the latest change time of the masks) got wrong are each a test: a
// recorder that never restarted with a new mask, a mask deleted and redrawn, a mask edited, a
// camera switched to in-camera masks, rows recorded before masking versions ('unknown').
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MaskPolygon } from '../../platform/media/mask-image.ts';
import {
  NO_MASK_VERSION,
  recorderMasking,
  revisionsRequired,
  segmentMaskPlan,
  UNKNOWN_MASK_VERSION,
  type MaskRevision,
  type RecordedMasking,
} from './masks.coverage.ts';

const topLeft: MaskPolygon = [
  [0, 0],
  [0.5, 0],
  [0.5, 0.5],
  [0, 0.5],
];
const topRight: MaskPolygon = [
  [0.5, 0],
  [1, 0],
  [1, 0.5],
  [0.5, 0.5],
];
const bottomLeft: MaskPolygon = [
  [0, 0.5],
  [0.5, 0.5],
  [0.5, 1],
  [0, 1],
];
const T = (minutes: number) => Date.parse('2026-12-02T10:00:00.000Z') + minutes * 60_000;

const revision = (
  id: string,
  polygons: MaskPolygon[],
  validFromMs: number,
  validToMs: number | null = null,
  presetToken: string | null = null,
): MaskRevision => ({
  revision: id,
  maskId: id.split('.')[0]!,
  presetToken,
  polygons,
  validFromMs,
  validToMs,
});
/** The masking a recorder started with these revisions in force stores, as playback reads it back. */
const recordedWith = (mode: 'server' | 'in_camera', revisions: MaskRevision[], burnt: MaskPolygon[]) => {
  const masking = recorderMasking(mode, revisions, burnt);
  const stored: RecordedMasking = { mode, revisions: new Set(masking.revisions), burnt: masking.polygons.length > 0 };
  return { version: masking.version, stored };
};
const plan = (startMs: number, maskVersion: string, history: MaskRevision[], recorded: Array<ReturnType<typeof recordedWith>>) =>
  segmentMaskPlan({ startMs, maskVersion }, history, new Map(recorded.map((entry) => [entry.version, entry.stored])));

describe('the masking a recorder runs with', () => {
  const a = revision('a.1', [topLeft], T(0));
  it('is none without any mask, and a version that changes with the mode, the revisions and what is burnt in', () => {
    assert.equal(recorderMasking('server', [], []).version, NO_MASK_VERSION);
    const server = recorderMasking('server', [a], [topLeft]);
    assert.match(server.version, /^[0-9a-f]{16}$/);
    assert.deepEqual([server.mode, server.revisions, server.polygons], ['server', ['a.1'], [topLeft]]);
    assert.equal(recorderMasking('server', [a], [topLeft]).version, server.version, 'stable');
    const inCamera = recorderMasking('in_camera', [a], [topLeft]);
    assert.notEqual(inCamera.version, server.version);
    assert.deepEqual(inCamera.polygons, [], 'the camera masks itself: nothing burnt in');
    assert.notEqual(recorderMasking('server', [a], []).version, server.version, 'at a position where nothing is burnt in');
    assert.notEqual(recorderMasking('server', [a, revision('b.1', [topRight], T(1))], [topLeft]).version, server.version, 'a new revision');
  });
});

describe('which masks a stored segment must carry', () => {
  const a = revision('a.1', [topLeft], T(0));

  it('serves as stored what was recorded with every mask in force since, and footage that never had any mask to carry', () => {
    const withA = recordedWith('server', [a], [topLeft]);
    assert.deepEqual(plan(T(5), withA.version, [a], [withA]), { masking: 'recorded' });
    assert.deepEqual(plan(T(5), NO_MASK_VERSION, [], []), { masking: 'none' }, 'no mask ever');
    const deleted = revision('a.1', [topLeft], T(0), T(3));
    assert.deepEqual(plan(T(4), NO_MASK_VERSION, [deleted], []), { masking: 'none' }, 'a mask deleted before the footage does not apply to it');
    assert.deepEqual(revisionsRequired([deleted], T(3)), [], 'ended exactly at its start: not in force then');
  });

  it('re-encodes footage of a recorder that never restarted with a new mask, however long ago the mask was saved', () => {
    const noMask = recordedWith('server', [], []);
    const later = plan(T(600), noMask.version, [a], [noMask]);
    assert.equal(later.masking, 'reencoded', 'ten hours after the mask: still not burnt in, still re-encoded');
    assert.deepEqual(later.masking === 'reencoded' && later.polygons, [topLeft]);
    const withA = recordedWith('server', [a], [topLeft]);
    const b = revision('b.1', [topRight], T(10));
    const stale = plan(T(700), withA.version, [a, b], [withA]);
    assert.deepEqual(stale.masking === 'reencoded' && stale.polygons, [topLeft, topRight], 'the second mask missing from a recorder that kept running');
  });

  it('re-encodes with the old and the new polygons footage recorded before a mask was deleted and redrawn, or edited', () => {
    const withA = recordedWith('server', [a], [topLeft]);
    const aDeleted = revision('a.1', [topLeft], T(0), T(20));
    const c = revision('c.1', [bottomLeft], T(21));
    const redrawn = plan(T(5), withA.version, [aDeleted, c], [withA]);
    assert.deepEqual(redrawn.masking === 'reencoded' && redrawn.polygons, [topLeft, bottomLeft]);
    const noMask = recordedWith('server', [], []);
    const before = plan(T(-60), noMask.version, [aDeleted, c], [noMask]);
    assert.deepEqual(before.masking === 'reencoded' && before.polygons, [topLeft, bottomLeft], 'raw footage from before the first mask gets both');
    const aEdited = [revision('a.1', [topLeft], T(0), T(30)), revision('a.2', [topRight], T(30))];
    const edited = plan(T(5), withA.version, aEdited, [withA]);
    assert.deepEqual(edited.masking === 'reencoded' && edited.polygons, [topLeft, topRight], 'an edit: both revisions');
    const withA2 = recordedWith('server', [aEdited[1]!], [topRight]);
    assert.deepEqual(plan(T(40), withA2.version, aEdited, [withA, withA2]), { masking: 'recorded' }, 'after the edit, recorded with the new revision');
  });

  it('re-encodes what was recorded before a camera switched to in-camera masks, and trusts footage the camera masked itself', () => {
    const noMask = recordedWith('server', [], []);
    const raw = plan(T(-10), noMask.version, [a], [noMask]);
    assert.equal(raw.masking, 'reencoded', 'the mode now says nothing about footage recorded before');
    const byCamera = recordedWith('in_camera', [a], [topLeft]);
    assert.deepEqual(plan(T(50), byCamera.version, [a], [byCamera]), { masking: 'none' });
    const b = revision('b.1', [topRight], T(60));
    assert.equal(plan(T(50), byCamera.version, [a, b], [byCamera]).masking, 'reencoded', 'a mask added later in Vigie: the camera did not mask it then');
  });

  it('accounts for nothing in unknown footage, a version that names no stored masking, or none', () => {
    for (const version of [UNKNOWN_MASK_VERSION, NO_MASK_VERSION, 'ffffffffffffffff']) {
      const result = plan(T(5), version, [a], []);
      assert.equal(result.masking, 'reencoded', version);
    }
    const preset = revision('p.1', [topRight], T(0), null, 'balcony');
    const unknown = plan(T(5), UNKNOWN_MASK_VERSION, [preset, a], []);
    assert.deepEqual(unknown.masking === 'reencoded' && unknown.polygons, [topLeft, topRight], 'every position: where the camera pointed is not known');
    assert.match(unknown.masking === 'reencoded' ? unknown.version : '', /^[0-9a-f]{16}$/);
  });
});
