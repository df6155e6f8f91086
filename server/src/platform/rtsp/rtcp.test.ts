// RTCP: sender report and BYE parsing, receiver report building, reception statistics
// (RFC 3550 A.1, A.3, A.8) and the wall-clock mapping of RTP timestamps.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildReceiverReport, CLOCK_OFFSET_REPORTS, ntpToUnixMs, parseRtcp, ReceptionStatistics, SenderClock } from './rtcp.ts';

const NTP_OFFSET = 2_208_988_800;

function senderReport(ssrc: number, unixSeconds: number, fraction: number, rtpTimestamp: number): Buffer {
  const packet = Buffer.alloc(28);
  packet[0] = 0x80;
  packet[1] = 200;
  packet.writeUInt16BE(6, 2);
  packet.writeUInt32BE(ssrc, 4);
  packet.writeUInt32BE(unixSeconds + NTP_OFFSET, 8);
  packet.writeUInt32BE(fraction, 12);
  packet.writeUInt32BE(rtpTimestamp, 16);
  packet.writeUInt32BE(1234, 20);
  packet.writeUInt32BE(567890, 24);
  return packet;
}

const sdesCname = Buffer.from('81ca000300000001' + '0103616263000000', 'hex'); // SDES, CNAME "abc"

describe('parseRtcp', () => {
  it('reads a sender report in a compound packet: NTP time to Unix ms, LSR middle bits, RTP timestamp', () => {
    const packets = parseRtcp(Buffer.concat([senderReport(0xdeadbeef, 1_700_000_000, 0x80000000, 0xfffffff0), sdesCname]));
    assert.equal(packets.length, 1);
    const [report] = packets;
    assert.equal(report?.type, 'sr');
    if (report?.type !== 'sr') return;
    assert.equal(report.ssrc, 0xdeadbeef);
    assert.equal(report.ntpMs, 1_700_000_000_500);
    assert.equal(report.rtpTimestamp, 0xfffffff0);
    assert.equal(report.ntpMiddle, (((1_700_000_000 + NTP_OFFSET) & 0xffff) * 65536 + 0x8000) >>> 0);
    assert.equal(report.packetCount, 1234);
    assert.equal(report.octetCount, 567890);
  });

  it('reads BYE with its sources and reason, and skips garbage', () => {
    const bye = Buffer.from('81cb000300000007' + '03656e6400000000', 'hex'); // BYE ssrc 7, reason "end"
    assert.deepEqual(parseRtcp(Buffer.concat([sdesCname, bye])), [{ type: 'bye', ssrcs: [7], reason: 'end' }]);
    assert.deepEqual(parseRtcp(Buffer.from('81cb00ff00000007', 'hex')), [], 'length past the end');
    assert.deepEqual(parseRtcp(Buffer.from('00', 'hex')), []);
  });

  it('converts NTP era 1 (after February 2036)', () => {
    assert.equal(ntpToUnixMs(0, 0), (2 ** 32 - NTP_OFFSET) * 1000);
  });
});

describe('buildReceiverReport', () => {
  it('writes one report block per RFC 3550 6.4.2 and an SDES CNAME', () => {
    const packet = buildReceiverReport(0x01020304, 'abc', {
      sourceSsrc: 0xdeadbeef,
      fractionLost: 51,
      cumulativeLost: 2,
      extendedHighestSequence: 65539,
      jitter: 56.9,
      lastSenderReport: 0x12345678,
      delaySinceLastSenderReport: 65536 * 1.5,
    });
    assert.equal(
      packet.toString('hex'),
      '81c90007' + '01020304' + 'deadbeef' + '33' + '000002' + '00010003' + '00000038' + '12345678' + '00018000' + '81ca0003' + '01020304' + '0103616263000000',
    );
  });

  it('clamps the cumulative loss to 24 signed bits, and writes no block before any packet', () => {
    const block = { sourceSsrc: 1, fractionLost: 0, extendedHighestSequence: 0, jitter: 0, lastSenderReport: 0, delaySinceLastSenderReport: 0 };
    assert.equal(buildReceiverReport(9, 'x', { ...block, cumulativeLost: -1 }).toString('hex', 13, 16), 'ffffff');
    assert.equal(buildReceiverReport(9, 'x', { ...block, cumulativeLost: 2 ** 30 }).toString('hex', 13, 16), '7fffff');
    assert.equal(buildReceiverReport(9, 'x', { ...block, cumulativeLost: -(2 ** 30) }).toString('hex', 13, 16), '800000');
    const empty = buildReceiverReport(9, 'x', undefined);
    assert.equal(empty.toString('hex', 0, 8), '80c9000100000009');
    assert.equal(empty.length, 8 + 12);
  });
});

describe('ReceptionStatistics', () => {
  it('counts loss across a sequence wrap, and the fraction lost per interval', () => {
    const statistics = new ReceptionStatistics(90000);
    for (const sequence of [65530, 65531, 65532, 65534, 65535, 0, 2, 3]) statistics.update(sequence, 0, 0);
    assert.equal(statistics.packetsReceived, 8);
    assert.equal(statistics.expected, 10);
    assert.equal(statistics.packetsLost, 2);
    assert.equal(statistics.extendedHighestSequence, 65536 + 3);
    assert.equal(statistics.takeFractionLost(), Math.floor((2 * 256) / 10));
    for (const sequence of [4, 5, 6, 7]) statistics.update(sequence, 0, 0);
    assert.equal(statistics.takeFractionLost(), 0, 'no loss in the second interval');
    assert.equal(statistics.packetsLost, 2);
    assert.equal(statistics.takeFractionLost(), 0, 'empty interval');
  });

  it('counts late and duplicate packets as received (loss may drop below zero)', () => {
    const statistics = new ReceptionStatistics(90000);
    for (const sequence of [10, 12, 11, 12, 12]) statistics.update(sequence, 0, 0);
    assert.equal(statistics.expected, 3);
    assert.equal(statistics.packetsLost, -2);
    assert.equal(statistics.extendedHighestSequence, 12);
  });

  it('sets a large jump aside, and restarts when the next packet confirms it', () => {
    const statistics = new ReceptionStatistics(90000);
    statistics.update(100, 0, 0);
    statistics.update(101, 0, 0);
    assert.equal(statistics.update(20000, 0, 0), false);
    assert.equal(statistics.extendedHighestSequence, 101);
    assert.equal(statistics.update(20001, 0, 0), true);
    assert.equal(statistics.extendedHighestSequence, 20001);
    assert.equal(statistics.packetsLost, 0);
  });

  it('estimates interarrival jitter in timestamp units (A.8)', () => {
    const statistics = new ReceptionStatistics(90000);
    statistics.update(1, 0, 0);
    statistics.update(2, 9000, 100);
    assert.equal(statistics.jitter, 0);
    statistics.update(3, 18000, 210); // 10 ms late: 900 ticks
    assert.equal(statistics.jitter, 900 / 16);
    statistics.update(4, 0xffffffff, 300 + (0xffffffff - 18000 - 9000) / 90); // timestamps wrap: still 10 ms back
    assert.ok(Math.abs(statistics.jitter - (900 / 16 + (900 - 900 / 16) / 16)) < 1);
  });
});

describe('SenderClock', () => {
  it('is undefined before a report, then maps RTP timestamps across the 32-bit wrap', () => {
    const clock = new SenderClock(90000);
    assert.equal(clock.wallClockMs(123), undefined);
    assert.equal(clock.offsetMs(), undefined);
    clock.addReport(1_000_000, 0xffffff00, 1_000_000);
    assert.equal(clock.wallClockMs(0xffffff00), 1_000_000);
    assert.equal(clock.wallClockMs(0x00000100), 1_000_000 + 512 / 90, 'after the wrap');
    assert.equal(clock.wallClockMs(0xffffff00 - 90000), 1_000_000 - 1000, 'before the report');
    assert.equal(clock.wallClockMs(0xffffff00 + 90000 * 3600 - 2 ** 32), 1_000_000 + 3_600_000, 'an hour later');
  });

  it('takes the least-delayed of the last reports, so delayed reports do not move it', () => {
    const clock = new SenderClock(90000);
    clock.addReport(300_000 + 1_000, 0, 1_000 + 1_200); // held up 1.2 s behind the start-up burst
    assert.equal(clock.offsetMs(), 300_000 - 1_200, 'one report: what it says');
    clock.addReport(300_000 + 6_000, 0, 6_000 + 900); // arrived 900 ms late
    clock.addReport(300_000 + 11_000, 0, 11_000 + 2);
    assert.equal(clock.offsetMs(), 300_000 - 2);
    for (let index = 0; index < CLOCK_OFFSET_REPORTS; index += 1) clock.addReport(5_000 + index, 0, index);
    assert.equal(clock.offsetMs(), 5_000, 'only the last reports count');
  });
});
