// Playback sessions (issue 5 item 3): a user with `image.playback` on the camera's commune
// (approval and training valid, LEGAL 9) opens a session over a window of at most 24 h, giving a
// reason; the session lists the stored segments and the gaps, and each segment is then fetched
// through the session, by its owner only, while it is open. Opening is audited `image.playback`
// (reason, window) in the transaction that stores the session; closing, by the viewer or after
// 5 minutes without a fetch, is audited `image.playback.stop` (duration, segments served).
// Masks stay applied (LEGAL 4): a segment whose recorded masking did not account for every mask
// in force, or ever in force, since it was recorded is re-encoded with them, never served raw.
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { parisDate, type Clock } from '../../platform/clock.ts';
import type { AnyHandle } from '../../platform/db/tables.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import { silentLog, type ProcessLog } from '../../platform/processes.ts';
import { assertAllowed, type Principal } from '../access/index.ts';
import type { AuditService } from '../audit/index.ts';
import type { Actor } from '../audit/index.ts';
import { coverage, type RecordingRepository, type SegmentSpan } from '../recording/index.ts';
import type { StorageVolume } from '../storage/index.ts';
import type { PlaybackMasks, ServerMask } from './playback.masks.ts';
import { ffmpegReencoder, maskedSegmentArgs, type Reencoder } from './playback.reencode.ts';
import type { PlaybackEndedBy, PlaybackRepository, PlaybackSession } from './playback.repository.ts';
import {
  acceptedBeatSeconds,
  expiresAtMs,
  fileEtag,
  isIdle,
  overlaps,
  parsePlaybackRequest,
  PLAYBACK_IDLE_MS,
  reencodedEtag,
  segmentUrl,
  type SegmentMasking,
} from './playback.rules.ts';

export type Acting = { actor: Actor; principal: Principal };

export interface PlaybackServiceDeps {
  repository: PlaybackRepository;
  audit: AuditService;
  clock: Clock;
  cameras: { get(cameraId: string, principal: null): Promise<{ id: string; communeInsee: string }> };
  footage: Pick<RecordingRepository, 'segmentsOverlapping' | 'segmentOf' | 'gapsOverlapping'>;
  volumes(): Promise<readonly StorageVolume[]>;
  masks: PlaybackMasks;
  reencoder?: Reencoder;
  /** ffmpeg's command for the re-encodes (config.ts's `tools.ffmpegPath`); default: `ffmpeg` on PATH. */
  ffmpegPath?: string;
  /** Re-encodes running at once in this process; beyond, `rate_limited`. */
  maxConcurrentReencodes?: number;
  idleMs?: number;
  log?: ProcessLog;
  /** The requisitions module's review time (issue 13 item 3): a session opened for a requisition is checked and counted there. */
  reviews?: PlaybackReviews;
}

/** The requisitions module's review hours, as playback sees them (its api). */
export interface PlaybackReviews {
  assertReviewable(requisitionId: string, camera: { id: string; communeInsee: string }, principal: Principal): Promise<{ procedureNumber: string }>;
  addPlaybackSeconds(
    handle: AnyHandle,
    beat: { requisitionId: string; playbackId: string; cameraId: string; seconds: number; openedAt: string; userLogin: string; userId: string },
  ): Promise<void>;
}

export interface PlaybackSegmentView {
  id: number;
  start: string;
  end: string;
  durationSeconds: number;
  /** Size of the stored file (a re-encoded segment's size is only known once sent). */
  bytes: number;
  url: string;
  /** Served re-encoded with the masks in force since it was recorded (they were not all burnt in). */
  reencoded: boolean;
}

export interface PlaybackView {
  playbackId: string;
  cameraId: string;
  requisitionId: string | null;
  from: string;
  to: string;
  expiresAt: string;
  segments: PlaybackSegmentView[];
  gaps: Array<{ from: string; to: string; reason: string | null }>;
}

/** How the route sends a segment: the stored file (Range-capable), or a re-encode streamed as it is produced. */
export type SegmentDelivery =
  | { kind: 'file'; path: string; size: number; lastModified: Date; etag: string; masking: Exclude<SegmentMasking, 'reencoded'> }
  | { kind: 'reencoded'; etag: string; masking: 'reencoded'; open(): Promise<Readable> };

const iso = (ms: number) => new Date(ms).toISOString();
const sessionInvalid = () => new DomainError('playback_session_invalid');
const footageUnavailable = () => new DomainError('footage_unavailable');
const viewerActor = (session: PlaybackSession): Actor => ({ type: 'user', id: session.userId, login: session.userLogin, ip: null });

export class PlaybackService {
  private readonly idleMs: number;
  private readonly reencoder: Reencoder;
  private readonly log: ProcessLog;
  private reencodesRunning = 0;

  constructor(private readonly deps: PlaybackServiceDeps) {
    this.idleMs = deps.idleMs ?? PLAYBACK_IDLE_MS;
    this.reencoder = deps.reencoder ?? ffmpegReencoder;
    this.log = deps.log ?? silentLog;
  }

  async open(
    cameraId: string,
    input: { from: string; to: string; reason?: string | null; requisitionId?: string | null },
    acting: Acting,
  ): Promise<PlaybackView> {
    const now = this.deps.clock.now();
    const camera = await this.deps.cameras.get(cameraId, null);
    assertAllowed(acting.principal, 'image.playback', camera.communeInsee, parisDate(now));
    const requisitionId = input.requisitionId ?? null;
    let requisitionReason: string | null = null;
    if (requisitionId !== null) {
      if (!this.deps.reviews) throw new DomainError('requisition_not_reviewable');
      const { procedureNumber } = await this.deps.reviews.assertReviewable(
        requisitionId,
        { id: cameraId, communeInsee: camera.communeInsee },
        acting.principal,
      );
      requisitionReason = `Réquisition ${procedureNumber}`;
    }
    // A session for a requisition has its procedure as its reason unless the viewer gives one.
    const { window, reason } = parsePlaybackRequest({ ...input, reason: input.reason?.trim() ? input.reason : (requisitionReason ?? input.reason) });
    const indexed = await this.deps.footage.segmentsOverlapping(cameraId, window.startMs, window.endMs);
    const present = await this.withFileSizes(indexed);
    if (present.length === 0) throw footageUnavailable();
    const [plans, gapRows] = await Promise.all([
      this.deps.masks.plans(
        cameraId,
        present.map((entry) => entry.segment),
      ),
      this.deps.footage.gapsOverlapping(cameraId, window.startMs, window.endMs),
    ]);
    // The future is neither recorded nor a gap.
    const computed = coverage(
      present.map((entry) => entry.segment),
      { startMs: window.startMs, endMs: Math.max(window.startMs, Math.min(window.endMs, now.getTime())) },
    );
    const session: PlaybackSession = {
      id: randomUUID(),
      userId: acting.principal.id,
      userLogin: acting.principal.login,
      cameraId,
      communeInsee: camera.communeInsee,
      from: iso(window.startMs),
      to: iso(window.endMs),
      reason,
      openedAt: now.toISOString(),
      lastUsedAt: now.toISOString(),
      closedAt: null,
      endedBy: null,
      requests: 0,
      requisitionId,
      activeSeconds: 0,
      lastBeatAt: null,
    };
    await this.deps.repository.transaction(async (trx) => {
      await this.deps.repository.insert(trx, session);
      await this.deps.audit.recordImageAccess(
        acting.actor,
        {
          kind: 'playback',
          cameraId,
          communeInsee: camera.communeInsee,
          reason,
          details: { playbackId: session.id, from: session.from, to: session.to, segments: present.length, requisitionId },
        },
        trx,
      );
    });
    return {
      playbackId: session.id,
      cameraId,
      requisitionId,
      from: session.from,
      to: session.to,
      expiresAt: iso(expiresAtMs(now.getTime(), this.idleMs)),
      segments: present.map(({ segment, bytes }) => ({
        id: segment.id,
        start: iso(segment.startMs),
        end: iso(segment.endMs),
        durationSeconds: (segment.endMs - segment.startMs) / 1000,
        bytes,
        url: segmentUrl(session.id, segment.id),
        reencoded: (plans.get(segment.id)?.masking ?? 'reencoded') === 'reencoded',
      })),
      gaps: computed.gaps.map((gap) => ({
        from: iso(gap.startMs),
        to: iso(gap.endMs),
        reason: gapRows.find((row) => row.startMs < gap.endMs && row.endMs > gap.startMs)?.reason ?? null,
      })),
    };
  }

  /** A segment of the session, for its owner, while the session is open and the footage exists. */
  async segment(playbackId: string, segmentId: string, acting: Acting): Promise<SegmentDelivery> {
    const session = await this.liveSession(playbackId, acting.principal);
    const now = this.deps.clock.now();
    assertAllowed(acting.principal, 'image.playback', session.communeInsee, parisDate(now));
    const window = { startMs: Date.parse(session.from), endMs: Date.parse(session.to) };
    const id = Number(segmentId);
    const found = Number.isSafeInteger(id) ? await this.deps.footage.segmentOf(session.cameraId, id) : undefined;
    const segment = found && overlaps(found, window) ? found : undefined;
    if (!segment) throw notFound({ fr: 'Segment de cette relecture', en: 'Segment of this playback' });
    const file = await this.locate(segment);
    if (!file) throw footageUnavailable();
    const plan = (await this.deps.masks.plans(session.cameraId, [segment])).get(segment.id);
    // No plan is no proof that the masks are burnt in: never the stored file then.
    if (!plan) throw new Error(`no masking plan for segment ${segment.id}`);
    if (!(await this.deps.repository.touch(session.id, segment.id, now.toISOString()))) throw sessionInvalid();
    if (plan.masking === 'reencoded') {
      const mask: ServerMask = { version: plan.version, polygons: plan.polygons };
      return {
        kind: 'reencoded',
        masking: 'reencoded',
        etag: reencodedEtag(segment.id, mask.version),
        open: () => this.reencode(file.path, session.cameraId, mask, segment),
      };
    }
    return {
      kind: 'file',
      masking: plan.masking,
      path: file.path,
      size: file.size,
      lastModified: new Date(file.mtimeMs),
      etag: fileEtag(segment.id, file.size, file.mtimeMs),
    };
  }

  /**
   * A heartbeat of the console while the video plays or is scrubbed (review hours): the seconds
   * accepted (capped, acceptedBeatSeconds) add to the session, and to its requisition's review
   * time in the same transaction. A closed session's beats are refused.
   */
  async beat(playbackId: string, input: { activeSeconds: number }, acting: Acting): Promise<{ acceptedSeconds: number; activeSeconds: number }> {
    await this.liveSession(playbackId, acting.principal);
    const now = this.deps.clock.now();
    return this.deps.repository.transaction(async (trx) => {
      const session = await this.deps.repository.find(playbackId, trx);
      if (!session || session.closedAt !== null) throw sessionInvalid();
      const since = Date.parse(session.lastBeatAt ?? session.openedAt);
      const accepted = acceptedBeatSeconds(input.activeSeconds, now.getTime() - since);
      if (!(await this.deps.repository.beat(trx, session.id, accepted, now.toISOString()))) throw sessionInvalid();
      if (session.requisitionId && accepted > 0 && this.deps.reviews) {
        await this.deps.reviews.addPlaybackSeconds(trx, {
          requisitionId: session.requisitionId,
          playbackId: session.id,
          cameraId: session.cameraId,
          seconds: accepted,
          openedAt: session.openedAt,
          userLogin: session.userLogin,
          userId: session.userId,
        });
      }
      return { acceptedSeconds: accepted, activeSeconds: session.activeSeconds + accepted };
    });
  }

  /** Ends the session at its owner's request (stop audited). */
  async close(playbackId: string, acting: Acting): Promise<void> {
    const session = await this.liveSession(playbackId, acting.principal);
    if (!(await this.closeSession(session, 'viewer', acting.actor, this.deps.clock.now()))) throw sessionInvalid();
  }

  /** Ends every session idle for the idle delay (stop audited); the worker runs it every minute. Returns how many. */
  async closeIdle(now: Date = this.deps.clock.now()): Promise<number> {
    let closed = 0;
    for (let batch = 0; batch < 20; batch++) {
      const idle = await this.deps.repository.idleSessions(iso(now.getTime() - this.idleMs));
      for (const session of idle) if (await this.closeSession(session, 'idle', viewerActor(session), now)) closed += 1;
      if (idle.length < 500) break;
    }
    return closed;
  }

  /** The open session of this principal; an idle one is closed on the spot and refused. */
  private async liveSession(playbackId: string, principal: Principal): Promise<PlaybackSession> {
    const session = await this.deps.repository.find(playbackId);
    if (!session || session.closedAt !== null || session.userId !== principal.id) throw sessionInvalid();
    const now = this.deps.clock.now();
    if (isIdle(Date.parse(session.lastUsedAt), now.getTime(), this.idleMs)) {
      await this.closeSession(session, 'idle', viewerActor(session), now);
      throw sessionInvalid();
    }
    return session;
  }

  private closeSession(session: PlaybackSession, endedBy: PlaybackEndedBy, actor: Actor, at: Date): Promise<boolean> {
    return this.deps.repository.transaction(async (trx) => {
      if (!(await this.deps.repository.close(trx, session.id, at.toISOString(), endedBy))) return false;
      const segmentsServed = await this.deps.repository.segmentsServed(session.id, trx);
      // An idle session's viewing ended with its last fetch, not when the sweep noticed.
      const endMs = endedBy === 'idle' ? Date.parse(session.lastUsedAt) : at.getTime();
      await this.deps.audit.recordImageAccess(
        actor,
        {
          kind: 'playback.stop',
          cameraId: session.cameraId,
          communeInsee: session.communeInsee,
          reason: session.reason,
          details: {
            playbackId: session.id,
            from: session.from,
            to: session.to,
            openedAt: session.openedAt,
            lastUsedAt: session.lastUsedAt,
            closedAt: at.toISOString(),
            endedBy,
            durationSeconds: Math.max(0, Math.round((endMs - Date.parse(session.openedAt)) / 1000)),
            segmentsServed,
            requests: session.requests,
            requisitionId: session.requisitionId,
            activeSeconds: session.activeSeconds,
          },
        },
        trx,
      );
      return true;
    });
  }

  private async reencode(path: string, cameraId: string, mask: ServerMask, segment: SegmentSpan): Promise<Readable> {
    if (this.reencodesRunning >= (this.deps.maxConcurrentReencodes ?? 4)) {
      throw new DomainError('rate_limited', {
        fr: 'Trop de relectures masquées en cours ; réessayez dans un instant.',
        en: 'Too many masked playbacks running; try again shortly.',
      });
    }
    this.reencodesRunning += 1;
    let released = false;
    const release = () => {
      if (!released) this.reencodesRunning -= 1;
      released = true;
    };
    try {
      const imagePath = await this.deps.masks.imagePath(cameraId, mask);
      const timeoutMs = Math.max(60_000, 4 * (segment.endMs - segment.startMs));
      const stream = await this.reencoder(maskedSegmentArgs(path, imagePath), { timeoutMs, ffmpegPath: this.deps.ffmpegPath, log: this.log });
      stream.once('close', release);
      return stream;
    } catch (error) {
      release();
      throw error;
    }
  }

  /** The stored file of a segment, or null once it is gone (purged, volume removed). */
  private async locate(segment: SegmentSpan, volumes?: readonly StorageVolume[]): Promise<{ path: string; size: number; mtimeMs: number } | null> {
    const root = (volumes ?? (await this.deps.volumes())).find((volume) => volume.name === segment.volume)?.root;
    if (root === undefined) return null;
    const base = resolve(root);
    const path = resolve(base, segment.path);
    if (!path.startsWith(base + sep)) return null;
    try {
      const info = await stat(path);
      return info.isFile() ? { path, size: info.size, mtimeMs: info.mtimeMs } : null;
    } catch {
      return null;
    }
  }

  /** The segments whose files exist, with their sizes; those gone are left out (their time shows as a gap). */
  private async withFileSizes(segments: readonly SegmentSpan[]): Promise<Array<{ segment: SegmentSpan; bytes: number }>> {
    const volumes = await this.deps.volumes();
    const result: Array<{ segment: SegmentSpan; bytes: number } | null> = [];
    for (let start = 0; start < segments.length; start += 32) {
      const batch = segments.slice(start, start + 32);
      result.push(
        ...(await Promise.all(
          batch.map(async (segment) => {
            const file = await this.locate(segment, volumes);
            return file ? { segment, bytes: file.size } : null;
          }),
        )),
      );
    }
    return result.filter((entry): entry is { segment: SegmentSpan; bytes: number } => entry !== null);
  }
}
