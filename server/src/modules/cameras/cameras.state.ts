// The state every view shows, derived from three facts: the administrator's enabled flag,
// the prefectoral authorisation (LEGAL 1: an uncovered camera is neither recorded nor shown),
// and what the recorder last reported.
import { operationalStates, type CameraState, type OperationalState, type VmsStatus } from './cameras.schemas.ts';

export function asOperationalState(value: string): OperationalState {
  return (operationalStates as readonly string[]).includes(value) ? (value as OperationalState) : 'unknown';
}

export function effectiveState(camera: { enabled: boolean; authorised: boolean; operationalState: OperationalState }): CameraState {
  if (!camera.enabled) return 'disabled';
  if (!camera.authorised) return 'unauthorised';
  return camera.operationalState;
}

/**
 * The VMS status-list value: `fault` when the stream is lost (`reconnecting`, `failed`);
 * `OK` otherwise for an enabled, authorised camera, including `unknown` and `starting`, so
 * that a camera the recorder has not reached yet is not reported broken to the council.
 */
export function vmsStatusOf(state: CameraState): VmsStatus {
  switch (state) {
    case 'disabled':
    case 'unauthorised':
      return state;
    case 'reconnecting':
    case 'failed':
      return 'fault';
    default:
      return 'OK';
  }
}
