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

export function nodes(): string {
  const range = (min: number, max: number) => `<tt:XRange><tt:Min>${min}</tt:Min><tt:Max>${max}</tt:Max></tt:XRange>`;
  return (
    `<tptz:GetNodesResponse><tptz:PTZNode token="PTZNode_1" FixedHomePosition="false"><tt:Name>PTZNode_1</tt:Name>` +
    `<tt:SupportedPTZSpaces><tt:AbsolutePanTiltPositionSpace><tt:URI>${PAN_TILT_SPACE}</tt:URI>${range(-1, 1)}<tt:YRange><tt:Min>-1</tt:Min><tt:Max>1</tt:Max></tt:YRange></tt:AbsolutePanTiltPositionSpace>` +
    `<tt:AbsoluteZoomPositionSpace><tt:URI>${ZOOM_SPACE}</tt:URI>${range(0, 1)}</tt:AbsoluteZoomPositionSpace></tt:SupportedPTZSpaces>` +
    `<tt:MaximumNumberOfPresets>64</tt:MaximumNumberOfPresets><tt:HomeSupported>false</tt:HomeSupported></tptz:PTZNode></tptz:GetNodesResponse>`
  );
}

export function configurations(): string {
  return `<tptz:GetConfigurationsResponse>${ptzConfiguration().replace(/tt:PTZConfiguration/g, 'tptz:PTZConfiguration')}</tptz:GetConfigurationsResponse>`;
}
