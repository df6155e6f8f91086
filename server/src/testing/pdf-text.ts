// The text a reader extracts from a PDFKit document, for tests (no poppler on the machine): a copy
// of exports.report.test.ts's helper, shared here so other tests read their PDFs the same way.
import { inflateSync } from 'node:zlib';

/**
 * The text a reader extracts from a PDFKit document (no poppler on this machine): the objects'
 * streams inflated, each font's ToUnicode CMap read, and the hex glyph strings of the content
 * streams decoded with the font selected by `Tf`; one line per text object (BT … ET).
 */
export function pdfText(pdf: Buffer): string {
  const source = pdf.toString('latin1');
  const objects = new Map<string, { dict: string; stream: Buffer | null }>();
  for (const match of source.matchAll(/(\d+) 0 obj\b/g)) {
    const start = match.index + match[0].length;
    const end = source.indexOf('endobj', start);
    const body = source.slice(start, end);
    const streamAt = body.search(/stream\r?\n/);
    let stream: Buffer | null = null;
    if (streamAt >= 0) {
      const dataStart = start + streamAt + (body.slice(streamAt).startsWith('stream\r\n') ? 8 : 7);
      const length = Number(/\/Length (\d+)/.exec(body)?.[1]);
      const raw = pdf.subarray(dataStart, dataStart + length);
      stream = /FlateDecode/.test(body.slice(0, streamAt)) ? inflateSync(raw) : raw;
    }
    objects.set(match[1]!, { dict: streamAt >= 0 ? body.slice(0, streamAt) : body, stream });
  }
  const utf16 = (hex: string) => Buffer.from(hex, 'hex').swap16().toString('utf16le');
  const cmapOf = (id: string) => {
    const map = new Map<number, string>();
    const text = objects.get(id)?.stream?.toString('latin1') ?? '';
    for (const range of text.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\[[^\]]*\]|<[0-9a-fA-F]+>)/g)) {
      const low = Number.parseInt(range[1]!, 16);
      const high = Number.parseInt(range[2]!, 16);
      if (range[3]!.startsWith('[')) {
        // An entry may hold several code units (a ligature: <0066 0069> for "fi").
        let code = low;
        for (const entry of range[3]!.matchAll(/<([0-9a-fA-F\s]+)>/g)) map.set(code++, utf16(entry[1]!.replace(/\s/g, '')));
      } else {
        const first = Number.parseInt(range[3]!.slice(1, -1), 16);
        for (let code = low; code <= high; code += 1) map.set(code, String.fromCodePoint(first + code - low));
      }
    }
    return map;
  };
  const fonts = new Map<string, Map<number, string>>();
  for (const { dict } of objects.values()) {
    for (const block of dict.matchAll(/\/Font\s*<<([^>]*)>>/g)) {
      for (const entry of block[1]!.matchAll(/\/(\w+)\s+(\d+) 0 R/g)) {
        const toUnicode = /\/ToUnicode (\d+) 0 R/.exec(objects.get(entry[2]!)?.dict ?? '')?.[1];
        if (toUnicode && !fonts.has(entry[1]!)) fonts.set(entry[1]!, cmapOf(toUnicode));
      }
    }
  }
  const lines: string[] = [];
  for (const { stream } of objects.values()) {
    const content = stream?.toString('latin1') ?? '';
    if (!/\bBT\b/.test(content)) continue;
    for (const block of content.matchAll(/BT([\s\S]*?)ET/g)) {
      let font = new Map<number, string>();
      let line = '';
      for (const token of block[1]!.matchAll(/\/(\w+)\s+[\d.]+\s+Tf|<([0-9a-fA-F]*)>/g)) {
        if (token[1]) font = fonts.get(token[1]) ?? new Map();
        else for (let at = 0; at + 4 <= token[2]!.length; at += 4) line += font.get(Number.parseInt(token[2]!.slice(at, at + 4), 16)) ?? '\uFFFD';
      }
      lines.push(line);
    }
  }
  return lines.join('\n');
}
