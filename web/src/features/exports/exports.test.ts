import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addedItem,
  draftOf,
  formatBytes,
  fromParisLocal,
  halfOf,
  isBuilding,
  mayDownload,
  packageBody,
  parisLocalSeconds,
  problemOf,
  spanIn,
  timelineWindow,
} from './exports.ts';

const now = Date.parse('2026-12-07T15:00:00.000Z');

describe('evidence-package screen logic', () => {
  it('pre-fills the requisition’s ranges exactly, and adds a copy of the last range', () => {
    const draft = draftOf([{ cameraId: 'cam-1', from: '2026-12-07T14:00:00.250Z', to: '2026-12-07T14:00:30.750Z' }]);
    assert.deepEqual(packageBody(draft), { items: [{ cameraId: 'cam-1', from: '2026-12-07T14:00:00.250Z', to: '2026-12-07T14:00:30.750Z' }] });
    const added = addedItem(draft, 'cam-2', now);
    assert.deepEqual([added.cameraId, added.from, added.to], ['cam-2', draft[0]!.from, draft[0]!.to]);
    assert.notEqual(added.key, draft[0]!.key);
    const first = addedItem([], 'cam-3', now);
    assert.deepEqual([first.from, first.to], ['2026-12-07T14:50:00.000Z', '2026-12-07T15:00:00.000Z']);
  });

  it('shows and reads Paris time to the second, in winter and summer', () => {
    assert.equal(parisLocalSeconds('2026-12-07T14:00:07.900Z'), '2026-12-07T15:00:07');
    assert.equal(parisLocalSeconds('2026-07-01T10:20:30.000Z'), '2026-07-01T12:20:30');
    assert.equal(fromParisLocal('2026-12-07T15:00:07'), '2026-12-07T14:00:07.000Z');
    assert.equal(fromParisLocal('2026-12-07T15:00'), '2026-12-07T14:00:00.000Z');
    assert.equal(fromParisLocal(''), null);
  });

  it('finds the draft’s first problem with the server’s limits (24 h per range, 50 ranges)', () => {
    const item = (cameraId: string, from: string, to: string) => ({ key: 1, cameraId, from, to });
    assert.deepEqual(problemOf([], now), { problem: 'empty', index: 0 });
    assert.deepEqual(problemOf([item('', '2026-12-07T14:00:00Z', '2026-12-07T14:01:00Z')], now), { problem: 'camera', index: 0 });
    const ok = item('c', '2026-12-07T14:00:00Z', '2026-12-07T14:01:00Z');
    assert.equal(problemOf([ok], now), null);
    assert.deepEqual(problemOf([ok, item('c', '2026-12-07T14:01:00Z', '2026-12-07T14:00:00Z')], now), { problem: 'order', index: 1 });
    assert.equal(problemOf([item('c', '2026-12-06T14:00:00Z', '2026-12-07T14:00:00Z')], now), null, 'exactly 24 h');
    assert.deepEqual(problemOf([item('c', '2026-12-06T13:59:59Z', '2026-12-07T14:00:00Z')], now), { problem: 'tooLong', index: 0 });
    assert.deepEqual(problemOf([item('c', '2026-12-07T14:59:00Z', '2026-12-07T15:00:01Z')], now), { problem: 'future', index: 0 });
    assert.equal(
      problemOf(
        Array.from({ length: 50 }, () => ok),
        now,
      ),
      null,
    );
    assert.deepEqual(
      problemOf(
        Array.from({ length: 51 }, () => ok),
        now,
      ),
      { problem: 'count', index: 50 },
    );
  });

  it('lays a range’s timeline out: a quarter either side (a minute at least), parts clipped', () => {
    const window = timelineWindow('2026-12-07T14:00:00Z', '2026-12-07T14:40:00Z');
    assert.deepEqual(window, { from: Date.parse('2026-12-07T13:50:00Z'), to: Date.parse('2026-12-07T14:50:00Z') });
    assert.deepEqual(spanIn(window, '2026-12-07T14:00:00Z', '2026-12-07T14:40:00Z'), { left: 1 / 6, width: 4 / 6 });
    assert.deepEqual(spanIn(window, '2026-12-07T13:00:00Z', '2026-12-07T14:20:00Z'), { left: 0, width: 0.5 });
    assert.equal(spanIn(window, '2026-12-07T15:00:00Z', '2026-12-07T15:10:00Z'), null);
    const short = timelineWindow('2026-12-07T14:00:00Z', '2026-12-07T14:00:20Z');
    assert.equal(short.to - short.from, 140_000);
  });

  it('offers the download to the police user who filed and to supervisors only', () => {
    const requisition = { filedBy: 'opj.martin' };
    assert.equal(mayDownload({ role: 'police', login: 'opj.martin' }, requisition), true);
    assert.equal(mayDownload({ role: 'police', login: 'opj.autre' }, requisition), false);
    assert.equal(mayDownload({ role: 'supervisor', login: 'chef' }, requisition), true);
    assert.equal(mayDownload({ role: 'operator', login: 'opj.martin' }, requisition), false);
  });

  it('follows queued and building packages, reads sizes and the server’s bilingual texts', () => {
    assert.deepEqual(['queued', 'building', 'ready', 'failed', 'purged'].map(isBuilding), [true, true, false, false, false]);
    assert.equal(formatBytes(999, 'fr-FR'), '999 o');
    assert.equal(formatBytes(1_450_000, 'fr-FR'), '1,5 Mo');
    assert.equal(formatBytes(1_450_000, 'en-GB'), '1.5 MB');
    assert.equal(formatBytes(250_000_000, 'en-GB'), '250 MB');
    assert.equal(halfOf('Prêt / ready', 'fr'), 'Prêt');
    assert.equal(halfOf('Prêt / ready', 'en'), 'ready');
    assert.equal(halfOf('Vidéo 1/2 (cam-1)', 'en'), 'Vidéo 1/2 (cam-1)');
  });
});
