// The ONVIF client: one session per camera (its clock offset, how it authenticates, where its
// services are), a generic authenticated call that any ONVIF service goes through, and the
// PTZ commands and device facts over it. Every request goes to the origin of the camera's
// configured ONVIF URL only: the addresses a camera reports (often private addresses behind
// NAT) keep only their path. Each request has a bounded time and answer size; an answer counts
// only when it is a whole SOAP document answering the operation sent. Errors are OnvifError.
import { randomBytes } from 'node:crypto';
import { Authenticator, chooseChallenge, parseChallenges } from '../rtsp/index.ts';
import {
  actionOf,
  deviceRequests,
  readCapabilities,
  readServices,
  readSystemDateAndTime,
  soapAction,
  type OnvifServiceName,
  type ServiceAddresses,
} from './device-messages.ts';
import { compactQuirks, effectiveQuirks, sameQuirks, type OnvifAuthMode, type OnvifQuirks } from './quirks.ts';
import { buildEnvelope, hasSubcode, parseSoapResponse, usernameTokenHeader, wsseCreated, type OnvifCredentials, type XmlNode } from './soap.ts';
import { fetchTransport, OnvifError, type OnvifTransport, type TransportAnswer } from './transport.ts';

export interface OnvifCamera {
  /** Cache key: a session is kept per camera (and per URL and account). */
  cameraId: string;
  /** The device service URL from the inventory. */
  deviceUrl: string;
  credentials: OnvifCredentials | null;
}

/** Where a call goes: a service by name (its address as the camera gives it), or an address the camera handed out (a subscription's). */
export type OnvifCallTarget = OnvifServiceName | { url: string };

export interface OnvifCallOptions {
  /** Extra SOAP header elements (WS-Addressing `wsa:To`, `wsa:Action`...), beside the security header. */
  headerXml?: string;
  /** This call's deadline instead of the client's (a PullMessages that waits on the camera). */
  timeoutMs?: number;
}

/** Where the client keeps what it learns of each camera, and reads an administrator's override. */
export interface OnvifQuirkStore {
  overrides(cameraId: string): Promise<OnvifQuirks>;
  learned(cameraId: string, quirks: OnvifQuirks): void;
}

export interface OnvifClientOptions {
  /** Per request (3 s): a camera that does not answer fails fast. */
  timeoutMs?: number;
  transport?: OnvifTransport;
  /** The wire clock for WS-Security `Created` (real time, not the business clock). */
  nowMs?: () => number;
  maxCachedCameras?: number;
  quirks?: OnvifQuirkStore;
}

export interface OnvifSessionState {
  /** Camera clock minus ours, in ms; null until the camera said its time. */
  clockOffsetMs: number | null;
  auth: OnvifAuthMode;
  services: ServiceAddresses;
  learned: OnvifQuirks;
  override: OnvifQuirks;
  effective: OnvifQuirks;
}

interface Session {
  camera: OnvifCamera;
  clockOffsetMs: number;
  clockKnown: boolean;
  services: ServiceAddresses;
  servicesComplete: boolean;
  auth: OnvifAuthMode;
  digest: Authenticator | null;
  learned: OnvifQuirks;
  override: OnvifQuirks;
  extra: Map<string, Promise<unknown>>;
}

const MAX_ANSWER_BYTES = 1024 * 1024;
/** Subcodes by which cameras say the credentials (or the token's time) were refused. */
const AUTH_SUBCODES = ['NotAuthorized', 'FailedAuthentication', 'InvalidSecurity', 'InvalidSecurityToken', 'FailedCheck', 'MessageExpired'];
const noQuirks: OnvifQuirkStore = { overrides: async () => ({}), learned: () => {} };

export class OnvifClient {
  protected readonly timeoutMs: number;
  private readonly transport: OnvifTransport;
  private readonly nowMs: () => number;
  private readonly maxCached: number;
  private readonly quirks: OnvifQuirkStore;
  private readonly sessions = new Map<string, Promise<Session>>();

  constructor(options: OnvifClientOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.transport = options.transport ?? fetchTransport;
    this.nowMs = options.nowMs ?? Date.now;
    this.maxCached = options.maxCachedCameras ?? 1000;
    this.quirks = options.quirks ?? noQuirks;
  }

  /**
   * Sends one request body (`<tev:PullMessages>...`, prefixes of `soap.ts`'s NAMESPACES) to a
   * camera service, authenticated the way the camera wants (WS-Security with its clock, or HTTP
   * Digest), and returns the body of the answer's `<Operation>Response` element. Rejects with
   * OnvifError: `unreachable`, `fault` (with the subcode chain), `unauthorized` (after the
   * camera clock was learnt again and the request retried once), `protocol` (truncated, not
   * SOAP, or answering another operation), `unsupported` (the camera has no such service).
   */
  async call(camera: OnvifCamera, target: OnvifCallTarget, bodyXml: string, options: OnvifCallOptions = {}): Promise<XmlNode> {
    const session = await this.session(camera);
    try {
      return await this.authenticated(session, await this.urlOf(session, target), bodyXml, options);
    } catch (error) {
      // A camera gone silent or refusing us is discovered again next time (new address, reboot, new account).
      if (error instanceof OnvifError && (error.kind === 'unreachable' || error.kind === 'unauthorized')) this.forget(camera.cameraId);
      throw error;
    }
  }

  /** What the client holds of a camera: clock offset, auth mode, services and quirks (discovered now when needed). */
  async state(camera: OnvifCamera): Promise<OnvifSessionState> {
    const session = await this.session(camera);
    return {
      clockOffsetMs: session.clockKnown ? session.clockOffsetMs : null,
      auth: session.auth,
      services: { ...session.services },
      learned: { ...session.learned },
      override: { ...session.override },
      effective: effectiveQuirks(session.learned, session.override),
    };
  }

  /** Reads the camera clock again; returns the new offset (null when the camera does not say). */
  async relearnClock(camera: OnvifCamera): Promise<number | null> {
    const session = await this.session(camera);
    await this.learnClock(session);
    return session.clockKnown ? session.clockOffsetMs : null;
  }

  /**
   * Something computed once per session and kept with it (the PTZ setup), so that it is
   * discovered again with the session. Rejections are not kept.
   */
  protected async once<T>(camera: OnvifCamera, name: string, compute: (session: Session) => Promise<T>): Promise<{ value: T; session: Session }> {
    const session = await this.session(camera);
    let pending = session.extra.get(name) as Promise<T> | undefined;
    if (!pending) {
      pending = compute(session);
      pending.catch(() => session.extra.delete(name));
      session.extra.set(name, pending);
    }
    return { value: await pending, session };
  }

  protected effective(session: Session): OnvifQuirks {
    return effectiveQuirks(session.learned, session.override);
  }

  protected learn(session: Session, found: OnvifQuirks): void {
    const merged = compactQuirks({ ...session.learned, ...compactQuirks(found) });
    if (sameQuirks(merged, session.learned)) return;
    session.learned = merged;
    try {
      this.quirks.learned(session.camera.cameraId, merged);
    } catch {
      // Keeping what was learnt is best effort: the next session learns it again.
    }
  }

  /** Forgets what was discovered of a camera (its URL, account or quirks changed). */
  forget(cameraId: string): void {
    for (const key of this.sessions.keys()) if (key.startsWith(`${cameraId}|`)) this.sessions.delete(key);
  }

  private session(camera: OnvifCamera): Promise<Session> {
    const key = `${camera.cameraId}|${camera.deviceUrl}|${camera.credentials?.username ?? ''}`;
    let session = this.sessions.get(key);
    if (!session) {
      session = this.openSession(camera);
      session.catch(() => {
        if (this.sessions.get(key) === session) this.sessions.delete(key);
      });
      if (this.sessions.size >= this.maxCached) this.sessions.delete(this.sessions.keys().next().value!);
      this.sessions.set(key, session);
    }
    return session;
  }

  private async openSession(camera: OnvifCamera): Promise<Session> {
    cameraOrigin(camera.deviceUrl); // refuses anything but an http(s) URL before any traffic
    const override = compactQuirks(await this.quirks.overrides(camera.cameraId).catch(() => ({})));
    const session: Session = {
      camera,
      clockOffsetMs: 0,
      clockKnown: false,
      services: { device: camera.deviceUrl },
      servicesComplete: false,
      auth: override.auth ?? 'ws-security',
      digest: null,
      learned: {},
      override,
      extra: new Map(),
    };
    await this.learnClock(session);
    await this.discoverServices(session);
    return session;
  }

  /** GetSystemDateAndTime, open on most cameras; some want it authenticated. */
  private async learnClock(session: Session): Promise<void> {
    const url = session.camera.deviceUrl;
    const request = deviceRequests.getSystemDateAndTime();
    const started = this.nowMs();
    let body: XmlNode | undefined;
    try {
      body = await this.exchange(session, url, request, {}, true);
    } catch (error) {
      if (!(error instanceof OnvifError) || error.kind === 'unreachable') throw error;
      body = await this.exchange(session, url, request, {}).catch((second: unknown) => {
        if (second instanceof OnvifError && second.kind === 'unreachable') throw second;
        return undefined; // go on with the offset we have
      });
    }
    const cameraMs = body && readSystemDateAndTime(body);
    if (cameraMs === undefined) return;
    session.clockOffsetMs = cameraMs - Math.round((started + this.nowMs()) / 2);
    session.clockKnown = true;
  }

  private async discoverServices(session: Session): Promise<void> {
    const url = session.camera.deviceUrl;
    if (session.override.serviceDiscovery !== 'services') {
      try {
        const addresses = readCapabilities(await this.authenticated(session, url, deviceRequests.getCapabilities(), {}));
        if (addresses.ptz || addresses.media) {
          this.setServices(session, addresses);
          return;
        }
      } catch (error) {
        // A fault, an HTTP 500 without a body, an unreadable answer: newer cameras may answer only GetServices.
        if (!(error instanceof OnvifError) || error.kind === 'unreachable' || error.kind === 'unauthorized') throw error;
      }
    }
    this.setServices(session, readServices(await this.authenticated(session, url, deviceRequests.getServices(), {})));
    session.servicesComplete = true;
    this.learn(session, { serviceDiscovery: 'services' });
  }

  private setServices(session: Session, addresses: ServiceAddresses): void {
    for (const [name, url] of Object.entries(addresses)) session.services[name as OnvifServiceName] = sameOrigin(url, session.camera.deviceUrl);
    session.services.device = session.camera.deviceUrl;
  }

  protected async urlOf(session: Session, target: OnvifCallTarget): Promise<string> {
    if (typeof target === 'object') return sameOrigin(target.url, session.camera.deviceUrl);
    if (!session.services[target] && !session.servicesComplete) {
      // GetCapabilities names fewer services than GetServices (no Media2): ask once.
      session.servicesComplete = true;
      try {
        this.setServices(session, readServices(await this.authenticated(session, session.camera.deviceUrl, deviceRequests.getServices(), {})));
      } catch (error) {
        if (!(error instanceof OnvifError) || error.kind === 'unreachable' || error.kind === 'unauthorized') throw error;
      }
    }
    const url = session.services[target];
    if (!url) throw new OnvifError('unsupported', `the camera offers no ONVIF ${target === 'ptz' ? 'PTZ' : target} service`);
    return url;
  }

  /** One request; on a refusal, the camera clock is learnt again and the request sent once more. */
  protected async authenticated(session: Session, url: string, bodyXml: string, options: OnvifCallOptions): Promise<XmlNode> {
    try {
      return await this.exchange(session, url, bodyXml, options);
    } catch (error) {
      if (!(error instanceof OnvifError) || error.kind !== 'unauthorized' || !session.camera.credentials) throw error;
      await this.learnClock(session);
      return this.exchange(session, url, bodyXml, options);
    }
  }

  private async exchange(session: Session, url: string, bodyXml: string, options: OnvifCallOptions, anonymous = false): Promise<XmlNode> {
    const credentials = anonymous ? null : session.camera.credentials;
    for (let round = 0; ; round++) {
      const security =
        credentials && session.auth === 'ws-security'
          ? usernameTokenHeader(credentials, randomBytes(16), wsseCreated(this.nowMs() + session.clockOffsetMs))
          : undefined;
      const authorization = credentials && session.auth === 'digest' && session.digest ? session.digest.header('POST', pathOf(url)) : undefined;
      const answer = await this.transport({
        url,
        body: buildEnvelope(bodyXml, security, options.headerXml),
        authorization,
        timeoutMs: options.timeoutMs ?? this.timeoutMs,
        maxBytes: MAX_ANSWER_BYTES,
        contentType: `application/soap+xml; charset=utf-8; action="${soapAction(bodyXml)}"`,
      });
      if (answer.status === 401 && credentials && this.answerChallenge(session, answer, round)) continue;
      if (answer.status === 401) throw new OnvifError('unauthorized', 'the camera refused the credentials (HTTP 401)', 'HTTP 401');
      const body = readAnswer(answer, bodyXml);
      if (credentials && session.learned.auth !== session.auth) this.learn(session, { auth: session.auth });
      return body;
    }
  }

  /** Takes an HTTP Digest challenge (RFC 7616: SHA-256 preferred, then MD5); false when there is nothing more to try. */
  private answerChallenge(session: Session, answer: TransportAnswer, round: number): boolean {
    if (session.override.auth === 'ws-security') return false;
    const challenge = chooseChallenge(parseChallenges(answer.challenges ?? []).filter((item) => item.scheme === 'digest'));
    if (!challenge || !session.camera.credentials) return false;
    const stale = challenge.params.stale?.toLowerCase() === 'true';
    // First refusal: switch to (or renew) Digest; later ones only for a nonce that merely expired.
    if (round > 0 && !(stale && round < 3)) return false;
    session.auth = 'digest';
    session.digest = new Authenticator(session.camera.credentials, challenge);
    return true;
  }
}

/** The body of the `<Operation>Response` answering `bodyXml`; anything else is an OnvifError. */
function readAnswer(answer: TransportAnswer, bodyXml: string): XmlNode {
  const parsed = parseSoapResponse(answer.body);
  if (parsed.kind === 'fault') {
    const { subcode, reason } = parsed.fault;
    if (AUTH_SUBCODES.some((code) => hasSubcode(subcode, code))) throw new OnvifError('unauthorized', reason, subcode);
    throw new OnvifError('fault', reason, subcode);
  }
  if (answer.status !== 200) throw new OnvifError('protocol', `the camera answered HTTP ${answer.status}${answer.body.trim() === '' ? ' without a body' : ''}`);
  if (parsed.kind === 'invalid') throw new OnvifError('protocol', `unreadable answer: ${parsed.problem}`);
  const expected = `${actionOf(bodyXml)}Response`;
  if (parsed.action !== expected) throw new OnvifError('protocol', `the camera answered ${parsed.action} to ${actionOf(bodyXml)}`);
  return parsed.body;
}

function pathOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
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
export function sameOrigin(reported: string | null | undefined, deviceUrl: string): string {
  if (!reported) return deviceUrl;
  try {
    const url = new URL(reported);
    return new URL(`${url.pathname}${url.search}`, cameraOrigin(deviceUrl)).toString();
  } catch {
    return deviceUrl;
  }
}
