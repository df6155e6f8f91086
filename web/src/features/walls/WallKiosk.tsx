// The wall page of a big screen (kiosk mode, /kiosk/wall/<id>, no shell): dark, the wall's name
// and the Paris clock, the pushed layout as live tiles or the tour's cameras in turn. It follows
// the wall's Server-Sent Events and reconnects by itself; it says so when nothing was pushed
// yet or the server cannot be reached.
import { useEffect, useMemo, useState } from 'react';
import { api } from '../../api/client.ts';
import type { Me } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useLoad } from '../../ui.tsx';
import type { Wall } from '../../api/types.ts';
import { wallsApi } from './walls-api.ts';
import { columnsOf } from '../live/live-grid.ts';
import { reconnectDelayMs } from '../live/live-stream.ts';
import { LiveVideo } from '../live/LiveVideo.tsx';
import { parisClock } from '../ptz/ptz-control.ts';
import { useLiveReason } from '../live/reason.tsx';
import { wallView } from './wall-view.ts';
import '../live/live.css';

type Connection = 'connecting' | 'open' | 'lost' | 'unknown-wall';

interface WallFeed {
  wall: Wall | null;
  receivedAt: number;
  connection: Connection;
}

function parseWall(data: string): Wall | null {
  try {
    const parsed = JSON.parse(data) as unknown;
    return parsed && typeof parsed === 'object' && typeof (parsed as Wall).id === 'string' ? (parsed as Wall) : null;
  } catch {
    return null;
  }
}

/** A stream the browser reopens at once (the server bounds each stream's life) is not "lost". */
const lostAfterMs = 5_000;

/** The wall as pushed, from GET /api/walls/:id/events; a closed stream is opened again with backoff. */
function useWallFeed(wallId: string): WallFeed {
  const [feed, setFeed] = useState<WallFeed>({ wall: null, receivedAt: Date.now(), connection: 'connecting' });
  useEffect(() => {
    let source: EventSource | null = null;
    let retryTimer: number | null = null;
    let lostTimer: number | null = null;
    let failures = 0;
    let stopped = false;
    const setConnection = (connection: Connection) => setFeed((current) => (current.connection === connection ? current : { ...current, connection }));
    const clearLost = () => {
      if (lostTimer !== null) window.clearTimeout(lostTimer);
      lostTimer = null;
    };
    const onWall = (event: MessageEvent<string>) => {
      const wall = parseWall(event.data);
      if (wall) setFeed({ wall, receivedAt: Date.now(), connection: 'open' });
    };
    const onDeleted = () => {
      source?.close();
      setFeed({ wall: null, receivedAt: Date.now(), connection: 'unknown-wall' });
    };
    const open = () => {
      retryTimer = null;
      source = new EventSource(wallsApi.eventsUrl(wallId), { withCredentials: true });
      source.addEventListener('wall', onWall as EventListener);
      source.addEventListener('deleted', onDeleted);
      source.onopen = () => {
        failures = 0;
        clearLost();
        setConnection('open');
      };
      source.onerror = () => {
        if (stopped || !source) return;
        if (lostTimer === null)
          lostTimer = window.setTimeout(() => {
            lostTimer = null;
            setConnection('lost');
          }, lostAfterMs);
        if (source.readyState !== EventSource.CLOSED) return; // the browser reconnects by itself
        source.close();
        failures += 1;
        // Refused (a lost session, an unknown wall): find out which. A lost session brings the
        // sign-in screen back through the API client.
        wallsApi.list().then(
          (walls) => {
            if (!stopped && !walls.some((wall) => wall.id === wallId)) {
              clearLost();
              setConnection('unknown-wall');
            }
          },
          () => undefined,
        );
        retryTimer = window.setTimeout(open, reconnectDelayMs(failures));
      };
    };
    open();
    return () => {
      stopped = true;
      source?.close();
      clearLost();
      if (retryTimer !== null) window.clearTimeout(retryTimer);
    };
  }, [wallId]);
  return feed;
}

function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1_000);
    return () => window.clearInterval(timer);
  }, []);
  return now;
}

export function WallKiosk({ me, wallId }: { me: Me; wallId: string }) {
  const { t, language } = useI18n();
  const feed = useWallFeed(wallId);
  const now = useNow();
  const cameras = useLoad(() => api('GET', '/api/cameras', { background: true }), [me.id, feed.wall?.updatedAt]);
  const byId = useMemo(() => new Map((cameras.data ?? []).map((camera) => [camera.id, camera])), [cameras.data]);
  const reason = useLiveReason(me, true);
  const view = wallView(feed.wall, now, feed.receivedAt);
  const columns = columnsOf(view.grid);
  const title = feed.wall?.name ?? t('kiosk.wall');

  useEffect(() => {
    document.title = `${title} · Vigie`;
  }, [title]);

  return (
    <main className="wall-kiosk" data-wall-id={wallId} data-connection={feed.connection} data-view={view.kind}>
      <header className="kiosk-bar">
        <h1 className="kiosk-title">{title}</h1>
        {view.kind === 'tour' && view.pages > 1 && (
          <span className="kiosk-tour">{t('kiosk.tour', { page: view.page + 1, pages: view.pages, seconds: view.nextInSeconds ?? 0 })}</span>
        )}
        {feed.connection === 'lost' && (
          <span className="kiosk-connection" role="status">
            {t('kiosk.lost')}
          </span>
        )}
        {/* biome-ignore lint/a11y/useAriaPropsSupportedByRole: kept as it was: the label says the clock is Paris time, and another element or wrapper would change the wall screen */}
        <time className="kiosk-clock" dateTime={new Date(now).toISOString()} aria-label={t('kiosk.clock')}>
          {parisClock(new Date(now), language, true)}
        </time>
        <button
          type="button"
          className="kiosk-fullscreen button-small"
          onClick={() => void document.documentElement.requestFullscreen?.().catch(() => undefined)}
        >
          {t('kiosk.fullscreen')}
        </button>
      </header>
      {feed.connection === 'unknown-wall' && (
        <p className="kiosk-message" role="alert">
          {t('kiosk.unknownWall')}
        </p>
      )}
      {feed.connection !== 'unknown-wall' && view.kind === 'empty' && (
        <p className="kiosk-message" role="status">
          {feed.connection === 'open' ? t('kiosk.nothing') : feed.connection === 'connecting' ? t('kiosk.connecting') : t('kiosk.lostLong')}
        </p>
      )}
      {view.kind !== 'empty' && reason.needed && !reason.value && (
        <p className="kiosk-message">
          {t('live.reason.needed')}{' '}
          <button type="button" className="button-primary" onClick={reason.ask}>
            {t('live.reason.give')}
          </button>
        </p>
      )}
      {view.kind !== 'empty' && (!reason.needed || reason.value) && (
        <div
          className="kiosk-grid"
          style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`, gridTemplateRows: `repeat(${columns}, minmax(0, 1fr))` }}
        >
          {view.tiles.map((cameraId, index) => {
            const camera = cameraId ? byId.get(cameraId) : undefined;
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: positions on the wall are the tiles' identity
              <div key={index} className={`kiosk-tile${cameraId ? '' : ' empty'}`} data-testid="wall-tile" data-camera-id={cameraId ?? undefined}>
                {cameraId && camera && (
                  <LiveVideo cameraId={cameraId} stream={view.grid === 1 ? 'main' : 'auto'} reason={reason.value ?? undefined} label={camera.name} />
                )}
                {cameraId && !camera && cameras.data && <p className="kiosk-tile-message">{t('tile.outOfScope')}</p>}
                {cameraId && <span className="kiosk-name">{camera?.name ?? ''}</span>}
              </div>
            );
          })}
        </div>
      )}
      {reason.dialog}
    </main>
  );
}
