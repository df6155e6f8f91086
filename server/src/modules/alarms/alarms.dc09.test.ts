// SIA DC-09 framing and payloads, no IO: CRC-16/ARC against its published check value and a
// bit-by-bit reference, frames built by hand, encryption round trips, SIA-DCS and Contact ID
// parsing, and each malformed case with the answer the standard gives.
import assert from 'node:assert/strict';
import { createCipheriv } from 'node:crypto';
import { describe, it } from 'node:test';
import { parseEvents } from './alarms.dc09.codes.ts';
import {
  ackFrame,
  crc16,
  Dc09Error,
  decryptPart,
  duhFrame,
  encodeMessage,
  encryptPart,
  formatTimestamp,
  frame,
  nakFrame,
  parseFrame,
  parseKey,
  timestampInWindow,
} from './alarms.dc09.frame.ts';

/** CRC-16/ARC the long way: polynomial 0x8005 with input and output bits reflected. */
function referenceCrc(bytes: Buffer): number {
  const reflect = (value: number, width: number) => {
    let out = 0;
    for (let bit = 0; bit < width; bit++) if (value & (1 << bit)) out |= 1 << (width - 1 - bit);
    return out;
  };
  let crc = 0;
  for (const byte of bytes) {
    crc ^= reflect(byte, 8) << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x8005) & 0xffff : (crc << 1) & 0xffff;
  }
  return reflect(crc, 16);
}

const at = new Date('2026-12-07T22:15:30Z');
const key128 = parseKey('000102030405060708090A0B0C0D0E0F');
const key256 = parseKey('00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF');
const noKey = () => null;
const refusalOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof Dc09Error) return error.refusal;
    throw error;
  }
  assert.fail('expected a refusal');
};

describe('DC-09 CRC and framing', () => {
  it('computes CRC-16/ARC: the check value of "123456789" is 0xBB3D, and agrees with a bitwise reference', () => {
    assert.equal(crc16(Buffer.from('123456789')), 0xbb3d);
    assert.equal(crc16(Buffer.alloc(0)), 0);
    for (const text of ['"SIA-DCS"0001L0#1234[#1234|Nri1/BA01]', '"NULL"0000R0L0#000[]', 'A']) {
      assert.equal(crc16(Buffer.from(text)), referenceCrc(Buffer.from(text)), text);
    }
  });

  it('frames a body as LF, CRC, 0LLL length, body, CR (computed here by hand from the standard)', () => {
    const body = '"SIA-DCS"0001L0#1234[#1234|Nri1/BA01]_22:15:30,12-07-2026';
    const expectedCrc = referenceCrc(Buffer.from(body)).toString(16).toUpperCase().padStart(4, '0');
    const expectedLength = `0${body.length.toString(16).toUpperCase().padStart(3, '0')}`;
    assert.equal(expectedLength, '0039');
    assert.equal(frame(body).toString('latin1'), `\n${expectedCrc}${expectedLength}${body}\r`);
    const message = parseFrame(frame(body), noKey);
    assert.deepEqual(
      {
        token: message.token,
        encrypted: message.encrypted,
        sequence: message.sequence,
        receiver: message.receiver,
        line: message.line,
        account: message.account,
      },
      { token: 'SIA-DCS', encrypted: false, sequence: '0001', receiver: null, line: '0', account: '1234' },
    );
    assert.equal(message.data, '#1234|Nri1/BA01');
    assert.equal(message.timestamp?.toISOString(), at.toISOString());
  });

  it('reads the receiver, extended data and a message without timestamp', () => {
    const message = parseFrame(frame('"ADM-CID"0042R1AL2B#ABC123[#ABC123|1130 01 015][XSite 12][Mab12cd]'), noKey);
    assert.equal(message.receiver, '1A');
    assert.equal(message.line, '2B');
    assert.equal(message.account, 'ABC123');
    assert.deepEqual(message.extended, ['XSite 12', 'Mab12cd']);
    assert.equal(message.timestamp, null);
  });

  it('round-trips encodeMessage, plain and encrypted (AES-128 and AES-256)', () => {
    const base = {
      token: 'SIA-DCS' as const,
      sequence: '0007',
      receiver: '1',
      line: '0',
      account: '5678',
      data: '#5678|Nri2/FA12',
      extended: [],
      timestamp: at,
    };
    assert.deepEqual(parseFrame(encodeMessage({ ...base, encrypted: false }), noKey), { ...base, encrypted: false });
    for (const key of [key128, key256]) {
      const sealed = encodeMessage({ ...base, encrypted: true }, key);
      assert.match(sealed.toString('latin1'), /^\n[0-9A-F]{8}"\*SIA-DCS"0007R1L0#5678\[[0-9A-F]+\r$/);
      assert.ok(!sealed.toString('latin1').includes('#5678|'), 'the data is not readable');
      assert.deepEqual(
        parseFrame(sealed, () => key),
        { ...base, encrypted: true },
      );
    }
  });

  it('decrypts what AES-CBC with IV zero gives for pad + "|" + text (an independent encryption)', () => {
    const plain = 'ab|#5678|Nri2/FA12]_22:15:30,12-07-2026';
    const padded = `${'x'.repeat((16 - (plain.length % 16)) % 16)}${plain}`;
    const cipher = createCipheriv('aes-128-cbc', key128, Buffer.alloc(16));
    cipher.setAutoPadding(false);
    const hex = Buffer.concat([cipher.update(padded, 'latin1'), cipher.final()])
      .toString('hex')
      .toUpperCase();
    assert.equal(decryptPart(key128, hex), plain.slice(plain.indexOf('|') + 1));
    assert.equal(decryptPart(key256, hex), null, 'another key gives no readable text');
    assert.equal(decryptPart(key128, encryptPart(key128, 'x')), 'x');
  });

  it('answers ACK with the message fields and the receiver time, NAK with zero fields, DUH with the fields', () => {
    const header = { token: 'SIA-DCS' as const, encrypted: false, sequence: '0007', receiver: '1', line: '0', account: '5678' };
    assert.equal(ackFrame(header, at, null).toString('latin1').slice(9), '"ACK"0007R1L0#5678[]_22:15:30,12-07-2026\r');
    assert.equal(nakFrame(at).toString('latin1').slice(9), '"NAK"0000R0L0A0[]_22:15:30,12-07-2026\r');
    assert.equal(duhFrame(header).toString('latin1').slice(9), '"DUH"0007R1L0#5678[]\r');
    const sealed = ackFrame({ ...header, encrypted: true }, at, key128).toString('latin1');
    assert.match(sealed, /^\n[0-9A-F]{8}"\*ACK"0007R1L0#5678\[(?:[0-9A-F]{32})+\r$/);
    assert.equal(decryptPart(key128, sealed.slice(sealed.indexOf('[') + 1, -1)), ']_22:15:30,12-07-2026');
    for (const response of [ackFrame(header, at, null), nakFrame(at), duhFrame(null)]) parseAnswer(response);
  });

  it('keeps the timestamp window of the standard: 20 s ahead, 40 s behind', () => {
    assert.equal(formatTimestamp(at), '_22:15:30,12-07-2026');
    assert.equal(timestampInWindow(new Date(at.getTime() + 20_000), at), true);
    assert.equal(timestampInWindow(new Date(at.getTime() + 21_000), at), false);
    assert.equal(timestampInWindow(new Date(at.getTime() - 40_000), at), true);
    assert.equal(timestampInWindow(new Date(at.getTime() - 41_000), at), false);
    assert.equal(timestampInWindow(null, at), true);
  });
});

/** A response frame must itself be well formed: LF, CRC and length right, CR. */
function parseAnswer(bytes: Buffer): void {
  const text = bytes.toString('latin1');
  const body = text.slice(9, -1);
  assert.equal(Number.parseInt(text.slice(1, 5), 16), crc16(Buffer.from(body, 'latin1')));
  assert.equal(Number.parseInt(text.slice(5, 9), 16), body.length);
}

describe('DC-09 malformed frames', () => {
  const good = frame('"SIA-DCS"0001L0#1234[#1234|NBA01]_22:15:30,12-07-2026');

  it('bad CRC, bad length, no LF or CR: NAK', () => {
    const badCrc = Buffer.from(good);
    badCrc[1] = badCrc[1] === 0x30 ? 0x31 : 0x30;
    assert.deepEqual(
      refusalOf(() => parseFrame(badCrc, noKey)),
      { code: 'dc09_bad_crc', response: 'nak' },
    );
    const text = good.toString('latin1');
    const badLength = Buffer.from(`${text.slice(0, 5)}0FFF${text.slice(9)}`, 'latin1');
    assert.deepEqual(
      refusalOf(() => parseFrame(badLength, noKey)),
      { code: 'dc09_bad_length', response: 'nak' },
    );
    assert.equal(refusalOf(() => parseFrame(good.subarray(1), noKey)).code, 'dc09_bad_frame');
    assert.equal(refusalOf(() => parseFrame(good.subarray(0, -1), noKey)).code, 'dc09_bad_frame');
    assert.equal(refusalOf(() => parseFrame(Buffer.from('\nZZZZ0003abc\r'), noKey)).code, 'dc09_bad_frame');
  });

  it('unknown token, bad header, unclosed data, bad timestamp: DUH', () => {
    assert.deepEqual(
      refusalOf(() => parseFrame(frame('"XYZ"0001L0#1234[]'), noKey)),
      { code: 'dc09_unknown_token', response: 'duh' },
    );
    assert.equal(refusalOf(() => parseFrame(frame('"SIA-DCS"01L0#1234[]'), noKey)).code, 'dc09_unparsable');
    assert.equal(refusalOf(() => parseFrame(frame('"SIA-DCS"0001L0#1234[#1234|NBA01'), noKey)).code, 'dc09_unparsable');
    assert.equal(refusalOf(() => parseFrame(frame('"SIA-DCS"0001L0#1234[#1234|NBA01]_25:15:30,12-07-2026'), noKey)).code, 'dc09_unparsable');
    assert.equal(refusalOf(() => parseFrame(frame('"SIA-DCS"0001L0#1234[#1234|NBA01]junk'), noKey)).code, 'dc09_unparsable');
  });

  it('encrypted: no key for the account or a wrong key is DUH; no timestamp is NAK', () => {
    const sealed = encodeMessage(
      { token: 'SIA-DCS', encrypted: true, sequence: '0002', receiver: null, line: '0', account: '1234', data: '#1234|NBA01', extended: [], timestamp: at },
      key128,
    );
    assert.deepEqual(
      refusalOf(() => parseFrame(sealed, noKey)),
      { code: 'dc09_unknown_account', response: 'duh' },
    );
    assert.deepEqual(
      refusalOf(() => parseFrame(sealed, () => key256)),
      { code: 'dc09_bad_key', response: 'duh' },
    );
    const undated = frame(`"*SIA-DCS"0002L0#1234[${encryptPart(key128, '#1234|NBA01]')}`);
    assert.deepEqual(
      refusalOf(() => parseFrame(undated, () => key128)),
      { code: 'dc09_stale_timestamp', response: 'nak' },
    );
    assert.throws(() => parseKey('00'), /32, 48 or 64/);
  });
});

describe('DC-09 payloads', () => {
  it('reads SIA-DCS codes, areas and zones, and maps them', () => {
    assert.deepEqual(parseEvents('SIA-DCS', '#1234|Nri1/BA01'), [{ kind: 'alarm', type: 'intrusion', code: 'BA', zone: '01', partition: '1' }]);
    assert.deepEqual(parseEvents('SIA-DCS', '#1234|NFA12'), [{ kind: 'alarm', type: 'fire', code: 'FA', zone: '12', partition: null }]);
    assert.deepEqual(parseEvents('SIA-DCS', 'Nri2BR003'), [{ kind: 'restore', type: 'intrusion', code: 'BR', zone: '003', partition: '2' }]);
    const several = parseEvents('SIA-DCS', '#1234|Nri1/TA01/TR01/RP/OP002^user 2^');
    assert.deepEqual(
      several?.map((event) => [event.kind, event.type, event.code, event.zone]),
      [
        ['alarm', 'panel_tamper', 'TA', '01'],
        ['restore', 'panel_tamper', 'TR', '01'],
        ['test', null, 'RP', null],
        ['receipt', null, 'OP', '002'],
      ],
    );
  });

  it('reads Contact ID: qualifier (new, restore, status), event code, partition, zone', () => {
    assert.deepEqual(parseEvents('ADM-CID', '#1234|1130 01 015'), [{ kind: 'alarm', type: 'intrusion', code: 'E130', zone: '015', partition: '01' }]);
    assert.deepEqual(parseEvents('ADM-CID', '#1234|3110 02 001'), [{ kind: 'restore', type: 'fire', code: 'R110', zone: '001', partition: '02' }]);
    assert.equal(parseEvents('ADM-CID', '1137 01 000')?.[0]?.type, 'panel_tamper');
    assert.equal(parseEvents('ADM-CID', '6130 01 015')?.[0]?.kind, 'receipt');
    assert.equal(parseEvents('ADM-CID', '1602 00 000')?.[0]?.kind, 'test');
    assert.equal(parseEvents('ADM-CID', '3401 01 003')?.[0]?.kind, 'receipt');
  });

  it('refuses unknown codes and shapes (DUH at intake)', () => {
    assert.equal(parseEvents('SIA-DCS', '#1234|NZZ01'), null);
    assert.equal(parseEvents('SIA-DCS', '#1234|'), null);
    assert.equal(parseEvents('SIA-DCS', '#1234|XBA01'), null);
    assert.equal(parseEvents('ADM-CID', '#1234|1999 01 001'), null);
    assert.equal(parseEvents('ADM-CID', '#1234|2130 01 001'), null);
    assert.equal(parseEvents('ADM-CID', '#1234|1130'), null);
  });
});
