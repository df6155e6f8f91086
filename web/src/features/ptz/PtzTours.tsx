// Patrol tours of a PTZ camera (virtual patrol): the list with enable / disable, and a small form
// to create one from the camera's presets, each with its dwell time, optionally within a daily
// window (Paris time, as the server schedules it).
import { useState, type FormEvent } from 'react';
import { useI18n } from '../../i18n/i18n.tsx';
import { ErrorNotice, Loading, useLoad } from '../../ui.tsx';
import type { PtzPreset, PtzTourDraft } from '../../api/types.ts';
import { ptzApi, tourWithEnabled } from './ptz-api.ts';
import { maxDwellSeconds, minDwellSeconds, tourDraftProblems, type TourStepDraft } from './ptz-control.ts';

export function PtzTours({ cameraId, presets, canWrite }: { cameraId: string; presets: PtzPreset[]; canWrite: boolean }) {
  const { t } = useI18n();
  const tours = useLoad(() => ptzApi.tours(cameraId), [cameraId]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [creating, setCreating] = useState(false);
  const presetName = (token: string) => presets.find((preset) => preset.token === token)?.name ?? token;

  const run = async (action: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await action();
      tours.reload();
      return true;
    } catch (failure) {
      setError(failure);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const list = tours.data ?? [];
  return (
    <div className="ptz-tours">
      <h3>{t('ptz.tours')}</h3>
      {tours.loading && !tours.data && <Loading />}
      {Boolean(tours.error) && <ErrorNotice error={tours.error} onRetry={tours.reload} />}
      {Boolean(error) && <ErrorNotice error={error} />}
      {tours.data && list.length === 0 && <p className="muted small">{t('ptz.noTours')}</p>}
      {list.length > 0 && (
        <ul className="ptz-tour-list">
          {list.map((tour) => (
            <li key={tour.id} data-testid="ptz-tour" data-tour-id={tour.id}>
              <div className="ptz-tour-head">
                <strong>{tour.name}</strong>
                <span className={`badge ${tour.enabled ? 'ok' : 'neutral'}`}>{tour.enabled ? t('ptz.tour.on') : t('ptz.tour.off')}</span>
                {tour.running && <span className="badge state-starting">{t('ptz.tour.running')}</span>}
              </div>
              <p className="small muted">
                {tour.steps.map((step) => t('ptz.tour.step', { preset: presetName(step.presetToken), seconds: step.dwellSeconds })).join(' → ')}
                {tour.activeFrom && tour.activeTo ? ` · ${t('ptz.tour.window', { from: tour.activeFrom, to: tour.activeTo })}` : ''}
              </p>
              {canWrite && (
                <div className="button-row">
                  <button
                    type="button"
                    className="button-small"
                    data-testid="ptz-tour-toggle"
                    disabled={busy}
                    onClick={() => void run(() => ptzApi.updateTour(tour.id, tourWithEnabled(tour, !tour.enabled)))}
                  >
                    {tour.enabled ? t('ptz.tour.disable') : t('ptz.tour.enable')}
                  </button>
                  <button
                    type="button"
                    className="button-small danger"
                    disabled={busy}
                    onClick={() => {
                      if (window.confirm(t('ptz.tour.confirmDelete', { name: tour.name }))) void run(() => ptzApi.removeTour(tour.id));
                    }}
                  >
                    {t('ptz.tour.delete')}
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      {canWrite && !creating && (
        <button
          type="button"
          className="button-small"
          data-testid="ptz-tour-new"
          disabled={presets.length < 2}
          onClick={() => setCreating(true)}
          title={presets.length < 2 ? t('ptz.tour.needPresets') : undefined}
        >
          {t('ptz.tour.new')}
        </button>
      )}
      {canWrite && presets.length < 2 && <p className="small muted">{t('ptz.tour.needPresets')}</p>}
      {canWrite && creating && (
        <TourForm
          presets={presets}
          busy={busy}
          onCancel={() => setCreating(false)}
          onSubmit={async (draft) => {
            if (await run(() => ptzApi.createTour(cameraId, draft))) setCreating(false);
          }}
        />
      )}
    </div>
  );
}

function TourForm({ presets, busy, onSubmit, onCancel }: { presets: PtzPreset[]; busy: boolean; onSubmit(draft: PtzTourDraft): void; onCancel(): void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [steps, setSteps] = useState<TourStepDraft[]>(() => presets.slice(0, 2).map((preset) => ({ presetToken: preset.token, dwellSeconds: '15' })));
  const [activeFrom, setActiveFrom] = useState('');
  const [activeTo, setActiveTo] = useState('');
  const [enabled, setEnabled] = useState(true);
  const [tried, setTried] = useState(false);
  const problems = tourDraftProblems(name, steps, activeFrom, activeTo);

  const setStep = (index: number, change: Partial<TourStepDraft>) =>
    setSteps((current) => current.map((step, position) => (position === index ? { ...step, ...change } : step)));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (problems.length > 0) return;
    const draft: PtzTourDraft = {
      name: name.trim(),
      enabled,
      steps: steps.filter((step) => step.presetToken !== '').map((step) => ({ presetToken: step.presetToken, dwellSeconds: Number(step.dwellSeconds) })),
    };
    if (activeFrom && activeTo) Object.assign(draft, { activeFrom, activeTo });
    onSubmit(draft);
  };

  return (
    <form className="ptz-tour-form form-stack" onSubmit={submit} data-testid="ptz-tour-form">
      <label>
        <span>{t('ptz.tour.name')}</span>
        <input value={name} maxLength={80} required onChange={(event) => setName(event.target.value)} />
      </label>
      <fieldset className="ptz-steps">
        <legend>{t('ptz.tour.steps')}</legend>
        {steps.map((step, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: steps have no identity of their own until saved: their position is their key
          <div className="ptz-step" key={index}>
            <label>
              <span>{t('ptz.tour.preset', { n: index + 1 })}</span>
              <select value={step.presetToken} onChange={(event) => setStep(index, { presetToken: event.target.value })}>
                <option value="">—</option>
                {presets.map((preset) => (
                  <option key={preset.token} value={preset.token}>
                    {preset.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              <span>{t('ptz.tour.dwell')}</span>
              <input
                type="number"
                min={minDwellSeconds}
                max={maxDwellSeconds}
                value={step.dwellSeconds}
                onChange={(event) => setStep(index, { dwellSeconds: event.target.value })}
              />
            </label>
            <button
              type="button"
              className="button-small"
              aria-label={t('ptz.tour.removeStep', { n: index + 1 })}
              disabled={steps.length <= 1}
              onClick={() => setSteps((current) => current.filter((_, position) => position !== index))}
            >
              ×
            </button>
          </div>
        ))}
        <button
          type="button"
          className="button-small"
          disabled={steps.length >= 32}
          onClick={() => setSteps((current) => [...current, { presetToken: '', dwellSeconds: '15' }])}
        >
          {t('ptz.tour.addStep')}
        </button>
      </fieldset>
      <div className="ptz-window">
        <label>
          <span>{t('ptz.tour.from')}</span>
          <input type="time" value={activeFrom} onChange={(event) => setActiveFrom(event.target.value)} />
        </label>
        <label>
          <span>{t('ptz.tour.to')}</span>
          <input type="time" value={activeTo} onChange={(event) => setActiveTo(event.target.value)} />
        </label>
      </div>
      <p className="hint">{t('ptz.tour.windowHelp')}</p>
      <label className="checkbox">
        <input type="checkbox" checked={enabled} onChange={(event) => setEnabled(event.target.checked)} />
        <span>{t('ptz.tour.enabled')}</span>
      </label>
      {tried && problems.length > 0 && (
        <ul className="danger-text small" role="alert">
          {problems.map((problem) => (
            <li key={problem}>{t(problem)}</li>
          ))}
        </ul>
      )}
      <div className="button-row">
        <button type="submit" className="button-primary" disabled={busy}>
          {t('ptz.tour.create')}
        </button>
        <button type="button" className="button-secondary" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
