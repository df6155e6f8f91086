// Video walls: the walls of the centre (create and delete with wall.write), what each shows, a
// link to open each one's kiosk page on its big screen, and pushing either the live page's
// current layout or a tour of cameras (wall.push).
import { useMemo, useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import type { Camera, Me } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { formatParisDateTime } from '../../lib/dates.ts';
import { ErrorNotice, Loading, PageHeader, useLoad } from '../../ui.tsx';
import { cameraMatches } from '../cameras/tree.ts';
import type { Wall, WallPush } from '../../api/types.ts';
import { wallsApi } from './walls-api.ts';
import { grids, visibleTiles, type Grid } from '../live/live-grid.ts';
import { loadCurrentLayout } from '../layouts/live-layout-store.ts';
import { maxTourSeconds, minTourSeconds, tourPush, wallView } from './wall-view.ts';
import { WallPushControl } from './WallPush.tsx';
import '../live/live.css';

export function WallsPage({ me }: { me: Me }) {
  const { t, language } = useI18n();
  const walls = useLoad(() => wallsApi.list(), [me.id]);
  const cameras = useLoad(() => api('GET', '/api/cameras'), [me.id]);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const canWrite = me.actions.includes('wall.write');
  const canPush = me.actions.includes('wall.push');
  const names = useMemo(() => new Map((cameras.data ?? []).map((camera) => [camera.id, camera.name])), [cameras.data]);

  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      walls.reload();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const create = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (trimmed)
      void run(async () => {
        await wallsApi.create(trimmed);
        setName('');
      });
  };

  const describe = (wall: Wall): string => {
    const view = wallView(wall, 0, 0);
    if (view.kind === 'tour')
      return t('walls.showsTour', { count: wall.tour?.cameraIds.length ?? 0, seconds: wall.tour?.intervalSeconds ?? 0, grid: view.grid });
    if (view.kind === 'layout')
      return t('walls.showsLayout', {
        grid: view.grid,
        names: view.tiles
          .filter((id): id is string => id !== null)
          .map((id) => names.get(id) ?? id)
          .join(', '),
      });
    return t('walls.showsNothing');
  };

  return (
    <div className="walls-page">
      <PageHeader title={t('walls.title')} />
      {Boolean(error) && <ErrorNotice error={error} />}
      <section className="panel" aria-labelledby="walls-list-title">
        <h2 id="walls-list-title">{t('walls.list')}</h2>
        {walls.loading && !walls.data && <Loading />}
        {Boolean(walls.error) && <ErrorNotice error={walls.error} onRetry={walls.reload} />}
        {walls.data && walls.data.length === 0 && <p className="muted">{t('walls.none')}</p>}
        {walls.data && walls.data.length > 0 && (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th>{t('walls.name')}</th>
                  <th>{t('walls.shows')}</th>
                  <th>{t('walls.updated')}</th>
                  <th>{t('common.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {walls.data.map((wall) => (
                  <tr key={wall.id} data-testid="wall-row" data-wall-id={wall.id}>
                    <td>
                      <strong>{wall.name}</strong>
                    </td>
                    <td>{describe(wall)}</td>
                    <td className="nowrap">
                      {wall.updatedAt ? formatParisDateTime(wall.updatedAt, language) : '—'}
                      {wall.updatedBy ? ` · ${wall.updatedBy}` : ''}
                    </td>
                    <td>
                      <div className="button-row">
                        <a className="button-small" href={`/kiosk/wall/${encodeURIComponent(wall.id)}`} target="_blank" rel="noopener" data-testid="wall-open">
                          {t('walls.open')}
                        </a>
                        {canWrite && (
                          <button
                            type="button"
                            className="button-small danger"
                            data-testid="wall-delete"
                            disabled={busy}
                            onClick={() => {
                              if (window.confirm(t('walls.confirmDelete', { name: wall.name }))) void run(() => wallsApi.remove(wall.id));
                            }}
                          >
                            {t('walls.delete')}
                          </button>
                        )}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {canWrite && (
          <form className="inline-form" onSubmit={create}>
            <label>
              <span>{t('walls.newName')}</span>
              <input value={name} maxLength={80} data-testid="wall-create-name" onChange={(event) => setName(event.target.value)} />
            </label>
            <button type="submit" className="button-secondary" data-testid="wall-create" disabled={busy || name.trim() === ''}>
              {t('walls.create')}
            </button>
          </form>
        )}
        <p className="hint">{t('walls.kioskHint')}</p>
      </section>
      {canPush && walls.data && walls.data.length > 0 && (
        <PushPanel me={me} walls={walls.data} cameras={cameras.data ?? []} names={names} onPushed={walls.reload} />
      )}
    </div>
  );
}

type Source = 'layout' | 'tour';

function PushPanel({ me, walls, cameras, names, onPushed }: { me: Me; walls: Wall[]; cameras: Camera[]; names: Map<string, string>; onPushed(): void }) {
  const { t } = useI18n();
  const [source, setSource] = useState<Source>('layout');
  const [chosen, setChosen] = useState<string[]>([]);
  const [interval, setIntervalText] = useState('15');
  const [tourGrid, setTourGrid] = useState<Grid>(1);
  const [filter, setFilter] = useState('');
  // Read on each render: the live page may have changed it in another tab.
  const current = loadCurrentLayout(me.id);
  const liveTiles = visibleTiles(current.tiles, current.grid);
  const liveCameras = liveTiles.filter((id): id is string => id !== null);
  const layoutPayload: WallPush | null = liveCameras.length > 0 ? { grid: current.grid, tiles: liveTiles, tour: null } : null;
  const tourPayload = tourPush(chosen, Number(interval), tourGrid);
  const toggle = (id: string) => setChosen((list) => (list.includes(id) ? list.filter((entry) => entry !== id) : [...list, id]));
  const listed = cameras.filter((camera) => cameraMatches(camera, filter));

  return (
    <section className="panel wall-push-panel" aria-labelledby="walls-push-title">
      <h2 id="walls-push-title">{t('walls.pushTitle')}</h2>
      <fieldset>
        <legend>{t('walls.source')}</legend>
        <label className="checkbox">
          <input type="radio" name="wall-source" checked={source === 'layout'} data-testid="wall-source-layout" onChange={() => setSource('layout')} />
          <span>{t('walls.sourceLayout')}</span>
        </label>
        <label className="checkbox">
          <input type="radio" name="wall-source" checked={source === 'tour'} data-testid="wall-source-tour" onChange={() => setSource('tour')} />
          <span>{t('walls.sourceTour')}</span>
        </label>
      </fieldset>
      {source === 'layout' && (
        <p className="muted">
          {liveCameras.length > 0
            ? t('walls.currentLayout', { grid: current.grid, names: liveCameras.map((id) => names.get(id) ?? id).join(', ') })
            : t('walls.emptyLayout')}
        </p>
      )}
      {source === 'tour' && (
        <div className="wall-tour-form">
          <div className="form-grid">
            <label>
              <span>{t('walls.interval', { min: minTourSeconds, max: maxTourSeconds })}</span>
              <input
                type="number"
                min={minTourSeconds}
                max={maxTourSeconds}
                value={interval}
                data-testid="wall-tour-interval"
                onChange={(event) => setIntervalText(event.target.value)}
              />
            </label>
            <label>
              <span>{t('walls.tourGrid')}</span>
              <select value={tourGrid} data-testid="wall-tour-grid" onChange={(event) => setTourGrid(Number(event.target.value) as Grid)}>
                {grids.map((grid) => (
                  <option key={grid} value={grid}>
                    {t('walls.gridOption', { n: grid })}
                  </option>
                ))}
              </select>
            </label>
            <label>
              <span>{t('common.search')}</span>
              <input type="search" value={filter} onChange={(event) => setFilter(event.target.value)} />
            </label>
          </div>
          <p className="small muted">
            {chosen.length > 0 ? t('walls.tourOrder', { names: chosen.map((id) => names.get(id) ?? id).join(' → ') }) : t('walls.tourPick')}
          </p>
          <ul className="wall-tour-cameras">
            {listed.map((camera) => (
              <li key={camera.id}>
                <label className="checkbox">
                  <input
                    type="checkbox"
                    checked={chosen.includes(camera.id)}
                    data-testid="wall-tour-camera"
                    data-camera-id={camera.id}
                    onChange={() => toggle(camera.id)}
                  />
                  <span>
                    {camera.name} <span className="muted small">· {camera.siteName}</span>
                  </span>
                </label>
              </li>
            ))}
          </ul>
        </div>
      )}
      <WallPushControl
        walls={walls}
        payload={source === 'layout' ? layoutPayload : tourPayload}
        onPushed={onPushed}
        emptyReason={source === 'layout' ? t('walls.emptyLayout') : t('walls.tourInvalid', { min: minTourSeconds, max: maxTourSeconds })}
      />
    </section>
  );
}
