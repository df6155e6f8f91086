// The ONVIF messages Vigie sends to steer a camera, and the readers of their answers, pure:
// device (clock, capabilities, services), media (profiles) and PTZ ver20 (continuous move with
// a timeout, stop, status, presets). Positions and velocities are in the generic spaces (pan
// and tilt in [-1, 1], zoom in [0, 1]; velocities in [-1, 1]), which every ONVIF PTZ supports.
import { child, escapeXml, formatDuration, list, text, type XmlNode } from './soap.ts';

export interface PtzVector {
  pan: number;
  tilt: number;
  zoom: number;
}

export interface PtzPresetInfo {
  token: string;
  name: string;
}

/** A preset with where it points (its PTZPosition; null when the camera does not say). */
export interface PtzPresetPosition extends PtzPresetInfo {
  position: PtzVector | null;
}

export interface ProfileInfo {
  token: string;
  name: string;
  hasPtz: boolean;
}

export interface ServiceAddresses {
  ptzUrl: string | null;
  mediaUrl: string | null;
}

const PTZ_NAMESPACE = 'http://www.onvif.org/ver20/ptz/wsdl';
const MEDIA_NAMESPACE = 'http://www.onvif.org/ver10/media/wsdl';

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, Number.isFinite(value) ? value : 0));
const decimal = (value: number) => String(Math.round(value * 10000) / 10000);
const profileElement = (profileToken: string) => `<tptz:ProfileToken>${escapeXml(profileToken)}</tptz:ProfileToken>`;

export const requests = {
  getSystemDateAndTime: () => '<tds:GetSystemDateAndTime/>',
  getCapabilities: () => '<tds:GetCapabilities><tds:Category>All</tds:Category></tds:GetCapabilities>',
  getServices: () => '<tds:GetServices><tds:IncludeCapability>false</tds:IncludeCapability></tds:GetServices>',
  getProfiles: () => '<trt:GetProfiles/>',
  /** Velocities are clamped to [-1, 1]; the camera stops by itself after `timeoutMs`. */
  continuousMove: (profileToken: string, velocity: PtzVector, timeoutMs: number) =>
    `<tptz:ContinuousMove>${profileElement(profileToken)}<tptz:Velocity>` +
    `<tt:PanTilt x="${decimal(clamp(velocity.pan, -1, 1))}" y="${decimal(clamp(velocity.tilt, -1, 1))}"/><tt:Zoom x="${decimal(clamp(velocity.zoom, -1, 1))}"/>` +
    `</tptz:Velocity><tptz:Timeout>${formatDuration(timeoutMs)}</tptz:Timeout></tptz:ContinuousMove>`,
  stop: (profileToken: string) => `<tptz:Stop>${profileElement(profileToken)}<tptz:PanTilt>true</tptz:PanTilt><tptz:Zoom>true</tptz:Zoom></tptz:Stop>`,
  getStatus: (profileToken: string) => `<tptz:GetStatus>${profileElement(profileToken)}</tptz:GetStatus>`,
  getPresets: (profileToken: string) => `<tptz:GetPresets>${profileElement(profileToken)}</tptz:GetPresets>`,
  setPreset: (profileToken: string, name: string) =>
    `<tptz:SetPreset>${profileElement(profileToken)}<tptz:PresetName>${escapeXml(name)}</tptz:PresetName></tptz:SetPreset>`,
  gotoPreset: (profileToken: string, presetToken: string) =>
    `<tptz:GotoPreset>${profileElement(profileToken)}<tptz:PresetToken>${escapeXml(presetToken)}</tptz:PresetToken></tptz:GotoPreset>`,
};

/** The SOAP action URI of a request body (SOAP 1.2 carries it in the content type). */
export function soapAction(bodyXml: string): string {
  const match = /^<(tds|trt|tptz):(\w+)/.exec(bodyXml);
  const namespaces: Record<string, string> = { tds: 'http://www.onvif.org/ver10/device/wsdl', trt: MEDIA_NAMESPACE, tptz: PTZ_NAMESPACE };
  return match ? `${namespaces[match[1]!]}/${match[2]}` : '';
}

const integer = (node: unknown) => Number(text(node));

/** The camera's UTC clock from GetSystemDateAndTime, in epoch ms; undefined when unreadable. */
export function readSystemDateAndTime(body: XmlNode): number | undefined {
  const utc = child(child(body, 'SystemDateAndTime'), 'UTCDateTime');
  const date = child(utc, 'Date');
  const time = child(utc, 'Time');
  const parts = [
    integer(child(date, 'Year')),
    integer(child(date, 'Month')),
    integer(child(date, 'Day')),
    integer(child(time, 'Hour')),
    integer(child(time, 'Minute')),
    integer(child(time, 'Second')),
  ];
  if (parts.some((part) => !Number.isInteger(part))) return undefined;
  const [year, month, day, hour, minute, second] = parts as [number, number, number, number, number, number];
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

/** PTZ and media service addresses from GetCapabilities. */
export function readCapabilities(body: XmlNode): ServiceAddresses {
  const capabilities = child(body, 'Capabilities');
  return {
    ptzUrl: text(child(child(capabilities, 'PTZ'), 'XAddr')) ?? null,
    mediaUrl: text(child(child(capabilities, 'Media'), 'XAddr')) ?? null,
  };
}

/** PTZ and media service addresses from GetServices. */
export function readServices(body: XmlNode): ServiceAddresses {
  const addresses: ServiceAddresses = { ptzUrl: null, mediaUrl: null };
  for (const service of list(child(body, 'Service'))) {
    const namespace = text(child(service, 'Namespace'));
    const url = text(child(service, 'XAddr')) ?? null;
    if (namespace === PTZ_NAMESPACE) addresses.ptzUrl = url;
    if (namespace === MEDIA_NAMESPACE) addresses.mediaUrl = url;
  }
  return addresses;
}

export function readProfiles(body: XmlNode): ProfileInfo[] {
  return list(child(body, 'Profiles')).flatMap((profile) => {
    const token = text(child(profile, '@token'));
    if (!token) return [];
    return [{ token, name: text(child(profile, 'Name')) ?? token, hasPtz: child(profile, 'PTZConfiguration') !== undefined }];
  });
}

/** The profile to steer: the first one bound to a PTZ configuration. */
export function ptzProfileToken(profiles: readonly ProfileInfo[]): string | null {
  return profiles.find((profile) => profile.hasPtz)?.token ?? null;
}

function attributeNumber(node: unknown, name: string): number | undefined {
  const value = Number(text(child(node, `@${name}`)));
  return Number.isFinite(value) ? value : undefined;
}

/** A PTZVector element (`Position`, `PTZPosition`); null without pan and tilt (zoom absent: 0). */
function readPosition(position: unknown): PtzVector | null {
  const pan = attributeNumber(child(position, 'PanTilt'), 'x');
  const tilt = attributeNumber(child(position, 'PanTilt'), 'y');
  const zoom = attributeNumber(child(position, 'Zoom'), 'x');
  return pan === undefined || tilt === undefined ? null : { pan, tilt, zoom: zoom ?? 0 };
}

/** The head's position from GetStatus; null when the camera does not report one. */
export function readStatus(body: XmlNode): { position: PtzVector | null; moving: boolean } {
  const status = child(body, 'PTZStatus');
  const moveStatus = child(status, 'MoveStatus');
  const moving = [text(child(moveStatus, 'PanTilt')), text(child(moveStatus, 'Zoom'))].includes('MOVING');
  return { position: readPosition(child(status, 'Position')), moving };
}

/** The presets of GetPresets with their stored positions (the position watcher compares them with GetStatus). */
export function readPresetPositions(body: XmlNode): PtzPresetPosition[] {
  return list(child(body, 'Preset')).flatMap((preset) => {
    const token = text(child(preset, '@token'));
    return token ? [{ token, name: text(child(preset, 'Name')) ?? token, position: readPosition(child(preset, 'PTZPosition')) }] : [];
  });
}

export function readPresets(body: XmlNode): PtzPresetInfo[] {
  return readPresetPositions(body).map(({ token, name }) => ({ token, name }));
}

export function readSetPreset(body: XmlNode): string | undefined {
  return text(child(body, 'PresetToken'));
}
