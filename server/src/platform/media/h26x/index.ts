// H.264 / H.265 media core of the native recording engine: RTP depacketizers (RFC 6184,
// RFC 7798), access units and their MP4 sample form, SPS parsing. Pure, no IO.
export {
  type AccessUnit,
  joinNalUnit,
  type ParameterSets,
  SampleSlab,
  samplePayload,
  spropParameterSets,
  type VideoCodec,
} from './access-unit.ts';
export { Depacketizer, type DepacketizerEvent, type RtpPacket } from './depacketizer.ts';
export { parseH264Sps, parseH265Sps } from './sps.ts';
