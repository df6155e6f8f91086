// The mechanics of a PTZ head in ONVIF's generic spaces: pan and tilt in [-1, 1], zoom in
// [0, 1]. Continuous moves integrate a velocity over time; absolute and relative moves travel
// at a finite speed, as a real head does, so a status read during a move shows it moving.

export interface PtzPosition {
  pan: number;
  tilt: number;
  zoom: number;
}

export interface PtzPreset {
  token: string;
  name: string;
  position: PtzPosition;
}

/** Travel per second at speed 1 in the generic space (a real dome crosses its range in about 1 s). */
const TRAVEL_PER_SECOND = 2;

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

function clampPosition(position: PtzPosition): PtzPosition {
  return { pan: clamp(position.pan, -1, 1), tilt: clamp(position.tilt, -1, 1), zoom: clamp(position.zoom, 0, 1) };
}

type Motion =
  | { kind: 'idle' }
  | { kind: 'continuous'; velocity: PtzPosition; startedAt: number; from: PtzPosition; until?: number }
  | { kind: 'travel'; from: PtzPosition; to: PtzPosition; startedAt: number; durationMs: number };

export class PtzHead {
  private motion: Motion = { kind: 'idle' };
  private resting: PtzPosition = { pan: 0, tilt: 0, zoom: 0 };
  private readonly presets = new Map<string, PtzPreset>();
  private nextPresetNumber = 1;
  /** Called whenever a command changes the motion (the live picture follows it). */
  onChange: (() => void) | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  position(): PtzPosition {
    const at = this.now();
    const motion = this.motion;
    if (motion.kind === 'continuous') {
      const elapsed = (Math.min(at, motion.until ?? at) - motion.startedAt) / 1000;
      return clampPosition({
        pan: motion.from.pan + motion.velocity.pan * elapsed * TRAVEL_PER_SECOND,
        tilt: motion.from.tilt + motion.velocity.tilt * elapsed * TRAVEL_PER_SECOND,
        zoom: motion.from.zoom + motion.velocity.zoom * elapsed * TRAVEL_PER_SECOND,
      });
    }
    if (motion.kind === 'travel') {
      const progress = motion.durationMs === 0 ? 1 : clamp((at - motion.startedAt) / motion.durationMs, 0, 1);
      return {
        pan: motion.from.pan + (motion.to.pan - motion.from.pan) * progress,
        tilt: motion.from.tilt + (motion.to.tilt - motion.from.tilt) * progress,
        zoom: motion.from.zoom + (motion.to.zoom - motion.from.zoom) * progress,
      };
    }
    return this.resting;
  }

  isMoving(): boolean {
    const at = this.now();
    const motion = this.motion;
    if (motion.kind === 'continuous') return motion.until === undefined || at < motion.until;
    if (motion.kind === 'travel') return at < motion.startedAt + motion.durationMs;
    return false;
  }

  continuousMove(velocity: Partial<PtzPosition>, timeoutMs?: number): void {
    const from = this.position();
    const at = this.now();
    this.motion = {
      kind: 'continuous',
      from,
      startedAt: at,
      velocity: { pan: velocity.pan ?? 0, tilt: velocity.tilt ?? 0, zoom: velocity.zoom ?? 0 },
      ...(timeoutMs !== undefined ? { until: at + timeoutMs } : {}),
    };
    this.onChange?.();
  }

  absoluteMove(target: Partial<PtzPosition>, speed = 1): void {
    const from = this.position();
    const to = clampPosition({ pan: target.pan ?? from.pan, tilt: target.tilt ?? from.tilt, zoom: target.zoom ?? from.zoom });
    const distance = Math.max(Math.abs(to.pan - from.pan), Math.abs(to.tilt - from.tilt), Math.abs(to.zoom - from.zoom));
    const durationMs = (distance / (TRAVEL_PER_SECOND * clamp(speed, 0.05, 1))) * 1000;
    this.motion = { kind: 'travel', from, to, startedAt: this.now(), durationMs };
    this.onChange?.();
  }

  relativeMove(translation: Partial<PtzPosition>, speed = 1): void {
    const from = this.position();
    this.absoluteMove({ pan: from.pan + (translation.pan ?? 0), tilt: from.tilt + (translation.tilt ?? 0), zoom: from.zoom + (translation.zoom ?? 0) }, speed);
  }

  /**
   * The motion from now on as ffmpeg expressions of `t` (seconds from now) for pan and tilt,
   * so a live encoder started now draws the view moving as the head does; zoom is the value now.
   */
  trajectoryExpressions(): { pan: string; tilt: string; zoom: number } {
    const at = this.now();
    const here = this.position();
    const motion = this.motion;
    const number = (value: number) => value.toFixed(5);
    if (motion.kind === 'continuous' && this.isMoving()) {
      const limit = motion.until === undefined ? '' : `min(t,${number((motion.until - at) / 1000)})`;
      const time = limit || 't';
      const axis = (start: number, velocity: number) => `clip(${number(start)}+${number(velocity * TRAVEL_PER_SECOND)}*${time},-1,1)`;
      return { pan: axis(here.pan, motion.velocity.pan), tilt: axis(here.tilt, motion.velocity.tilt), zoom: here.zoom };
    }
    if (motion.kind === 'travel' && this.isMoving()) {
      const remaining = (motion.startedAt + motion.durationMs - at) / 1000;
      const axis = (start: number, end: number) => `${number(start)}+${number(end - start)}*clip(t/${number(remaining)},0,1)`;
      return { pan: axis(here.pan, motion.to.pan), tilt: axis(here.tilt, motion.to.tilt), zoom: motion.to.zoom };
    }
    return { pan: number(here.pan), tilt: number(here.tilt), zoom: here.zoom };
  }

  stop(): void {
    this.resting = this.position();
    this.motion = { kind: 'idle' };
    this.onChange?.();
  }

  setPreset(name: string | undefined, token?: string): PtzPreset {
    const presetToken = token && this.presets.has(token) ? token : `preset-${this.nextPresetNumber++}`;
    const preset = { token: presetToken, name: name ?? presetToken, position: this.position() };
    this.presets.set(presetToken, preset);
    return preset;
  }

  listPresets(): PtzPreset[] {
    return [...this.presets.values()];
  }

  gotoPreset(token: string, speed = 1): boolean {
    const preset = this.presets.get(token);
    if (!preset) return false;
    this.absoluteMove(preset.position, speed);
    return true;
  }

  removePreset(token: string): boolean {
    return this.presets.delete(token);
  }
}
