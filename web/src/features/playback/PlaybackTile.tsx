// One camera's recorded video following the shared clock. The tile opens its own playback
// session (POST /api/cameras/:id/playback, audited with the reason) for the window around the
// clock, plays its segments through SegmentPlayer, puts the video back in place when it drifts
// from the clock, and closes the session (DELETE /api/playback/:id) when it is replaced or the
// tile goes away.
import { useEffect, useRef, useState } from 'react';
import { api } from '../../api/client.ts';
import type { Camera, PlaybackSession } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { ErrorNotice } from '../../ui.tsx';
import type { PlaybackClock } from './clock.ts';
import { ActiveTime, BEAT_MS } from './activeTime.ts';
import { SegmentPlayer } from './segmentPlayer.ts';
import { ApiError } from '../../lib/errors.ts';
import {
  driftTolerance,
  estimateFrameDuration,
  gapReasonCode,
  mediaTimeOf,
  sessionCovers,
  sessionWindowFor,
  wallTimeOf,
  type GapReasonCode,
} from './session.ts';
import { stillCaption, stillFileName } from './still.ts';
import { saveStillPng } from './stillImage.ts';
import { rangeAt, type TimeWindow } from './timeline.ts';

export type TileStatus = 'reason' | 'loading' | 'buffering' | 'ready' | 'gap' | 'future' | 'unsupported' | 'error';

export interface TileHandle {
  status(): TileStatus;
  /** Since when (Date.now()) the tile waits for data; null when it does not. */
  waitingSince(): number | null;
  frameDuration(): number;
  /** Saves the frame shown as PNG; resolves to the file name. */
  saveStill(): Promise<string>;
}

interface TileProps {
  camera: Camera;
  communeName: string;
  clock: PlaybackClock;
  reason: string | null;
  /** The requisition the playback is for (review hours), or null. */
  requisitionId: string | null;
  /** False until the page knows where the playhead starts: no session is opened before. */
  active: boolean;
  visibleWindow(): TimeWindow;
  selected: boolean;
  onSelect(): void;
  onHandle(handle: TileHandle | null): void;
}

const tickMs = 100;
/** A failed opening is retried after 3 s, then twice as long each time up to a minute (the error stays shown). */
const reopenDelayMs = (failures: number) => Math.min(60_000, 3000 * 2 ** failures);

const closeSession = (session: PlaybackSession, keepalive = false) => {
  api('DELETE', '/api/playback/{playbackId}', { path: { playbackId: session.playbackId }, keepalive }).catch(() => {
    // Already ended (expired, idle): the server audited its stop.
  });
};

export function PlaybackTile({ camera, communeName, clock, reason, requisitionId, active, visibleWindow, selected, onSelect, onHandle }: TileProps) {
  const { t, language } = useI18n();
  const videoRef = useRef<HTMLVideoElement>(null);
  const [status, setStatus] = useState<TileStatus>('loading');
  const [error, setError] = useState<unknown>(null);
  const [unsupported, setUnsupported] = useState<string | null>(null);
  const [gapWord, setGapWord] = useState<GapReasonCode | 'none'>('none');
  const live = useRef({
    status: 'loading' as TileStatus,
    waitingSince: null as number | null,
    frameTimes: [] as number[],
    reason,
    requisitionId,
    active,
    visibleWindow,
    communeName,
    language,
  });
  live.current.reason = reason;
  live.current.requisitionId = requisitionId;
  live.current.communeName = communeName;
  live.current.language = language;
  live.current.active = active;
  live.current.visibleWindow = visibleWindow;

  // biome-ignore lint/correctness/useExhaustiveDependencies: the player and its audited session live as long as the camera and the clock; a new name or onHandle is no reason to reopen them
  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    let disposed = false;
    let session: PlaybackSession | null = null;
    let opening = false;
    let lastOpenAt = 0;
    let failures = 0;
    /** A window the server said holds no footage at all: nothing to open while the clock is in it. */
    let emptyWindow: { from: number; to: number } | null = null;
    let openedWith: string | null = null;
    let unsupportedCodec: string | null = null;
    /** A requisition that does not ask for this camera: the tile plays under its reason, unattached. */
    let attachRefused: string | null = null;
    const activeTime = new ActiveTime();

    const player = new SegmentPlayer(video, {
      onError: (failure) => setError(failure),
      onSessionInvalid: () => {
        // Expired or ended for idleness: the next tick opens a new session (a new audited start).
        session = null;
      },
      onUnsupported: (codec) => {
        unsupportedCodec = codec;
        setUnsupported(codec);
      },
    });

    const open = async (wallMs: number, withReason: string) => {
      const window = sessionWindowFor(wallMs, live.current.visibleWindow());
      const to = Math.min(window.to, Date.now());
      if (to <= window.from) return;
      opening = true;
      lastOpenAt = Date.now();
      const forRequisition = live.current.requisitionId !== attachRefused ? live.current.requisitionId : null;
      try {
        const opened = await api('POST', '/api/cameras/{id}/playback', {
          path: { id: camera.id },
          json: { from: new Date(window.from).toISOString(), to: new Date(to).toISOString(), reason: withReason, requisitionId: forRequisition },
        });
        if (disposed) {
          closeSession(opened);
          return;
        }
        if (session) closeSession(session);
        session = opened;
        openedWith = withReason;
        unsupportedCodec = null;
        setUnsupported(null);
        setError(null);
        failures = 0;
        player.load(opened);
      } catch (failure) {
        if (failure instanceof ApiError && failure.code === 'requisition_not_reviewable' && forRequisition) {
          attachRefused = forRequisition;
          lastOpenAt = 0;
          return;
        }
        if (failure instanceof ApiError && failure.code === 'footage_unavailable') {
          emptyWindow = { from: window.from, to };
          if (!disposed) setError(null);
          return;
        }
        failures++;
        if (!disposed) setError(failure);
      } finally {
        opening = false;
      }
    };

    const report = (next: TileStatus) => {
      const state = live.current;
      const waiting = next === 'loading' || next === 'buffering';
      if (waiting && state.waitingSince === null) state.waitingSince = Date.now();
      if (!waiting) state.waitingSince = null;
      if (state.status !== next) {
        state.status = next;
        setStatus(next);
      }
    };

    const tick = () => {
      const wallMs = clock.time();
      const clockState = clock.state();
      const withReason = live.current.reason;
      if (!withReason) {
        video.pause();
        report('reason');
        return;
      }
      if (!live.current.active) {
        report('loading');
        return;
      }
      if (session && openedWith !== withReason) {
        // A new reason: the next viewing is audited under it.
        closeSession(session);
        session = null;
        failures = 0;
        lastOpenAt = 0;
      }
      if (!sessionCovers(session, wallMs)) {
        if (!video.paused) video.pause();
        if (wallMs > Date.now()) {
          report('future');
          return;
        }
        if (emptyWindow && wallMs >= emptyWindow.from && wallMs < emptyWindow.to) {
          setGapWord('none');
          report('gap');
          return;
        }
        if (!opening && Date.now() - lastOpenAt > (failures === 0 ? 1000 : reopenDelayMs(failures))) void open(wallMs, withReason);
        report(failures > 0 && !opening ? 'error' : 'loading');
        return;
      }
      const forward = !(clockState.playing && clockState.rate < 0);
      player.update(wallMs, forward);
      if (unsupportedCodec) {
        report('unsupported');
        return;
      }
      if (!player.hasFootage(wallMs)) {
        if (!video.paused) video.pause();
        const gap = rangeAt(session?.gaps ?? [], wallMs);
        setGapWord(gap ? gapReasonCode(gap.reason) : 'none');
        report(wallMs > Date.now() ? 'future' : 'gap');
        return;
      }
      const desired = mediaTimeOf(player.origin, wallMs);
      const running = clockState.playing && clockState.rate > 0 && !clockState.held;
      const buffered = player.isBuffered(wallMs);
      if (running) {
        if (video.playbackRate !== clockState.rate) video.playbackRate = clockState.rate;
        if (!video.seeking && Math.abs(video.currentTime - desired) > driftTolerance(clockState.rate)) video.currentTime = desired;
        if (video.paused && buffered) void video.play().catch(() => undefined);
      } else {
        if (!video.paused) video.pause();
        if (!video.seeking && Math.abs(video.currentTime - desired) > 0.001) video.currentTime = desired;
      }
      // In reverse every tick is a seek: waiting for each would slow the shared clock down, so a
      // seek in progress does not count as waiting there (the picture follows as seeks complete).
      const reversing = clockState.playing && clockState.rate < 0;
      activeTime.tick(Date.now(), { visible: document.visibilityState === 'visible', playing: clockState.playing && !clockState.held && buffered, wallMs });
      report(buffered && (reversing || (video.readyState >= 2 && !video.seeking)) ? 'ready' : 'buffering');
    };

    const timer = window.setInterval(tick, tickMs);
    // Review hours: the seconds actually watched since the last beat, for a session attached to a requisition.
    const beats = window.setInterval(() => {
      const seconds = activeTime.take();
      if (!session?.requisitionId || seconds === 0) return;
      api('POST', '/api/playback/{playbackId}/activity', { path: { playbackId: session.playbackId }, json: { activeSeconds: seconds } }).catch(() => undefined);
    }, BEAT_MS);
    tick();

    // Frame times while playing at normal speed or slower, to step exactly one frame.
    let frameRequest = 0;
    const canWatchFrames = typeof video.requestVideoFrameCallback === 'function';
    const onFrame = (_now: number, metadata: VideoFrameCallbackMetadata) => {
      if (video.playbackRate <= 1 && !video.paused) {
        const times = live.current.frameTimes;
        times.push(metadata.mediaTime);
        if (times.length > 40) times.shift();
      }
      frameRequest = video.requestVideoFrameCallback(onFrame);
    };
    if (canWatchFrames) frameRequest = video.requestVideoFrameCallback(onFrame);
    const onSeeked = () => {
      live.current.frameTimes = [];
    };
    video.addEventListener('seeking', onSeeked);

    onHandle({
      status: () => live.current.status,
      waitingSince: () => live.current.waitingSince,
      frameDuration: () => player.frameDuration ?? estimateFrameDuration(live.current.frameTimes),
      saveStill: async () => {
        const wallMs = wallTimeOf(player.origin, video.currentTime);
        const file = stillFileName(camera.name, wallMs);
        const { communeName: commune, language: words } = live.current;
        await saveStillPng(video, stillCaption({ cameraName: camera.name, communeName: commune, wallMs, language: words }), file);
        return file;
      },
    });

    // Closing the tab or the window ends the session too (its stop audited now, not after 5 idle minutes).
    const onPageHide = () => {
      if (session) closeSession(session, true);
      session = null;
    };
    window.addEventListener('pagehide', onPageHide);

    return () => {
      disposed = true;
      window.removeEventListener('pagehide', onPageHide);
      window.clearInterval(timer);
      window.clearInterval(beats);
      if (canWatchFrames) video.cancelVideoFrameCallback(frameRequest);
      video.removeEventListener('seeking', onSeeked);
      onHandle(null);
      player.destroy();
      if (session) closeSession(session);
    };
    // The tile is keyed by camera: one effect per camera (what changes later is read from `live`).
  }, [camera.id, clock]);

  const message = (() => {
    switch (status) {
      case 'reason':
        return t('playback.status.reason');
      case 'loading':
        return t('playback.status.loading');
      case 'buffering':
        return t('playback.status.buffering');
      case 'gap':
        return t('playback.status.gap', { reason: t(`playback.gap.${gapWord}`) });
      case 'future':
        return t('playback.status.future');
      case 'unsupported':
        return t('playback.status.unsupported', { codec: unsupported ?? '?' });
      default:
        return null;
    }
  })();

  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: a click on a tile is a mouse shortcut; the keyboard chooses the active slot with the side panel's slot buttons
    // biome-ignore lint/a11y/noStaticElementInteractions: a click on a tile is a mouse shortcut; the keyboard chooses the active slot with the side panel's slot buttons
    <div
      className={`playback-tile${selected ? ' selected' : ''}`}
      data-testid="playback-tile"
      data-camera-id={camera.id}
      data-status={status}
      onClick={onSelect}
    >
      <video ref={videoRef} className="playback-video" data-testid="playback-video" data-camera-id={camera.id} muted playsInline disablePictureInPicture />
      <div className="playback-tile-caption">
        <span className="playback-tile-name">{camera.name}</span>
        <span className="muted small">{communeName}</span>
      </div>
      {message && (
        <div className={`playback-tile-status status-${status}`} role="status">
          {(status === 'loading' || status === 'buffering') && <span className="spinner" aria-hidden="true" />}
          <span>{message}</span>
        </div>
      )}
      {Boolean(error) && (
        <div className="playback-tile-error">
          <ErrorNotice error={error} />
        </div>
      )}
    </div>
  );
}
