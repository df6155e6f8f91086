// The map's side panel for the chosen camera: name, state in words, place, kind, heading and
// cone, its live picture (image.live, with the reason the police and partner roles must give),
// and a link to its playback (image.playback).
import type { Camera, Me } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { StateBadge } from '../../ui.tsx';
import { LiveVideo } from '../live/LiveVideo.tsx';
import { useLiveReason } from '../live/reason.tsx';
import { fovAngleDeg } from './mapGeometry.ts';

interface PanelProps {
  camera: Camera;
  me: Me;
  communeName: string;
  kindLabel: string;
  onClose(): void;
}

/** Opens another screen of the console without reloading it (the shell follows popstate). */
function openInConsole(path: string): void {
  window.history.pushState(null, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function MapCameraPanel({ camera, me, communeName, kindLabel, onClose }: PanelProps) {
  const { t } = useI18n();
  const reason = useLiveReason(me);
  const canLive = me.actions.includes('image.live');
  const canPlayBack = me.actions.includes('image.playback');
  const blocked = !me.imageAccess.allowed;
  const playbackPath = `/playback?camera=${encodeURIComponent(camera.id)}`;

  return (
    <div className="map-camera-panel" data-testid="map-camera-panel" data-camera-id={camera.id}>
      <div className="map-camera-header">
        <h2>{camera.name}</h2>
        <button type="button" className="button-small" onClick={onClose} aria-label={t('map.close')}>
          ×
        </button>
      </div>
      <StateBadge state={camera.state} />
      <dl className="facts compact-facts">
        <dt>{t('cameras.commune')}</dt>
        <dd>{communeName}</dd>
        <dt>{t('cameras.site')}</dt>
        <dd>{camera.siteName}</dd>
        <dt>{t('map.kind')}</dt>
        <dd>{kindLabel}</dd>
        <dt>{t('map.heading')}</dt>
        <dd>{camera.headingDeg !== null ? t('map.headingValue', { deg: camera.headingDeg, angle: fovAngleDeg(camera.kind) }) : t('map.noHeading')}</dd>
      </dl>
      <h3 className="map-live-title">{t('map.live')}</h3>
      {!canLive && <p className="muted">{t('map.noLive')}</p>}
      {canLive && blocked && <p className="warning-text">{t('map.liveBlocked')}</p>}
      {canLive && !blocked && reason.needed && !reason.value && (
        <button type="button" className="button-primary" onClick={reason.ask}>
          {t('live.reason.give')}
        </button>
      )}
      {canLive && !blocked && (!reason.needed || reason.value) && (
        <LiveVideo cameraId={camera.id} stream="auto" reason={reason.value ?? undefined} className="map-live" label={camera.name} />
      )}
      {reason.dialog}
      {canPlayBack && (
        <p>
          <a
            href={playbackPath}
            onClick={(event) => {
              event.preventDefault();
              openInConsole(playbackPath);
            }}
          >
            {t('map.playback')}
          </a>
        </p>
      )}
    </div>
  );
}
