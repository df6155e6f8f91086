// Pure arithmetic of retention: effective retention, what a purge may destroy given holds,
// chain runs of destroyed segments and their verification, merged register ranges, CSV rows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkLinksAcrossPurges, checkSegmentChainAcrossPurges, SEGMENT_GENESIS_HASH, segmentChainHash } from '../recording/index.ts';
import { parisDateTime, registerCsvRow } from './register.ts';
import { DAY_MS, effectiveRetention, mergeRanges, planPurge, purgeCutoffMs, purgedRuns, type ChainedSpan } from './retention.rules.ts';

const MINUTE = 60_000;

/** `count` chained one-minute segments of one camera starting at `startMs`. */
function chain(count: number, startMs = 0): ChainedSpan[] {
  let prevHash = SEGMENT_GENESIS_HASH;
  return Array.from({ length: count }, (_, index) => {
    const fields = {
      cameraId: 'cam-1',
      communeInsee: '21038',
      volume: 'v1',
      path: `p${index}`,
      startMs: startMs + index * MINUTE,
      endMs: startMs + (index + 1) * MINUTE,
      bytes: 100,
      sha256: 'ab'.repeat(32),
    };
    const span = { id: index + 1, startMs: fields.startMs, endMs: fields.endMs, bytes: 100, prevHash, chainHash: segmentChainHash(prevHash, fields) };
    prevHash = span.chainHash;
    return span;
  });
}

describe('effective retention', () => {
  it('takes the camera override, else the commune, else the legal maximum', () => {
    assert.deepEqual(effectiveRetention({ cameraRetentionDays: 7, communeRetentionDays: 14 }), { days: 7, source: 'camera', clampedFrom: null });
    assert.deepEqual(effectiveRetention({ cameraRetentionDays: null, communeRetentionDays: 14 }), { days: 14, source: 'commune', clampedFrom: null });
    assert.deepEqual(effectiveRetention({ cameraRetentionDays: null, communeRetentionDays: null }), { days: 30, source: 'legal_maximum', clampedFrom: null });
  });

  it('never exceeds 30 days whatever the data says, and never goes below 1', () => {
    assert.deepEqual(effectiveRetention({ cameraRetentionDays: 45, communeRetentionDays: 14 }), { days: 30, source: 'camera', clampedFrom: 45 });
    assert.deepEqual(effectiveRetention({ cameraRetentionDays: null, communeRetentionDays: 0 }), { days: 1, source: 'commune', clampedFrom: 0 });
    assert.equal(purgeCutoffMs(40 * DAY_MS, 30), 10 * DAY_MS);
  });
});

describe('purge plan', () => {
  const segments = chain(10); // minutes 0..10
  const cutoff = 8 * MINUTE; // segments 1..9 (first frame at minute 8 at the latest) have reached retention

  it('destroys a segment once its first frame reaches retention, not its last', () => {
    const plan = planPurge(segments, cutoff, []);
    assert.deepEqual(
      plan.purgeable.map((segment) => segment.id),
      [1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    assert.deepEqual(
      planPurge(segments, cutoff - 1, []).purgeable.map((segment) => segment.id),
      [1, 2, 3, 4, 5, 6, 7, 8],
      'the next one waits for its first frame',
    );
    assert.deepEqual([plan.held.length, plan.lapsedHoldSegments], [0, 0]);
  });

  it('keeps segments overlapping a hold with a procedure reference, even partly', () => {
    const plan = planPurge(segments, cutoff, [{ id: 'h', fromMs: 2.5 * MINUTE, toMs: 4 * MINUTE, procedureReference: 'PV 2026/123' }]);
    assert.deepEqual(
      plan.held.map((segment) => segment.id),
      [3, 4],
    );
    assert.deepEqual(
      plan.purgeable.map((segment) => segment.id),
      [1, 2, 5, 6, 7, 8, 9],
    );
  });

  it('lets a hold without procedure reference lapse at retention, and counts what it covered', () => {
    const plan = planPurge(segments, cutoff, [{ id: 'h', fromMs: 0, toMs: 3 * MINUTE, procedureReference: null }]);
    assert.equal(plan.purgeable.length, 9);
    assert.equal(plan.lapsedHoldSegments, 3);
    const touching = planPurge(segments, cutoff, [{ id: 'h', fromMs: 3 * MINUTE, toMs: 3 * MINUTE + 1, procedureReference: 'X' }]);
    assert.deepEqual(
      touching.held.map((segment) => segment.id),
      [4],
      'a hold ending at a boundary keeps only the segment it overlaps',
    );
  });
});

describe('chain runs and register ranges', () => {
  it('groups chain-adjacent destroyed segments into runs, split by a kept one', () => {
    const segments = chain(6);
    const runs = purgedRuns([segments[0]!, segments[1]!, segments[3]!, segments[4]!]);
    assert.equal(runs.length, 2);
    assert.deepEqual(
      runs.map((run) => [run.firstSegmentId, run.lastSegmentId, run.segments]),
      [
        [1, 2, 2],
        [4, 5, 2],
      ],
    );
    assert.equal(runs[0]!.prevHash, SEGMENT_GENESIS_HASH);
    assert.equal(runs[1]!.prevHash, segments[2]!.chainHash);
    assert.equal(runs[1]!.lastChainHash, segments[4]!.chainHash);
  });

  it('verifies a chain across lawful purges, and detects a deletion that no purge explains', () => {
    const segments = chain(8);
    const first = purgedRuns(segments.slice(0, 2));
    const second = purgedRuns(segments.slice(2, 4)); // a later purge, adjacent to the first run
    const held = [segments[4]!];
    const laterRuns = purgedRuns(segments.slice(5, 6));
    const remaining = [...held, ...segments.slice(6)];
    const head = segments[7]!.chainHash;
    assert.equal(checkLinksAcrossPurges(remaining, [...first, ...second, ...laterRuns], head), undefined);
    assert.equal(checkLinksAcrossPurges([], [...first, ...second, ...laterRuns, ...purgedRuns(segments.slice(4))], head), undefined, 'everything purged');

    const withoutSecond = checkLinksAcrossPurges(remaining, [...first, ...laterRuns], head);
    assert.deepEqual(withoutSecond, { kind: 'broken', segmentId: 5, expectedPrevHash: segments[1]!.chainHash });
    const middleDeleted = checkLinksAcrossPurges([...held, segments[7]!], [...first, ...second, ...laterRuns], head);
    assert.equal(middleDeleted?.kind, 'broken');
    const tailDeleted = checkLinksAcrossPurges(remaining.slice(0, -1), [...first, ...second, ...laterRuns], head);
    assert.equal(tailDeleted?.kind, 'tail_removed');
  });

  it('checks full rows across purges: an edited row is found, an intact one passes', () => {
    let prevHash = SEGMENT_GENESIS_HASH;
    const rows = [0, 1, 2].map((index) => {
      const fields = {
        cameraId: 'cam-1',
        communeInsee: '21038',
        volume: 'v1',
        path: `p${index}`,
        startMs: index * MINUTE,
        endMs: (index + 1) * MINUTE,
        bytes: 100,
        sha256: 'ab'.repeat(32),
      };
      const row = { ...fields, id: index + 1, prevHash, chainHash: segmentChainHash(prevHash, fields) };
      prevHash = row.chainHash;
      return row;
    });
    const runs = purgedRuns([rows[0]!]);
    assert.equal(checkSegmentChainAcrossPurges(rows.slice(1), runs, rows[2]!.chainHash), undefined);
    const edited = rows.slice(1).map((row) => ({ ...row }));
    edited[0]!.bytes += 1;
    assert.deepEqual(checkSegmentChainAcrossPurges(edited, runs, rows[2]!.chainHash), { kind: 'edited', segmentId: 2 });
    assert.equal(checkSegmentChainAcrossPurges(rows.slice(1), [], rows[2]!.chainHash)?.kind, 'broken', 'a purge not recorded is a deletion');
  });

  it('merges contiguous destroyed footage into one register range, split at a real gap', () => {
    const ranges = mergeRanges([
      { startMs: 60_000, endMs: 120_000, bytes: 10 },
      { startMs: 0, endMs: 60_000, bytes: 10 },
      { startMs: 120_400, endMs: 180_000, bytes: 5 },
      { startMs: 600_000, endMs: 660_000, bytes: 1 },
    ]);
    assert.deepEqual(ranges, [
      { startMs: 0, endMs: 180_000, segments: 3, bytes: 25 },
      { startMs: 600_000, endMs: 660_000, segments: 1, bytes: 1 },
    ]);
    assert.deepEqual(mergeRanges([]), []);
  });
});

describe('register CSV', () => {
  it('writes Paris wall time and French labels', () => {
    assert.equal(parisDateTime('2026-11-23T10:00:00.000Z'), '2026-11-23 11:00:00');
    assert.equal(parisDateTime(Date.parse('2026-07-01T10:00:00.000Z')), '2026-07-01 12:00:00');
    const row = registerCsvRow({
      id: 7,
      at: '2026-11-23T10:00:00.000Z',
      communeInsee: '21038',
      cameraId: 'cam-1',
      kind: 'destroyed',
      fromMs: Date.parse('2026-10-01T00:00:00Z'),
      toMs: Date.parse('2026-10-01T01:00:00Z'),
      segments: 60,
      bytes: 1234,
      reference: null,
      details: { retentionDays: 30 },
    });
    assert.deepEqual(row.slice(0, 8), [
      7,
      '2026-11-23 11:00:00',
      '2026-11-23T10:00:00.000Z',
      '21038',
      'cam-1',
      'Destruction (durée de conservation échue)',
      '2026-10-01 02:00:00',
      '2026-10-01 03:00:00',
    ]);
    assert.equal(row[10], '');
  });
});
