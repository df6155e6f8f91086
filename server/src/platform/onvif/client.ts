// A small ONVIF PTZ client: discovers a camera's PTZ service and profile once (cached per
// camera), then sends PTZ commands as SOAP 1.2 over HTTP with a WS-Security UsernameToken.
// Every request goes to the origin of the camera's configured ONVIF URL only: the service
// addresses a camera reports (often private addresses behind NAT) keep only their path. Each
// request has a bounded time and answer size; errors are OnvifError with a reason for people.
import { randomBytes } from 'node:crypto';
import {
  ptzProfileToken,
  readCapabilities,
  readPresetPositions,
  readPresets,
  readProfiles,
  readServices,
  readSetPreset,
  readStatus,
  readSystemDateAndTime,
  requests,
  soapAction,
  type PtzPresetInfo,
  type PtzPresetPosition,
  type PtzVector,
  type ServiceAddresses,
} from './ptz-messages.ts';
import { buildEnvelope, parseSoapResponse, usernameTokenHeader, wsseCreated, type OnvifCredentials, type XmlNode } from './soap.ts';

export type OnvifErrorKind = 'unreachable' | 'fault' | 'protocol' | 'unsupported';

export class OnvifError extends Error {
  constructor(
    readonly kind: OnvifErrorKind,
    readonly reason: string,
    readonly subcode: string | null = null,
  ) {
    super(reason);
    this.name = 'OnvifError';
  }
}

export interface OnvifCamera {
  /** Cache key: discovery is kept per camera (and per URL and account). */
  cameraId: string;
  /** The device service URL from the inventory. */
  deviceUrl: string;
  credentials: OnvifCredentials | null;
}

export interface TransportRequest {
  url: string;
  body: string;
  contentType: string;
  timeoutMs: number;
  maxBytes: number;
}

/** Sends one HTTP POST; rejects with OnvifError('unreachable') when no answer comes. */
export type OnvifTransport = (request: TransportRequest) => Promise<{ status: number; body: string }>;

export interface OnvifClientOptions {
  /** Per request (3 s): a camera that does not answer fails fast. */
  timeoutMs?: number;
  transport?: OnvifTransport;
  /** The wire clock for WS-Security `Created` (real time, not the business clock). */
  nowMs?: () => number;
  maxCachedCameras?: number;
}

interface Discovery {
  ptzUrl: string;
  profileToken: string;
  /** Camera clock minus ours, so `Created` falls within the camera's replay window. */
  clockOffsetMs: number;
}

const MAX_ANSWER_BYTES = 1024 * 1024;

export class OnvifPtzClient {
  private readonly timeoutMs: number;
  private readonly transport: OnvifTransport;
  private readonly nowMs: () => number;
  private readonly maxCached: number;
  private readonly discoveries = new Map<string, Promise<Discovery>>();

  constructor(options: OnvifClientOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.transport = options.transport ?? fetchTransport;
    this.nowMs = options.nowMs ?? Date.now;
    this.maxCached = options.maxCachedCameras ?? 1000;
  }

  /** Starts moving at `velocity` in [-1, 1]; the camera stops by itself after `timeoutMs`. */
  async continuousMove(camera: OnvifCamera, velocity: PtzVector, timeoutMs: number): Promise<void> {
    await this.ptz(camera, (profile) => requests.continuousMove(profile, velocity, timeoutMs));
  }

  async stop(camera: OnvifCamera): Promise<void> {
    await this.ptz(camera, (profile) => requests.stop(profile));
  }

  async status(camera: OnvifCamera): Promise<{ position: PtzVector | null; moving: boolean }> {
    return readStatus(await this.ptz(camera, (profile) => requests.getStatus(profile)));
  }

  async presets(camera: OnvifCamera): Promise<PtzPresetInfo[]> {
    return readPresets(await this.ptz(camera, (profile) => requests.getPresets(profile)));
  }

  /** GetPresets with each preset's stored position (for telling which preset the camera is at). */
  async presetPositions(camera: OnvifCamera): Promise<PtzPresetPosition[]> {
    return readPresetPositions(await this.ptz(camera, (profile) => requests.getPresets(profile)));
  }

  /** Saves the current position as a new preset; returns the camera's token for it. */
  async setPreset(camera: OnvifCamera, name: string): Promise<string> {
    const token = readSetPreset(await this.ptz(camera, (profile) => requests.setPreset(profile, name)));
    if (!token) throw new OnvifError('protocol', 'SetPreset answered without a preset token');
    return token;
  }

  async gotoPreset(camera: OnvifCamera, presetToken: string): Promise<void> {
    await this.ptz(camera, (profile) => requests.gotoPreset(profile, presetToken));
  }

  /** Forgets what was discovered of a camera (its URL or account changed). */
  forget(cameraId: string): void {
    for (const key of this.discoveries.keys()) if (key.startsWith(`${cameraId}|`)) this.discoveries.delete(key);
  }

  private async ptz(camera: OnvifCamera, body: (profileToken: string) => string): Promise<XmlNode> {
    const discovery = await this.discover(camera);
    try {
      return await this.call(discovery.ptzUrl, body(discovery.profileToken), camera.credentials, discovery.clockOffsetMs);
    } catch (error) {
      // A refused token may come from a camera clock that moved: learn it again next time.
      if (error instanceof OnvifError && (error.kind === 'unreachable' || /NotAuthorized/i.test(error.subcode ?? ''))) this.forget(camera.cameraId);
      throw error;
    }
  }

  private discover(camera: OnvifCamera): Promise<Discovery> {
    const key = `${camera.cameraId}|${camera.deviceUrl}|${camera.credentials?.username ?? ''}`;
    let discovery = this.discoveries.get(key);
    if (!discovery) {
      discovery = this.runDiscovery(camera);
      discovery.catch(() => this.discoveries.delete(key));
      if (this.discoveries.size >= this.maxCached) this.discoveries.delete(this.discoveries.keys().next().value!);
      this.discoveries.set(key, discovery);
    }
    return discovery;
  }

  private async runDiscovery(camera: OnvifCamera): Promise<Discovery> {
    cameraOrigin(camera.deviceUrl); // refuses anything but an http(s) URL before any traffic
    const deviceUrl = camera.deviceUrl;
    let clockOffsetMs = 0;
    try {
      const cameraMs = readSystemDateAndTime(await this.call(deviceUrl, requests.getSystemDateAndTime(), null, 0));
      if (cameraMs !== undefined) clockOffsetMs = cameraMs - this.nowMs();
    } catch (error) {
      // Some cameras want authentication even for their clock: go on with ours.
      if (!(error instanceof OnvifError) || error.kind === 'unreachable') throw error;
    }
    const addresses = await this.serviceAddresses(deviceUrl, camera.credentials, clockOffsetMs);
    if (!addresses.ptzUrl) throw new OnvifError('unsupported', 'the camera offers no ONVIF PTZ service');
    const mediaUrl = sameOrigin(addresses.mediaUrl, deviceUrl);
    const profileToken = ptzProfileToken(readProfiles(await this.call(mediaUrl, requests.getProfiles(), camera.credentials, clockOffsetMs)));
    if (!profileToken) throw new OnvifError('unsupported', 'no media profile of the camera is bound to a PTZ configuration');
    return { ptzUrl: sameOrigin(addresses.ptzUrl, deviceUrl), profileToken, clockOffsetMs };
  }

  private async serviceAddresses(deviceUrl: string, credentials: OnvifCredentials | null, clockOffsetMs: number): Promise<ServiceAddresses> {
    try {
      const addresses = readCapabilities(await this.call(deviceUrl, requests.getCapabilities(), credentials, clockOffsetMs));
      if (addresses.ptzUrl) return addresses;
    } catch (error) {
      if (!(error instanceof OnvifError) || error.kind !== 'fault') throw error;
    }
    // Newer cameras may answer only GetServices (ONVIF 2.x devices).
    return readServices(await this.call(deviceUrl, requests.getServices(), credentials, clockOffsetMs));
  }

  private async call(url: string, bodyXml: string, credentials: OnvifCredentials | null, clockOffsetMs: number): Promise<XmlNode> {
    const header = credentials ? usernameTokenHeader(credentials, randomBytes(16), wsseCreated(this.nowMs() + clockOffsetMs)) : undefined;
    const answer = await this.transport({
      url,
      body: buildEnvelope(bodyXml, header),
      timeoutMs: this.timeoutMs,
      maxBytes: MAX_ANSWER_BYTES,
      contentType: `application/soap+xml; charset=utf-8; action="${soapAction(bodyXml)}"`,
    });
    const parsed = parseSoapResponse(answer.body);
    if (parsed.kind === 'fault') throw new OnvifError('fault', parsed.fault.reason, parsed.fault.subcode);
    if (answer.status === 401) throw new OnvifError('fault', 'the camera refused the credentials (HTTP 401)', 'ter:NotAuthorized');
    if (answer.status !== 200) throw new OnvifError('protocol', `the camera answered HTTP ${answer.status}`);
    if (parsed.kind === 'invalid') throw new OnvifError('protocol', `unreadable answer: ${parsed.problem}`);
    return parsed.body;
  }
}

/** The origin of a camera's ONVIF URL; throws when it is not an http(s) URL. */
export function cameraOrigin(deviceUrl: string): string {
  let url: URL;
  try {
    url = new URL(deviceUrl);
  } catch {
    throw new OnvifError('protocol', 'the camera’s ONVIF URL is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OnvifError('protocol', 'the camera’s ONVIF URL is not http(s)');
  return url.origin;
}

/** A service address a camera reported, moved onto the origin of its configured URL. */
export function sameOrigin(reported: string | null, deviceUrl: string): string {
  if (!reported) return deviceUrl;
  try {
    const url = new URL(reported);
    return new URL(`${url.pathname}${url.search}`, cameraOrigin(deviceUrl)).toString();
  } catch {
    return deviceUrl;
  }
}

/** The default transport: fetch with a deadline, no redirects, a bounded answer. */
export const fetchTransport: OnvifTransport = async (request) => {
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: 'POST',
      body: request.body,
      headers: { 'content-type': request.contentType },
      redirect: 'manual',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
  } catch (error) {
    throw new OnvifError('unreachable', unreachableReason(error, request.timeoutMs));
  }
  try {
    return { status: response.status, body: await readBounded(response, request.maxBytes) };
  } catch (error) {
    if (error instanceof OnvifError) throw error;
    throw new OnvifError('unreachable', unreachableReason(error, request.timeoutMs));
  }
};

async function readBounded(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new OnvifError('protocol', `answer larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function unreachableReason(error: unknown, timeoutMs: number): string {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer from the camera within ${timeoutMs / 1000} s`;
  const cause = (error as { cause?: { code?: string } } | null)?.cause;
  return cause?.code ? `camera unreachable (${cause.code})` : 'camera unreachable';
}
