// Events the recording module emits on the in-process bus (platform/events.ts).
import type { RecorderStateChange } from './recording.types.ts';

declare module '../../platform/events.ts' {
  interface VigieEvents {
    /** A camera's recorder changed state (starting, recording, failed, stopped...): live viewers and health follow. */
    'recorder.stateChanged': RecorderStateChange;
  }
}
