// The ONVIF endpoint of one camera: SOAP over HTTP (device, media and PTZ services on their
// own paths, any action accepted on any of them as many cameras do) and the JPEG snapshot.
// Authentication: WS-Security UsernameToken, or HTTP Digest; GetSystemDateAndTime is open,
// as the ONVIF core specification asks, so clients can learn the camera's clock first.
import { listenOn } from '../listen.ts';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { DigestAuthenticator } from '../digest.ts';
import * as device from './device-service.ts';
import * as media from './media-service.ts';
import * as ptzService from './ptz-service.ts';
import { envelope, parseDurationMs, parseSoapRequest, readVector, soapFault, text, verifyUsernameToken, type SoapRequest } from './soap.ts';
import type { OnvifCameraView } from './view.ts';

const MAX_BODY_BYTES = 256 * 1024;
const OPEN_ACTIONS = new Set(['GetSystemDateAndTime']);

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

function requirePtz(camera: OnvifCameraView) {
  if (!camera.ptz) throw new SoapError(400, 'ter:ActionNotSupported', 'this camera has no PTZ');
  return camera.ptz;
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
    return ptzService.nodes();
  },
  GetConfigurations: (_request, camera) => {
    requirePtz(camera);
    return ptzService.configurations();
  },
  GetStatus: (_request, camera) => ptzService.status(requirePtz(camera), camera.cameraTimeMs()),
  GetPresets: (_request, camera) => ptzService.presets(requirePtz(camera)),
  ContinuousMove: (request, camera) => {
    requirePtz(camera).continuousMove(readVector(request.body.Velocity), parseDurationMs(text(request.body.Timeout)));
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
    const preset = requirePtz(camera).setPreset(text(request.body.PresetName), text(request.body.PresetToken));
    return `<tptz:SetPresetResponse><tptz:PresetToken>${preset.token}</tptz:PresetToken></tptz:SetPresetResponse>`;
  },
  GotoPreset: (request, camera) => {
    if (!requirePtz(camera).gotoPreset(text(request.body.PresetToken) ?? '', speedOf(request))) throw new SoapError(400, 'ter:NoToken', 'no such preset');
    return '<tptz:GotoPresetResponse/>';
  },
  RemovePreset: (request, camera) => {
    if (!requirePtz(camera).removePreset(text(request.body.PresetToken) ?? '')) throw new SoapError(400, 'ter:NoToken', 'no such preset');
    return '<tptz:RemovePresetResponse/>';
  },
};

export class OnvifServer {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port: number;

  constructor(
    private readonly camera: OnvifCameraView,
    private readonly authenticator: DigestAuthenticator,
    readonly host: string,
    port: number,
  ) {
    this.port = port;
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
      if (request.method === 'POST' && /^\/onvif\/(device|media|ptz)_service$/.test(path)) return await this.soap(request, response);
      response.writeHead(404).end();
    } catch {
      if (!response.headersSent) response.writeHead(500).end();
    }
  }

  private httpDigestValid(request: IncomingMessage): boolean {
    return this.authenticator.verify(request.headers.authorization, request.method ?? 'GET', this.camera.credentials);
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
      response.writeHead(401, { 'WWW-Authenticate': this.authenticator.challenge(request.headers.authorization) }).end();
      return;
    }
    const jpeg = await this.camera.snapshot(profile);
    response.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': jpeg.length }).end(jpeg);
  }

  private async soap(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const reply = (status: number, xml: string, headers: Record<string, string> = {}): void => {
      response.writeHead(status, { 'Content-Type': 'application/soap+xml; charset=utf-8', ...headers }).end(xml);
    };
    const parsed = body === undefined ? undefined : parseSoapRequest(body);
    if (!parsed) return reply(400, soapFault('Sender', 'ter:WellFormed', 'not a SOAP envelope'));
    const handler = HANDLERS[parsed.action];
    if (!handler) return reply(400, soapFault('Sender', 'ter:ActionNotSupported', `${parsed.action} is not supported`));
    if (!OPEN_ACTIONS.has(parsed.action)) {
      if (parsed.token) {
        if (!verifyUsernameToken(parsed.token, this.camera.credentials, this.camera.cameraTimeMs())) {
          return reply(400, soapFault('Sender', 'ter:NotAuthorized', 'Sender not authorized'));
        }
      } else if (!this.httpDigestValid(request)) {
        return reply(401, soapFault('Sender', 'ter:NotAuthorized', 'Sender not authorized'), {
          'WWW-Authenticate': this.authenticator.challenge(request.headers.authorization),
        });
      }
    }
    try {
      reply(200, envelope(await handler(parsed, this.camera)));
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
