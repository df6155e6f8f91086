// What the player needs from a recorded segment's MP4 boxes: the codec string (RFC 6381, e.g.
// "avc1.64001e", from moov > trak > mdia > minf > stbl > stsd > avc1/hvc1 > avcC/hvcC) for
// MediaSource.addSourceBuffer and isTypeSupported, and the duration of one frame (the first
// fragment's sample duration over the track's timescale) for exact frame steps. Pure; tested
// by codec.test.ts.

const containers = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl']);
const visualEntries = new Set(['avc1', 'avc3', 'hvc1', 'hev1']);
/** Bytes of a VisualSampleEntry before its child boxes (ISO 14496-12 § 12.1.3). */
const visualEntryHeader = 78;

interface Box {
  type: string;
  start: number;
  end: number;
  /** First byte after the box header. */
  body: number;
}

function boxesIn(bytes: Uint8Array, start: number, end: number): Box[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const boxes: Box[] = [];
  let offset = start;
  while (offset + 8 <= end) {
    let size = view.getUint32(offset);
    const type = String.fromCharCode(bytes[offset + 4]!, bytes[offset + 5]!, bytes[offset + 6]!, bytes[offset + 7]!);
    let header = 8;
    if (size === 1) {
      if (offset + 16 > end) break;
      size = Number(view.getBigUint64(offset + 8));
      header = 16;
    } else if (size === 0) {
      size = end - offset;
    }
    if (size < header || offset + size > end) break;
    boxes.push({ type, start: offset, end: offset + size, body: offset + header });
    offset += size;
  }
  return boxes;
}

function findSampleEntry(bytes: Uint8Array, start: number, end: number): Box | null {
  for (const box of boxesIn(bytes, start, end)) {
    if (containers.has(box.type)) {
      const found = findSampleEntry(bytes, box.body, box.end);
      if (found) return found;
    } else if (box.type === 'stsd') {
      // version+flags (4) and entry count (4), then the sample entries.
      const entry = boxesIn(bytes, box.body + 8, box.end).find((candidate) => visualEntries.has(candidate.type));
      if (entry) return entry;
    }
  }
  return null;
}

const hex2 = (value: number) => value.toString(16).padStart(2, '0');

function avcCodec(type: string, bytes: Uint8Array, config: Box): string | null {
  if (config.end - config.body < 4) return null;
  return `${type}.${hex2(bytes[config.body + 1]!)}${hex2(bytes[config.body + 2]!)}${hex2(bytes[config.body + 3]!)}`;
}

/** ISO 14496-15 annex E: hvc1.<space><profile>.<compat, bit-reversed hex>.<tier><level>.<constraints>. */
function hevcCodec(type: string, bytes: Uint8Array, config: Box): string | null {
  const at = config.body;
  if (config.end - at < 13) return null;
  const first = bytes[at + 1]!;
  const space = ['', 'A', 'B', 'C'][first >> 6]!;
  const tier = (first >> 5) & 1 ? 'H' : 'L';
  const profile = first & 0x1f;
  let compat = ((bytes[at + 2]! << 24) | (bytes[at + 3]! << 16) | (bytes[at + 4]! << 8) | bytes[at + 5]!) >>> 0;
  let reversed = 0;
  for (let bit = 0; bit < 32; bit++) {
    reversed = ((reversed << 1) | (compat & 1)) >>> 0;
    compat >>>= 1;
  }
  const constraints = Array.from(bytes.subarray(at + 6, at + 12));
  while (constraints.length > 0 && constraints[constraints.length - 1] === 0) constraints.pop();
  const level = bytes[at + 12]!;
  const parts = [
    type,
    `${space}${profile}`,
    reversed.toString(16).toUpperCase(),
    `${tier}${level}`,
    ...constraints.map((value) => value.toString(16).toUpperCase()),
  ];
  return parts.join('.');
}

/** The codec string of the first video track, or null when the header cannot be read. */
export function codecOfSegment(bytes: Uint8Array): string | null {
  const entry = findSampleEntry(bytes, 0, bytes.byteLength);
  if (!entry) return null;
  const children = boxesIn(bytes, entry.body + visualEntryHeader, entry.end);
  if (entry.type === 'avc1' || entry.type === 'avc3') {
    const config = children.find((box) => box.type === 'avcC');
    return config ? avcCodec(entry.type, bytes, config) : null;
  }
  const config = children.find((box) => box.type === 'hvcC');
  return config ? hevcCodec(entry.type, bytes, config) : null;
}

export function isHevc(codec: string): boolean {
  return codec.startsWith('hvc1') || codec.startsWith('hev1');
}

export function mp4Mime(codec: string): string {
  return `video/mp4; codecs="${codec}"`;
}

function findBox(bytes: Uint8Array, start: number, end: number, path: readonly string[]): Box | null {
  const [first, ...rest] = path;
  const box = boxesIn(bytes, start, end).find((candidate) => candidate.type === first);
  if (!box) return null;
  return rest.length === 0 ? box : findBox(bytes, box.body, box.end, rest);
}

/**
 * Seconds per frame: the first fragment's default sample duration (tfhd), else its first
 * sample's (trun), else the track default (trex), over the media timescale (mdhd). Null when
 * the file does not say.
 */
export function frameDurationOfSegment(bytes: Uint8Array): number | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const mdhd = findBox(bytes, 0, bytes.byteLength, ['moov', 'trak', 'mdia', 'mdhd']);
  if (!mdhd || mdhd.end - mdhd.body < 24) return null;
  const timescale = view.getUint32(mdhd.body + (bytes[mdhd.body] === 1 ? 20 : 12));
  if (!timescale) return null;
  const flagsOf = (box: Box) => view.getUint32(box.body) & 0xffffff;
  let duration = 0;
  const tfhd = findBox(bytes, 0, bytes.byteLength, ['moof', 'traf', 'tfhd']);
  if (tfhd) {
    const flags = flagsOf(tfhd);
    // version/flags, track id, then the optional fields in this order.
    const at = tfhd.body + 8 + (flags & 0x01 ? 8 : 0) + (flags & 0x02 ? 4 : 0);
    if (flags & 0x08 && at + 4 <= tfhd.end) duration = view.getUint32(at);
  }
  const trun = duration ? null : findBox(bytes, 0, bytes.byteLength, ['moof', 'traf', 'trun']);
  if (trun) {
    const flags = flagsOf(trun);
    const at = trun.body + 8 + (flags & 0x01 ? 4 : 0) + (flags & 0x04 ? 4 : 0);
    if (flags & 0x100 && at + 4 <= trun.end) duration = view.getUint32(at);
  }
  if (!duration) {
    const trex = findBox(bytes, 0, bytes.byteLength, ['moov', 'mvex', 'trex']);
    if (trex && trex.end - trex.body >= 16) duration = view.getUint32(trex.body + 12);
  }
  const seconds = duration / timescale;
  return seconds > 0.004 && seconds <= 1 ? seconds : null;
}
