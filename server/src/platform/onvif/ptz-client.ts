// PTZ over the ONVIF client, driven by what the head says it supports: the PTZ profile, node
// and configuration options are read once per camera session, and each command carries only
// what the head accepts (no Zoom for a pan/tilt-only head, a Timeout within its range or none
// at all). When the head would move longer than wanted (no Timeout accepted, or a minimum above
// the wanted time), the client sends Stop itself at the wanted time unless another move came.
import { OnvifClient, type OnvifCamera, type OnvifClientOptions } from './client.ts';
import {
  ptzProfile,
  readPresetPositions,
  readPresets,
  readProfiles,
  readPtzConfigurationOptions,
  readPtzNode,
  readSetPreset,
  readStatus,
  requests,
  type PtzNodeCapabilities,
  type PtzPresetInfo,
  type PtzPresetPosition,
  type PtzVector,
} from './ptz-messages.ts';
import { moveTimeoutPlan } from './quirks.ts';
import { hasSubcode, type XmlNode } from './soap.ts';
import { OnvifError } from './transport.ts';

interface PtzSetup {
  profileToken: string;
}

/** Faults by which firmware refuses an element it does not take (here: the Timeout of ContinuousMove). */
const refusesArgument = (error: unknown) =>
  error instanceof OnvifError &&
  error.kind === 'fault' &&
  (hasSubcode(error.subcode, 'InvalidArgVal') || hasSubcode(error.subcode, 'InvalidArgs') || /timeout/i.test(error.reason));

export class OnvifPtzClient extends OnvifClient {
  private readonly stopTimers = new Map<string, NodeJS.Timeout>();

  constructor(options: OnvifClientOptions = {}) {
    super(options);
  }

  /** Starts moving at `velocity` in [-1, 1]; the head stops by itself (or is stopped) after `timeoutMs`. */
  async continuousMove(camera: OnvifCamera, velocity: PtzVector, timeoutMs: number): Promise<void> {
    const { value: setup, session } = await this.setup(camera);
    const quirks = this.effective(session);
    const panTilt = quirks.panTilt !== false;
    const zoom = quirks.zoom !== false;
    if (!zoom && velocity.pan === 0 && velocity.tilt === 0 && velocity.zoom !== 0) throw new OnvifError('unsupported', 'the camera has no zoom');
    if (!panTilt && velocity.zoom === 0 && (velocity.pan !== 0 || velocity.tilt !== 0)) throw new OnvifError('unsupported', 'the camera does not pan or tilt');
    let plan = moveTimeoutPlan(timeoutMs, quirks);
    this.cancelStop(camera.cameraId);
    try {
      await this.call(camera, 'ptz', requests.continuousMove(setup.profileToken, velocity, { panTilt, zoom, timeoutMs: plan.timeoutMs }));
    } catch (error) {
      // Firmware that refuses the Timeout element: move without it, and remember (unless an administrator decided).
      if (plan.timeoutMs === null || session.override.moveTimeout !== undefined || !refusesArgument(error)) throw error;
      await this.call(camera, 'ptz', requests.continuousMove(setup.profileToken, velocity, { panTilt, zoom, timeoutMs: null }));
      this.learn(session, { moveTimeout: 'omit' });
      plan = { timeoutMs: null, stopAfterMs: timeoutMs };
    }
    if (plan.stopAfterMs !== null) this.scheduleStop(camera, plan.stopAfterMs);
  }

  async stop(camera: OnvifCamera): Promise<void> {
    this.cancelStop(camera.cameraId);
    const { value: setup, session } = await this.setup(camera);
    await this.call(camera, 'ptz', requests.stop(setup.profileToken, this.effective(session).zoom !== false));
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

  /** Saves the current position as a new preset; returns the camera's token for it. Refused when the head holds its maximum. */
  async setPreset(camera: OnvifCamera, name: string): Promise<string> {
    const { session } = await this.setup(camera);
    const limit = this.effective(session).maxPresets;
    if (limit !== undefined && (await this.presets(camera)).length >= limit) {
      throw new OnvifError('refused', `the camera already holds its maximum of ${limit} presets`);
    }
    const token = readSetPreset(await this.ptz(camera, (profile) => requests.setPreset(profile, name)));
    if (!token) throw new OnvifError('protocol', 'SetPreset answered without a preset token');
    return token;
  }

  async gotoPreset(camera: OnvifCamera, presetToken: string): Promise<void> {
    await this.ptz(camera, (profile) => requests.gotoPreset(profile, presetToken));
  }

  /** Forgets what was discovered of a camera (its URL, account or quirks changed). */
  override forget(cameraId: string): void {
    super.forget(cameraId);
    this.cancelStop(cameraId);
  }

  private async ptz(camera: OnvifCamera, body: (profileToken: string) => string): Promise<XmlNode> {
    const { value: setup } = await this.setup(camera);
    return this.call(camera, 'ptz', body(setup.profileToken));
  }

  private setup(camera: OnvifCamera) {
    // Read once per session: the PTZ profile, then what the head supports (a camera without a PTZ service fails here as 'unsupported').
    return this.once(camera, 'ptz', async (session): Promise<PtzSetup> => {
      await this.urlOf(session, 'ptz');
      const profile = ptzProfile(readProfiles(await this.call(camera, 'media', requests.getProfiles())));
      if (!profile) throw new OnvifError('unsupported', 'no media profile of the camera is bound to a PTZ configuration');
      const node = await this.optional(camera, requests.getNodes(), (body) => readPtzNode(body, profile.ptzNodeToken));
      const token = profile.ptzConfigurationToken;
      const options = token ? await this.optional(camera, requests.getConfigurationOptions(token), readPtzConfigurationOptions) : {};
      // The node's spaces win over the options' (some firmware lists every space in the options).
      const capabilities: PtzNodeCapabilities = { ...options, ...node };
      this.learn(session, {
        panTilt: capabilities.panTilt,
        zoom: capabilities.zoom,
        maxPresets: capabilities.maxPresets,
        minMoveTimeoutMs: capabilities.minTimeoutMs,
        maxMoveTimeoutMs: capabilities.maxTimeoutMs,
      });
      return { profileToken: profile.token };
    });
  }

  /** A capability question the head may not answer (a fault or an odd answer: nothing learnt). */
  private async optional(camera: OnvifCamera, bodyXml: string, read: (body: XmlNode) => PtzNodeCapabilities): Promise<PtzNodeCapabilities> {
    try {
      return read(await this.call(camera, 'ptz', bodyXml));
    } catch (error) {
      if (error instanceof OnvifError && (error.kind === 'fault' || error.kind === 'protocol')) return {};
      throw error;
    }
  }

  private scheduleStop(camera: OnvifCamera, afterMs: number): void {
    const timer = setTimeout(() => {
      this.stopTimers.delete(camera.cameraId);
      this.stop(camera).catch(() => undefined); // the next command reports a camera gone silent
    }, afterMs);
    timer.unref();
    this.stopTimers.set(camera.cameraId, timer);
  }

  private cancelStop(cameraId: string): void {
    clearTimeout(this.stopTimers.get(cameraId));
    this.stopTimers.delete(cameraId);
  }
}
