// Fragmented MP4 built byte by byte for tests (no IO), laid out as ffmpeg writes live
// fragments (empty_moov + default_base_moof + frag_keyframe + frag_every_frame).
export const u32 = (value: number) => {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value >>> 0);
  return buffer;
};
export const u16 = (value: number) => {
  const buffer = Buffer.alloc(2);
  buffer.writeUInt16BE(value);
  return buffer;
};
export function box(type: string, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([u32(body.length + 8), Buffer.from(type, 'latin1'), body]);
}
export const full = (type: string, version: number, flags: number, ...content: Buffer[]) => box(type, u32((version << 24) | flags), ...content);

/** Flags as ffmpeg writes them: keyframes "depends on none", others "non-sync, depends on others". */
export const SYNC = 0x02000000;
export const NON_SYNC = 0x01010000;

export function visualEntry(type: string, width: number, height: number, configuration: Buffer): Buffer {
  const fixed = Buffer.concat([
    Buffer.alloc(6),
    u16(1),
    Buffer.alloc(16),
    u16(width),
    u16(height),
    u32(0x00480000),
    u32(0x00480000),
    u32(0),
    u16(1),
    Buffer.alloc(32),
    u16(0x18),
    u16(0xffff),
  ]);
  return box(type, fixed, configuration);
}

export const AVCC = Buffer.from([1, 0x64, 0x00, 0x1f, 0xff]);
// Main profile, compatibility 0x60000000 (profiles 1 and 2), level 93, constraints 0xB0: "hvc1.1.6.L93.B0".
export const HVCC = Buffer.from([1, 0x01, 0x60, 0, 0, 0, 0xb0, 0, 0, 0, 0, 0, 93, 0xf0, 0, 0xfc, 0xfd, 0xf8, 0xf8, 0, 0, 0x0f, 0]);

export function initSegment(entry: Buffer, options: { trexDuration?: number; trexFlags?: number; version1?: boolean } = {}): Buffer {
  const v1 = options.version1 ?? false;
  const tkhd = v1 ? full('tkhd', 1, 3, Buffer.alloc(16), u32(7), Buffer.alloc(64)) : full('tkhd', 0, 3, Buffer.alloc(8), u32(7), Buffer.alloc(68));
  const mdhd = v1 ? full('mdhd', 1, 0, Buffer.alloc(16), u32(90_000), Buffer.alloc(12)) : full('mdhd', 0, 0, Buffer.alloc(8), u32(90_000), Buffer.alloc(8));
  const stsd = full('stsd', 0, 0, u32(1), entry);
  const trak = box('trak', tkhd, box('mdia', mdhd, full('hdlr', 0, 0, u32(0), Buffer.from('vide'), Buffer.alloc(13)), box('minf', box('stbl', stsd))));
  const trex = full('trex', 0, 0, u32(7), u32(1), u32(options.trexDuration ?? 0), u32(0), u32(options.trexFlags ?? 0));
  return Buffer.concat([box('ftyp', Buffer.from('isom'), u32(512)), box('moov', full('mvhd', 0, 0, Buffer.alloc(96)), trak, box('mvex', trex))]);
}

export interface FragmentSpec {
  sequence: number;
  decodeTime: number;
  samples: Array<{ size: number; duration?: number; flags?: number }>;
  tfhd?: { duration?: number; flags?: number };
  firstSampleFlags?: number;
}

export function fragment(spec: FragmentSpec): { moof: Buffer; mdat: Buffer } {
  let tfhdFlags = 0x020000;
  const tfhdFields: Buffer[] = [];
  if (spec.tfhd?.duration !== undefined) {
    tfhdFlags |= 0x08;
    tfhdFields.push(u32(spec.tfhd.duration));
  }
  if (spec.tfhd?.flags !== undefined) {
    tfhdFlags |= 0x20;
    tfhdFields.push(u32(spec.tfhd.flags));
  }
  const perDuration = spec.samples.some((sample) => sample.duration !== undefined);
  const perFlags = spec.samples.some((sample) => sample.flags !== undefined);
  let trunFlags = 0x001 | 0x200;
  if (spec.firstSampleFlags !== undefined) trunFlags |= 0x004;
  if (perDuration) trunFlags |= 0x100;
  if (perFlags) trunFlags |= 0x400;
  const sampleFields = spec.samples.flatMap((sample) => [
    ...(perDuration ? [u32(sample.duration ?? 0)] : []),
    u32(sample.size),
    ...(perFlags ? [u32(sample.flags ?? 0)] : []),
  ]);
  const trun = full(
    'trun',
    0,
    trunFlags,
    u32(spec.samples.length),
    u32(0),
    ...(spec.firstSampleFlags !== undefined ? [u32(spec.firstSampleFlags)] : []),
    ...sampleFields,
  );
  const traf = box('traf', full('tfhd', 0, tfhdFlags, u32(7), ...tfhdFields), full('tfdt', 1, 0, Buffer.from([0, 0, 0, 0, ...u32(spec.decodeTime)])), trun);
  const moof = box('moof', full('mfhd', 0, 0, u32(spec.sequence)), traf);
  const mdat = box('mdat', ...spec.samples.map((sample, index) => Buffer.alloc(sample.size, index + 1)));
  return { moof, mdat };
}

export const h264Init = initSegment(visualEntry('avc1', 320, 180, box('avcC', AVCC)));

/** A whole fragment (moof + mdat) of one picture, keyframe or not, in ffmpeg's layout. */
export function pictureFragment(sequence: number, keyframe: boolean, size = 16): Buffer {
  const { moof, mdat } = fragment({
    sequence,
    decodeTime: (sequence - 1) * 7500,
    samples: [{ size }],
    tfhd: { duration: 7500, flags: NON_SYNC },
    ...(keyframe ? { firstSampleFlags: SYNC } : {}),
  });
  return Buffer.concat([moof, mdat]);
}
