// Session descriptions returned by DESCRIBE (RFC 4566; H.264 fmtp per RFC 6184, H.265 per RFC 7798).
import type { ParameterSets, VideoCodec } from './h26x.ts';
import { RTP_PAYLOAD_TYPE } from './rtp.ts';

export interface SdpInput {
  codec: VideoCodec;
  parameterSets: ParameterSets;
  sessionName: string;
  serverAddress: string;
  sessionId: number;
  width: number;
  height: number;
  fps: number;
}

/** profile-level-id is the three bytes after the SPS NAL header (profile, constraints, level). */
export function h264ProfileLevelId(sps: Buffer): string {
  return sps.subarray(1, 4).toString('hex').toUpperCase();
}

export function buildSdp(input: SdpInput): string {
  const { codec, parameterSets } = input;
  const fmtp =
    codec === 'h264'
      ? `packetization-mode=1;profile-level-id=${h264ProfileLevelId(parameterSets.sps)};sprop-parameter-sets=${parameterSets.sps.toString('base64')},${parameterSets.pps.toString('base64')}`
      : [
          parameterSets.vps ? `sprop-vps=${parameterSets.vps.toString('base64')}` : undefined,
          `sprop-sps=${parameterSets.sps.toString('base64')}`,
          `sprop-pps=${parameterSets.pps.toString('base64')}`,
        ]
          .filter(Boolean)
          .join(';');
  const lines = [
    'v=0',
    `o=- ${input.sessionId} 1 IN IP4 ${input.serverAddress}`,
    `s=${input.sessionName}`,
    `c=IN IP4 0.0.0.0`,
    't=0 0',
    'a=control:*',
    'a=range:npt=now-',
    `m=video 0 RTP/AVP ${RTP_PAYLOAD_TYPE}`,
    `a=rtpmap:${RTP_PAYLOAD_TYPE} ${codec === 'h264' ? 'H264' : 'H265'}/90000`,
    `a=fmtp:${RTP_PAYLOAD_TYPE} ${fmtp}`,
    `a=framerate:${input.fps}`,
    `a=x-dimensions:${input.width},${input.height}`,
    'a=control:trackID=0',
  ];
  return `${lines.join('\r\n')}\r\n`;
}
