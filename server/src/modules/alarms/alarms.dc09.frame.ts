// SIA DC-09 framing (ANSI/SIA DC-09-2013, "Internet Protocol Event Reporting"; docs/alarms.md
// "SIA DC-09"). Pure: no IO. A frame is
//   LF, CRC (4 hex), length ("0" + 3 hex), "ID token", sequence (4 digits), [R receiver],
//   L line prefix, #account, [data] ([extended data]...) [_HH:MM:SS,MM-DD-YYYY], CR
// with CRC (CRC-16/ARC: polynomial 0x8005 reflected, initial 0) and length computed over the
// bytes from the ID token's opening quote to the end before CR. An encrypted token ("*SIA-DCS",
// "*ADM-CID", "*NULL") carries, after the "[" of its data, the hex of AES-CBC (IV zero, no
// padding scheme) over: random pad characters, "|", then the rest of the message from the data
// to the timestamp. Responses: ACK (the message's sequence, receiver, line and account, and the
// receiver's timestamp), NAK (sequence 0000, R0 L0 A0 and the receiver's timestamp: the sender
// resynchronises its clock), DUH (not understood).
import { createCipheriv, createDecipheriv, randomInt } from 'node:crypto';

/** Length field is 3 hex digits: a body is at most 4095 bytes; a frame adds LF, CRC, length and CR. */
export const maxFrameBytes = 4095 + 10;
/** The standard's window: a message's timestamp at most 20 s ahead of, or 40 s behind, the receiver's clock. */
export const timestampWindow = { aheadMs: 20_000, behindMs: 40_000 } as const;

export type Dc09Token = 'SIA-DCS' | 'ADM-CID' | 'NULL';

export interface Dc09Header {
  token: Dc09Token;
  encrypted: boolean;
  sequence: string;
  /** Hex digits after R, or null when the sender gave none. */
  receiver: string | null;
  line: string;
  account: string;
}

export interface Dc09Message extends Dc09Header {
  /** The data block without its brackets, e.g. `#1234|Nri1/BA01` or `#1234|1130 01 015`; empty for NULL. */
  data: string;
  extended: string[];
  /** The sender's clock (UTC), or null when it gave none (allowed for plain messages only). */
  timestamp: Date | null;
}

/** Why a frame is refused, and what the receiver answers. */
export type Dc09Refusal =
  | { code: 'dc09_bad_frame' | 'dc09_bad_crc' | 'dc09_bad_length'; response: 'nak' }
  | { code: 'dc09_unknown_token' | 'dc09_unknown_account' | 'dc09_bad_key' | 'dc09_unparsable'; response: 'duh' }
  | { code: 'dc09_stale_timestamp'; response: 'nak' };

export class Dc09Error extends Error {
  constructor(
    readonly refusal: Dc09Refusal,
    /** The header when it could be read: a DUH echoes it. */
    readonly header: Dc09Header | null = null,
    detail = '',
  ) {
    super(`${refusal.code}${detail ? `: ${detail}` : ''}`);
  }
}

/** CRC-16/ARC (DC-09 5.5.1.2): reflected polynomial 0xA001, initial value 0, no final xor. */
export function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

const hex = (value: number, digits: number) => value.toString(16).toUpperCase().padStart(digits, '0');

/** LF + CRC + length + body + CR. */
export function frame(body: string): Buffer {
  const bytes = Buffer.from(body, 'latin1');
  if (bytes.length > 0xfff) throw new Error('DC-09 body over 4095 bytes');
  return Buffer.concat([Buffer.from(`\n${hex(crc16(bytes), 4)}0${hex(bytes.length, 3)}`, 'latin1'), bytes, Buffer.from('\r', 'latin1')]);
}

const pad2 = (value: number) => String(value).padStart(2, '0');

/** `_HH:MM:SS,MM-DD-YYYY` in UTC. */
export function formatTimestamp(at: Date): string {
  return `_${pad2(at.getUTCHours())}:${pad2(at.getUTCMinutes())}:${pad2(at.getUTCSeconds())},${pad2(at.getUTCMonth() + 1)}-${pad2(at.getUTCDate())}-${at.getUTCFullYear()}`;
}

const timestampPattern = /^_(\d{2}):(\d{2}):(\d{2}),(\d{2})-(\d{2})-(\d{4})$/;

function parseTimestamp(text: string): Date | null {
  const match = timestampPattern.exec(text);
  if (!match) return null;
  const [hours, minutes, seconds, month, day, year] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const at = new Date(Date.UTC(year, month - 1, day, hours, minutes, seconds));
  const valid = at.getUTCMonth() === month - 1 && at.getUTCDate() === day && hours < 24 && minutes < 60 && seconds < 60;
  return valid ? at : null;
}

/** A key of 16, 24 or 32 bytes (AES-128/192/256), given as 32, 48 or 64 hex digits. */
export function parseKey(text: string): Buffer {
  if (!/^([0-9A-Fa-f]{32}|[0-9A-Fa-f]{48}|[0-9A-Fa-f]{64})$/.test(text)) throw new Error('a DC-09 key is 32, 48 or 64 hex digits');
  return Buffer.from(text, 'hex');
}

const cipherOf = (key: Buffer) => `aes-${key.length * 8}-cbc`;
// Pad characters: printable ASCII but the delimiters `|`, `[` and `]`.
const padAlphabet = [...Array.from({ length: 94 }, (_, index) => String.fromCharCode(33 + index))].filter((char) => !'|[]'.includes(char)).join('');

/** hex(AES-CBC(pad + "|" + text)), the pad making the whole a multiple of 16 bytes. */
export function encryptPart(key: Buffer, text: string): string {
  const padLength = (16 - ((text.length + 1) % 16)) % 16;
  let pad = '';
  for (let index = 0; index < padLength; index++) pad += padAlphabet[randomInt(padAlphabet.length)];
  const cipher = createCipheriv(cipherOf(key), key, Buffer.alloc(16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(`${pad}|${text}`, 'latin1'), cipher.final()])
    .toString('hex')
    .toUpperCase();
}

/** The text after the pad's `|`, or null when the key is not the sender's (no `|`, or bytes that are not printable ASCII). */
export function decryptPart(key: Buffer, hexText: string): string | null {
  if (hexText.length === 0 || hexText.length % 32 !== 0 || !/^[0-9A-Fa-f]+$/.test(hexText)) return null;
  const decipher = createDecipheriv(cipherOf(key), key, Buffer.alloc(16));
  decipher.setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(Buffer.from(hexText, 'hex')), decipher.final()]).toString('latin1');
  if (!/^[\x20-\x7e]*$/.test(plain)) return null;
  const bar = plain.indexOf('|');
  if (bar < 0 || /[[\]]/.test(plain.slice(0, bar))) return null;
  return plain.slice(bar + 1);
}

const headerPattern = /^"(\*?)(SIA-DCS|ADM-CID|NULL)"(\d{4})(?:R([0-9A-F]{1,6}))?L([0-9A-F]{1,6})#([0-9A-F]{3,16})\[/;

/**
 * Reads one frame (LF ... CR). `keyOf` gives an encrypted account's key (null: unknown account,
 * or no key). Throws a Dc09Error saying what to answer.
 */
export function parseFrame(bytes: Buffer, keyOf: (header: Dc09Header) => Buffer | null): Dc09Message {
  if (bytes.length < 12 || bytes.length > maxFrameBytes || bytes[0] !== 0x0a || bytes[bytes.length - 1] !== 0x0d) {
    throw new Dc09Error({ code: 'dc09_bad_frame', response: 'nak' }, null, 'not LF ... CR');
  }
  const text = bytes.subarray(1, bytes.length - 1).toString('latin1');
  const crcText = text.slice(0, 4);
  const lengthText = text.slice(4, 8);
  const body = text.slice(8);
  if (!/^[0-9A-Fa-f]{4}$/.test(crcText) || !/^0[0-9A-Fa-f]{3}$/.test(lengthText)) {
    throw new Dc09Error({ code: 'dc09_bad_frame', response: 'nak' }, null, 'CRC or length not hex');
  }
  if (Number.parseInt(lengthText, 16) !== body.length) throw new Dc09Error({ code: 'dc09_bad_length', response: 'nak' });
  if (Number.parseInt(crcText, 16) !== crc16(Buffer.from(body, 'latin1'))) throw new Dc09Error({ code: 'dc09_bad_crc', response: 'nak' });
  const match = headerPattern.exec(body);
  if (!match) {
    const known = /^"\*?(SIA-DCS|ADM-CID|NULL)"/.test(body);
    throw new Dc09Error(known ? { code: 'dc09_unparsable', response: 'duh' } : { code: 'dc09_unknown_token', response: 'duh' }, null, 'header');
  }
  const header: Dc09Header = {
    encrypted: match[1] === '*',
    token: match[2] as Dc09Token,
    sequence: match[3] as string,
    receiver: match[4] ?? null,
    line: match[5] as string,
    account: match[6] as string,
  };
  let rest = body.slice(match[0].length);
  if (header.encrypted) {
    const key = keyOf(header);
    if (!key) throw new Dc09Error({ code: 'dc09_unknown_account', response: 'duh' }, header, 'no key for this account');
    const plain = decryptPart(key, rest);
    if (plain === null) throw new Dc09Error({ code: 'dc09_bad_key', response: 'duh' }, header);
    rest = plain;
  }
  return { ...header, ...parseRest(rest, header) };
}

/** `data]`, then `[extended]`..., then the optional timestamp. */
function parseRest(rest: string, header: Dc09Header): Pick<Dc09Message, 'data' | 'extended' | 'timestamp'> {
  const unparsable = (detail: string) => new Dc09Error({ code: 'dc09_unparsable', response: 'duh' }, header, detail);
  const close = rest.indexOf(']');
  if (close < 0) throw unparsable('data block not closed');
  const data = rest.slice(0, close);
  if (data.includes('[')) throw unparsable('data block');
  let tail = rest.slice(close + 1);
  const extended: string[] = [];
  while (tail.startsWith('[')) {
    const end = tail.indexOf(']');
    if (end < 0 || extended.length >= 8) throw unparsable('extended data');
    extended.push(tail.slice(1, end));
    tail = tail.slice(end + 1);
  }
  let timestamp: Date | null = null;
  if (tail !== '') {
    timestamp = parseTimestamp(tail);
    if (!timestamp) throw unparsable('timestamp');
  }
  if (header.encrypted && !timestamp) throw new Dc09Error({ code: 'dc09_stale_timestamp', response: 'nak' }, header, 'encrypted message without timestamp');
  return { data, extended, timestamp };
}

/** Whether the sender's clock is within the window around the receiver's. */
export function timestampInWindow(timestamp: Date | null, now: Date): boolean {
  if (!timestamp) return true;
  const ahead = timestamp.getTime() - now.getTime();
  return ahead <= timestampWindow.aheadMs && -ahead <= timestampWindow.behindMs;
}

const headerText = (header: Pick<Dc09Header, 'sequence' | 'receiver' | 'line' | 'account'>) =>
  `${header.sequence}${header.receiver !== null ? `R${header.receiver}` : ''}L${header.line}#${header.account}`;

/** The message's frame: what a panel sends (the simulator and tests build theirs with it too). */
export function encodeMessage(message: Omit<Dc09Message, 'timestamp'> & { timestamp: Date | null }, key: Buffer | null = null): Buffer {
  const rest = `${message.data}]${message.extended.map((block) => `[${block}]`).join('')}${message.timestamp ? formatTimestamp(message.timestamp) : ''}`;
  const encrypted = message.encrypted && key !== null;
  return frame(`"${encrypted ? '*' : ''}${message.token}"${headerText(message)}[${encrypted ? encryptPart(key, rest) : rest}`);
}

/** ACK of `header`, with the receiver's timestamp; encrypted when the message was. */
export function ackFrame(header: Dc09Header, now: Date, key: Buffer | null): Buffer {
  if (header.encrypted && key) return frame(`"*ACK"${headerText(header)}[${encryptPart(key, `]${formatTimestamp(now)}`)}`);
  return frame(`"ACK"${headerText(header)}[]${formatTimestamp(now)}`);
}

/** NAK: zero fields and the receiver's timestamp, so that the sender can correct its clock. */
export function nakFrame(now: Date): Buffer {
  return frame(`"NAK"0000R0L0A0[]${formatTimestamp(now)}`);
}

/** DUH: the message's fields when they could be read. */
export function duhFrame(header: Dc09Header | null): Buffer {
  return frame(`"DUH"${header ? headerText(header) : '0000R0L0#000'}[]`);
}
