// Events the PTZ module emits on the in-process bus (platform/events.ts).

declare module '../../platform/events.ts' {
  interface VigieEvents {
    /**
     * A PTZ camera reached or left a preset (a command of this process, a patrol step, or the
     * position watcher's reading): the recorder and the live sub-streams burn in that position's
     * masks (LEGAL 4). `presetToken` is null away from any preset.
     */
    'ptz.positionChanged': { cameraId: string; presetToken: string | null };
  }
}

export {};
