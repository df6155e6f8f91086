// RTP fixed header parsing (RFC 3550 5.1).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyRtpPacket, readRtpPacket } from './rtp.ts';

describe('readRtpPacket', () => {
  it('reads the fixed header and slices the payload', () => {
    const buffer = Buffer.from('80e1fffe1234567800abcdef' + '6742', 'hex');
    const packet = emptyRtpPacket();
    assert.equal(readRtpPacket(buffer, packet), true);
    assert.deepEqual(
      { ...packet, payload: packet.payload.toString('hex') },
      {
        marker: true,
        payloadType: 97,
        sequence: 0xfffe,
        timestamp: 0x12345678,
        ssrc: 0x00abcdef,
        payload: '6742',
      },
    );
    assert.equal(packet.payload.buffer, buffer.buffer, 'a slice, not a copy');
  });

  it('skips CSRCs and a header extension, and removes padding', () => {
    // V=2 P=1 X=1 CC=2; 2 CSRCs; extension profile 0xBEDE, 1 word; payload 'aabb'; 2 bytes of padding
    const buffer = Buffer.from('b26000010000000a00000001' + '1111111122222222' + 'bede000101020304' + 'aabb' + '0002', 'hex');
    const packet = emptyRtpPacket();
    assert.equal(readRtpPacket(buffer, packet), true);
    assert.equal(packet.payload.toString('hex'), 'aabb');
    assert.equal(packet.marker, false);
    assert.equal(packet.payloadType, 96);
  });

  it('refuses short packets, other versions, and extension or padding past the end', () => {
    const packet = emptyRtpPacket();
    assert.equal(readRtpPacket(Buffer.alloc(11, 0x80), packet), false);
    assert.equal(readRtpPacket(Buffer.from('40600001000000000000000100', 'hex'), packet), false);
    assert.equal(readRtpPacket(Buffer.from('90600001000000000000000100010009', 'hex'), packet), false);
    assert.equal(readRtpPacket(Buffer.from('a060000100000000000000010020', 'hex'), packet), false);
    assert.equal(packet.payload.length, 0, 'target untouched');
  });
});
