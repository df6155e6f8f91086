// A camera's live picture: a muted <video> fed by LivePlayer (MSE over the live WebSocket, HLS
// as fallback), with what the operator must know over it: connecting, reconnecting (and when),
// the camera's own state, a server transcode, a refusal in words. Shared by the live wall, the
// camera record, the map and the video wall.
import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../../i18n/i18n.tsx';
import { serverText, type MessageKey, type Translate } from '../../i18n/translate.ts';
import { initialLiveStatus, type LiveError, type LiveStatus, type LiveStream } from './live-stream.ts';
import { LivePlayer } from './mse-player.ts';
import './live.css';

export interface LiveVideoProps {
  cameraId: string;
  /** `auto`: the server picks the sub-stream when the camera has one (tiles); `main` for a large view. */
  stream?: LiveStream;
  /** Why the images are viewed (police and partner roles must give one). */
  reason?: string;
  className?: string;
  /** Called with each new `data-state` (connecting, buffering, playing, reconnecting, failed, stopped). */
  onState?(state: string): void;
  /** Accessible name of the picture (the camera's name). */
  label?: string;
}

export function LiveVideo({ cameraId, stream = 'auto', reason, className, onState, label }: LiveVideoProps) {
  const { t, language } = useI18n();
  const videoRef = useRef<HTMLVideoElement>(null);
  const [status, setStatus] = useState<LiveStatus>(initialLiveStatus);
  const onStateRef = useRef(onState);
  onStateRef.current = onState;

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    setStatus(initialLiveStatus);
    const player = new LivePlayer(video, { cameraId, stream, reason, onStatus: setStatus });
    player.start();
    return () => player.stop();
  }, [cameraId, stream, reason]);

  useEffect(() => {
    onStateRef.current?.(status.phase);
  }, [status.phase]);

  const now = useSecondTicks(status.phase === 'reconnecting');
  const cameraDown = status.cameraState !== null && status.cameraState !== 'recording';
  const overlay = overlayText(status, t, language, now);

  return (
    <div
      className={`live-video${className ? ` ${className}` : ''}`}
      data-testid="live-video"
      data-camera-id={cameraId}
      data-state={status.phase}
      data-camera-state={status.cameraState ?? undefined}
      data-first-picture-ms={status.firstPictureMs ?? undefined}
      data-milestones={milestoneText(status) || undefined}
      data-transport={status.transport ?? undefined}
      data-codec={status.init?.codec}
      data-transcoded={status.transcodedFromH265 ? 'true' : undefined}
    >
      <video ref={videoRef} muted playsInline autoPlay disablePictureInPicture aria-label={label} />
      {overlay && (
        <div className={`live-overlay phase-${status.phase}`} role={status.phase === 'failed' ? 'alert' : 'status'} aria-live="polite">
          {(status.phase === 'connecting' || status.phase === 'buffering') && <span className="spinner" aria-hidden="true" />}
          <span>{overlay}</span>
        </div>
      )}
      <div className="live-notes">
        {cameraDown && status.phase === 'playing' && (
          <span className={`badge state-${status.cameraState}`}>{t('live.cameraState', { state: stateLabel(status.cameraState!, t) })}</span>
        )}
        {status.transcodedFromH265 && (
          <span className="badge live-note" title={t('live.transcodedHelp')}>
            {t('live.transcoded')}
          </span>
        )}
        {status.transport === 'hls' && <span className="badge live-note">{t('live.hls')}</span>}
      </div>
    </div>
  );
}

/** "open:35 init:610 fragment:640 picture:720": where the first-picture time went (ms). */
function milestoneText(status: LiveStatus): string {
  return (['open', 'init', 'fragment', 'picture'] as const)
    .filter((name) => status.milestones[name] !== undefined)
    .map((name) => `${name}:${status.milestones[name]}`)
    .join(' ');
}

/** A re-render each second while `active` (the reconnection countdown). */
function useSecondTicks(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = window.setInterval(() => setNow(Date.now()), 1_000);
    return () => window.clearInterval(timer);
  }, [active]);
  return now;
}

const knownStates = new Set(['unknown', 'starting', 'recording', 'reconnecting', 'failed', 'unauthorised', 'disabled']);

function stateLabel(state: string, t: Translate): string {
  return knownStates.has(state) ? t(`state.${state}` as MessageKey) : state;
}

function overlayText(status: LiveStatus, t: Translate, language: 'fr' | 'en', now: number): string | null {
  switch (status.phase) {
    case 'connecting':
      return status.attempt > 1 ? t('live.reconnectingNow', { attempt: status.attempt }) : t('live.connecting');
    case 'buffering':
      return t('live.buffering');
    case 'reconnecting': {
      const seconds = Math.max(0, Math.ceil(((status.retryAt ?? now) - now) / 1000));
      const reason = status.error
        ? liveErrorText(status.error, t, language)
        : status.cameraState && status.cameraState !== 'recording'
          ? t('live.cameraState', { state: stateLabel(status.cameraState, t) })
          : t('live.lost');
      return `${reason} ${t('live.retryIn', { seconds })}`;
    }
    case 'failed':
      return status.error ? liveErrorText(status.error, t, language) : t('live.failed');
    case 'stopped':
    case 'playing':
      return null;
  }
}

/** The server's own sentence when it gave one, else ours for the code. */
export function liveErrorText(error: LiveError, t: Translate, language: 'fr' | 'en'): string {
  const server = serverText(language, error.message_fr, error.message_en);
  if (server) return server;
  switch (error.code) {
    case 'codec_unsupported':
      return t('live.error.codec');
    case 'mse_unsupported':
      return t('live.error.mse');
    case 'forbidden':
      return t('live.error.forbidden');
    case 'not_found':
      return t('live.error.notFound');
    case 'reason_required':
      return t('live.error.reason');
    default:
      return t('live.error.generic', { code: error.code });
  }
}
