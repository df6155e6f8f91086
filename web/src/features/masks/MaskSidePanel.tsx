// The mask editor's right column: the position (whole camera or a PTZ preset), the masks of
// that position, the name and saving of the mask being edited with its problems, and the
// camera's masking mode. Also the still loader (GET /api/cameras/:id/still.jpg, audited by the
// server), fetched as a blob so that a refusal is shown in words.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Camera, CameraMasks, MaskMode, Me, PrivacyMask } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { Translate } from '../../i18n/translate.ts';
import { ApiError, networkError, parseErrorBody } from '../../lib/errors.ts';
import { ErrorNotice, Loading, Notice, type Loaded } from '../../ui.tsx';
import type { MaskProblem } from './maskGeometry.ts';

export interface Still {
  url: string | null;
  loading: boolean;
  error: unknown;
  refresh(): void;
  /** Refreshes after `delayMs` (the recorder restarting with a new mask, a PTZ move). */
  refreshSoon(delayMs: number): void;
}

export function useStill(cameraId: string): Still {
  const [url, setUrl] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [generation, setGeneration] = useState(0);
  const timer = useRef(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: generation is the refresh trigger: a new value fetches a new still
  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    (async () => {
      let response: Response;
      try {
        response = await fetch(`/api/cameras/${encodeURIComponent(cameraId)}/still.jpg`, {
          credentials: 'same-origin',
          cache: 'no-store',
          signal: controller.signal,
        });
      } catch {
        throw networkError();
      }
      if (!response.ok) throw new ApiError(response.status, parseErrorBody(await response.text()));
      const created = URL.createObjectURL(await response.blob());
      if (controller.signal.aborted) {
        URL.revokeObjectURL(created);
        return;
      }
      // The previous picture stays on screen until this one replaces it (then it is revoked below).
      setUrl(created);
      setError(null);
    })()
      .catch((failure: unknown) => {
        if (!controller.signal.aborted) setError(failure);
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, [cameraId, generation]);

  useEffect(() => () => window.clearTimeout(timer.current), []);
  useEffect(
    () => () => {
      if (url) URL.revokeObjectURL(url);
    },
    [url],
  );
  const refresh = useCallback(() => setGeneration((value) => value + 1), []);
  const refreshSoon = useCallback(
    (delayMs: number) => {
      window.clearTimeout(timer.current);
      timer.current = window.setTimeout(refresh, delayMs);
    },
    [refresh],
  );
  return { url, loading, error, refresh, refreshSoon };
}

function problemText(problem: MaskProblem, t: Translate): string {
  switch (problem.code) {
    case 'none':
      return t('masks.problem.none');
    case 'tooMany':
      return t('masks.problem.tooMany', { max: problem.max });
    case 'points':
      return t('masks.problem.points', { polygon: problem.polygon, min: problem.min, max: problem.max });
    case 'outside':
      return t('masks.problem.outside', { polygon: problem.polygon, point: problem.point });
    case 'area':
      return t('masks.problem.area', { polygon: problem.polygon });
    case 'crossing':
      return t('masks.problem.crossing', { polygon: problem.polygon });
  }
}

interface SidePanelProps {
  camera: Camera;
  me: Me;
  isPtz: boolean;
  ptz: Loaded<{ presets: { token: string; name: string }[] } | null>;
  presetToken: string | null;
  onPreset(token: string | null): void;
  onGotoPreset(token: string): void;
  masks: Loaded<CameraMasks>;
  atPosition: readonly PrivacyMask[];
  editingId: string | null;
  onEdit(mask: PrivacyMask): void;
  onNew(): void;
  onDelete(mask: PrivacyMask): void;
  name: string;
  onName(name: string): void;
  problems: readonly MaskProblem[];
  nameMissing: boolean;
  dirty: boolean;
  busy: boolean;
  canSave: boolean;
  onSave(): void;
  mode: MaskMode;
  modeChosen: boolean;
  onMode(mode: MaskMode): void;
}

export function MaskSidePanel(props: SidePanelProps) {
  const { t } = useI18n();
  const { isPtz, ptz, presetToken, masks, atPosition, editingId } = props;
  const presets = ptz.data?.presets ?? [];
  const canMove = props.me.actions.includes('ptz.control');
  const presetName = (token: string | null) => presets.find((preset) => preset.token === token)?.name ?? token ?? '';

  return (
    <aside className="mask-side">
      <div className="panel">
        {isPtz && (
          <>
            <label>
              <span>{t('masks.position')}</span>
              <select value={presetToken ?? ''} onChange={(event) => props.onPreset(event.target.value || null)} data-testid="mask-position">
                <option value="">{t('masks.wholeCamera')}</option>
                {presets.map((preset) => (
                  <option key={preset.token} value={preset.token}>
                    {t('masks.preset', { name: preset.name })}
                  </option>
                ))}
              </select>
            </label>
            {ptz.loading && <Loading />}
            {Boolean(ptz.error) && <p className="warning-text small">{t('masks.presetsUnavailable')}</p>}
            {presetToken && canMove && (
              <button type="button" className="button-small mask-goto" onClick={() => props.onGotoPreset(presetToken)}>
                {t('masks.gotoPreset')}
              </button>
            )}
          </>
        )}
        <h2>{t('masks.list')}</h2>
        {masks.loading && !masks.data && <Loading />}
        {Boolean(masks.error) && <ErrorNotice error={masks.error} onRetry={masks.reload} />}
        {masks.data && atPosition.length === 0 && <p className="muted">{t('masks.none')}</p>}
        <ul className="mask-list">
          {atPosition.map((mask) => (
            <li key={mask.id} className={mask.id === editingId ? 'editing' : undefined} data-testid="mask-item" data-mask-id={mask.id}>
              <div className="mask-list-text">
                <span className="mask-list-name">{mask.name}</span>
                <span className="muted small">
                  {t('masks.polygons', { count: mask.polygons.length })} ·{' '}
                  {mask.presetToken ? t('masks.scopePreset', { name: presetName(mask.presetToken) }) : t('masks.scopeAll')}
                </span>
              </div>
              {mask.id === editingId ? (
                <span className="badge neutral">{t('masks.editing')}</span>
              ) : (
                <button type="button" className="button-small" onClick={() => props.onEdit(mask)}>
                  {t('masks.edit')}
                </button>
              )}
              <button type="button" className="button-small danger" onClick={() => props.onDelete(mask)} disabled={props.busy} data-testid="mask-delete">
                {t('masks.delete')}
              </button>
            </li>
          ))}
        </ul>
        <button type="button" className="button-secondary" onClick={props.onNew} disabled={editingId === null && !props.dirty} data-testid="mask-new">
          {t('masks.new')}
        </button>
      </div>
      <div className="panel">
        <label>
          <span>{t('masks.name')}</span>
          <input
            value={props.name}
            maxLength={100}
            onChange={(event) => props.onName(event.target.value)}
            data-testid="mask-name"
            aria-invalid={props.nameMissing}
          />
        </label>
        {props.problems.length > 0 && (
          <ul className="mask-problems" aria-live="polite">
            {props.problems.map((problem) => (
              <li
                key={`${problem.code}:${'polygon' in problem ? problem.polygon : ''}`}
                className={problem.code === 'crossing' ? 'warning-text' : 'danger-text'}
              >
                {problemText(problem, t)}
              </li>
            ))}
          </ul>
        )}
        {props.nameMissing && <p className="danger-text">{t('masks.problem.name')}</p>}
        {props.dirty && <p className="warning-text small">{t('masks.unsaved')}</p>}
        <p className="small muted">{props.mode === 'server' ? t('masks.restartNote') : t('masks.inCameraNote')}</p>
        <button type="button" className="button-primary" onClick={props.onSave} disabled={!props.canSave || props.busy} data-testid="mask-save">
          {props.busy ? t('masks.saving') : t('masks.save')}
        </button>
      </div>
      <div className="panel">
        <fieldset className="mask-mode">
          <legend>{t('masks.mode')}</legend>
          {(['server', 'in_camera'] as const).map((mode) => (
            <label key={mode} className="checkbox">
              <input
                type="radio"
                name={`mask-mode-${props.camera.id}`}
                value={mode}
                checked={props.mode === mode}
                onChange={() => props.onMode(mode)}
                disabled={props.busy || !masks.data}
                data-testid={`mask-mode-${mode}`}
              />
              <span>{t(`masks.mode.${mode}`)}</span>
            </label>
          ))}
        </fieldset>
        {masks.data && !props.modeChosen && <Notice kind="info">{t('masks.modeDefault')}</Notice>}
      </div>
    </aside>
  );
}
