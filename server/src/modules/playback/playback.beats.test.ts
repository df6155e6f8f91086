// The heartbeat cap of review hours (issue 13 item 3), pure: a beat adds at most the interval
// plus the tolerance, never more than the time elapsed since the previous beat plus the
// tolerance, and nothing for a paused player or a nonsense figure.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { acceptedBeatSeconds, BEAT_INTERVAL_SECONDS, BEAT_TOLERANCE_SECONDS } from './playback.rules.ts';

describe('review-hour beats', () => {
  it('accepts what was played, capped by the interval and by the time elapsed', () => {
    assert.equal(acceptedBeatSeconds(15, 15_000), 15);
    assert.equal(acceptedBeatSeconds(0, 15_000), 0, 'paused');
    assert.equal(acceptedBeatSeconds(120, 15_000), BEAT_INTERVAL_SECONDS + BEAT_TOLERANCE_SECONDS);
    assert.equal(acceptedBeatSeconds(15, 3_000), 3 + BEAT_TOLERANCE_SECONDS, 'no idle time claimed later');
    assert.equal(acceptedBeatSeconds(600, 3_600_000), BEAT_INTERVAL_SECONDS + BEAT_TOLERANCE_SECONDS, 'a long silence is no credit');
    assert.equal(acceptedBeatSeconds(Number.NaN, 15_000), 0);
    assert.equal(acceptedBeatSeconds(-5, 15_000), 0);
    assert.equal(acceptedBeatSeconds(7.9, 15_000), 7);
  });
});
