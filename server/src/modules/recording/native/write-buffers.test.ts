import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gather, MAX_IDLE_BYTES, WriteBufferPool } from './write-buffers.ts';

describe('write buffer pool', () => {
  it('hands out power-of-two buffers from 64 KiB and reuses what comes back', () => {
    const pool = new WriteBufferPool();
    const first = pool.take(1000);
    assert.equal(first.length, 64 * 1024);
    assert.equal(pool.take(64 * 1024 + 1).length, 128 * 1024);
    pool.give(first);
    assert.equal(pool.take(5000), first, 'the same buffer again');
    assert.deepEqual(pool.stats, { taken: 3, reused: 1, oversized: 0 });
  });

  it('gives a part above 4 MiB a buffer of its own, never pooled', () => {
    const pool = new WriteBufferPool();
    const big = pool.take(5 * 1024 * 1024);
    assert.equal(big.length, 5 * 1024 * 1024);
    pool.give(big);
    assert.equal(pool.idleByteCount, 0);
    assert.equal(pool.stats.oversized, 1);
  });

  it('keeps at most MAX_IDLE_BYTES idle', () => {
    const pool = new WriteBufferPool();
    const buffers = Array.from({ length: MAX_IDLE_BYTES / (4 * 1024 * 1024) + 3 }, () => pool.take(4 * 1024 * 1024));
    for (const buffer of buffers) pool.give(buffer);
    assert.equal(pool.idleByteCount, MAX_IDLE_BYTES);
  });

  it('gathers pieces in order', () => {
    const target = Buffer.alloc(16);
    assert.equal(gather([Buffer.from('ab'), Buffer.from(''), Buffer.from('cde')], target), 5);
    assert.equal(target.toString('latin1', 0, 5), 'abcde');
  });
});
