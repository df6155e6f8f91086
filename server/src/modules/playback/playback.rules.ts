// Playback's rules, pure: what a playback request must carry (a reason, a window of at most
// 24 h), when a session has gone idle, how an HTTP Range header maps onto a segment file, and
// the validators of stored and re-encoded segments. No IO here: playback.test.ts covers every
// branch; which segments are re-encoded for their masks (LEGAL 4) is masks.coverage.ts's.
import { DomainError } from '../../platform/errors.ts';
import { MAX_SEGMENT_LISTING_MS, parseWindow, type TimeRange } from '../recording/index.ts';

/** A session with no segment fetched for this long ends by itself (stop audited). */
export const PLAYBACK_IDLE_MS = 5 * 60_000;
export const PLAYBACK_MAX_WINDOW_MS = MAX_SEGMENT_LISTING_MS;
export const REASON_MIN_LENGTH = 3;
export const REASON_MAX_LENGTH = 500;

/**
 * Review hours (issue 13 item 3): the console beats every BEAT_INTERVAL_SECONDS with the seconds
 * the video actually played or was scrubbed since its last beat (paused, hidden tab: none). A
 * beat adds at most the interval plus a tolerance, and never more than the time elapsed since
 * the previous beat (or the opening) plus that tolerance: idle time cannot be claimed later.
 */
export const BEAT_INTERVAL_SECONDS = 15;
export const BEAT_TOLERANCE_SECONDS = 5;
export const MAX_REPORTED_BEAT_SECONDS = 3600;

export function acceptedBeatSeconds(reportedSeconds: number, elapsedMs: number): number {
  const reported = Number.isFinite(reportedSeconds) ? Math.floor(reportedSeconds) : 0;
  const elapsed = Math.max(0, Math.floor(elapsedMs / 1000));
  return Math.max(0, Math.min(reported, BEAT_INTERVAL_SECONDS + BEAT_TOLERANCE_SECONDS, elapsed + BEAT_TOLERANCE_SECONDS));
}

/** Checks the reason (3 to 500 characters once trimmed) and the window (from < to, 24 h at most). */
export function parsePlaybackRequest(input: { from: string; to: string; reason?: string | null }): { window: TimeRange; reason: string } {
  const reason = (input.reason ?? '').trim();
  if (reason.length < REASON_MIN_LENGTH) {
    throw new DomainError('reason_required', {
      fr: `Un motif d’au moins ${REASON_MIN_LENGTH} caractères est obligatoire pour relire des images.`,
      en: `A reason of at least ${REASON_MIN_LENGTH} characters is required to play recordings back.`,
    });
  }
  if (reason.length > REASON_MAX_LENGTH) {
    throw new DomainError('validation_failed', {
      fr: `Motif de ${REASON_MAX_LENGTH} caractères au plus.`,
      en: `A reason of at most ${REASON_MAX_LENGTH} characters.`,
    });
  }
  return { window: parseWindow(input.from, input.to, PLAYBACK_MAX_WINDOW_MS), reason };
}

export function expiresAtMs(lastUsedAtMs: number, idleMs = PLAYBACK_IDLE_MS): number {
  return lastUsedAtMs + idleMs;
}

export function isIdle(lastUsedAtMs: number, nowMs: number, idleMs = PLAYBACK_IDLE_MS): boolean {
  return nowMs >= expiresAtMs(lastUsedAtMs, idleMs);
}

export function segmentUrl(playbackId: string, segmentId: number): string {
  return `/api/playback/${encodeURIComponent(playbackId)}/segments/${segmentId}`;
}

export function overlaps(segment: TimeRange, window: TimeRange): boolean {
  return segment.startMs < window.endMs && segment.endMs > window.startMs;
}

// ---------------------------------------------------------------------------------------------
// Masks (LEGAL 4).

/**
 * How a stored segment is served (decided by the recording module's masks.coverage.ts):
 *   - `none`: nothing to burn in (no mask in force since it was recorded, or masked by the camera);
 *   - `recorded`: the masks in force since were burnt in when it was recorded;
 *   - `reencoded`: some mask in force since was not: re-encoded with them, never served raw.
 */
export type SegmentMasking = 'none' | 'recorded' | 'reencoded';

// ---------------------------------------------------------------------------------------------
// HTTP Range (RFC 9110, one range; several ranges are answered with the whole file).

export type ByteRange = { kind: 'full' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

export function parseByteRange(header: string | undefined, size: number): ByteRange {
  if (!header) return { kind: 'full' };
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match) return { kind: 'full' }; // unknown unit or a multi-range list: ignored, as RFC 9110 allows
  const [, first, last] = match;
  if (first === '' && last === '') return { kind: 'full' };
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (start >= size) return { kind: 'unsatisfiable' };
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (end < start) return { kind: 'full' }; // syntactically invalid: ignored
  return { kind: 'partial', start, end };
}

/** A strong validator for a stored file: its segment, size and modification time. */
export function fileEtag(segmentId: number, size: number, mtimeMs: number): string {
  return `"${segmentId}-${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;
}

/** A weak validator for a re-encoded segment: the same segment under the same mask plays alike. */
export function reencodedEtag(segmentId: number, maskVersion: string): string {
  return `W/"${segmentId}-masked-${maskVersion}"`;
}

/** If-None-Match matching (weak comparison, as RFC 9110 asks for it). */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = (value: string) => value.trim().replace(/^W\//, '');
  return header.split(',').some((candidate) => candidate.trim() === '*' || bare(candidate) === bare(etag));
}

/** If-Range: a range is honoured only while the file is still the one the client saw (strong comparison). */
export function ifRangeHolds(header: string | undefined, etag: string): boolean {
  if (!header) return true;
  return !etag.startsWith('W/') && header.trim() === etag;
}
