// The ONVIF messages Vigie sends to steer a camera, and the readers of their answers, pure:
// media (profiles) and PTZ ver20 (the head's node and configuration options, continuous move,
// stop, status, presets). Positions and velocities are in the generic spaces (pan and tilt in
// [-1, 1], zoom in [0, 1]; velocities in [-1, 1]). A move carries only what the head supports:
// no Zoom element for a pan/tilt-only head, no Timeout for firmware that refuses one.
import { child, escapeXml, formatDuration, list, parseDuration, text, type XmlNode } from './soap.ts';

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
  /** The token of the profile's PTZ configuration and of the PTZ node it drives. */
  ptzConfigurationToken: string | null;
  ptzNodeToken: string | null;
}

/** What a PTZ node and its configuration options say the head supports (undefined: not said). */
export interface PtzNodeCapabilities {
  panTilt?: boolean;
  zoom?: boolean;
  maxPresets?: number;
  minTimeoutMs?: number;
  maxTimeoutMs?: number;
}

/** What a continuous move carries: each element may be left out. */
export interface MoveShape {
  panTilt: boolean;
  zoom: boolean;
  /** null: no Timeout element. */
  timeoutMs: number | null;
}

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, Number.isFinite(value) ? value : 0));
const decimal = (value: number) => String(Math.round(value * 10000) / 10000);
const profileElement = (profileToken: string) => `<tptz:ProfileToken>${escapeXml(profileToken)}</tptz:ProfileToken>`;

export const requests = {
  getProfiles: () => '<trt:GetProfiles/>',
  getNodes: () => '<tptz:GetNodes/>',
  getConfigurationOptions: (configurationToken: string) =>
    `<tptz:GetConfigurationOptions><tptz:ConfigurationToken>${escapeXml(configurationToken)}</tptz:ConfigurationToken></tptz:GetConfigurationOptions>`,
  /** Velocities are clamped to [-1, 1]; the camera stops by itself after the Timeout when one is sent. */
  continuousMove: (profileToken: string, velocity: PtzVector, shape: MoveShape) =>
    `<tptz:ContinuousMove>${profileElement(profileToken)}<tptz:Velocity>` +
    (shape.panTilt ? `<tt:PanTilt x="${decimal(clamp(velocity.pan, -1, 1))}" y="${decimal(clamp(velocity.tilt, -1, 1))}"/>` : '') +
    (shape.zoom ? `<tt:Zoom x="${decimal(clamp(velocity.zoom, -1, 1))}"/>` : '') +
    `</tptz:Velocity>${shape.timeoutMs === null ? '' : `<tptz:Timeout>${formatDuration(shape.timeoutMs)}</tptz:Timeout>`}</tptz:ContinuousMove>`,
  stop: (profileToken: string, zoom = true) =>
    `<tptz:Stop>${profileElement(profileToken)}<tptz:PanTilt>true</tptz:PanTilt>${zoom ? '<tptz:Zoom>true</tptz:Zoom>' : ''}</tptz:Stop>`,
  getStatus: (profileToken: string) => `<tptz:GetStatus>${profileElement(profileToken)}</tptz:GetStatus>`,
  getPresets: (profileToken: string) => `<tptz:GetPresets>${profileElement(profileToken)}</tptz:GetPresets>`,
  setPreset: (profileToken: string, name: string) =>
    `<tptz:SetPreset>${profileElement(profileToken)}<tptz:PresetName>${escapeXml(name)}</tptz:PresetName></tptz:SetPreset>`,
  gotoPreset: (profileToken: string, presetToken: string) =>
    `<tptz:GotoPreset>${profileElement(profileToken)}<tptz:PresetToken>${escapeXml(presetToken)}</tptz:PresetToken></tptz:GotoPreset>`,
};

export function readProfiles(body: XmlNode): ProfileInfo[] {
  return list(child(body, 'Profiles')).flatMap((profile) => {
    const token = text(child(profile, '@token'));
    if (!token) return [];
    const configuration = child(profile, 'PTZConfiguration');
    return [
      {
        token,
        name: text(child(profile, 'Name')) ?? token,
        hasPtz: configuration !== undefined,
        ptzConfigurationToken: text(child(configuration, '@token')) ?? null,
        ptzNodeToken: text(child(configuration, 'NodeToken')) ?? null,
      },
    ];
  });
}

/** The profile to steer: the first one bound to a PTZ configuration. */
export function ptzProfile(profiles: readonly ProfileInfo[]): ProfileInfo | null {
  return profiles.find((profile) => profile.hasPtz) ?? null;
}

function spaces(node: unknown): Pick<PtzNodeCapabilities, 'panTilt' | 'zoom'> {
  if (node === undefined || node === null || typeof node !== 'object') return {};
  return { panTilt: child(node, 'ContinuousPanTiltVelocitySpace') !== undefined, zoom: child(node, 'ContinuousZoomVelocitySpace') !== undefined };
}

/** The node a profile drives (by token, else the first), from GetNodes: its continuous spaces and presets limit. */
export function readPtzNode(body: XmlNode, nodeToken: string | null): PtzNodeCapabilities {
  const nodes = list(child(body, 'PTZNode'));
  const node = nodes.find((item) => text(child(item, '@token')) === nodeToken) ?? nodes[0];
  if (node === undefined) return {};
  const capabilities: PtzNodeCapabilities = spaces(child(node, 'SupportedPTZSpaces'));
  const maxPresets = Number(text(child(node, 'MaximumNumberOfPresets')));
  if (Number.isInteger(maxPresets) && maxPresets > 0) capabilities.maxPresets = maxPresets;
  return capabilities;
}

/** The Timeout range (and spaces) of GetConfigurationOptions. */
export function readPtzConfigurationOptions(body: XmlNode): PtzNodeCapabilities {
  const options = child(body, 'PTZConfigurationOptions');
  const capabilities: PtzNodeCapabilities = spaces(child(options, 'Spaces'));
  const timeout = child(options, 'PTZTimeout');
  const minTimeoutMs = parseDuration(text(child(timeout, 'Min')));
  const maxTimeoutMs = parseDuration(text(child(timeout, 'Max')));
  if (minTimeoutMs !== undefined) capabilities.minTimeoutMs = minTimeoutMs;
  if (maxTimeoutMs !== undefined && maxTimeoutMs > 0) capabilities.maxTimeoutMs = maxTimeoutMs;
  return capabilities;
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
