// Saved layouts (mosaïques): the user's own and the shared ones; load, save, save as (optionally
// shared), delete. The server keeps them per user (GET/POST/PUT/DELETE /api/layouts).
import { useState, type FormEvent } from 'react';
import type { Me } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { ErrorNotice, Loading, Notice, useLoad } from '../../ui.tsx';
import type { SavedLayout } from '../../api/types.ts';
import { layoutsApi } from './layouts-api.ts';
import type { Grid } from '../live/live-grid.ts';

export interface SavedLayoutsProps {
  me: Me;
  grid: Grid;
  /** The tiles the grid shows (saved as they are). */
  tiles: (string | null)[];
  onLoad(layout: SavedLayout): void;
}

export function SavedLayouts({ me, grid, tiles, onLoad }: SavedLayoutsProps) {
  const { t } = useI18n();
  const layouts = useLoad(() => layoutsApi.list(), [me.id]);
  const [chosenId, setChosenId] = useState('');
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const canWrite = me.actions.includes('layout.write');
  const list = layouts.data ?? [];
  const chosen = list.find((layout) => layout.id === chosenId) ?? null;
  const own = list.filter((layout) => layout.mine);
  const others = list.filter((layout) => !layout.mine);

  const run = async (action: () => Promise<string>) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      setDone(await action());
      layouts.reload();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const saveAs = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return;
    void run(async () => {
      const created = await layoutsApi.create({ name: trimmed, grid, tiles, shared });
      setChosenId(created.id);
      setNaming(false);
      setName('');
      return t('layouts.saved', { name: created.name });
    });
  };

  const label = (layout: SavedLayout) => (layout.mine ? layout.name : t('layouts.sharedBy', { name: layout.name, owner: layout.ownerLogin }));

  return (
    <section className="panel saved-layouts" aria-labelledby="saved-layouts-title">
      <h2 id="saved-layouts-title">{t('layouts.title')}</h2>
      {layouts.loading && !layouts.data && <Loading />}
      {Boolean(layouts.error) && <ErrorNotice error={layouts.error} onRetry={layouts.reload} />}
      {Boolean(error) && <ErrorNotice error={error} />}
      {done && <Notice kind="success">{done}</Notice>}
      {layouts.data && (
        <label>
          <span>{t('layouts.choose')}</span>
          <select
            value={chosenId}
            data-testid="layout-select"
            onChange={(event) => {
              setChosenId(event.target.value);
              setDone(null);
            }}
          >
            <option value="">{list.length === 0 ? t('layouts.none') : '—'}</option>
            {own.length > 0 && (
              <optgroup label={t('layouts.mine')}>
                {own.map((layout) => (
                  <option key={layout.id} value={layout.id}>
                    {label(layout)}
                    {layout.shared ? ` (${t('layouts.shared')})` : ''}
                  </option>
                ))}
              </optgroup>
            )}
            {others.length > 0 && (
              <optgroup label={t('layouts.others')}>
                {others.map((layout) => (
                  <option key={layout.id} value={layout.id}>
                    {label(layout)}
                  </option>
                ))}
              </optgroup>
            )}
          </select>
        </label>
      )}
      <div className="button-row saved-layouts-actions">
        <button
          type="button"
          className="button-small"
          data-testid="layout-load"
          disabled={!chosen || busy}
          onClick={() => {
            if (chosen) {
              onLoad(chosen);
              setDone(t('layouts.loaded', { name: chosen.name }));
            }
          }}
        >
          {t('layouts.load')}
        </button>
        {canWrite && chosen?.mine && (
          <button
            type="button"
            className="button-small"
            data-testid="layout-save"
            disabled={busy}
            onClick={() =>
              void run(async () => {
                await layoutsApi.update(chosen.id, { name: chosen.name, grid, tiles, shared: chosen.shared });
                return t('layouts.saved', { name: chosen.name });
              })
            }
          >
            {t('layouts.overwrite')}
          </button>
        )}
        {canWrite && chosen?.mine && (
          <button
            type="button"
            className="button-small danger"
            data-testid="layout-delete"
            disabled={busy}
            onClick={() => {
              if (window.confirm(t('layouts.confirmDelete', { name: chosen.name })))
                void run(async () => {
                  await layoutsApi.remove(chosen.id);
                  setChosenId('');
                  return t('layouts.deleted', { name: chosen.name });
                });
            }}
          >
            {t('layouts.delete')}
          </button>
        )}
        {canWrite && !naming && (
          <button type="button" className="button-small" data-testid="layout-save-as" onClick={() => setNaming(true)}>
            {t('layouts.saveAs')}
          </button>
        )}
      </div>
      {canWrite && naming && (
        <form className="form-stack compact-form" onSubmit={saveAs}>
          <label>
            <span>{t('layouts.name')}</span>
            <input
              value={name}
              maxLength={80}
              // biome-ignore lint/a11y/noAutofocus: the field appears because the operator chose "save as": they type the name next
              autoFocus
              data-testid="layout-name"
              onChange={(event) => setName(event.target.value)}
            />
          </label>
          <label className="checkbox">
            <input type="checkbox" checked={shared} data-testid="layout-shared" onChange={(event) => setShared(event.target.checked)} />
            <span>{t('layouts.shareWithTeam')}</span>
          </label>
          <div className="button-row">
            <button type="submit" className="button-primary" data-testid="layout-create" disabled={busy || name.trim() === ''}>
              {t('common.save')}
            </button>
            <button type="button" className="button-secondary" onClick={() => setNaming(false)}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
