// What Vigie knows of how one camera speaks ONVIF, in one record instead of special cases: how
// it authenticates, how its services are found, what its PTZ head accepts. The client learns
// each field from the camera's answers (its PTZ node and configuration options, a refused
// Timeout, an HTTP Digest challenge); an administrator may set any field, which then wins.

export type OnvifAuthMode = 'ws-security' | 'digest';

export interface OnvifQuirks {
  /** WS-Security UsernameToken in the SOAP header, or HTTP Digest (RFC 7616) on the request. */
  auth?: OnvifAuthMode;
  /** How the service addresses are read: GetCapabilities (ONVIF 1.x), or GetServices. */
  serviceDiscovery?: 'capabilities' | 'services';
  /** Whether ContinuousMove carries a Timeout; `omit` for firmware that refuses it (Vigie then stops the head itself). */
  moveTimeout?: 'send' | 'omit';
  /** The shortest and longest Timeout the head accepts, in ms (its PTZ configuration options). */
  minMoveTimeoutMs?: number;
  maxMoveTimeoutMs?: number;
  /** Whether the head zooms (a continuous zoom velocity space); pan/tilt-only heads refuse a Zoom element. */
  zoom?: boolean;
  /** Whether the head pans and tilts (a continuous pan/tilt velocity space). */
  panTilt?: boolean;
  /** The most presets the head stores. */
  maxPresets?: number;
}

export const QUIRK_FIELDS = ['auth', 'serviceDiscovery', 'moveTimeout', 'minMoveTimeoutMs', 'maxMoveTimeoutMs', 'zoom', 'panTilt', 'maxPresets'] as const;

/** What applies: the administrator's fields over the learned ones. */
export function effectiveQuirks(learned: OnvifQuirks, override: OnvifQuirks): OnvifQuirks {
  const effective: OnvifQuirks = { ...learned };
  for (const field of QUIRK_FIELDS) if (override[field] !== undefined) (effective as Record<string, unknown>)[field] = override[field];
  return effective;
}

/** The same record without its undefined fields (what is stored and compared). */
export function compactQuirks(quirks: OnvifQuirks): OnvifQuirks {
  const compact: OnvifQuirks = {};
  for (const field of QUIRK_FIELDS) if (quirks[field] !== undefined) (compact as Record<string, unknown>)[field] = quirks[field];
  return compact;
}

export function sameQuirks(a: OnvifQuirks, b: OnvifQuirks): boolean {
  return QUIRK_FIELDS.every((field) => a[field] === b[field]);
}

/**
 * The Timeout to send for a wanted move duration, or null to send none; `stopAfterMs` when the
 * head would move longer than wanted (no Timeout accepted, or a minimum above it), so the
 * client sends Stop itself at that time.
 */
export function moveTimeoutPlan(wantedMs: number, quirks: OnvifQuirks): { timeoutMs: number | null; stopAfterMs: number | null } {
  if (quirks.moveTimeout === 'omit') return { timeoutMs: null, stopAfterMs: wantedMs };
  let timeoutMs = wantedMs;
  if (quirks.minMoveTimeoutMs !== undefined) timeoutMs = Math.max(timeoutMs, quirks.minMoveTimeoutMs);
  if (quirks.maxMoveTimeoutMs !== undefined && quirks.maxMoveTimeoutMs > 0) timeoutMs = Math.min(timeoutMs, quirks.maxMoveTimeoutMs);
  return { timeoutMs, stopAfterMs: timeoutMs > wantedMs ? wantedMs : null };
}
