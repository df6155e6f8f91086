// The live hub on synthetic MPEG-TS packets: whole packets whatever the chunking, fan-out to
// every subscriber, a late viewer gets PAT, PMT and the packets since the last keyframe.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LiveHub, pmtPidOfPat, TS_PACKET, tsPacketInfo } from './live-hub.ts';

function packet(pid: number, options: { unitStart?: boolean; randomAccess?: boolean; fill?: number; payload?: number[] } = {}): Buffer {
  const buffer = Buffer.alloc(TS_PACKET, options.fill ?? 0xff);
  buffer[0] = 0x47;
  buffer[1] = (options.unitStart ? 0x40 : 0) | ((pid >> 8) & 0x1f);
  buffer[2] = pid & 0xff;
  if (options.randomAccess) {
    buffer[3] = 0x30; // adaptation field + payload
    buffer[4] = 1;
    buffer[5] = 0x40;
  } else {
    buffer[3] = 0x10;
  }
  if (options.payload) Buffer.from(options.payload).copy(buffer, 4);
  return buffer;
}

// PAT: pointer 0, table 0, section length 13, tsid 1, version, section 0/0, program 1 -> PMT PID 0x1000, CRC.
const pat = packet(0, { unitStart: true, payload: [0x00, 0x00, 0xb0, 0x0d, 0x00, 0x01, 0xc1, 0x00, 0x00, 0x00, 0x01, 0xf0, 0x00, 0, 0, 0, 0] });
const pmt = packet(0x1000, { unitStart: true, fill: 0x02 });
const key = packet(0x100, { unitStart: true, randomAccess: true, fill: 0x0a });
const delta = (fill: number) => packet(0x100, { fill });

describe('live hub', () => {
  it('reads PIDs, random access flags and the PMT PID of a PAT', () => {
    assert.deepEqual(tsPacketInfo(key), { pid: 0x100, unitStart: true, randomAccess: true });
    assert.equal(tsPacketInfo(delta(1)).randomAccess, false);
    assert.equal(pmtPidOfPat(pat), 0x1000);
  });

  it('publishes whole packets to every viewer whatever the chunking, and starts late viewers on the last keyframe', () => {
    const hub = new LiveHub();
    const first: Buffer[] = [];
    hub.subscribe('cam', (bytes) => first.push(bytes));
    const stream = Buffer.concat([pat, pmt, key, delta(1), delta(2), pat, pmt, key, delta(3)]);
    for (let offset = 0; offset < stream.length; offset += 100) hub.publish('cam', stream.subarray(offset, offset + 100));
    const received = Buffer.concat(first);
    assert.equal(received.length, stream.length);
    assert.ok(received.equals(stream));
    assert.ok(first.every((bytes) => bytes.length % TS_PACKET === 0));

    const late: Buffer[] = [];
    hub.subscribe('cam', (bytes) => late.push(bytes));
    assert.ok(late[0]!.equals(Buffer.concat([pat, pmt, key, delta(3)])), 'PAT, PMT, then the GOP since the last keyframe');
    hub.publish('cam', delta(4));
    assert.ok(late[1]!.equals(delta(4)));
    assert.equal(hub.viewers('cam'), 2);
    hub.reset('cam');
    const afterReset: Buffer[] = [];
    hub.subscribe('cam', (bytes) => afterReset.push(bytes));
    assert.deepEqual(afterReset, [], 'no stale picture after the recorder stopped');
  });
});
