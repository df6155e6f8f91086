import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatClockOffset } from './device-facts.ts';

describe('camera clock offset as people read it', () => {
  it('picks seconds, minutes or hours, with a sign', () => {
    assert.equal(formatClockOffset(0), '+0 s');
    assert.equal(formatClockOffset(1499), '+1 s');
    assert.equal(formatClockOffset(-90_000), '−90 s');
    assert.equal(formatClockOffset(45 * 60_000), '+45 min');
    assert.equal(formatClockOffset(-3 * 3600_000), '−3 h');
  });
});
