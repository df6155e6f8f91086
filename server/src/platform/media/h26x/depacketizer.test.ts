// RTP depacketizers, no IO: H.264 (single NAL unit, STAP-A, FU-A) and H.265 (single, AP, FU)
// pictures split across packets, access-unit ends (marker, timestamp change), 16-bit sequence
// wrap, losses (dropped up to the next keyframe, reported once), duplicates and late packets,
// refused packet types, parameter sets from the SDP and in-band changes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { H264, H265, packetize, slice } from './h26x.fixtures.ts';
import { type AccessUnit, Depacketizer, joinNalUnit, type DepacketizerEvent, type RtpPacket, spropParameterSets, type VideoCodec } from './index.ts';

const SEI = Buffer.from('0605112233445566778899aabbccddeeff0080', 'hex');
const AUD = Buffer.from('0910', 'hex');

function run(depacketizer: Depacketizer, packets: readonly RtpPacket[]): DepacketizerEvent[] {
  return [...packets.flatMap((packet) => depacketizer.push(packet)), ...depacketizer.flush()];
}
const accessUnits = (events: DepacketizerEvent[]): AccessUnit[] => events.flatMap((event) => (event.kind === 'accessUnit' ? [event.accessUnit] : []));
const losses = (events: DepacketizerEvent[]) => events.filter((event) => event.kind === 'loss');

/** A GOP of pictures: keyframe (parameter sets, SEI, big IDR slice), then P pictures of alternating sizes. */
function h264Pictures(count: number, keyframeEvery = 1000): Buffer[][] {
  return Array.from({ length: count }, (_, index) =>
    index % keyframeEvery === 0
      ? [AUD, H264.sps360, H264.pps, SEI, slice('h264', 5, 5000, true, index & 0xff)]
      : [slice('h264', 1, index % 2 ? 300 : 2900, true, index & 0xff)],
  );
}

/** Packets of consecutive pictures, 12 fps (7500 ticks), from `sequence` and `timestamp`. */
function stream(codec: VideoCodec, pictures: Buffer[][], sequence: number, timestamp: number, aggregate = true): RtpPacket[] {
  const packets: RtpPacket[] = [];
  for (const [index, units] of pictures.entries()) packets.push(...packetize(codec, units, sequence + packets.length, timestamp + index * 7500, { aggregate }));
  return packets;
}

describe('H.264 depacketizer', () => {
  it('rebuilds pictures from STAP-A, FU-A and single NAL unit packets, byte for byte', () => {
    const pictures = h264Pictures(4);
    const packets = stream('h264', pictures, 100, 1000);
    assert.ok(packets.some((packet) => (packet.payload[0]! & 0x1f) === 24) && packets.some((packet) => (packet.payload[0]! & 0x1f) === 28));
    const depacketizer = new Depacketizer({ codec: 'h264' });
    const units = accessUnits(run(depacketizer, packets));
    assert.equal(units.length, 4);
    assert.deepEqual(
      units.map((unit) => [unit.timestamp, unit.keyframe]),
      [
        [1000, true],
        [8500, false],
        [16000, false],
        [23500, false],
      ],
    );
    units.forEach((unit, index) => {
      assert.deepEqual(unit.nalUnits.map(joinNalUnit), pictures[index], `picture ${index}`);
    });
    assert.deepEqual(units[0]!.parameterSets, { sps: H264.sps360, pps: H264.pps });
    assert.equal(units[0]!.parameterSetsChanged, undefined, 'the first parameter sets are no change');
    assert.equal(depacketizer.stats.accessUnits, 4);
    assert.equal(depacketizer.stats.packetsLost, 0);
  });

  it('ends a picture on a timestamp change when the marker bit is missing', () => {
    const packets = stream('h264', h264Pictures(3), 0, 0).map((packet) => ({ ...packet, marker: false }));
    const depacketizer = new Depacketizer({ codec: 'h264' });
    const events = packets.flatMap((packet) => depacketizer.push(packet));
    assert.equal(accessUnits(events).length, 2, 'the last one waits for its end');
    assert.equal(accessUnits([...depacketizer.flush()]).length, 1);
  });

  it('runs across the 16-bit sequence wrap without a loss', () => {
    const packets = stream('h264', h264Pictures(6), 65_530, 4_294_960_000);
    assert.ok(packets.some((packet) => packet.sequence === 65_535) && packets.some((packet) => packet.sequence === 0));
    const depacketizer = new Depacketizer({ codec: 'h264' });
    const events = run(depacketizer, packets);
    assert.equal(accessUnits(events).length, 6);
    assert.equal(losses(events).length, 0);
    assert.equal(accessUnits(events)[5]!.timestamp, (4_294_960_000 + 5 * 7500) >>> 0, 'timestamps wrap too');
  });

  it('drops a keyframe that lost a packet and every picture up to the next keyframe, reported once', () => {
    const pictures = h264Pictures(15, 5);
    const packets = stream('h264', pictures, 65_500, 90_000 - 5 * 7500, false);
    // Keyframe 5 is AUD, SPS, PPS, SEI then its IDR slice in FU-A: drop a middle fragment.
    const keyframeFragments = packets.filter((packet) => packet.timestamp === 90_000 && (packet.payload[0]! & 0x1f) === 28);
    const lost = keyframeFragments[1]!;
    // Also a later gap while already waiting: counted, not reported again.
    const later = packets.find((packet) => packet.timestamp === 90_000 + 2 * 7500)!;
    const depacketizer = new Depacketizer({ codec: 'h264' });
    const events = run(
      depacketizer,
      packets.filter((packet) => packet !== lost && packet !== later),
    );
    assert.deepEqual(losses(events), [{ kind: 'loss', reason: 'sequenceGap', packetsLost: 1, fromTimestamp: 90_000 }]);
    const units = accessUnits(events);
    assert.deepEqual(
      units.map((unit) => (unit.timestamp - 90_000) / 7500),
      [-5, -4, -3, -2, -1, 5, 6, 7, 8, 9],
    );
    assert.equal(units[5]!.keyframe, true);
    assert.equal(depacketizer.stats.packetsLost, 2);
    assert.equal(depacketizer.stats.droppedAccessUnits, 4, 'the damaged keyframe and three P pictures (picture 7 never came)');
  });

  it('reports a loss between pictures from the last timestamp received, and keeps a keyframe that follows whole', () => {
    const pictures = h264Pictures(8, 4);
    const packets = stream('h264', pictures, 10, 0, false);
    const third = packets.filter((packet) => packet.timestamp === 3 * 7500); // the whole P picture before keyframe 4
    const depacketizer = new Depacketizer({ codec: 'h264' });
    const events = run(
      depacketizer,
      packets.filter((packet) => !third.includes(packet)),
    );
    assert.deepEqual(losses(events), [{ kind: 'loss', reason: 'sequenceGap', packetsLost: third.length, fromTimestamp: 2 * 7500 }]);
    assert.deepEqual(
      accessUnits(events).map((unit) => unit.timestamp / 7500),
      [0, 1, 2, 4, 5, 6, 7],
    );
  });

  it('after a loss, refuses a keyframe whose first slice is not the first of the picture', () => {
    const keyframe = [H264.sps360, H264.pps, slice('h264', 5, 800, true), slice('h264', 5, 800, false)];
    const packets = [
      ...packetize('h264', [slice('h264', 1, 500)], 0, 0),
      ...packetize('h264', keyframe, 1, 7500), // 4 packets: 1..4
      ...packetize('h264', keyframe, 5, 15_000),
    ];
    const depacketizer = new Depacketizer({ codec: 'h264' });
    const events = run(
      depacketizer,
      packets.filter((packet) => packet.sequence !== 0 && packet.sequence !== 1 && packet.sequence !== 2 && packet.sequence !== 3),
    );
    assert.deepEqual(
      accessUnits(events).map((unit) => unit.timestamp),
      [15_000],
      'the stream starts with the second slice alone: not a picture',
    );
  });

  it('ignores duplicates and late packets, counting a late packet as lost first', () => {
    const packets = stream('h264', h264Pictures(4), 500, 0);
    const depacketizer = new Depacketizer({ codec: 'h264' });
    const duplicated = packets.flatMap((packet, index) => (index === 2 ? [packet, packet] : [packet]));
    const events = run(depacketizer, duplicated);
    assert.equal(accessUnits(events).length, 4);
    assert.equal(depacketizer.stats.oldPackets, 1);
    const reordered = new Depacketizer({ codec: 'h264' });
    const swapped = [...packets];
    const at = packets.length - 3;
    [swapped[at], swapped[at + 1]] = [swapped[at + 1]!, swapped[at]!];
    const reorderedEvents = run(reordered, swapped);
    assert.equal(losses(reorderedEvents).length, 1);
    assert.equal(reordered.stats.oldPackets, 1);
    assert.equal(reordered.stats.packetsLost, 1);
  });

  it('takes a sender that restarted its sequence numbers as a new stream', () => {
    const depacketizer = new Depacketizer({ codec: 'h264' });
    const events = run(depacketizer, [...stream('h264', h264Pictures(2), 40_000, 0), ...stream('h264', h264Pictures(45, 40), 10_000, 20 * 7500)]);
    assert.ok(depacketizer.stats.oldPackets >= 32);
    assert.deepEqual(
      losses(events).map((event) => event.reason),
      ['sequenceReset'],
    );
    assert.equal(accessUnits(events).at(-1)!.timestamp, 20 * 7500 + 44 * 7500, 'the restarted stream is followed from its next keyframe');
  });

  it('refuses STAP-B, MTAP and FU-B with a counted reason, the picture being damaged', () => {
    const packets = stream('h264', h264Pictures(3), 0, 0);
    const refused = [25, 26, 27, 29].map((type, index) => ({
      sequence: packets.length + index,
      timestamp: 3 * 7500 + index * 7500,
      marker: true,
      payload: Buffer.from([type, 0, 0, 0]),
    }));
    const next = stream('h264', h264Pictures(1), packets.length + 4, 7 * 7500);
    const depacketizer = new Depacketizer({ codec: 'h264' });
    const events = run(depacketizer, [...packets, ...refused, ...next]);
    assert.deepEqual(depacketizer.stats.unsupported, { stapB: 1, mtap16: 1, mtap24: 1, fuB: 1, paci: 0 });
    assert.deepEqual(
      losses(events).map((event) => [event.reason, event.fromTimestamp]),
      [['unsupportedPacket', 3 * 7500]],
    );
    assert.equal(accessUnits(events).length, 4);
  });

  it('starts at the first whole keyframe when joining mid-picture, without reporting a loss', () => {
    const packets = stream('h264', h264Pictures(6, 3), 0, 0, false);
    const depacketizer = new Depacketizer({ codec: 'h264' });
    const events = run(depacketizer, packets.slice(6)); // inside keyframe 0's FU-A
    assert.equal(losses(events).length, 0);
    assert.deepEqual(
      accessUnits(events).map((unit) => unit.timestamp / 7500),
      [3, 4, 5],
    );
  });

  it('uses the SDP parameter sets, and flags a keyframe whose in-band SPS changed', () => {
    const fmtp = { 'packetization-mode': '1', 'sprop-parameter-sets': `${H264.sps360.toString('base64')},${H264.pps.toString('base64')}` };
    const depacketizer = new Depacketizer({ codec: 'h264', parameterSets: spropParameterSets('h264', fmtp) });
    const pictures = [
      [slice('h264', 5, 900)],
      [slice('h264', 1, 400)],
      [H264.sps360, H264.pps, slice('h264', 5, 900)],
      [H264.sps1080, H264.pps, slice('h264', 5, 900)],
    ];
    const units = accessUnits(run(depacketizer, stream('h264', pictures, 0, 0)));
    assert.equal(units.length, 4);
    assert.deepEqual(units[0]!.parameterSets, { sps: H264.sps360, pps: H264.pps });
    assert.equal(units[1]!.parameterSets, undefined, 'only keyframes carry them');
    assert.equal(units[2]!.parameterSetsChanged, undefined, 'the same content in-band is no change');
    assert.equal(units[3]!.parameterSetsChanged, true);
    assert.deepEqual(units[3]!.parameterSets, { sps: H264.sps1080, pps: H264.pps });
  });

  it('drops a keyframe while no parameter set is known', () => {
    const depacketizer = new Depacketizer({ codec: 'h264' });
    const units = accessUnits(run(depacketizer, stream('h264', [[slice('h264', 5, 900)], [H264.sps360, H264.pps, slice('h264', 5, 900)]], 0, 0)));
    assert.equal(units.length, 1);
    assert.equal(depacketizer.stats.keyframesWithoutParameterSets, 1);
  });
});

describe('H.265 depacketizer', () => {
  const keyframe = (fill: number) => [H265.vps720, H265.sps720, H265.pps, slice('h265', 19, 6000, true, fill)];
  const picture = (fill: number) => [slice('h265', 1, fill % 2 ? 200 : 3100, true, fill)];

  it('rebuilds pictures from AP, FU and single NAL unit packets, byte for byte; IRAP types are keyframes', () => {
    const pictures = [keyframe(1), picture(2), picture(3), [slice('h265', 21, 2000)]];
    const packets = stream('h265', pictures, 65_500, 0);
    assert.ok(packets.some((packet) => ((packet.payload[0]! >> 1) & 0x3f) === 48) && packets.some((packet) => ((packet.payload[0]! >> 1) & 0x3f) === 49));
    const fmtp = { 'sprop-vps': H265.vps720.toString('base64'), 'sprop-sps': H265.sps720.toString('base64'), 'sprop-pps': H265.pps.toString('base64') };
    const depacketizer = new Depacketizer({ codec: 'h265', parameterSets: spropParameterSets('h265', fmtp) });
    const units = accessUnits(run(depacketizer, packets));
    units.forEach((unit, index) => {
      assert.deepEqual(unit.nalUnits.map(joinNalUnit), pictures[index], `picture ${index}`);
    });
    assert.deepEqual(
      units.map((unit) => unit.keyframe),
      [true, false, false, true],
      'IDR_W_RADL (19) and CRA (21)',
    );
    assert.deepEqual(units[0]!.parameterSets, { vps: H265.vps720, sps: H265.sps720, pps: H265.pps });
  });

  it('drops from a lost fragment to the next keyframe', () => {
    const pictures = [keyframe(1), picture(2), picture(3), keyframe(4), picture(5)];
    const packets = stream('h265', pictures, 0, 0);
    const fragment = packets.filter((packet) => packet.timestamp === 7500)[1]!; // picture 1 is 3100 bytes: 3 FU packets
    const depacketizer = new Depacketizer({ codec: 'h265' });
    const events = run(
      depacketizer,
      packets.filter((packet) => packet !== fragment),
    );
    assert.deepEqual(losses(events), [{ kind: 'loss', reason: 'sequenceGap', packetsLost: 1, fromTimestamp: 7500 }]);
    assert.deepEqual(
      accessUnits(events).map((unit) => unit.timestamp / 7500),
      [0, 3, 4],
    );
    assert.equal(depacketizer.stats.droppedAccessUnits, 2);
  });

  it('refuses PACI packets and an AP that runs past its end', () => {
    const depacketizer = new Depacketizer({ codec: 'h265' });
    const first = stream('h265', [keyframe(1)], 0, 0);
    run(depacketizer, first);
    depacketizer.push({ sequence: first.length, timestamp: 7500, marker: true, payload: Buffer.from([50 << 1, 1, 0, 0]) });
    assert.equal(depacketizer.stats.unsupported.paci, 1);
    const second = stream('h265', [keyframe(2)], first.length + 1, 15_000);
    assert.equal(accessUnits(run(depacketizer, second)).length, 1);
    const events = depacketizer.push({
      sequence: first.length + 1 + second.length,
      timestamp: 22_500,
      marker: true,
      payload: Buffer.from([48 << 1, 1, 0, 40, 2, 1]),
    });
    assert.deepEqual(
      events.map((event) => event.kind === 'loss' && event.reason),
      ['malformedPacket'],
    );
  });
});
