import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { firstSegmentMs } from './native-recorder.ts';

describe('first segment length', () => {
  it('spreads 400 cameras evenly over the segment length, the same each start, at least 1 s', () => {
    const lengths = Array.from({ length: 400 }, (_, index) => firstSegmentMs(`cam-${String(index + 1).padStart(3, '0')}`, 60_000));
    assert.deepEqual(
      lengths.slice(0, 3),
      ['cam-001', 'cam-002', 'cam-003'].map((id) => firstSegmentMs(id, 60_000)),
    );
    assert.ok(lengths.every((length) => length >= 1000 && length <= 60_000));
    // Closes per 6-s slice of the minute: about 40 each, none above twice that.
    const slices = new Array<number>(10).fill(0);
    for (const length of lengths) slices[Math.min(9, Math.floor(length / 6000))]! += 1;
    assert.ok(Math.max(...slices) <= 80 && Math.min(...slices) >= 15, `closes per 6-s slice: ${slices.join(', ')}`);
  });
});
