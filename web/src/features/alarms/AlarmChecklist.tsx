// The selected alarm's procedure (fiche réflexe, docs/alarms.md "Procedures") as a checklist: each
// step with its deadline counting down (red once passed), the number of a `call` shown big, the
// cameras of an `open_cameras` step opened on the operator's live layout, a comment for a
// `comment` step. Each tick is sent to the server (timestamped, audited); the list is read again
// whenever the live queue brings a change of this alarm (another operator's tick included).
import { useEffect, useState } from 'react';
import { api, type ApiAnswer } from '../../api/client.ts';
import type { Alarm, Camera, Me } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { formatParisDateTime } from '../../lib/dates.ts';
import { ErrorNotice } from '../../ui.tsx';
import { saveCurrentLayout } from '../layouts/live-layout-store.ts';
import { normaliseTiles } from '../live/live-grid.ts';
import { camerasOf, gridFor } from './alarm-queue.ts';
import { countdown } from './procedure-steps.ts';

type AlarmSteps = ApiAnswer<'GET', '/api/alarms/{id}/steps'>;
type AlarmStep = AlarmSteps['steps'][number];

/** Puts the cameras on the operator's live layout and goes there (as the queue's "Ouvrir les caméras"). */
function openOnLive(meId: string, ids: string[]): void {
  saveCurrentLayout(meId, { grid: gridFor(ids.length), tiles: normaliseTiles(ids) });
  window.history.pushState(null, '', '/live');
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function AlarmChecklist({ me, alarm, cameras, now }: { me: Me; alarm: Alarm; cameras: readonly Camera[]; now: number }) {
  const { t } = useI18n();
  const [steps, setSteps] = useState<AlarmSteps | null>(null);
  const [error, setError] = useState<unknown>(null);
  // A new alarm object is a change pushed for this alarm (a tick, an escalation): read the steps again.
  useEffect(() => {
    let current = true;
    api('GET', '/api/alarms/{id}/steps', { path: { id: alarm.id } }).then(
      (value) => current && setSteps(value),
      (failure: unknown) => current && setError(failure),
    );
    return () => {
      current = false;
    };
  }, [alarm]);

  if (!steps) return error ? <ErrorNotice error={error} /> : null;
  if (steps.steps.length === 0) return <p className="muted small">{t('procedures.none')}</p>;
  const canHandle = me.actions.includes('alarm.handle') && alarm.state !== 'closed';
  return (
    <section className="alarm-checklist" aria-labelledby="alarm-checklist-title" data-testid="alarm-checklist">
      <h3 id="alarm-checklist-title">
        {t('procedures.checklist')} <span className="small muted">({t('procedures.version', { version: steps.procedure?.version ?? 0 })})</span>
      </h3>
      <ol className="checklist">
        {steps.steps.map((step) => (
          <ChecklistStep
            key={step.id}
            me={me}
            alarm={alarm}
            step={step}
            cameras={cameras}
            now={now}
            canHandle={canHandle}
            onChanged={(next) => {
              setSteps(next);
              setError(null);
            }}
            onError={setError}
          />
        ))}
      </ol>
      {Boolean(error) && <ErrorNotice error={error} />}
    </section>
  );
}

function ChecklistStep({
  me,
  alarm,
  step,
  cameras,
  now,
  canHandle,
  onChanged,
  onError,
}: {
  me: Me;
  alarm: Alarm;
  step: AlarmStep;
  cameras: readonly Camera[];
  now: number;
  canHandle: boolean;
  onChanged(steps: AlarmSteps): void;
  onError(error: unknown): void;
}) {
  const { t, language } = useI18n();
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const done = step.doneAt !== null;
  const label = language === 'en' && step.labelEn ? step.labelEn : step.labelFr;
  const due = step.dueAt && !done ? countdown(step.dueAt, now) : null;
  const cameraIds = step.cameraIds.length > 0 ? step.cameraIds : camerasOf(alarm, cameras);

  const tick = async (body: { done: boolean; comment?: string }): Promise<boolean> => {
    setBusy(true);
    try {
      onChanged(await api('POST', '/api/alarms/{id}/steps/{stepId}', { path: { id: alarm.id, stepId: step.id }, json: body }));
      return true;
    } catch (failure) {
      onError(failure);
      return false;
    } finally {
      setBusy(false);
    }
  };

  return (
    <li
      className={`checklist-step${done ? ' done' : ''}${due?.overdue ? ' overdue' : ''}`}
      data-testid="checklist-step"
      data-step-id={step.id}
      data-done={done}
    >
      <div className="checklist-head">
        <span className="checklist-label">{label}</span>
        {step.mandatory && <span className="badge warning">{t('procedures.mandatory')}</span>}
        {due && (
          <span className={`checklist-due${due.overdue ? ' overdue' : ''}`} data-testid="step-countdown" data-overdue={due.overdue}>
            {due.overdue ? t('procedures.overdue') : t('procedures.due')} {due.text}
          </span>
        )}
      </div>
      {step.kind === 'call' && step.number && (
        <a className="checklist-number" href={`tel:${step.number.replace(/[^0-9+]/g, '')}`} data-testid="step-number">
          {step.number}
        </a>
      )}
      {step.kind === 'notify_oncall' && step.service && <div className="small">{t('procedures.notify', { service: step.service })}</div>}
      {done ? (
        <div className="small muted">
          {t('procedures.doneBy', { login: step.doneBy ?? '', time: formatParisDateTime(step.doneAt, language) })}
          {step.comment && <div>« {step.comment} »</div>}
          {canHandle && (
            <button type="button" className="button-link" disabled={busy} onClick={() => void tick({ done: false })}>
              {t('procedures.undo')}
            </button>
          )}
        </div>
      ) : (
        canHandle && (
          <div className="checklist-controls">
            {step.kind === 'open_cameras' && (
              <button
                type="button"
                className="button-primary button-small"
                data-testid="step-open-cameras"
                disabled={busy || cameraIds.length === 0 || !me.actions.includes('image.live')}
                onClick={async () => {
                  if (await tick({ done: true })) openOnLive(me.id, cameraIds);
                }}
              >
                {t('procedures.openCameras')} ({cameraIds.length})
              </button>
            )}
            {step.kind === 'comment' && (
              <textarea
                value={comment}
                maxLength={2000}
                rows={2}
                placeholder={t('procedures.commentPlaceholder')}
                data-testid="step-comment"
                onChange={(event) => setComment(event.target.value)}
              />
            )}
            {step.kind !== 'open_cameras' && (
              <button
                type="button"
                className="button-small"
                data-testid="step-done"
                disabled={busy || (step.kind === 'comment' && !comment.trim())}
                onClick={() => void tick({ done: true, ...(comment.trim() ? { comment: comment.trim() } : {}) })}
              >
                {step.kind === 'call' ? `${t('procedures.call')} · ${t('procedures.done')}` : t('procedures.done')}
              </button>
            )}
          </div>
        )
      )}
    </li>
  );
}
