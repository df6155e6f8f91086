// Response bodies of the ONVIF media service (ver10/media/wsdl): two profiles, main and sub,
// on one video source, with stream and snapshot URIs. The media2 service (media2-service.ts)
// shares the video source and PTZ configurations.
import { PROFILE_NAMES, type ProfileName } from '../config.ts';
import { escapeXml } from './soap.ts';
import type { OnvifCameraView } from './view.ts';

const VIDEO_SOURCE = 'VideoSource_1';

export function isProfileToken(token: string | undefined): token is ProfileName {
  return token === 'main' || token === 'sub';
}

/** The video source configuration, as `element` (ver10: tt:VideoSourceConfiguration; ver20: tr2:VideoSource). */
export function videoSourceConfiguration(camera: OnvifCameraView, element = 'tt:VideoSourceConfiguration'): string {
  const main = camera.profiles.main;
  return (
    `<${element} token="VideoSourceConfig_1"><tt:Name>VideoSourceConfig_1</tt:Name><tt:UseCount>2</tt:UseCount>` +
    `<tt:SourceToken>${VIDEO_SOURCE}</tt:SourceToken><tt:Bounds x="0" y="0" width="${main.width}" height="${main.height}"/></${element}>`
  );
}

function encoderConfiguration(camera: OnvifCameraView, profile: ProfileName): string {
  const settings = camera.profiles[profile];
  const encoding = camera.codec === 'h264' ? 'H264' : 'H265';
  const gov = Math.round(settings.fps * settings.gopSeconds);
  return (
    `<tt:VideoEncoderConfiguration token="VideoEncoder_${profile}"><tt:Name>VideoEncoder_${profile}</tt:Name><tt:UseCount>1</tt:UseCount>` +
    `<tt:Encoding>${encoding}</tt:Encoding><tt:Resolution><tt:Width>${settings.width}</tt:Width><tt:Height>${settings.height}</tt:Height></tt:Resolution>` +
    `<tt:Quality>5</tt:Quality><tt:RateControl><tt:FrameRateLimit>${settings.fps}</tt:FrameRateLimit><tt:EncodingInterval>1</tt:EncodingInterval><tt:BitrateLimit>${settings.bitrateKbps}</tt:BitrateLimit></tt:RateControl>` +
    (camera.codec === 'h264' ? `<tt:H264><tt:GovLength>${gov}</tt:GovLength><tt:H264Profile>Baseline</tt:H264Profile></tt:H264>` : '') +
    `<tt:Multicast><tt:Address><tt:Type>IPv4</tt:Type><tt:IPv4Address>0.0.0.0</tt:IPv4Address></tt:Address><tt:Port>0</tt:Port><tt:TTL>0</tt:TTL><tt:AutoStart>false</tt:AutoStart></tt:Multicast>` +
    `<tt:SessionTimeout>PT60S</tt:SessionTimeout></tt:VideoEncoderConfiguration>`
  );
}

/** The PTZ configuration, as `element` (ver10 profiles: tt:PTZConfiguration; ver20: tr2:PTZ). */
export function ptzConfiguration(element = 'tt:PTZConfiguration'): string {
  return (
    `<${element} token="PTZConfig_1"><tt:Name>PTZConfig_1</tt:Name><tt:UseCount>2</tt:UseCount><tt:NodeToken>PTZNode_1</tt:NodeToken>` +
    `<tt:DefaultAbsolutePantTiltPositionSpace>http://www.onvif.org/ver10/tptz/PanTiltSpaces/PositionGenericSpace</tt:DefaultAbsolutePantTiltPositionSpace>` +
    `<tt:DefaultAbsoluteZoomPositionSpace>http://www.onvif.org/ver10/tptz/ZoomSpaces/PositionGenericSpace</tt:DefaultAbsoluteZoomPositionSpace>` +
    `<tt:DefaultContinuousPanTiltVelocitySpace>http://www.onvif.org/ver10/tptz/PanTiltSpaces/VelocityGenericSpace</tt:DefaultContinuousPanTiltVelocitySpace>` +
    `<tt:DefaultContinuousZoomVelocitySpace>http://www.onvif.org/ver10/tptz/ZoomSpaces/VelocityGenericSpace</tt:DefaultContinuousZoomVelocitySpace>` +
    `<tt:DefaultPTZSpeed><tt:PanTilt x="1" y="1"/><tt:Zoom x="1"/></tt:DefaultPTZSpeed><tt:DefaultPTZTimeout>PT10S</tt:DefaultPTZTimeout></${element}>`
  );
}

function profileXml(camera: OnvifCameraView, profile: ProfileName, element: string): string {
  const label = profile === 'main' ? 'MainStream' : 'SubStream';
  return (
    `<${element} token="${profile}" fixed="true"><tt:Name>${label}</tt:Name>` +
    videoSourceConfiguration(camera) +
    encoderConfiguration(camera, profile) +
    (camera.hasPtz ? ptzConfiguration() : '') +
    `</${element}>`
  );
}

export function profiles(camera: OnvifCameraView): string {
  return `<trt:GetProfilesResponse>${PROFILE_NAMES.map((profile) => profileXml(camera, profile, 'trt:Profiles')).join('')}</trt:GetProfilesResponse>`;
}

export function profile(camera: OnvifCameraView, token: ProfileName): string {
  return `<trt:GetProfileResponse>${profileXml(camera, token, 'trt:Profile')}</trt:GetProfileResponse>`;
}

export function videoSources(camera: OnvifCameraView): string {
  const main = camera.profiles.main;
  return (
    `<trt:GetVideoSourcesResponse><trt:VideoSources token="${VIDEO_SOURCE}"><tt:Framerate>${main.fps}</tt:Framerate>` +
    `<tt:Resolution><tt:Width>${main.width}</tt:Width><tt:Height>${main.height}</tt:Height></tt:Resolution></trt:VideoSources></trt:GetVideoSourcesResponse>`
  );
}

function mediaUri(uri: string): string {
  return `<trt:MediaUri><tt:Uri>${escapeXml(uri)}</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri>`;
}

export function streamUri(camera: OnvifCameraView, token: ProfileName): string {
  return `<trt:GetStreamUriResponse>${mediaUri(camera.streamUrl(token))}</trt:GetStreamUriResponse>`;
}

export function snapshotUri(camera: OnvifCameraView, token: ProfileName): string {
  return `<trt:GetSnapshotUriResponse>${mediaUri(camera.snapshotUrl(token))}</trt:GetSnapshotUriResponse>`;
}
