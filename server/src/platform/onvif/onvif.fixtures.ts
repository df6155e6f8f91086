// Test fixtures of the ONVIF client: a camera answered in memory (no socket) by the
// simulator's own SOAP parser, token check, response bodies and PTZ head, so the client's unit
// tests exercise discovery, authentication and faults against an independent implementation.
import * as device from '../../../../simulator/src/onvif/device-service.ts';
import * as media from '../../../../simulator/src/onvif/media-service.ts';
import * as ptzService from '../../../../simulator/src/onvif/ptz-service.ts';
import { envelope, parseDurationMs, parseSoapRequest, readVector, soapFault, text, verifyUsernameToken } from '../../../../simulator/src/onvif/soap.ts';
import { CameraEvents } from '../../../../simulator/src/onvif/events-service.ts';
import { onvifModes } from '../../../../simulator/src/onvif/modes.ts';
import type { OnvifCameraView } from '../../../../simulator/src/onvif/view.ts';
import { PtzHead } from '../../../../simulator/src/ptz.ts';
import { OnvifError, type OnvifTransport, type TransportRequest } from './transport.ts';

export function fakeCameraView(head: PtzHead | undefined, cameraTimeMs = () => Date.parse('2026-12-01T10:00:00Z')): OnvifCameraView {
  const profile = { width: 320, height: 180, fps: 12, bitrateKbps: 300, gopSeconds: 1 };
  return {
    id: 'cam-001',
    name: 'PTZ',
    host: '10.1.2.3',
    manufacturer: 'Sim',
    model: 'Dome',
    serialNumber: 'S1',
    firmwareVersion: '1',
    macAddress: '00:11:22:33:44:55',
    codec: 'h264',
    credentials: { username: 'admin', password: 'pw' },
    hasPtz: head !== undefined,
    ptz: head,
    profiles: { main: profile, sub: profile },
    modes: onvifModes(),
    events: new CameraEvents(cameraTimeMs),
    // Reports private addresses, as a camera behind NAT does: the client must keep to the configured origin.
    cameraTimeMs,
    serviceUrl: (service) => `http://10.1.2.3:8080/onvif/${service}_service`,
    streamUrl: () => 'rtsp://10.1.2.3/main',
    snapshotUrl: () => 'http://10.1.2.3/snap.jpg',
    snapshot: async () => Buffer.alloc(0),
  };
}

export interface InMemoryCamera {
  view: OnvifCameraView;
  head: PtzHead | undefined;
  transport: OnvifTransport;
  requests: { url: string; action: string }[];
  /** While true, every request fails as a camera that does not answer. */
  offline: boolean;
}

export function inMemoryCamera(options: { ptz?: boolean; cameraTimeMs?: () => number; now?: () => number } = {}): InMemoryCamera {
  const head = options.ptz === false ? undefined : new PtzHead(options.now ?? Date.now);
  const view = fakeCameraView(head, options.cameraTimeMs ?? Date.now);
  const camera: InMemoryCamera = { view, head, requests: [], offline: false, transport: async () => ({ status: 500, body: '' }) };
  camera.transport = async (request: TransportRequest) => {
    if (camera.offline) throw new OnvifError('unreachable', `no answer from the camera within ${request.timeoutMs / 1000} s`);
    const parsed = parseSoapRequest(request.body);
    if (!parsed) return { status: 400, body: soapFault('Sender', 'ter:WellFormed', 'not a SOAP envelope') };
    camera.requests.push({ url: request.url, action: parsed.action });
    if (parsed.action !== 'GetSystemDateAndTime' && (!parsed.token || !verifyUsernameToken(parsed.token, view.credentials, view.cameraTimeMs()))) {
      return { status: 400, body: soapFault('Sender', 'ter:NotAuthorized', 'Sender not authorized') };
    }
    const ptz = () => {
      if (!head) throw new Error('ter:ActionNotSupported');
      return head;
    };
    const handlers: Record<string, () => string> = {
      GetSystemDateAndTime: () => device.systemDateAndTime(view),
      GetCapabilities: () => device.capabilities(view),
      GetServices: () => device.services(view, false),
      GetProfiles: () => media.profiles(view),
      GetStatus: () => ptzService.status(ptz(), view.cameraTimeMs()),
      GetPresets: () => ptzService.presets(ptz()),
      ContinuousMove: () => {
        ptz().continuousMove(readVector(parsed.body.Velocity), parseDurationMs(text(parsed.body.Timeout)));
        return '<tptz:ContinuousMoveResponse/>';
      },
      Stop: () => {
        ptz().stop();
        return '<tptz:StopResponse/>';
      },
      SetPreset: () =>
        `<tptz:SetPresetResponse><tptz:PresetToken>${ptz().setPreset(text(parsed.body.PresetName)).token}</tptz:PresetToken></tptz:SetPresetResponse>`,
      GotoPreset: () => {
        if (!ptz().gotoPreset(text(parsed.body.PresetToken) ?? '')) throw new Error('ter:NoToken');
        return '<tptz:GotoPresetResponse/>';
      },
    };
    const handler = handlers[parsed.action];
    if (!handler) return { status: 400, body: soapFault('Sender', 'ter:ActionNotSupported', `${parsed.action} is not supported`) };
    try {
      return { status: 200, body: envelope(handler()) };
    } catch (error) {
      const subcode = error instanceof Error ? error.message : 'ter:Action';
      return { status: 400, body: soapFault('Sender', subcode, subcode === 'ter:NoToken' ? 'no such preset' : 'this camera has no PTZ') };
    }
  };
  return camera;
}
