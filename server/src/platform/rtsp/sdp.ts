// Session descriptions answered to DESCRIBE (RFC 4566), as far as a video recorder needs them:
// the video media, their codec (H.264 per RFC 6184, H.265 per RFC 7798), clock rate, payload
// type, parameter sets from fmtp, and control URLs (RFC 2326 appendix C.1.1).
import { RtspError } from './rtsp-message.ts';

export type VideoCodec = 'h264' | 'h265';

export interface ParameterSets {
  vps?: Buffer;
  sps?: Buffer[];
  pps?: Buffer[];
}

export interface VideoTrack {
  codec: VideoCodec;
  clockRate: number;
  payloadType: number;
  parameterSets: ParameterSets;
  /** Absolute URL to SETUP this track with. */
  control: string;
}

export interface SessionDescription {
  /** Absolute URL of aggregate control (PLAY, PAUSE, TEARDOWN, keep-alives). */
  control: string;
  /** The supported video tracks, in the order of the description. */
  videoTracks: VideoTrack[];
  /** Codec names of video media that were not supported (for the error message). */
  unsupportedVideo: string[];
}

const H264_SPS = 7;
const H264_PPS = 8;

/**
 * Joins a control attribute to its base. Relative controls are appended to the base with a '/'
 * (what live555, ffmpeg and VLC do), not resolved as RFC 3986 references: servers send bases
 * without a trailing slash (`rtsp://cam/stream`) and mean `rtsp://cam/stream/trackID=1`.
 */
export function resolveControl(control: string | undefined, base: string): string {
  if (control === undefined || control === '' || control === '*') return base;
  if (/^rtsps?:\/\//i.test(control)) return control;
  return base.endsWith('/') ? `${base}${control}` : `${base}/${control}`;
}

/** `baseUrl`: Content-Base, else Content-Location, else the DESCRIBE request URL. */
export function parseSdp(text: string, baseUrl: string): SessionDescription {
  const lines = text.split(/\r?\n/);
  if (!lines[0]?.startsWith('v=')) throw new RtspError('rtsp_bad_response', 'the DESCRIBE body is not an SDP');
  interface RawMedia {
    kind: string;
    formats: number[];
    rtpmap: Map<number, { encoding: string; clockRate: number }>;
    fmtp: Map<number, string>;
    control: string | undefined;
  }
  let sessionControl: string | undefined;
  const media: RawMedia[] = [];
  let current: RawMedia | undefined;
  for (const line of lines) {
    if (line.startsWith('m=')) {
      const [kind = '', , , ...formats] = line.slice(2).trim().split(/\s+/);
      current = { kind, formats: formats.map(Number).filter(Number.isInteger), rtpmap: new Map(), fmtp: new Map(), control: undefined };
      media.push(current);
      continue;
    }
    if (!line.startsWith('a=')) continue;
    const attribute = line.slice(2).trim();
    const colon = attribute.indexOf(':');
    const name = (colon < 0 ? attribute : attribute.slice(0, colon)).toLowerCase();
    const value = colon < 0 ? '' : attribute.slice(colon + 1).trim();
    if (name === 'control') {
      if (current) current.control = value;
      else sessionControl = value;
    } else if (current && name === 'rtpmap') {
      const match = /^(\d+)\s+([^/\s]+)\/(\d+)/.exec(value);
      if (match) current.rtpmap.set(Number(match[1]), { encoding: match[2]!.toUpperCase(), clockRate: Number(match[3]) });
    } else if (current && name === 'fmtp') {
      const match = /^(\d+)\s+(.*)$/.exec(value);
      if (match) current.fmtp.set(Number(match[1]), match[2]!);
    }
  }
  const control = resolveControl(sessionControl, baseUrl);
  const videoTracks: VideoTrack[] = [];
  const unsupportedVideo: string[] = [];
  for (const item of media) {
    if (item.kind !== 'video') continue;
    // Relative media controls are relative to the base, as ffmpeg and live555 read them.
    const trackControl = resolveControl(item.control, baseUrl);
    let found = false;
    for (const payloadType of item.formats) {
      const map = item.rtpmap.get(payloadType);
      const codec = map?.encoding === 'H264' ? 'h264' : map?.encoding === 'H265' || map?.encoding === 'HEVC' ? 'h265' : undefined;
      if (!codec || !map) continue;
      const fmtp = parseFmtp(item.fmtp.get(payloadType) ?? '');
      videoTracks.push({ codec, clockRate: map.clockRate, payloadType, parameterSets: parameterSetsOf(codec, fmtp), control: trackControl });
      found = true;
      break;
    }
    if (!found) unsupportedVideo.push(...item.formats.map((format) => item.rtpmap.get(format)?.encoding ?? `payload type ${format}`));
  }
  return { control, videoTracks, unsupportedVideo };
}

/** `a=fmtp` parameters: `key=value; key=value`, values may hold '=' (base64 padding). */
function parseFmtp(text: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const part of text.split(';')) {
    const equals = part.indexOf('=');
    if (equals <= 0) continue;
    params.set(part.slice(0, equals).trim().toLowerCase(), part.slice(equals + 1).trim());
  }
  return params;
}

function decodeList(value: string | undefined): Buffer[] {
  if (!value) return [];
  return value
    .split(',')
    .map((item) => Buffer.from(item.trim(), 'base64'))
    .filter((unit) => unit.length > 0);
}

function parameterSetsOf(codec: VideoCodec, fmtp: Map<string, string>): ParameterSets {
  if (codec === 'h264') {
    const units = decodeList(fmtp.get('sprop-parameter-sets'));
    const sps = units.filter((unit) => (unit[0]! & 0x1f) === H264_SPS);
    const pps = units.filter((unit) => (unit[0]! & 0x1f) === H264_PPS);
    return { ...(sps.length > 0 && { sps }), ...(pps.length > 0 && { pps }) };
  }
  const vps = decodeList(fmtp.get('sprop-vps'))[0];
  const sps = decodeList(fmtp.get('sprop-sps'));
  const pps = decodeList(fmtp.get('sprop-pps'));
  return { ...(vps && { vps }), ...(sps.length > 0 && { sps }), ...(pps.length > 0 && { pps }) };
}
