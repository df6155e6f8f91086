// The ONVIF endpoint of one camera: SOAP over HTTP (device, media, media2 and PTZ services on
// their own paths, any action accepted on any of them as many cameras do, except that media2's
// operations take their ver20 shape on its path; media (ver10), media2 (ver20) or both, as the
// camera's modes say) and the JPEG snapshot.
// Authentication: WS-Security UsernameToken, or HTTP Digest (MD5 or SHA-256), or only one of
// them (view.modes); GetSystemDateAndTime is open, as the ONVIF core specification asks, so
// clients can learn the camera's clock first. The modes also give the habits of real firmware:
// a head that refuses Timeout or Zoom, a minimum timeout, answers cut by a closed connection,
// GetCapabilities failing with a bare HTTP 500, answers naming another operation.
import { listenOn } from '../listen.ts';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { DigestAuthenticator } from '../digest.ts';
import * as device from './device-service.ts';
import { answerEventAction, EVENT_ACTIONS } from './events-service.ts';
import * as media from './media-service.ts';
import * as media2 from './media2-service.ts';
import { offersMedia1, offersMedia2 } from './modes.ts';
import * as ptzService from './ptz-service.ts';
import { envelope, parseDurationMs, parseSoapRequest, readVector, soapFault, text, verifyUsernameToken, type SoapRequest } from './soap.ts';
import type { OnvifCameraView } from './view.ts';

const MAX_BODY_BYTES = 256 * 1024;
const OPEN_ACTIONS = new Set(['GetSystemDateAndTime']);
const MEDIA2_PATH = '/onvif/media2_service';
/** The media (ver10) operations, refused by a camera that offers media2 only. */
const MEDIA1_ACTIONS = new Set(['GetProfiles', 'GetProfile', 'GetVideoSources', 'GetStreamUri', 'GetSnapshotUri']);

type Handler = (request: SoapRequest, camera: OnvifCameraView) => string | Promise<string>;

class SoapError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly subcode: string,
    message: string,
  ) {
    super(message);
  }
}

function profileToken(request: SoapRequest): 'main' | 'sub' {
  const token = text(request.body.ProfileToken);
  if (!media.isProfileToken(token)) throw new SoapError(400, 'ter:InvalidArgVal', `no profile ${token ?? ''}`);
  return token;
}

/** The text of an element that may be repeated (`<tr2:Type>` of ver20 GetProfiles). */
function texts(node: unknown): string[] {
  return (Array.isArray(node) ? node : [node]).map(text).filter((value): value is string => value !== undefined);
}

function requirePtz(camera: OnvifCameraView) {
  if (!camera.ptz) throw new SoapError(400, 'ter:ActionNotSupported', 'this camera has no PTZ');
  return camera.ptz;
}

function limits(camera: OnvifCameraView): ptzService.HeadLimits {
  return { zoom: !camera.modes.noZoom, maxPresets: camera.modes.maxPresets, minTimeoutMs: camera.modes.minTimeoutMs };
}

/** The quirks of a head that refuses what it does not support in a ContinuousMove. */
function checkContinuousMove(request: SoapRequest, camera: OnvifCameraView): number | undefined {
  const timeout = text(request.body.Timeout);
  const timeoutMs = parseDurationMs(timeout);
  if (timeout !== undefined && camera.modes.noTimeout) throw new SoapError(400, 'ter:InvalidArgVal/ter:TimeoutNotSupported', 'Timeout is not supported');
  if (timeoutMs !== undefined && camera.modes.minTimeoutMs !== undefined && timeoutMs < camera.modes.minTimeoutMs) {
    throw new SoapError(400, 'ter:InvalidArgVal/ter:TimeoutNotSupported', `Timeout below ${camera.modes.minTimeoutMs} ms`);
  }
  const velocity = request.body.Velocity;
  if (camera.modes.noZoom && velocity && typeof velocity === 'object' && 'Zoom' in velocity) {
    throw new SoapError(400, 'ter:InvalidArgVal/ter:NoZoomSpace', 'this head has no zoom');
  }
  return timeoutMs;
}

function speedOf(request: SoapRequest): number | undefined {
  const speed = readVector(request.body.Speed);
  return speed.pan ?? speed.zoom;
}

const HANDLERS: Record<string, Handler> = {
  GetSystemDateAndTime: (_request, camera) => device.systemDateAndTime(camera),
  GetDeviceInformation: (_request, camera) => device.deviceInformation(camera),
  GetCapabilities: (_request, camera) => device.capabilities(camera),
  GetServices: (request, camera) => device.services(camera, text(request.body.IncludeCapability) === 'true'),
  GetNetworkInterfaces: (_request, camera) => device.networkInterfaces(camera),
  GetScopes: (_request, camera) => device.scopes(camera),
  GetHostname: (_request, camera) => device.hostname(camera),
  GetProfiles: (_request, camera) => media.profiles(camera),
  GetProfile: (request, camera) => media.profile(camera, profileToken(request)),
  GetVideoSources: (_request, camera) => media.videoSources(camera),
  GetStreamUri: (request, camera) => media.streamUri(camera, profileToken(request)),
  GetSnapshotUri: (request, camera) => media.snapshotUri(camera, profileToken(request)),
  GetNodes: (_request, camera) => {
    requirePtz(camera);
    return ptzService.nodes(limits(camera));
  },
  GetConfigurationOptions: (_request, camera) => {
    requirePtz(camera);
    return ptzService.configurationOptions(limits(camera));
  },
  GetConfigurations: (_request, camera) => {
    requirePtz(camera);
    return ptzService.configurations();
  },
  GetStatus: (_request, camera) => ptzService.status(requirePtz(camera), camera.cameraTimeMs()),
  GetPresets: (_request, camera) => ptzService.presets(requirePtz(camera)),
  ContinuousMove: (request, camera) => {
    const timeoutMs = checkContinuousMove(request, camera);
    requirePtz(camera).continuousMove(readVector(request.body.Velocity), timeoutMs);
    return '<tptz:ContinuousMoveResponse/>';
  },
  AbsoluteMove: (request, camera) => {
    requirePtz(camera).absoluteMove(readVector(request.body.Position), speedOf(request));
    return '<tptz:AbsoluteMoveResponse/>';
  },
  RelativeMove: (request, camera) => {
    requirePtz(camera).relativeMove(readVector(request.body.Translation), speedOf(request));
    return '<tptz:RelativeMoveResponse/>';
  },
  Stop: (_request, camera) => {
    requirePtz(camera).stop();
    return '<tptz:StopResponse/>';
  },
  SetPreset: (request, camera) => {
    const head = requirePtz(camera);
    if (!text(request.body.PresetToken) && head.listPresets().length >= camera.modes.maxPresets) {
      throw new SoapError(400, 'ter:Action/ter:TooManyPresets', 'the head holds its maximum of presets');
    }
    const preset = requirePtz(camera).setPreset(text(request.body.PresetName), text(request.body.PresetToken));
    return `<tptz:SetPresetResponse><tptz:PresetToken>${preset.token}</tptz:PresetToken></tptz:SetPresetResponse>`;
  },
  GotoPreset: (request, camera) => {
    if (!requirePtz(camera).gotoPreset(text(request.body.PresetToken) ?? '', speedOf(request)))
      throw new SoapError(400, 'ter:InvalidArgVal/ter:NoToken', 'no such preset');
    return '<tptz:GotoPresetResponse/>';
  },
  RemovePreset: (request, camera) => {
    if (!requirePtz(camera).removePreset(text(request.body.PresetToken) ?? '')) throw new SoapError(400, 'ter:NoToken', 'no such preset');
    return '<tptz:RemovePresetResponse/>';
  },
};

/** The media2 service (ver20, Profile T), on its own path: the same operation names, the ver20 shapes. */
const MEDIA2_HANDLERS: Record<string, Handler> = {
  GetProfiles: (request, camera) => {
    const token = text(request.body.Token);
    if (token !== undefined && !media.isProfileToken(token)) throw new SoapError(400, 'ter:InvalidArgVal/ter:NoProfile', `no profile ${token}`);
    return media2.profiles2(camera, token, texts(request.body.Type));
  },
  GetStreamUri: (request, camera) => {
    const problem = media2.protocolProblem(text(request.body.Protocol));
    if (problem) throw new SoapError(400, 'ter:InvalidArgVal/ter:InvalidStreamSetup', problem);
    return media2.streamUri2(camera, profileToken(request));
  },
  GetSnapshotUri: (request, camera) => media2.snapshotUri2(camera, profileToken(request)),
};

/** The handler of an operation on a path, as the camera's media modes allow (undefined: not supported). */
function handlerFor(action: string, path: string, camera: OnvifCameraView): Handler | undefined {
  if (path === MEDIA2_PATH && MEDIA2_HANDLERS[action]) return MEDIA2_HANDLERS[action];
  if (MEDIA1_ACTIONS.has(action) && !offersMedia1(camera.modes)) return undefined;
  return HANDLERS[action];
}

export class OnvifServer {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly sha256: DigestAuthenticator;
  port: number;

  constructor(
    private readonly camera: OnvifCameraView,
    private readonly authenticator: DigestAuthenticator,
    readonly host: string,
    port: number,
  ) {
    this.port = port;
    this.sha256 = new DigestAuthenticator(authenticator.realm, undefined, undefined, 'SHA-256');
  }

  /** The Digest authenticator of the mode: the camera's own (MD5, shared with RTSP), or SHA-256. */
  private get digest(): DigestAuthenticator {
    return this.camera.modes.digestAlgorithm === 'SHA-256' ? this.sha256 : this.authenticator;
  }

  async listen(): Promise<number> {
    const server = createServer((request, response) => void this.route(request, response));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server = server;
    this.port = await listenOn(server, this.host, this.port);
    return this.port;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const path = (request.url ?? '/').split('?')[0] ?? '/';
      const snapshot = /^\/onvif\/snapshot\/(main|sub)\.jpg$/.exec(path);
      if (request.method === 'GET' && snapshot) return await this.snapshot(request, response, snapshot[1] as 'main' | 'sub');
      if (path === MEDIA2_PATH && !offersMedia2(this.camera.modes)) return void response.writeHead(404).end();
      if (request.method === 'POST' && /^\/onvif\/(?:(?:device|media|media2|ptz|events)_service|subscription\/\d{1,9})$/.test(path))
        return await this.soap(request, response, path);
      response.writeHead(404).end();
    } catch {
      if (!response.headersSent) response.writeHead(500).end();
    }
  }

  private httpDigestValid(request: IncomingMessage): boolean {
    return this.digest.verify(request.headers.authorization, request.method ?? 'GET', this.camera.credentials);
  }

  private httpBasicValid(request: IncomingMessage): boolean {
    const match = /^basic\s+(.+)$/i.exec(request.headers.authorization ?? '');
    if (!match) return false;
    const { username, password } = this.camera.credentials;
    return Buffer.from(match[1] ?? '', 'base64').toString('utf8') === `${username}:${password}`;
  }

  private async snapshot(request: IncomingMessage, response: ServerResponse, profile: 'main' | 'sub'): Promise<void> {
    request.resume();
    if (!this.httpDigestValid(request) && !this.httpBasicValid(request)) {
      response.writeHead(401, { 'WWW-Authenticate': this.digest.challenge(request.headers.authorization) }).end();
      return;
    }
    const jpeg = await this.camera.snapshot(profile);
    response.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': jpeg.length }).end(jpeg);
  }

  private async soap(request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
    const body = await readBody(request);
    const modes = this.camera.modes;
    const reply = (status: number, xml: string, headers: Record<string, string> = {}): void => {
      if (modes.cutAnswersAt === undefined) {
        response.writeHead(status, { 'Content-Type': 'application/soap+xml; charset=utf-8', ...headers }).end(xml);
        return;
      }
      // As some firmware does: no length, the answer ends when the connection closes, here cut mid-way.
      const head = [`HTTP/1.1 ${status} ${status === 200 ? 'OK' : 'Error'}`, 'Content-Type: application/soap+xml; charset=utf-8', 'Connection: close'];
      for (const [name, value] of Object.entries(headers)) head.push(`${name}: ${value}`);
      request.socket.end(`${head.join('\r\n')}\r\n\r\n${Buffer.from(xml).subarray(0, modes.cutAnswersAt).toString('latin1')}`, 'latin1');
    };
    const parsed = body === undefined ? undefined : parseSoapRequest(body);
    if (!parsed) return reply(400, soapFault('Sender', 'ter:WellFormed', 'not a SOAP envelope'));
    const handler = handlerFor(parsed.action, path, this.camera);
    if (!handler && !EVENT_ACTIONS.has(parsed.action)) return reply(400, soapFault('Sender', 'ter:ActionNotSupported', `${parsed.action} is not supported`));
    if (!OPEN_ACTIONS.has(parsed.action)) {
      const challenge = () => ({ 'WWW-Authenticate': this.digest.challenge(request.headers.authorization) });
      if (parsed.token && modes.auth !== 'digest') {
        if (!verifyUsernameToken(parsed.token, this.camera.credentials, this.camera.cameraTimeMs())) {
          return reply(400, soapFault('Sender', modes.authFault, 'Sender not authorized'));
        }
      } else if (modes.auth === 'ws-security') {
        return reply(400, soapFault('Sender', modes.authFault, 'Sender not authorized'));
      } else if (!this.httpDigestValid(request)) {
        return reply(401, soapFault('Sender', 'ter:NotAuthorized', 'Sender not authorized'), challenge());
      }
    }
    if (parsed.action === 'GetCapabilities' && modes.capabilitiesError) return void response.writeHead(500).end();
    if (!handler) {
      const events = await answerEventAction(parsed.action, parsed.body, path, this.camera, { text, parseDurationMs });
      return events.ok ? reply(200, envelope(events.xml)) : reply(events.status, soapFault('Sender', events.subcode, events.reason));
    }
    try {
      const answer = await handler(parsed, this.camera);
      const command = ['ContinuousMove', 'Stop', 'GotoPreset', 'SetPreset', 'AbsoluteMove', 'RelativeMove'].includes(parsed.action);
      reply(200, envelope(modes.wrongOperation && command ? '<tds:GetSystemDateAndTimeResponse/>' : answer));
    } catch (error) {
      if (error instanceof SoapError) reply(error.httpStatus, soapFault('Sender', error.subcode, error.message));
      else throw error;
    }
  }
}

function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        request.destroy();
        resolve(undefined);
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', () => resolve(undefined));
  });
}
