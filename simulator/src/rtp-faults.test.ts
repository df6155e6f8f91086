import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildWirePicture, type PreparedFrame, type WirePicture } from './rtp.ts';
import { RtpPathShaper, seededRandom } from './rtp-faults.ts';

function frameOf(packets: number): PreparedFrame {
  const payloadEnds = Array.from({ length: packets }, (_, index) => (index + 1) * 3);
  return { data: Buffer.alloc(packets * 3, 0x41), payloadEnds, keyframe: false };
}

function sequences(picture: WirePicture): number[] {
  return picture.packetOffsets.map((offset) => picture.interleaved.readUInt16BE(offset + 2));
}

function pictures(count: number, packetsEach: number): WirePicture[] {
  return Array.from({ length: count }, (_, index) => buildWirePicture(frameOf(packetsEach), index * packetsEach, index * 7500, 42));
}

test('the seeded generator repeats itself for a seed and differs between seeds', () => {
  const first = seededRandom(7);
  const again = seededRandom(7);
  const other = seededRandom(8);
  const a = Array.from({ length: 5 }, first);
  assert.deepEqual(Array.from({ length: 5 }, again), a);
  assert.notDeepEqual(Array.from({ length: 5 }, other), a);
  assert.ok(a.every((value) => value >= 0 && value < 1));
});

test('packet loss drops about that share, reproducibly, and leaves gaps in the sequence numbers', () => {
  const run = () => {
    const shaper = new RtpPathShaper();
    const fault = { percent: 20, seed: 3 };
    return pictures(100, 10).flatMap((picture) => sequences(shaper.apply(picture, { packetLoss: fault })));
  };
  const received = run();
  assert.deepEqual(run(), received);
  const lost = 1000 - received.length;
  assert.ok(lost > 150 && lost < 250, `${lost} of 1000 lost`);
  assert.deepEqual(
    [...received].sort((a, b) => a - b),
    received,
    'loss alone keeps the order',
  );
  assert.ok(received.some((sequence, index) => index > 0 && sequence - received[index - 1]! > 1));
});

test('no fault, or 0 %, hands the shared picture through untouched', () => {
  const shaper = new RtpPathShaper();
  const [picture] = pictures(1, 5);
  assert.equal(shaper.apply(picture!, {}), picture);
  assert.equal(shaper.apply(picture!, { packetLoss: { percent: 0 } }), picture);
});

test('reordering moves packets by at most depth positions, losing none', () => {
  const shaper = new RtpPathShaper();
  const fault = { percent: 30, depth: 3 };
  const received = pictures(50, 8).flatMap((picture) => sequences(shaper.apply(picture, { reorder: fault })));
  // Turning the fault off flushes what is still held back.
  received.push(...sequences(shaper.apply(buildWirePicture(frameOf(1), 400, 0, 42), {})));
  assert.deepEqual(
    [...received].sort((a, b) => a - b),
    Array.from({ length: 401 }, (_, index) => index),
  );
  const displaced = received.filter((sequence, index) => sequence !== index);
  assert.ok(displaced.length > 50, `${displaced.length} packets out of place`);
  for (const [index, sequence] of received.entries()) {
    // Overtaken by `depth` fresh packets at most, and by packets held and released meanwhile.
    const overtakers = received.slice(0, index).filter((earlier) => earlier > sequence).length;
    assert.ok(overtakers <= 2 * 3, `packet ${sequence} overtaken by ${overtakers}`);
  }
});

test('loss and reordering rebuild a valid interleaved picture', () => {
  const shaper = new RtpPathShaper();
  const shaped = pictures(20, 6).map((picture) => shaper.apply(picture, { packetLoss: { percent: 10 }, reorder: { percent: 20, depth: 2 } }));
  for (const picture of shaped) {
    let offset = 0;
    picture.packetOffsets.forEach((packetOffset, index) => {
      assert.equal(picture.interleaved[offset], 0x24);
      assert.equal(picture.interleaved.readUInt16BE(offset + 2), picture.packetLengths[index]);
      assert.equal(packetOffset, offset + 4);
      offset += 4 + picture.packetLengths[index]!;
    });
    assert.equal(offset, picture.interleaved.length);
  }
});
