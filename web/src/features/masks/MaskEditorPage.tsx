// Mask editor (issue 5, LEGAL 4): privacy polygons drawn on a still of the camera, for the whole
// camera or (PTZ) one preset, previewed as they will be burnt in, saved through the masks API
// (audited by the server), and the camera's masking mode. Saving restarts the camera's recorder
// with the mask burnt in (mode `server`).
import { useEffect, useMemo, useState } from 'react';
import { api } from '../../api/client.ts';
import type { Camera, MaskMode, Me, PrivacyMask } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { ErrorNotice, Loading, Notice, PageHeader, useLoad } from '../../ui.tsx';
import { CameraPicker } from '../playback/CameraPicker.tsx';
import { closeOpen, deleteSelection, emptyDraft, MaskCanvas, type Draft } from './MaskCanvas.tsx';
import { MaskSidePanel, useStill } from './MaskSidePanel.tsx';
import { blocksSaving, fromApiPolygons, maskProblems, toApiPolygons, type MaskProblem } from './maskGeometry.ts';
import './masks.css';

interface Editing {
  /** Null: a new mask. */
  maskId: string | null;
  name: string;
  draft: Draft;
  /** What was loaded, to tell unsaved changes. */
  original: string;
}

const fingerprint = (name: string, draft: Draft) => JSON.stringify([name.trim(), draft.polygons]);

function newEditing(name: string): Editing {
  return { maskId: null, name, draft: emptyDraft, original: fingerprint(name, emptyDraft) };
}

function editingOf(mask: PrivacyMask): Editing {
  const draft: Draft = { polygons: fromApiPolygons(mask.polygons), open: [], selection: null };
  return { maskId: mask.id, name: mask.name, draft, original: fingerprint(mask.name, draft) };
}

export function MaskEditorPage({ me }: { me: Me }) {
  const { t } = useI18n();
  const cameras = useLoad(() => api('GET', '/api/cameras'), []);
  const [cameraId, setCameraId] = useState<string | null>(null);
  const camera = cameras.data?.find((candidate) => candidate.id === cameraId) ?? null;

  return (
    <div className="masks-page">
      <PageHeader title={t('masks.title')} />
      <p className="muted masks-intro">{t('masks.intro')}</p>
      <div className="masks-layout">
        <aside className="panel masks-cameras" aria-label={t('masks.camera')}>
          {cameras.loading && !cameras.data && <Loading />}
          {Boolean(cameras.error) && <ErrorNotice error={cameras.error} onRetry={cameras.reload} />}
          {cameras.data && (
            <CameraPicker cameras={cameras.data} selectedIds={cameraId ? [cameraId] : []} onPick={(picked) => setCameraId(picked.id)} testId="mask-camera" />
          )}
        </aside>
        <section className="masks-main" aria-label={t('masks.still')}>
          {camera ? (
            <CameraMaskEditor key={camera.id} camera={camera} me={me} />
          ) : (
            <div className="panel">
              <p className="muted">{t('masks.pickCamera')}</p>
            </div>
          )}
        </section>
      </div>
    </div>
  );
}

function CameraMaskEditor({ camera, me }: { camera: Camera; me: Me }) {
  const { t } = useI18n();
  const isPtz = camera.kind === 'ptz';
  const ptz = useLoad(() => (isPtz ? api('GET', '/api/cameras/{id}/ptz', { path: { id: camera.id } }) : Promise.resolve(null)), [camera.id]);
  const masks = useLoad(() => api('GET', '/api/cameras/{id}/masks', { path: { id: camera.id } }), [camera.id]);
  const [presetToken, setPresetToken] = useState<string | null>(null);
  const still = useStill(camera.id);
  const [preview, setPreview] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const atPosition = useMemo(() => (masks.data?.masks ?? []).filter((mask) => mask.presetToken === presetToken), [masks.data, presetToken]);
  const defaultName = () => t('masks.defaultName', { n: atPosition.length + 1 });
  const [editing, setEditing] = useState<Editing>(() => newEditing(t('masks.defaultName', { n: 1 })));

  // A new position (or the masks once loaded): a fresh mask, unless one of that position is being edited.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs for a new position or newly loaded masks only; defaultName is a new function on every render
  useEffect(() => {
    setEditing((current) => (current.maskId && atPosition.some((mask) => mask.id === current.maskId) ? current : newEditing(defaultName())));
  }, [presetToken, masks.data]);

  const others = atPosition.filter((mask) => mask.id !== editing.maskId).flatMap((mask) => fromApiPolygons(mask.polygons));
  const context =
    presetToken === null ? [] : (masks.data?.masks ?? []).filter((mask) => mask.presetToken === null).flatMap((mask) => fromApiPolygons(mask.polygons));
  const closed = closeOpen(editing.draft);
  const problems: MaskProblem[] = maskProblems(closed.polygons);
  const nameMissing = editing.name.trim().length === 0;
  const dirty = fingerprint(editing.name, closed) !== editing.original || editing.draft.open.length > 0;
  const mode = masks.data?.mode ?? 'server';

  const run = async (action: () => Promise<string>) => {
    setBusy(true);
    setFailure(null);
    setNotice(null);
    try {
      setNotice(await action());
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };

  const save = () =>
    run(async () => {
      const body = { name: editing.name.trim(), polygons: toApiPolygons(closed.polygons), presetToken };
      const saved = editing.maskId
        ? await api('PATCH', '/api/masks/{id}', { path: { id: editing.maskId }, json: body })
        : await api('POST', '/api/masks', { json: { ...body, cameraId: camera.id } });
      setEditing(editingOf(saved));
      masks.reload();
      // The recorder restarts with the mask: a fresh still shows it burnt in a few seconds later.
      still.refreshSoon(5000);
      return mode === 'server' ? `${t('masks.saved', { name: saved.name })} ${t('masks.restartShort')}` : t('masks.saved', { name: saved.name });
    });

  const remove = (mask: PrivacyMask) => {
    if (!window.confirm(t('masks.confirmDelete', { name: mask.name }))) return;
    void run(async () => {
      await api('DELETE', '/api/masks/{id}', { path: { id: mask.id } });
      if (editing.maskId === mask.id) setEditing(newEditing(defaultName()));
      masks.reload();
      still.refreshSoon(5000);
      return t('masks.deleted', { name: mask.name });
    });
  };

  const setMode = (next: MaskMode) =>
    run(async () => {
      await api('PUT', '/api/cameras/{id}/masks/mode', { path: { id: camera.id }, json: { mode: next } });
      masks.reload();
      return t('masks.modeSaved');
    });

  const gotoPreset = (token: string) =>
    run(async () => {
      await api('POST', '/api/cameras/{id}/ptz/presets/{token}/goto', { path: { id: camera.id, token } });
      still.refreshSoon(3000);
      return t('masks.preset', { name: ptz.data?.presets.find((preset) => preset.token === token)?.name ?? token });
    });

  return (
    <div className="mask-camera" data-camera-id={camera.id}>
      {failure !== null && <ErrorNotice error={failure} />}
      {notice && <Notice kind="success">{notice}</Notice>}
      <div className="mask-work">
        <div className="panel mask-canvas-panel">
          <div className="mask-toolbar">
            <h2>{camera.name}</h2>
            <div className="button-row">
              <label className="checkbox">
                <input type="checkbox" checked={preview} onChange={(event) => setPreview(event.target.checked)} data-testid="mask-preview" />
                <span>{t('masks.preview')}</span>
              </label>
              <button type="button" className="button-secondary" onClick={still.refresh} disabled={still.loading} data-testid="mask-refresh">
                {t('masks.refresh')}
              </button>
            </div>
          </div>
          {still.loading && <Loading />}
          {still.error !== null && <ErrorNotice error={still.error} onRetry={still.refresh} />}
          <MaskCanvas
            stillUrl={still.url}
            draft={editing.draft}
            onDraft={(draft) => setEditing((current) => ({ ...current, draft }))}
            others={[...context, ...others]}
            preview={preview}
          />
          <p className="hint" id="mask-help">
            {t('masks.help')}
          </p>
          {editing.draft.open.length > 0 && (
            <p className="muted small" role="status">
              {t('masks.drawing', { count: editing.draft.open.length })}
            </p>
          )}
          <div className="button-row">
            <button
              type="button"
              className="button-small"
              onClick={() => setEditing({ ...editing, draft: closeOpen(editing.draft) })}
              disabled={editing.draft.open.length < 3}
            >
              {t('masks.closePolygon')}
            </button>
            <button
              type="button"
              className="button-small"
              onClick={() => setEditing({ ...editing, draft: { ...editing.draft, open: [] } })}
              disabled={editing.draft.open.length === 0}
            >
              {t('masks.cancelDrawing')}
            </button>
            <button
              type="button"
              className="button-small"
              onClick={() => setEditing({ ...editing, draft: deleteSelection(editing.draft) })}
              disabled={editing.draft.selection === null && editing.draft.open.length === 0}
            >
              {t('masks.deleteSelection')}
            </button>
            <button
              type="button"
              className="button-small danger"
              onClick={() => setEditing({ ...editing, draft: emptyDraft })}
              disabled={editing.draft.polygons.length === 0 && editing.draft.open.length === 0}
            >
              {t('masks.clear')}
            </button>
          </div>
          {mode === 'server' && <p className="muted small">{t('masks.stillNote')}</p>}
        </div>
        <MaskSidePanel
          camera={camera}
          me={me}
          isPtz={isPtz}
          ptz={ptz}
          presetToken={presetToken}
          onPreset={setPresetToken}
          onGotoPreset={(token) => void gotoPreset(token)}
          masks={masks}
          atPosition={atPosition}
          editingId={editing.maskId}
          onEdit={(mask) => setEditing(editingOf(mask))}
          onNew={() => setEditing(newEditing(defaultName()))}
          onDelete={remove}
          name={editing.name}
          onName={(name) => setEditing({ ...editing, name })}
          problems={problems}
          nameMissing={nameMissing}
          dirty={dirty}
          busy={busy}
          canSave={!blocksSaving(problems) && !nameMissing && dirty && (editing.draft.open.length === 0 || editing.draft.open.length >= 3)}
          onSave={() => void save()}
          mode={mode}
          modeChosen={masks.data?.modeChosen ?? false}
          onMode={(next) => void setMode(next)}
        />
      </div>
    </div>
  );
}
