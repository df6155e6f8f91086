// Response bodies of the ONVIF PTZ service (ver20/ptz/wsdl) over the simulated PTZ head.
import type { PtzHead, PtzPosition } from '../ptz.ts';
import { escapeXml } from './soap.ts';
import { ptzConfiguration } from './media-service.ts';

const PAN_TILT_SPACE = 'http://www.onvif.org/ver10/tptz/PanTiltSpaces/PositionGenericSpace';
const ZOOM_SPACE = 'http://www.onvif.org/ver10/tptz/ZoomSpaces/PositionGenericSpace';

function vector(element: string, position: PtzPosition): string {
  const round = (value: number) => Math.round(value * 10000) / 10000;
  return (
    `<${element}><tt:PanTilt x="${round(position.pan)}" y="${round(position.tilt)}" space="${PAN_TILT_SPACE}"/>` +
    `<tt:Zoom x="${round(position.zoom)}" space="${ZOOM_SPACE}"/></${element}>`
  );
}

export function status(head: PtzHead, cameraTimeMs: number): string {
  const moving = head.isMoving() ? 'MOVING' : 'IDLE';
  return (
    `<tptz:GetStatusResponse><tptz:PTZStatus>${vector('tt:Position', head.position())}` +
    `<tt:MoveStatus><tt:PanTilt>${moving}</tt:PanTilt><tt:Zoom>${moving}</tt:Zoom></tt:MoveStatus>` +
    `<tt:UtcTime>${new Date(cameraTimeMs).toISOString().replace(/\.\d{3}Z$/, 'Z')}</tt:UtcTime></tptz:PTZStatus></tptz:GetStatusResponse>`
  );
}

export function presets(head: PtzHead): string {
  return `<tptz:GetPresetsResponse>${head
    .listPresets()
    .map(
      (preset) =>
        `<tptz:Preset token="${escapeXml(preset.token)}"><tt:Name>${escapeXml(preset.name)}</tt:Name>${vector('tt:PTZPosition', preset.position)}</tptz:Preset>`,
    )
    .join('')}</tptz:GetPresetsResponse>`;
}

const PAN_TILT_VELOCITY = 'http://www.onvif.org/ver10/tptz/PanTiltSpaces/VelocityGenericSpace';
const ZOOM_VELOCITY = 'http://www.onvif.org/ver10/tptz/ZoomSpaces/VelocityGenericSpace';

export interface HeadLimits {
  zoom?: boolean;
  maxPresets?: number;
  minTimeoutMs?: number | undefined;
}

const range = (axis: 'X' | 'Y', min: number, max: number) => `<tt:${axis}Range><tt:Min>${min}</tt:Min><tt:Max>${max}</tt:Max></tt:${axis}Range>`;

/** The PTZSpaces of the head: absolute positions and continuous velocities, zoom ones only when it zooms. */
function supportedSpaces(element: string, zoom: boolean): string {
  return (
    `<${element}><tt:AbsolutePanTiltPositionSpace><tt:URI>${PAN_TILT_SPACE}</tt:URI>${range('X', -1, 1)}${range('Y', -1, 1)}</tt:AbsolutePanTiltPositionSpace>` +
    (zoom ? `<tt:AbsoluteZoomPositionSpace><tt:URI>${ZOOM_SPACE}</tt:URI>${range('X', 0, 1)}</tt:AbsoluteZoomPositionSpace>` : '') +
    `<tt:ContinuousPanTiltVelocitySpace><tt:URI>${PAN_TILT_VELOCITY}</tt:URI>${range('X', -1, 1)}${range('Y', -1, 1)}</tt:ContinuousPanTiltVelocitySpace>` +
    (zoom ? `<tt:ContinuousZoomVelocitySpace><tt:URI>${ZOOM_VELOCITY}</tt:URI>${range('X', -1, 1)}</tt:ContinuousZoomVelocitySpace>` : '') +
    `</${element}>`
  );
}

export function nodes(limits: HeadLimits = {}): string {
  return (
    `<tptz:GetNodesResponse><tptz:PTZNode token="PTZNode_1" FixedHomePosition="false"><tt:Name>PTZNode_1</tt:Name>` +
    supportedSpaces('tt:SupportedPTZSpaces', limits.zoom !== false) +
    `<tt:MaximumNumberOfPresets>${limits.maxPresets ?? 64}</tt:MaximumNumberOfPresets><tt:HomeSupported>false</tt:HomeSupported></tptz:PTZNode></tptz:GetNodesResponse>`
  );
}

export function configurationOptions(limits: HeadLimits = {}): string {
  const seconds = (ms: number) => `PT${Number((ms / 1000).toFixed(3))}S`;
  return (
    `<tptz:GetConfigurationOptionsResponse><tptz:PTZConfigurationOptions>${supportedSpaces('tt:Spaces', limits.zoom !== false)}` +
    `<tt:PTZTimeout><tt:Min>${seconds(limits.minTimeoutMs ?? 0)}</tt:Min><tt:Max>PT60S</tt:Max></tt:PTZTimeout>` +
    `</tptz:PTZConfigurationOptions></tptz:GetConfigurationOptionsResponse>`
  );
}

export function configurations(): string {
  return `<tptz:GetConfigurationsResponse>${ptzConfiguration().replace(/tt:PTZConfiguration/g, 'tptz:PTZConfiguration')}</tptz:GetConfigurationsResponse>`;
}
