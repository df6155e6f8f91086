// Free-space arithmetic of volumes, and Paris calendar days (the register's "recordings made").
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parisMidnightMs } from '../../platform/clock.ts';
import { bytesToFree } from './storage.monitor.ts';
import { computeUsage } from './storage.service.ts';

describe('volume usage', () => {
  it('uses the filesystem without a capacity, and the tighter of the two with one', () => {
    assert.deepEqual(computeUsage({ capacityBytes: null, lowSpacePercent: 10 }, { totalBytes: 1000, freeBytes: 50 }, 900), {
      totalBytes: 1000,
      freeBytes: 50,
      freePercent: 5,
      recordingsBytes: 900,
      low: true,
    });
    assert.equal(computeUsage({ capacityBytes: 500, lowSpacePercent: 10 }, { totalBytes: 1000, freeBytes: 800 }, 100).freeBytes, 400);
    assert.equal(
      computeUsage({ capacityBytes: 500, lowSpacePercent: 10 }, { totalBytes: 1000, freeBytes: 50 }, 100).freeBytes,
      50,
      'the disk is fuller than the quota',
    );
    assert.equal(
      computeUsage({ capacityBytes: 500, lowSpacePercent: 10 }, { totalBytes: 1000, freeBytes: 800 }, 700).freeBytes,
      0,
      'over quota is zero, not negative',
    );
  });

  it('frees up to the threshold plus the margin', () => {
    assert.equal(bytesToFree({ totalBytes: 1000, freeBytes: 50 }, 10), 70);
    assert.equal(bytesToFree({ totalBytes: 1000, freeBytes: 500 }, 10), 0);
  });
});

describe('Paris days', () => {
  it('starts a winter day at 23:00 UTC and a summer day at 22:00 UTC, and handles the change days', () => {
    assert.equal(new Date(parisMidnightMs('2026-12-01')).toISOString(), '2026-11-30T23:00:00.000Z');
    assert.equal(new Date(parisMidnightMs('2026-07-14')).toISOString(), '2026-07-13T22:00:00.000Z');
    assert.equal(parisMidnightMs('2026-03-30') - parisMidnightMs('2026-03-29'), 23 * 3_600_000, 'spring forward: a 23-hour day');
    assert.equal(parisMidnightMs('2026-10-26') - parisMidnightMs('2026-10-25'), 25 * 3_600_000, 'fall back: a 25-hour day');
  });
});
