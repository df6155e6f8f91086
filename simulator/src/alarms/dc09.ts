// The simulator's own SIA DC-09 encoder (a second implementation, written from the standard
// apart from the server's: the server's tests send its frames, and each side checks the other).
// Frame: LF, CRC-16/ARC (table-driven here), "0LLL" length, body, CR; encrypted bodies carry
// hex(AES-CBC, IV zero) of pad + "|" + the data up to the timestamp.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const crcTable = Array.from({ length: 256 }, (_, index) => {
  let value = index;
  for (let bit = 0; bit < 8; bit++) value = value & 1 ? (value >>> 1) ^ 0xa001 : value >>> 1;
  return value;
});

export function crcArc(text: string): number {
  let crc = 0;
  for (const byte of Buffer.from(text, 'latin1')) crc = (crc >>> 8) ^ (crcTable[(crc ^ byte) & 0xff] as number);
  return crc;
}

const hex4 = (value: number) => value.toString(16).toUpperCase().padStart(4, '0');
const two = (value: number) => String(value).padStart(2, '0');

export function dc09Timestamp(at: Date): string {
  return `_${two(at.getUTCHours())}:${two(at.getUTCMinutes())}:${two(at.getUTCSeconds())},${two(at.getUTCMonth() + 1)}-${two(at.getUTCDate())}-${at.getUTCFullYear()}`;
}

export function dc09Frame(body: string, options: { corruptCrc?: boolean } = {}): Buffer {
  const crc = crcArc(body) ^ (options.corruptCrc ? 0x0101 : 0);
  return Buffer.from(`\n${hex4(crc)}${hex4(Buffer.byteLength(body, 'latin1'))}${body}\r`, 'latin1');
}

function aes(key: Buffer, text: string): string {
  // Pad characters never include the delimiters | [ ].
  const padLength = (16 - ((text.length + 1) % 16)) % 16;
  const pad = [...randomBytes(padLength)].map((byte) => String.fromCharCode(0x41 + (byte % 26))).join('');
  const cipher = createCipheriv(`aes-${key.length * 8}-cbc`, key, Buffer.alloc(16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(`${pad}|${text}`, 'latin1'), cipher.final()])
    .toString('hex')
    .toUpperCase();
}

export interface PanelMessage {
  token: 'SIA-DCS' | 'ADM-CID' | 'NULL';
  sequence: number;
  receiver?: string;
  line: string;
  account: string;
  /** `Nri1/BA01` (SIA-DCS) or `1130 01 015` (Contact ID); empty for NULL. */
  content: string;
  at: Date;
  key?: Buffer;
}

export function panelFrame(message: PanelMessage, options: { corruptCrc?: boolean } = {}): Buffer {
  const header = `${String(message.sequence % 10_000).padStart(4, '0')}${message.receiver ? `R${message.receiver}` : ''}L${message.line}#${message.account}`;
  const data = message.token === 'NULL' ? '' : `#${message.account}|${message.content}`;
  const rest = `${data}]${dc09Timestamp(message.at)}`;
  const token = `"${message.key ? '*' : ''}${message.token}"`;
  return dc09Frame(`${token}${header}[${message.key ? aes(message.key, rest) : rest}`, options);
}

/** The answer's token (`ACK`, `*ACK`, `NAK`, `DUH`) once its CRC is checked; null when unreadable. */
export function answerToken(answer: string, key?: Buffer): string | null {
  const match = /^\n([0-9A-F]{4})([0-9A-F]{4})(.*)\r$/s.exec(answer);
  if (!match || Number.parseInt(match[1] as string, 16) !== crcArc(match[3] as string)) return null;
  const token = /^"(\*?[A-Z]+)"/.exec(match[3] as string)?.[1] ?? null;
  if (token === '*ACK' && key) {
    const hex = (match[3] as string).slice((match[3] as string).indexOf('[') + 1);
    const decipher = createDecipheriv(`aes-${key.length * 8}-cbc`, key, Buffer.alloc(16));
    decipher.setAutoPadding(false);
    const plain = Buffer.concat([decipher.update(Buffer.from(hex, 'hex')), decipher.final()]).toString('latin1');
    if (!plain.includes('|]_')) return null;
  }
  return token;
}
