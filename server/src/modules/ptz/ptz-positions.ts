// Where each PTZ camera points, as far as this process knows (LEGAL 4: the masks of a PTZ
// preset are burnt in while the camera is at that preset). Fed by the PTZ service's position
// callback (`services.ptz.onPositionChanged`): a preset's token after a go-to (by a person or
// a patrol tour) or a preset saved here, null after a continuous move. Nothing is known at
// process start (null: camera-wide masks only), and only commands sent by THIS process are
// seen: a recorder in another process would need the positions carried by a bus.

/** What the masks need: the preset a camera is at (null: none known, or moved away). */
export interface PresetPositions {
  presetOf(cameraId: string): string | null;
}

export type PositionChange = (cameraId: string, presetToken: string | null) => void;

/** PresetPositions that also tell who follows them (the recorder role, live sub-streams) of a change. */
export interface FollowedPositions extends PresetPositions {
  onChange(listener: PositionChange): () => void;
}

export class PtzPositions implements FollowedPositions {
  private readonly presets = new Map<string, string>();
  private readonly listeners = new Set<PositionChange>();

  constructor(private readonly onListenerError: (cameraId: string, error: unknown) => void = () => undefined) {}

  presetOf(cameraId: string): string | null {
    return this.presets.get(cameraId) ?? null;
  }

  /** Records where the camera is now; listeners hear of real changes only (the same preset, or null again, is no change). */
  set(cameraId: string, presetToken: string | null): boolean {
    if (this.presetOf(cameraId) === presetToken) return false;
    if (presetToken === null) this.presets.delete(cameraId);
    else this.presets.set(cameraId, presetToken);
    for (const listener of this.listeners) {
      try {
        listener(cameraId, presetToken);
      } catch (error) {
        this.onListenerError(cameraId, error);
      }
    }
    return true;
  }

  onChange(listener: PositionChange): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
