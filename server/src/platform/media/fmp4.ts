// Fragmented MP4 read from a live pipe, pure (no IO): ffmpeg writes `ftyp` + an empty `moov`
// (the init segment), then one `moof` + `mdat` pair per fragment. This cuts the byte stream
// into top-level boxes, pairs them into an init segment and media fragments, and reads what
// live viewing needs from the boxes: the codec and its RFC 6381 string (for Media Source
// Extensions), the picture size, the media timescale, and per fragment its decode time,
// duration and whether it starts on a keyframe (a viewer may only start there).

export interface Mp4Box {
  type: string;
  /** The whole box, header included. */
  data: Buffer;
}

/** Boxes larger than this are refused: a live fragment is one picture or one GOP. */
export const MAX_LIVE_BOX_BYTES = 64 * 1024 * 1024;

/** Cuts a byte stream (any chunking) into whole top-level boxes. */
export class Mp4BoxSplitter {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly maxBoxBytes = MAX_LIVE_BOX_BYTES) {}

  push(chunk: Buffer): Mp4Box[] {
    const data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    const boxes: Mp4Box[] = [];
    let offset = 0;
    while (data.length - offset >= 8) {
      let size = data.readUInt32BE(offset);
      let headerSize = 8;
      if (size === 1) {
        if (data.length - offset < 16) break;
        size = Number(data.readBigUInt64BE(offset + 8));
        headerSize = 16;
      }
      // 0 means "to the end of the file": never written by a fragmenting muxer on a pipe.
      if (size < headerSize || size > this.maxBoxBytes) throw new Error(`invalid MP4 box size ${size} at stream offset ${offset}`);
      if (data.length - offset < size) break;
      boxes.push({ type: data.toString('latin1', offset + 4, offset + 8), data: data.subarray(offset, offset + size) });
      offset += size;
    }
    // Copy the remainder so that the chunk it came from can be freed.
    this.pending = offset === data.length ? Buffer.alloc(0) : Buffer.from(data.subarray(offset));
    return boxes;
  }

  get bufferedBytes(): number {
    return this.pending.length;
  }
}

interface BoxRange {
  type: string;
  start: number;
  end: number;
  /** Where the content starts (after size, type and any 64-bit size). */
  body: number;
}

/** The boxes directly inside `buffer[from, to)`. */
export function childBoxes(buffer: Buffer, from: number, to: number = buffer.length): BoxRange[] {
  const boxes: BoxRange[] = [];
  let offset = from;
  while (offset + 8 <= to) {
    let size = buffer.readUInt32BE(offset);
    let body = offset + 8;
    if (size === 1) {
      if (offset + 16 > to) break;
      size = Number(buffer.readBigUInt64BE(offset + 8));
      body = offset + 16;
    } else if (size === 0) {
      size = to - offset;
    }
    if (size < body - offset || offset + size > to) break;
    boxes.push({ type: buffer.toString('latin1', offset + 4, offset + 8), start: offset, end: offset + size, body });
    offset += size;
  }
  return boxes;
}

/** The first box along `path` (e.g. ['trak', 'mdia', 'mdhd']) inside the box `range`. */
function find(buffer: Buffer, range: BoxRange, path: readonly string[]): BoxRange | undefined {
  let current: BoxRange | undefined = range;
  for (const type of path) {
    if (!current) return undefined;
    const parent: BoxRange = current;
    current = childBoxes(buffer, parent.body, parent.end).find((child) => child.type === type);
  }
  return current;
}

function root(buffer: Buffer): BoxRange {
  const [box] = childBoxes(buffer, 0);
  if (!box) throw new Error('not an MP4 box');
  return box;
}

export type LiveCodec = 'h264' | 'h265';

export interface TrackDefaults {
  sampleDuration: number;
  sampleSize: number;
  sampleFlags: number;
}

export interface InitSegmentInfo {
  trackId: number;
  timescale: number;
  /** The sample entry: avc1, avc3, hvc1, hev1. */
  sampleEntry: string;
  codec: LiveCodec;
  /** RFC 6381 codecs parameter, e.g. `avc1.64001f` or `hvc1.1.6.L93.B0`. */
  codecString: string;
  width: number;
  height: number;
  defaults: TrackDefaults;
}

const hex2 = (value: number) => value.toString(16).padStart(2, '0');

/** `avc1.PPCCLL` from an avcC box body (profile, compatibility, level). */
export function avcCodecString(sampleEntry: string, avcC: Buffer): string {
  if (avcC.length < 4) throw new Error('avcC too short');
  return `${sampleEntry}.${hex2(avcC[1]!)}${hex2(avcC[2]!)}${hex2(avcC[3]!)}`;
}

function reverseBits32(value: number): number {
  let result = 0;
  for (let bit = 0; bit < 32; bit++) result = (result << 1) | ((value >>> bit) & 1);
  return result >>> 0;
}

/** ISO/IEC 14496-15 annex E from an hvcC box body: `hvc1.<space><profile>.<compat>.<tier><level>[.<constraints>]`. */
export function hevcCodecString(sampleEntry: string, hvcC: Buffer): string {
  if (hvcC.length < 13) throw new Error('hvcC too short');
  const profileSpace = ['', 'A', 'B', 'C'][hvcC[1]! >> 6]!;
  const tier = (hvcC[1]! >> 5) & 1 ? 'H' : 'L';
  const profile = hvcC[1]! & 0x1f;
  const compatibility = reverseBits32(hvcC.readUInt32BE(2)).toString(16);
  const constraints = [...hvcC.subarray(6, 12)];
  while (constraints.length > 0 && constraints[constraints.length - 1] === 0) constraints.pop();
  const constraintPart = constraints.map((byte) => `.${byte.toString(16).toUpperCase()}`).join('');
  return `${sampleEntry}.${profileSpace}${profile}.${compatibility}.${tier}${hvcC[12]!}${constraintPart}`;
}

/** What an init segment (ftyp + moov, or moov alone) says of its first (video) track. */
export function parseInitSegment(init: Buffer): InitSegmentInfo {
  const moov = childBoxes(init, 0).find((box) => box.type === 'moov');
  if (!moov) throw new Error('no moov in the init segment');
  const trak = find(init, moov, ['trak']);
  if (!trak) throw new Error('no track in the init segment');
  const tkhd = find(init, trak, ['tkhd']);
  const mdhd = find(init, trak, ['mdia', 'mdhd']);
  const stsd = find(init, trak, ['mdia', 'minf', 'stbl', 'stsd']);
  if (!tkhd || !mdhd || !stsd) throw new Error('incomplete track in the init segment');
  const tkhdVersion = init[tkhd.body]!;
  const trackId = init.readUInt32BE(tkhd.body + (tkhdVersion === 1 ? 20 : 12));
  const mdhdVersion = init[mdhd.body]!;
  const timescale = init.readUInt32BE(mdhd.body + (mdhdVersion === 1 ? 20 : 12));
  // stsd: version/flags (4), entry count (4), then sample entries.
  const [entry] = childBoxes(init, stsd.body + 8, stsd.end);
  if (!entry) throw new Error('no sample entry');
  // Visual sample entry: 8 bytes of SampleEntry, 16 bytes of reserved/pre-defined, width, height, ..., 78 bytes in all.
  const width = init.readUInt16BE(entry.body + 24);
  const height = init.readUInt16BE(entry.body + 26);
  const children = childBoxes(init, entry.body + 78, entry.end);
  const configuration = (type: string) => {
    const box = children.find((child) => child.type === type);
    if (!box) throw new Error(`${entry.type} without ${type}`);
    return init.subarray(box.body, box.end);
  };
  let codec: LiveCodec;
  let codecString: string;
  if (entry.type === 'avc1' || entry.type === 'avc3') {
    codec = 'h264';
    codecString = avcCodecString(entry.type, configuration('avcC'));
  } else if (entry.type === 'hvc1' || entry.type === 'hev1') {
    codec = 'h265';
    codecString = hevcCodecString(entry.type, configuration('hvcC'));
  } else {
    throw new Error(`unsupported sample entry ${entry.type}`);
  }
  const trex = childBoxes(init, moov.body, moov.end)
    .filter((box) => box.type === 'mvex')
    .flatMap((mvex) => childBoxes(init, mvex.body, mvex.end))
    .find((box) => box.type === 'trex' && init.readUInt32BE(box.body + 4) === trackId);
  const defaults: TrackDefaults = trex
    ? { sampleDuration: init.readUInt32BE(trex.body + 12), sampleSize: init.readUInt32BE(trex.body + 16), sampleFlags: init.readUInt32BE(trex.body + 20) }
    : { sampleDuration: 0, sampleSize: 0, sampleFlags: 0 };
  return { trackId, timescale, sampleEntry: entry.type, codec, codecString, width, height, defaults };
}

/** The MIME type Media Source Extensions are asked for. */
export function mimeOf(codecString: string): string {
  return `video/mp4; codecs="${codecString}"`;
}

/** ISO/IEC 14496-12 sample flags: a sync sample has sample_is_non_sync_sample = 0 and does not depend on others. */
export function isSyncSample(flags: number): boolean {
  const nonSync = (flags >>> 16) & 1;
  const dependsOn = (flags >>> 24) & 3;
  return nonSync === 0 && dependsOn !== 1;
}

export interface FragmentInfo {
  sequence: number;
  /** tfdt, in the track's timescale. */
  decodeTime: number;
  /** Sum of the sample durations, in the track's timescale. */
  duration: number;
  sampleSizes: number[];
  /** The first sample is a sync sample (keyframe). */
  keyframe: boolean;
}

/** Reads a `moof` (first track fragment) with the track's defaults from the init segment. */
export function parseMoof(moof: Buffer, defaults: TrackDefaults): FragmentInfo {
  const box = root(moof);
  if (box.type !== 'moof') throw new Error(`expected moof, got ${box.type}`);
  const mfhd = find(moof, box, ['mfhd']);
  const traf = find(moof, box, ['traf']);
  if (!traf) throw new Error('moof without traf');
  const tfhd = find(moof, traf, ['tfhd']);
  if (!tfhd) throw new Error('traf without tfhd');
  const tfhdFlags = moof.readUInt32BE(tfhd.body) & 0xffffff;
  let cursor = tfhd.body + 8; // version/flags, track_ID
  if (tfhdFlags & 0x01) cursor += 8; // base_data_offset
  if (tfhdFlags & 0x02) cursor += 4; // sample_description_index
  let defaultDuration = defaults.sampleDuration;
  let defaultSize = defaults.sampleSize;
  let defaultFlags = defaults.sampleFlags;
  if (tfhdFlags & 0x08) {
    defaultDuration = moof.readUInt32BE(cursor);
    cursor += 4;
  }
  if (tfhdFlags & 0x10) {
    defaultSize = moof.readUInt32BE(cursor);
    cursor += 4;
  }
  if (tfhdFlags & 0x20) {
    defaultFlags = moof.readUInt32BE(cursor);
    cursor += 4;
  }
  const tfdt = find(moof, traf, ['tfdt']);
  let decodeTime = 0;
  if (tfdt) decodeTime = moof[tfdt.body] === 1 ? Number(moof.readBigUInt64BE(tfdt.body + 4)) : moof.readUInt32BE(tfdt.body + 4);
  let duration = 0;
  const sampleSizes: number[] = [];
  let firstFlags: number | undefined;
  for (const trun of childBoxes(moof, traf.body, traf.end).filter((child) => child.type === 'trun')) {
    const flags = moof.readUInt32BE(trun.body) & 0xffffff;
    const count = moof.readUInt32BE(trun.body + 4);
    let at = trun.body + 8;
    if (flags & 0x001) at += 4; // data_offset
    let firstSampleFlags: number | undefined;
    if (flags & 0x004) {
      firstSampleFlags = moof.readUInt32BE(at);
      at += 4;
    }
    for (let sample = 0; sample < count; sample++) {
      const sampleDuration = flags & 0x100 ? moof.readUInt32BE(at) : defaultDuration;
      if (flags & 0x100) at += 4;
      const sampleSize = flags & 0x200 ? moof.readUInt32BE(at) : defaultSize;
      if (flags & 0x200) at += 4;
      let sampleFlags = defaultFlags;
      if (flags & 0x400) {
        sampleFlags = moof.readUInt32BE(at);
        at += 4;
      }
      if (flags & 0x800) at += 4; // composition time offset
      if (sample === 0 && firstSampleFlags !== undefined) sampleFlags = firstSampleFlags;
      if (firstFlags === undefined) firstFlags = sampleFlags;
      duration += sampleDuration;
      sampleSizes.push(sampleSize);
    }
  }
  return {
    sequence: mfhd ? moof.readUInt32BE(mfhd.body + 4) : 0,
    decodeTime,
    duration,
    sampleSizes,
    keyframe: firstFlags !== undefined && isSyncSample(firstFlags),
  };
}

/** The samples of an `mdat` (a fragment's media data), by the sizes its `moof` gave. */
export function mdatSamples(mdat: Buffer, sampleSizes: readonly number[]): Buffer[] {
  const box = root(mdat);
  const samples: Buffer[] = [];
  let offset = box.body;
  for (const size of sampleSizes) {
    if (offset + size > box.end) break;
    samples.push(mdat.subarray(offset, offset + size));
    offset += size;
  }
  return samples;
}

export interface InitSegment {
  /** ftyp + moov, as a viewer's SourceBuffer takes it. */
  data: Buffer;
  info: InitSegmentInfo;
}

export interface MediaFragment extends FragmentInfo {
  /** moof + mdat: one WebSocket message. */
  data: Buffer;
  /** Where the mdat starts inside `data`. */
  mdatOffset: number;
}

export type Mp4Event = { kind: 'init'; init: InitSegment } | { kind: 'fragment'; fragment: MediaFragment };

/** Pairs top-level boxes into an init segment and media fragments; other boxes (styp, sidx, free) are ignored. */
export class FragmentedMp4Reader {
  private readonly splitter: Mp4BoxSplitter;
  private ftyp: Buffer | null = null;
  private moof: Buffer | null = null;
  private info: InitSegmentInfo | null = null;

  constructor(maxBoxBytes = MAX_LIVE_BOX_BYTES) {
    this.splitter = new Mp4BoxSplitter(maxBoxBytes);
  }

  get init(): InitSegmentInfo | null {
    return this.info;
  }

  push(chunk: Buffer): Mp4Event[] {
    const events: Mp4Event[] = [];
    for (const box of this.splitter.push(chunk)) {
      if (box.type === 'ftyp') {
        this.ftyp = Buffer.from(box.data);
      } else if (box.type === 'moov') {
        const data = Buffer.concat(this.ftyp ? [this.ftyp, box.data] : [box.data]);
        this.info = parseInitSegment(data);
        events.push({ kind: 'init', init: { data, info: this.info } });
      } else if (box.type === 'moof') {
        this.moof = box.data;
      } else if (box.type === 'mdat' && this.moof && this.info) {
        const moof = this.moof;
        this.moof = null;
        const data = Buffer.concat([moof, box.data]);
        events.push({ kind: 'fragment', fragment: { ...parseMoof(moof, this.info.defaults), data, mdatOffset: moof.length } });
      }
    }
    return events;
  }
}
