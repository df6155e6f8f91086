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

describe('live hub: demand-fed cameras (recorder shards) and stills', () => {
  const init = Buffer.from('....ftypinit');
  const fragment = (fill: number) => [Buffer.from('....moof'), Buffer.alloc(8, fill)];

  it('tells the shard when the first viewer comes and the last leaves; a still counts as a viewer while it waits', async () => {
    const hub = new LiveHub();
    const calls: boolean[] = [];
    hub.declareFormat('cam', 'mp4');
    hub.publishInit('cam', init);
    hub.setDemand('cam', (watched) => calls.push(watched));
    const first = hub.subscribe('cam', () => undefined);
    const second = hub.subscribe('cam', () => undefined);
    first();
    assert.deepEqual(calls, [true], 'one viewer left: still watched');
    second();
    assert.deepEqual(calls, [true, false]);
    const still = hub.snapshot('cam', 1000);
    assert.deepEqual(calls, [true, false, true], 'a still asks for pictures');
    hub.publishFragment('cam', fragment(1), false); // not a keyframe: no still from it
    hub.publishFragment('cam', fragment(2), true);
    const gop = await still;
    assert.ok(gop?.subarray(0, init.length).equals(init) && gop.includes(Buffer.alloc(8, 2)) && !gop.includes(Buffer.alloc(8, 1)));
    assert.deepEqual(calls, [true, false, true, false], 'the still served: nobody watches');
  });

  it('a new viewer of a demand-fed camera is not given the stale GOP of an earlier watch', () => {
    const hub = new LiveHub();
    hub.declareFormat('cam', 'mp4');
    hub.publishInit('cam', init);
    hub.setDemand('cam', () => undefined);
    const unsubscribe = hub.subscribe('cam', () => undefined);
    hub.publishFragment('cam', fragment(3), true);
    unsubscribe();
    const received: Buffer[] = [];
    hub.subscribe('cam', (bytes) => received.push(bytes));
    assert.deepEqual(received, [init], 'the init only: the shard sends its own GOP');
  });

  it('a still of a camera recorded in this thread is served from the cache at once, else from the next keyframe, else null', async () => {
    const hub = new LiveHub();
    hub.declareFormat('cam', 'mp4');
    hub.publishInit('cam', init);
    assert.equal(await hub.snapshot('cam', 50), null, 'no picture within the timeout');
    const waiting = hub.snapshot('cam', 1000);
    hub.publishFragment('cam', fragment(4), true);
    assert.ok((await waiting)?.includes(Buffer.alloc(8, 4)));
    hub.publishFragment('cam', fragment(5), false);
    const now = await hub.snapshot('cam', 1000);
    assert.ok(now?.includes(Buffer.alloc(8, 4)) && now.includes(Buffer.alloc(8, 5)), 'the whole cached GOP');
  });

  it('a still of an MPEG-TS feed comes from the chunk after its keyframe (the keyframe whole)', async () => {
    const hub = new LiveHub();
    const waiting = hub.snapshot('ts', 1000);
    hub.publish('ts', Buffer.concat([pat, pmt, key]));
    hub.publish('ts', delta(0x0b));
    const gop = await waiting;
    assert.ok(gop?.includes(key) && gop.includes(delta(0x0b)) && gop.subarray(0, TS_PACKET).equals(pat));
  });
});
