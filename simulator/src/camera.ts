// One simulated camera: its RTSP server and streams, its ONVIF endpoint, its PTZ head and the
// faults it is told to show.
import { createHash } from 'node:crypto';
import { PROFILE_NAMES, type ProfileName, type SimCameraConfig } from './config.ts';
import { DigestAuthenticator } from './digest.ts';
import { motionWindow, snapshotArgs, type PictureVariant } from './ffmpeg-args.ts';
import type { TickSources } from './frame-clock.ts';
import { FaultState, faultSchema, isPictureFault, ONE_SHOT_FAULTS, type Fault, type FaultKind, type PictureFault } from './faults.ts';
import type { EncodedLoop, LoopRequest, LoopStore } from './loop-store.ts';
import { CameraEvents, cameraEventSchema, type CameraEventCommand } from './onvif/events-service.ts';
import type { DiscoverableCamera } from './onvif/discovery.ts';
import { onvifModes, type OnvifModes } from './onvif/modes.ts';
import { OnvifServer } from './onvif/server.ts';
import type { OnvifCameraView, OnvifService } from './onvif/view.ts';
import { runFfmpeg } from './processes.ts';
import { PtzHead } from './ptz.ts';
import { depacketize, framePayloads } from './rtp.ts';
import { RtspServer } from './rtsp-server.ts';
import { StreamSource, type RtpPathState } from './stream-source.ts';
import { toAnnexB } from './h26x.ts';
import { LivePtzPictures } from './live-ptz.ts';

/** A stream described or set up but never played gives its picture back after this long. */
const UNPLAYED_RELEASE_MS = 60_000;

export interface CameraDeps {
  loops: LoopStore;
  clocks: TickSources;
  loopSeconds: number;
}

export interface SimCameraInfo {
  id: string;
  name: string;
  kind: SimCameraConfig['kind'];
  fieldClass: SimCameraConfig['fieldClass'];
  host: string;
  rtspPort: number;
  onvifPort: number;
  rtspUrls: Record<ProfileName, string>;
  onvifUrl: string;
  snapshotUrls: Record<ProfileName, string>;
  credentials: { username: string; password: string };
  manufacturer: string;
  model: string;
  serialNumber: string;
  firmwareVersion: string;
  macAddress: string;
  codec: SimCameraConfig['codec'];
  profiles: SimCameraConfig['profiles'];
  loopSeconds: number;
  /** Where the moving object crosses the picture, in seconds of each wall-clock-aligned loop. */
  motionWindow: { startSeconds: number; endSeconds: number } | undefined;
  online: boolean;
  faults: Fault[];
  viewers: Record<ProfileName, number>;
  /** RTSP sessions set up and not torn down, by transport. */
  rtspSessions: { tcp: number; udp: number };
}

/** `otherSize`: what an sps_change without a size switches to (the other profile's size). */
export function variantFor(fault: PictureFault | undefined, otherSize?: { width: number; height: number }): PictureVariant {
  if (!fault) return { kind: 'normal' };
  if (fault.kind === 'low_fps') return { kind: 'low_fps', fps: fault.fps };
  if (fault.kind === 'low_resolution') return { kind: 'low_resolution', width: fault.width, height: fault.height };
  if (fault.kind === 'defocus') return { kind: 'defocus', sigma: fault.sigma };
  if (fault.kind === 'shifted') return { kind: 'shifted', percent: fault.percent };
  if (fault.kind === 'sps_change') {
    // The same loop as low_resolution at that size: the stream switches at its next keyframe,
    // whose in-band SPS/PPS announce the new size, on the same session, SSRC and timeline.
    return { kind: 'low_resolution', width: fault.width ?? otherSize?.width ?? 640, height: fault.height ?? otherSize?.height ?? 360 };
  }
  return { kind: fault.kind };
}

export class SimCamera {
  readonly ptz: PtzHead | undefined;
  /** How it speaks ONVIF (auth mode, PTZ quirks); changed live by tests. */
  readonly onvifModes: OnvifModes;
  private readonly faults = new FaultState();
  private readonly authenticator: DigestAuthenticator;
  private readonly sources: Record<ProfileName, StreamSource>;
  private readonly rtsp: RtspServer;
  private readonly onvif: OnvifServer;
  private listening = false;
  private flapTimer: NodeJS.Timeout | undefined;
  private flappedDown = false;
  private flapping: Extract<Fault, { kind: 'flapping' }> | undefined;
  private pictureKey = JSON.stringify(variantFor(undefined));
  private transition = Promise.resolve();
  private stallTimer: NodeJS.Timeout | undefined;
  private readonly live: LivePtzPictures | undefined;
  /** ONVIF events: raised on command (control API), followed by PullPoint subscriptions. */
  readonly events = new CameraEvents(() => this.cameraTimeMs());
  private rebootTimer: NodeJS.Timeout | undefined;
  private rebooting = false;

  constructor(
    readonly config: SimCameraConfig,
    private readonly deps: CameraDeps,
  ) {
    this.ptz = config.kind === 'ptz' ? new PtzHead() : undefined;
    this.onvifModes = onvifModes(config.onvif);
    this.authenticator = new DigestAuthenticator(`Vigie-Sim ${config.id}`);
    const makeSource = (profile: ProfileName) =>
      new StreamSource({
        clocks: deps.clocks,
        cname: `${config.id}@${config.host}`,
        isStalled: () => this.faults.get('stream_stop') !== undefined,
        onLoopDropped: (loop) => deps.loops.release(loop),
        onIdle: () => this.live?.scheduleIdleStop(profile),
        rtpPath: () => this.rtpPathFaults(),
        clockOffsetMs: () => (this.faults.get('clock_skew')?.seconds ?? 0) * 1000,
      });
    this.sources = { main: makeSource('main'), sub: makeSource('sub') };
    if (this.ptz && config.livePtz) {
      const head = this.ptz;
      this.live = new LivePtzPictures(this.sources, (profile) => deps.loops.liveSpec(this.loopRequest(profile), head.trajectoryExpressions()));
      head.onChange = () => this.live?.restartAll();
    }
    this.rtsp = new RtspServer(
      {
        id: config.id,
        name: config.name,
        credentials: config.credentials,
        authenticator: this.authenticator,
        openStream: (profile) => this.openStream(profile),
        bandwidthCapKbps: () => this.faults.get('slow_network')?.kbps,
        udpBlocked: () => this.faults.get('udp_blocked')?.mode,
      },
      config.host,
      config.rtspPort,
    );
    this.onvif = new OnvifServer(this.onvifView(), this.authenticator, config.host, config.onvifPort);
  }

  loopRequest(profile: ProfileName, variant: PictureVariant = this.variantOf(profile, this.faults.picture())): LoopRequest {
    const settings = this.config.profiles[profile];
    return {
      codec: this.config.codec,
      width: settings.width,
      height: settings.height,
      fps: settings.fps,
      bitrateKbps: settings.bitrateKbps,
      gopSeconds: settings.gopSeconds,
      loopSeconds: this.deps.loopSeconds,
      scene: this.config.scene,
      motion: this.config.motion,
      variant,
      label: this.config.pictureLabel ?? this.config.name,
    };
  }

  private variantOf(profile: ProfileName, fault: PictureFault | undefined): PictureVariant {
    return variantFor(fault, this.config.profiles[profile === 'main' ? 'sub' : 'main']);
  }

  private rtpPathFaults(): RtpPathState | undefined {
    const paused = this.faults.get('stall') !== undefined;
    const packetLoss = this.faults.get('packet_loss');
    const reorder = this.faults.get('reorder');
    return paused || packetLoss || reorder ? { paused, packetLoss, reorder } : undefined;
  }

  /** Encodes (or finds in the cache) the normal picture of every profile. */
  async prepare(): Promise<void> {
    await Promise.all(PROFILE_NAMES.map((profile) => this.deps.loops.ensureEncoded(this.loopRequest(profile, { kind: 'normal' }))));
  }

  async start(): Promise<void> {
    await this.goOnline();
  }

  private async goOnline(): Promise<void> {
    if (this.listening) return;
    this.listening = true;
    this.config.rtspPort = await this.rtsp.listen();
    this.config.onvifPort = await this.onvif.listen();
  }

  private async goOffline(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    await Promise.all([this.rtsp.close(), this.onvif.close()]);
  }

  /** Online unless an offline fault, or the down half of a flapping period, says otherwise. */
  private reconcileOnline(): Promise<void> {
    const wanted = !this.faults.get('offline') && !this.flappedDown && !this.rebooting;
    this.transition = this.transition.then(() => (wanted ? this.goOnline() : this.goOffline())).catch(() => undefined);
    return this.transition;
  }

  async openStream(profile: ProfileName): Promise<StreamSource> {
    const source = this.sources[profile];
    if (this.live) {
      await this.live.ensure(profile);
      if (source.viewerCount === 0) this.live.scheduleIdleStop(profile);
      return source;
    }
    if (!source.loop) {
      const loop = await this.deps.loops.acquire(this.loopRequest(profile));
      if (source.loop || !source.setLoop(loop)) this.deps.loops.release(loop);
      setTimeout(() => source.releaseIfIdle(), UNPLAYED_RELEASE_MS).unref();
    }
    return source;
  }

  async setFault(requested: Fault): Promise<void> {
    const fault = faultSchema.parse(requested); // library callers may leave parameters to their defaults
    if (ONE_SHOT_FAULTS.has(fault.kind)) {
      if (fault.kind === 'timestamp_jump') for (const source of Object.values(this.sources)) source.jumpTimestamps(fault.seconds, fault.rtcp);
      return;
    }
    if (isPictureFault(fault) && !this.live) {
      await Promise.all(PROFILE_NAMES.map((profile) => this.deps.loops.ensureEncoded(this.loopRequest(profile, this.variantOf(profile, fault)))));
    }
    this.faults.set(fault);
    if (fault.kind === 'stall') {
      // A stall ends by itself; the stream resumes on the same sessions.
      clearTimeout(this.stallTimer);
      this.stallTimer = setTimeout(() => void this.clearFault('stall'), fault.seconds * 1000);
      this.stallTimer.unref();
    }
    await this.applyFaults();
  }

  async clearFault(kind?: FaultKind): Promise<void> {
    if (!kind || kind === 'stall') clearTimeout(this.stallTimer);
    this.faults.clear(kind);
    await this.applyFaults();
  }

  private async applyFaults(): Promise<void> {
    const pictureKey = JSON.stringify(this.variantOf('main', this.faults.picture()));
    if (pictureKey !== this.pictureKey) {
      this.pictureKey = pictureKey;
      this.live?.restartAll();
    }
    for (const profile of PROFILE_NAMES) {
      const source = this.sources[profile];
      if (!source.loop) continue;
      const loop = await this.deps.loops.acquire(this.loopRequest(profile));
      if (!source.setLoop(loop)) this.deps.loops.release(loop);
    }
    const flapping = this.faults.get('flapping');
    if (flapping !== this.flapping) {
      this.flapping = flapping;
      this.restartFlapping();
    }
    await this.reconcileOnline();
  }

  private restartFlapping(): void {
    const flapping = this.flapping;
    clearInterval(this.flapTimer);
    this.flapTimer = undefined;
    this.flappedDown = false;
    if (flapping) {
      this.flapTimer = setInterval(
        () => {
          this.flappedDown = !this.flappedDown;
          void this.reconcileOnline();
        },
        (flapping.periodSeconds * 1000) / 2,
      );
      this.flapTimer.unref();
    }
  }

  cameraTimeMs(): number {
    return Date.now() + (this.faults.get('clock_skew')?.seconds ?? 0) * 1000;
  }

  /** JPEG of the latest keyframe of the profile's current picture. */
  async snapshot(profile: ProfileName): Promise<Buffer> {
    if (this.live) {
      await this.openStream(profile);
      const unit = this.live.latestKeyframe(profile);
      if (!unit) throw new Error('no live picture yet');
      return (await runFfmpeg(snapshotArgs(this.config.codec), { stdin: toAnnexB([unit]), timeoutMs: 15_000 })).stdout;
    }
    const loop: EncodedLoop = await this.deps.loops.acquire(this.loopRequest(profile));
    try {
      let index = Math.floor(Date.now() / (1000 / loop.fps)) % loop.frames.length;
      while (index > 0 && !loop.frames[index]!.keyframe) index -= 1;
      const nalUnits = depacketize(loop.codec, framePayloads(loop.frames[index]!));
      const { stdout } = await runFfmpeg(snapshotArgs(loop.codec), { stdin: toAnnexB([{ nalUnits, keyframe: true }]), timeoutMs: 15_000 });
      return stdout;
    } finally {
      this.deps.loops.release(loop);
    }
  }

  private url(service: OnvifService | 'snapshot', profile?: ProfileName): string {
    const base = `http://${this.config.host}:${this.config.onvifPort}/onvif`;
    return service === 'snapshot' ? `${base}/snapshot/${profile}.jpg` : `${base}/${service}_service`;
  }

  private onvifView(): OnvifCameraView {
    const config = this.config;
    return {
      id: config.id,
      name: config.name,
      host: config.host,
      manufacturer: config.manufacturer,
      model: config.model,
      serialNumber: config.serialNumber,
      firmwareVersion: config.firmwareVersion,
      macAddress: config.macAddress,
      codec: config.codec,
      credentials: config.credentials,
      hasPtz: this.ptz !== undefined,
      ptz: this.ptz,
      profiles: config.profiles,
      modes: this.onvifModes,
      events: this.events,
      cameraTimeMs: () => this.cameraTimeMs(),
      serviceUrl: (service) => this.url(service),
      streamUrl: (profile) => this.rtspUrl(profile),
      snapshotUrl: (profile) => this.url('snapshot', profile),
      snapshot: (profile) => this.snapshot(profile),
    };
  }

  /** What the WS-Discovery responder says of this camera. */
  discoverable(): DiscoverableCamera {
    const config = this.config;
    const uuid = createHash('sha1').update(`vigie-sim:${config.id}:${config.macAddress}`).digest('hex');
    return {
      endpoint: `urn:uuid:${uuid.slice(0, 8)}-${uuid.slice(8, 12)}-5${uuid.slice(13, 16)}-8${uuid.slice(17, 20)}-${uuid.slice(20, 32)}`,
      xaddr: this.url('device'),
      name: config.name,
      hardware: config.model,
      location: config.id,
      ptz: this.ptz !== undefined,
    };
  }

  rtspUrl(profile: ProfileName): string {
    return `rtsp://${this.config.host}:${this.config.rtspPort}/cam/${this.config.id}/${profile}`;
  }

  info(): SimCameraInfo {
    const config = this.config;
    return {
      id: config.id,
      name: config.name,
      kind: config.kind,
      fieldClass: config.fieldClass,
      host: config.host,
      rtspPort: config.rtspPort,
      onvifPort: config.onvifPort,
      rtspUrls: { main: this.rtspUrl('main'), sub: this.rtspUrl('sub') },
      onvifUrl: this.url('device'),
      snapshotUrls: { main: this.url('snapshot', 'main'), sub: this.url('snapshot', 'sub') },
      credentials: { ...config.credentials },
      manufacturer: config.manufacturer,
      model: config.model,
      serialNumber: config.serialNumber,
      firmwareVersion: config.firmwareVersion,
      macAddress: config.macAddress,
      codec: config.codec,
      profiles: config.profiles,
      loopSeconds: this.deps.loopSeconds,
      motionWindow: config.motion && !this.live ? motionWindow(this.deps.loopSeconds) : undefined,
      online: this.listening,
      faults: this.faults.list(),
      viewers: { main: this.sources.main.viewerCount, sub: this.sources.sub.viewerCount },
      rtspSessions: this.rtsp.sessionsByTransport(),
    };
  }

  /** An ONVIF event on command; `reboot` drops every subscription and takes the camera off the network for a while. */
  async sendEvent(command: CameraEventCommand): Promise<void> {
    const event = cameraEventSchema.parse(command);
    if (event.kind !== 'reboot') return this.events.publish(event);
    this.events.reset();
    this.rebooting = true;
    await this.reconcileOnline();
    clearTimeout(this.rebootTimer);
    this.rebootTimer = setTimeout(() => {
      this.rebooting = false;
      void this.reconcileOnline();
    }, event.downSeconds * 1000);
    this.rebootTimer.unref();
  }

  async stop(): Promise<void> {
    clearTimeout(this.rebootTimer);
    this.events.reset();
    clearTimeout(this.stallTimer);
    clearInterval(this.flapTimer);
    this.flapTimer = undefined;
    await this.transition;
    await this.rtsp.stop();
    await this.onvif.close();
    this.listening = false;
    await this.live?.stop();
    for (const source of Object.values(this.sources)) source.stop();
  }
}
