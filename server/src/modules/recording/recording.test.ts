// Pure pieces of recording: coverage (ranges and gaps), wall-clock start of a segment, file
// layout, and the per-camera chain.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bucketPieces, bucketRuns, coverage, mergeSpans, rangeBucketOf, segmentRelativePath, segmentStartMs } from './recorded-ranges.ts';
import { checkSegmentChain, SEGMENT_GENESIS_HASH, segmentChainHash } from './recording.chain.ts';

describe('coverage', () => {
  const window = { startMs: 0, endMs: 100_000 };

  it('merges contiguous segments and lists the gaps, clipped to the window', () => {
    const segments = [
      { startMs: -5000, endMs: 10_000 },
      { startMs: 10_000, endMs: 20_000 },
      { startMs: 20_400, endMs: 30_000 },
      { startMs: 50_000, endMs: 60_000 },
      { startMs: 90_000, endMs: 130_000 },
    ];
    const result = coverage(segments, window);
    assert.deepEqual(result.ranges, [
      { startMs: 0, endMs: 30_000 },
      { startMs: 50_000, endMs: 60_000 },
      { startMs: 90_000, endMs: 100_000 },
    ]);
    assert.deepEqual(result.gaps, [
      { startMs: 30_000, endMs: 50_000 },
      { startMs: 60_000, endMs: 90_000 },
    ]);
    assert.equal(result.recordedMs, 50_000);
  });

  it('reports the whole window as a gap when nothing was recorded, and handles overlaps', () => {
    assert.deepEqual(coverage([], window).gaps, [window]);
    const overlapping = coverage(
      [
        { startMs: 10_000, endMs: 40_000 },
        { startMs: 0, endMs: 20_000 },
      ],
      window,
    );
    assert.deepEqual(overlapping.ranges, [{ startMs: 0, endMs: 40_000 }]);
    assert.deepEqual(overlapping.gaps, [{ startMs: 40_000, endMs: 100_000 }]);
  });

  it('merges before clipping: a cut under the tolerance across the window edge is no gap', () => {
    const cut = [
      { startMs: -10_000, endMs: -300 },
      { startMs: 400, endMs: 20_000 },
    ];
    assert.deepEqual(coverage(cut, window).ranges, [{ startMs: 0, endMs: 20_000 }]);
    assert.deepEqual(coverage(cut, { startMs: -5000, endMs: 0 }).gaps, []);
    assert.deepEqual(coverage([{ startMs: -10_000, endMs: -1500 }, ...cut.slice(1)], window).gaps[0], { startMs: 0, endMs: 400 }, '1.9 s is a gap');
  });
});

describe('hourly runs of recording_ranges', () => {
  const hour = 3_600_000;
  const t = Date.parse('2026-10-25T00:00:00.000Z');

  it('cuts a span at each UTC hour it touches', () => {
    assert.deepEqual(bucketPieces({ startMs: t - 1000, endMs: t + hour + 5 }), [
      { startMs: t - 1000, endMs: t },
      { startMs: t, endMs: t + hour },
      { startMs: t + hour, endMs: t + hour + 5 },
    ]);
    assert.deepEqual(bucketPieces({ startMs: t, endMs: t + 60_000 }), [{ startMs: t, endMs: t + 60_000 }]);
    assert.equal(rangeBucketOf(t + hour - 1), t);
  });

  it('merges the segments of an hour closer than 1 s, clipped to the hour', () => {
    const segments = [
      { startMs: t - 30_000, endMs: t + 30_000 },
      { startMs: t + 30_900, endMs: t + 90_000 },
      { startMs: t + 91_001, endMs: t + 120_000 },
      { startMs: t + hour - 10_000, endMs: t + hour + 50_000 },
    ];
    assert.deepEqual(bucketRuns(segments, t), [
      { startMs: t, endMs: t + 90_000 },
      { startMs: t + 91_001, endMs: t + 120_000 },
      { startMs: t + hour - 10_000, endMs: t + hour },
    ]);
    assert.deepEqual(mergeSpans([{ startMs: 5, endMs: 5 }]), [], 'an empty span is no run');
  });
});

describe('segment wall-clock start', () => {
  it('takes the file name time for a run first segment, the previous end afterwards', () => {
    assert.equal(segmentStartMs(1_000_000, undefined), 1_000_000);
    assert.equal(segmentStartMs(1_004_000, 1_004_583), 1_004_583, 'name has second precision: the exact chain wins');
    assert.equal(segmentStartMs(1_010_000, 1_004_583), 1_010_000, 'clocks disagree by > 2 s: re-anchor on the name');
  });

  it('lays files out by commune, camera and UTC date, and refuses unsafe names', () => {
    assert.equal(segmentRelativePath('21038', 'cam-001', Date.parse('2026-11-23T23:59:58.250Z')), '21038/cam-001/2026-11-23/20261123T235958.250Z.mp4');
    assert.throws(() => segmentRelativePath('21038', '../etc', 0));
    assert.throws(() => segmentRelativePath('21038', 'a/b', 0));
  });
});

describe('segment chain', () => {
  const chain = () => {
    let prevHash = SEGMENT_GENESIS_HASH;
    return [0, 1, 2].map((index) => {
      const fields = {
        cameraId: 'cam-1',
        communeInsee: '21038',
        volume: 'v1',
        path: `p${index}`,
        startMs: index * 60_000,
        endMs: (index + 1) * 60_000,
        bytes: 1000 + index,
        sha256: 'ab'.repeat(32),
      };
      const row = { ...fields, id: index + 1, prevHash, chainHash: segmentChainHash(prevHash, fields) };
      prevHash = row.chainHash;
      return row;
    });
  };

  it('accepts an intact chain, and one starting after a purge', () => {
    assert.equal(checkSegmentChain(chain(), SEGMENT_GENESIS_HASH), undefined);
    assert.equal(checkSegmentChain(chain().slice(1)), undefined);
  });

  it('detects an edited row, a removed middle row and a swapped file', () => {
    const edited = chain();
    edited[1]!.endMs += 1;
    assert.deepEqual(checkSegmentChain(edited), { kind: 'edited', segmentId: 2 });
    const removed = chain();
    removed.splice(1, 1);
    assert.equal(checkSegmentChain(removed)?.kind, 'broken');
    const swapped = chain();
    swapped[2]!.sha256 = 'cd'.repeat(32);
    assert.deepEqual(checkSegmentChain(swapped), { kind: 'edited', segmentId: 3 });
  });
});
