import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSenderReport, buildWirePicture, depacketize, framePayloads, payloadsForNalUnit, prepareFrame, withChannel } from './rtp.ts';

function nal(header: number[], length: number): Buffer {
  const unit = Buffer.alloc(length);
  header.forEach((byte, index) => {
    unit[index] = byte;
  });
  for (let index = header.length; index < length; index += 1) unit[index] = index % 251;
  return unit;
}

describe('RTP packetisation', () => {
  test('a small NAL unit travels as a single NAL unit packet', () => {
    const unit = nal([0x41], 100);
    assert.deepEqual(payloadsForNalUnit('h264', unit, 1400), [unit]);
  });

  test('a large H.264 NAL unit is split into FU-A fragments (RFC 6184 5.8)', () => {
    const unit = nal([0x65], 3000);
    const payloads = payloadsForNalUnit('h264', unit, 1400);
    assert.equal(payloads.length, 3);
    assert.ok(payloads.every((payload) => payload.length <= 1400));
    assert.deepEqual(
      payloads.map((payload) => payload[0]),
      [0x7c, 0x7c, 0x7c],
    ); // NRI 3, type 28
    assert.deepEqual(
      payloads.map((payload) => payload[1]),
      [0x85, 0x05, 0x45],
    ); // S, -, E with type 5
    assert.deepEqual(depacketize('h264', payloads), [unit]);
  });

  test('a large H.265 NAL unit is split into FUs (RFC 7798 4.4.3) and reassembled', () => {
    const unit = nal([0x26, 0x01], 5000);
    const payloads = payloadsForNalUnit('h265', unit, 1400);
    assert.equal(payloads[0]![0], 49 << 1);
    assert.equal(payloads[0]![2], 0x80 | 19);
    assert.deepEqual(depacketize('h265', payloads), [unit]);
  });

  test('the wire picture carries interleaved headers, RTP headers and the marker on the last packet', () => {
    const frame = prepareFrame('h264', { nalUnits: [nal([0x67], 10), nal([0x65], 2000)], keyframe: true });
    const picture = buildWirePicture(frame, 65535, 0x12345678, 0xcafebabe);
    assert.equal(picture.packetOffsets.length, 3);
    const { interleaved } = picture;
    assert.equal(interleaved[0], 0x24);
    assert.equal(interleaved[1], 0);
    assert.equal(interleaved.readUInt16BE(2), 12 + 10);
    const sequences = picture.packetOffsets.map((offset) => interleaved.readUInt16BE(offset + 2));
    assert.deepEqual(sequences, [65535, 0, 1]);
    const markers = picture.packetOffsets.map((offset) => (interleaved[offset + 1]! & 0x80) !== 0);
    assert.deepEqual(markers, [false, false, true]);
    assert.equal(interleaved.readUInt32BE(picture.packetOffsets[0]! + 4), 0x12345678);
    assert.equal(interleaved.readUInt32BE(picture.packetOffsets[0]! + 8), 0xcafebabe);
    assert.deepEqual(depacketize('h264', framePayloads(frame)), [nal([0x67], 10), nal([0x65], 2000)]);
    const onChannel4 = withChannel(picture, 4);
    assert.deepEqual(
      picture.packetOffsets.map((offset) => onChannel4[offset - 3]),
      [4, 4, 4],
    );
    assert.equal(interleaved[1], 0, 'the shared buffer is left untouched');
  });

  test('a sender report maps NTP time to the RTP timestamp', () => {
    const report = buildSenderReport({ ssrc: 7, wallClockMs: 1_700_000_000_500, rtpTimestamp: 90000, packetCount: 3, octetCount: 4000, cname: 'cam' });
    assert.equal(report[1], 200);
    assert.equal(report.readUInt32BE(8), 1_700_000_000 + 2_208_988_800);
    assert.equal(report.readUInt32BE(12), 2 ** 31);
    assert.equal(report.readUInt32BE(16), 90000);
    assert.equal(report[28 + 1], 202);
    assert.equal((report.length - 28) % 4, 0);
  });
});
