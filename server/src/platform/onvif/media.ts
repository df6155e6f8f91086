// ONVIF media profiles (Profile S: media ver10; Profile T: media2 ver20), pure: GetProfiles,
// GetStreamUri and GetSnapshotUri, the readers of their answers, and the choice of a main and a
// sub-stream among a camera's profiles. The client (client.ts) finds the services and sends them.
import { child, escapeXml, list, text, type XmlNode } from './soap.ts';

export type MediaVersion = 'media' | 'media2';

export interface MediaProfile {
  token: string;
  name: string;
  /** As the camera names it: H264, H265, JPEG, MPEG4 (upper case). */
  codec: string | null;
  width: number | null;
  height: number | null;
  fps: number | null;
  bitrateKbps: number | null;
  videoSourceToken: string | null;
}

export const mediaRequests = {
  getProfiles: (version: MediaVersion) => (version === 'media' ? '<trt:GetProfiles/>' : '<tr2:GetProfiles><tr2:Type>All</tr2:Type></tr2:GetProfiles>'),
  getStreamUri: (version: MediaVersion, profileToken: string) =>
    version === 'media'
      ? '<trt:GetStreamUri><trt:StreamSetup><tt:Stream>RTP-Unicast</tt:Stream><tt:Transport><tt:Protocol>RTSP</tt:Protocol></tt:Transport></trt:StreamSetup>' +
        `<trt:ProfileToken>${escapeXml(profileToken)}</trt:ProfileToken></trt:GetStreamUri>`
      : `<tr2:GetStreamUri><tr2:Protocol>RTSP</tr2:Protocol><tr2:ProfileToken>${escapeXml(profileToken)}</tr2:ProfileToken></tr2:GetStreamUri>`,
  getSnapshotUri: (version: MediaVersion, profileToken: string) =>
    version === 'media'
      ? `<trt:GetSnapshotUri><trt:ProfileToken>${escapeXml(profileToken)}</trt:ProfileToken></trt:GetSnapshotUri>`
      : `<tr2:GetSnapshotUri><tr2:ProfileToken>${escapeXml(profileToken)}</tr2:ProfileToken></tr2:GetSnapshotUri>`,
};

const number = (node: unknown): number | null => {
  const value = Number(text(node));
  return text(node) !== undefined && Number.isFinite(value) ? value : null;
};

/** A profile of either service: media (ver10) names its parts `VideoEncoderConfiguration`/`VideoSourceConfiguration`, media2 (ver20) nests them in `Configurations`. */
function profileOf(node: unknown, encoder: unknown, source: unknown): MediaProfile {
  const resolution = child(encoder, 'Resolution');
  const rate = child(encoder, 'RateControl');
  return {
    token: String(child(node, '@token') ?? ''),
    name: text(child(node, 'Name')) ?? '',
    codec: text(child(encoder, 'Encoding'))?.toUpperCase() ?? null,
    width: number(child(resolution, 'Width')),
    height: number(child(resolution, 'Height')),
    fps: number(child(rate, 'FrameRateLimit')),
    bitrateKbps: number(child(rate, 'BitrateLimit')),
    videoSourceToken: text(child(source, 'SourceToken')) ?? null,
  };
}

function mediaProfile(node: unknown): MediaProfile {
  return profileOf(node, child(node, 'VideoEncoderConfiguration'), child(node, 'VideoSourceConfiguration'));
}

function media2Profile(node: unknown): MediaProfile {
  const configurations = child(node, 'Configurations');
  return profileOf(node, child(configurations, 'VideoEncoder'), child(configurations, 'VideoSource'));
}

/** GetProfiles: the profiles that carry video (an audio-only or metadata profile is left out). */
export function readMediaProfiles(version: MediaVersion, body: XmlNode): MediaProfile[] {
  const read = version === 'media' ? mediaProfile : media2Profile;
  return list(child(body, 'Profiles'))
    .map(read)
    .filter((profile) => profile.token !== '' && profile.codec !== null);
}

/** GetStreamUri / GetSnapshotUri: the URI (ver10 wraps it in MediaUri, ver20 answers it alone). */
export function readMediaUri(body: XmlNode): string | null {
  return text(child(child(body, 'MediaUri'), 'Uri')) ?? text(child(body, 'Uri')) ?? null;
}

const pixels = (profile: MediaProfile) => (profile.width ?? 0) * (profile.height ?? 0);

/**
 * The main stream is the profile with the most pixels (then the highest frame rate) on the
 * first video source; the sub-stream the one with the fewest pixels on that source, when it
 * differs. JPEG-only profiles are proposed only when nothing else exists.
 */
export function proposeStreams(profiles: readonly MediaProfile[]): { main: MediaProfile | null; sub: MediaProfile | null } {
  const video = profiles.filter((profile) => profile.codec !== 'JPEG');
  const candidates = video.length > 0 ? video : [...profiles];
  const source = candidates[0]?.videoSourceToken ?? null;
  const sameSource = candidates.filter((profile) => profile.videoSourceToken === source);
  const byQuality = [...sameSource].sort((a, b) => pixels(b) - pixels(a) || (b.fps ?? 0) - (a.fps ?? 0));
  const main = byQuality[0] ?? null;
  const smallest = byQuality.at(-1) ?? null;
  const sub = smallest && main && smallest.token !== main.token && pixels(smallest) < pixels(main) ? smallest : null;
  return { main, sub };
}

/**
 * A URI a camera reported, moved onto the host of the ONVIF address the administrator gave
 * (cameras behind NAT report their private address), its scheme, port and path kept.
 */
export function onConfiguredHost(reported: string, onvifUrl: string): { url: string; rewritten: boolean } {
  try {
    const url = new URL(reported);
    const configured = new URL(onvifUrl);
    if (url.hostname === configured.hostname) return { url: url.toString(), rewritten: false };
    url.hostname = configured.hostname;
    return { url: url.toString(), rewritten: true };
  } catch {
    return { url: reported, rewritten: false };
  }
}
