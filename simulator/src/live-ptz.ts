// The live pictures of one PTZ camera, per profile: an encoder runs while the profile has
// viewers (and a little after, so a client reconnecting does not pay a start-up), and is
// restarted with a new trajectory whenever the head is commanded or a fault changes.
import { PROFILE_NAMES, type ProfileName } from './config.ts';
import { pictureGraph, type LoopSpec } from './ffmpeg-args.ts';
import type { AccessUnit } from './h26x.ts';
import { LiveEncoder } from './live-encoder.ts';
import { prepareFrame } from './rtp.ts';
import type { StreamSource } from './stream-source.ts';

const IDLE_STOP_MS = 5000;

export class LivePtzPictures {
  private readonly encoders: Partial<Record<ProfileName, { encoder: LiveEncoder; ready: Promise<void> }>> = {};
  private readonly idleTimers: Partial<Record<ProfileName, NodeJS.Timeout>> = {};

  constructor(
    private readonly sources: Record<ProfileName, StreamSource>,
    private readonly specFor: (profile: ProfileName) => LoopSpec,
  ) {}

  /** Starts the profile's encoder if needed; resolves once its stream can be described. */
  async ensure(profile: ProfileName): Promise<void> {
    clearTimeout(this.idleTimers[profile]);
    let entry = this.encoders[profile];
    if (!entry) {
      const source = this.sources[profile];
      const spec = this.specFor(profile);
      const encoder = new LiveEncoder((unit, fps) => source.pushLiveFrame(prepareFrame(spec.codec, unit), fps));
      const ready = this.startOn(profile, encoder, spec);
      entry = { encoder, ready };
      this.encoders[profile] = entry;
      ready.catch(() => {
        if (this.encoders[profile] === entry) delete this.encoders[profile];
      });
    }
    await entry.ready;
  }

  private async startOn(profile: ProfileName, encoder: LiveEncoder, spec: LoopSpec): Promise<void> {
    await encoder.start(spec);
    const { width, height } = pictureGraph(spec);
    this.sources[profile].setLive({ codec: spec.codec, parameterSets: encoder.parameterSets!, width, height, fps: encoder.fps });
  }

  /** The head moved or the picture changed: every running encoder restarts on the new view. */
  restartAll(): void {
    for (const profile of PROFILE_NAMES) {
      const entry = this.encoders[profile];
      if (!entry) continue;
      entry.ready = entry.ready.catch(() => undefined).then(() => this.startOn(profile, entry.encoder, this.specFor(profile)));
      entry.ready.catch(() => undefined);
    }
  }

  /** Stops the profile's encoder a while after its last viewer left. */
  scheduleIdleStop(profile: ProfileName): void {
    clearTimeout(this.idleTimers[profile]);
    this.idleTimers[profile] = setTimeout(() => {
      if (this.sources[profile].viewerCount > 0) return;
      const entry = this.encoders[profile];
      delete this.encoders[profile];
      void entry?.encoder.stop();
    }, IDLE_STOP_MS);
    this.idleTimers[profile].unref();
  }

  latestKeyframe(profile: ProfileName): AccessUnit | undefined {
    return this.encoders[profile]?.encoder.lastKeyframe;
  }

  async stop(): Promise<void> {
    for (const profile of PROFILE_NAMES) clearTimeout(this.idleTimers[profile]);
    const entries = PROFILE_NAMES.map((profile) => this.encoders[profile]);
    for (const profile of PROFILE_NAMES) delete this.encoders[profile];
    await Promise.all(entries.map((entry) => entry?.encoder.stop()));
  }
}
