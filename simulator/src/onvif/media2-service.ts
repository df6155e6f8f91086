// Response bodies of the ONVIF media2 service (ver20/media/wsdl, Profile T): the same two
// profiles, main and sub, in the ver20 shape (a profile lists its configurations under
// tr2:Configurations, only the types the request names), and the stream and snapshot URIs, which
// ver20 answers as a bare tr2:Uri. Stream protocols: RTSP (RTP over the RTSP connection) and
// RtspUnicast; multicast and RTSP tunnelled over HTTP are refused, as this camera has neither.
import { PROFILE_NAMES, type ProfileName } from '../config.ts';
import { ptzConfiguration, videoSourceConfiguration } from './media-service.ts';
import { escapeXml } from './soap.ts';
import type { OnvifCameraView } from './view.ts';

/** The configuration types of tr2:ConfigurationEnumeration this camera has. */
const CONFIGURATION_TYPES = ['VideoSource', 'VideoEncoder', 'PTZ'] as const;
type ConfigurationType = (typeof CONFIGURATION_TYPES)[number];

/** The stream protocols (tr2:TransportProtocol) this camera serves. */
const SERVED_PROTOCOLS = new Set(['RTSP', 'RtspUnicast']);
const KNOWN_PROTOCOLS = new Set(['RtspUnicast', 'RtspMulticast', 'RtspsUnicast', 'RtspsMulticast', 'RTSP', 'RtspOverHttp']);

function videoEncoder2(camera: OnvifCameraView, profile: ProfileName): string {
  const settings = camera.profiles[profile];
  const encoding = camera.codec === 'h264' ? 'H264' : 'H265';
  const gov = Math.round(settings.fps * settings.gopSeconds);
  return (
    `<tr2:VideoEncoder token="VideoEncoder2_${profile}" GovLength="${gov}" Profile="${camera.codec === 'h264' ? 'Baseline' : 'Main'}">` +
    `<tt:Name>VideoEncoder2_${profile}</tt:Name><tt:UseCount>1</tt:UseCount><tt:Encoding>${encoding}</tt:Encoding>` +
    `<tt:Resolution><tt:Width>${settings.width}</tt:Width><tt:Height>${settings.height}</tt:Height></tt:Resolution>` +
    `<tt:RateControl ConstantBitRate="false"><tt:FrameRateLimit>${settings.fps}</tt:FrameRateLimit><tt:BitrateLimit>${settings.bitrateKbps}</tt:BitrateLimit></tt:RateControl>` +
    `<tt:Multicast><tt:Address><tt:Type>IPv4</tt:Type><tt:IPv4Address>0.0.0.0</tt:IPv4Address></tt:Address><tt:Port>0</tt:Port><tt:TTL>0</tt:TTL><tt:AutoStart>false</tt:AutoStart></tt:Multicast>` +
    `<tt:Quality>5</tt:Quality></tr2:VideoEncoder>`
  );
}

function profile2Xml(camera: OnvifCameraView, profile: ProfileName, types: ReadonlySet<ConfigurationType>): string {
  const label = profile === 'main' ? 'MainStream' : 'SubStream';
  const configurations =
    (types.has('VideoSource') ? videoSourceConfiguration(camera, 'tr2:VideoSource') : '') +
    (types.has('VideoEncoder') ? videoEncoder2(camera, profile) : '') +
    (types.has('PTZ') && camera.hasPtz ? ptzConfiguration('tr2:PTZ') : '');
  return (
    `<tr2:Profiles token="${profile}" fixed="true"><tr2:Name>${label}</tr2:Name>` +
    (configurations ? `<tr2:Configurations>${configurations}</tr2:Configurations>` : '') +
    `</tr2:Profiles>`
  );
}

/**
 * GetProfiles (ver20): every profile, or the one of `token`; the configurations of the `types`
 * asked (`All` for every one; none asked: name and token only, as ver20 specifies).
 */
export function profiles2(camera: OnvifCameraView, token: ProfileName | undefined, types: readonly string[]): string {
  const wanted = new Set<ConfigurationType>(types.includes('All') ? CONFIGURATION_TYPES : CONFIGURATION_TYPES.filter((type) => types.includes(type)));
  const chosen = token === undefined ? PROFILE_NAMES : [token];
  return `<tr2:GetProfilesResponse>${chosen.map((profile) => profile2Xml(camera, profile, wanted)).join('')}</tr2:GetProfilesResponse>`;
}

/** Why a stream protocol is refused (null: served). */
export function protocolProblem(protocol: string | undefined): string | null {
  if (protocol === undefined) return 'Protocol is required';
  if (!KNOWN_PROTOCOLS.has(protocol)) return `unknown protocol ${protocol}`;
  if (!SERVED_PROTOCOLS.has(protocol)) return `${protocol} is not offered by this camera`;
  return null;
}

export function streamUri2(camera: OnvifCameraView, token: ProfileName): string {
  return `<tr2:GetStreamUriResponse><tr2:Uri>${escapeXml(camera.streamUrl(token))}</tr2:Uri></tr2:GetStreamUriResponse>`;
}

export function snapshotUri2(camera: OnvifCameraView, token: ProfileName): string {
  return `<tr2:GetSnapshotUriResponse><tr2:Uri>${escapeXml(camera.snapshotUrl(token))}</tr2:Uri></tr2:GetSnapshotUriResponse>`;
}
