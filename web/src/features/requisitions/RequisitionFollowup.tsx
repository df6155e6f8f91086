// A requisition's review hours (total, entries, manual addition) and handovers (form, receipts,
// acknowledgement: "J'accuse réception" for police users, the signed scan for the CSU), shown in
// the requisition's detail. Dates in Paris time.
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import type { Handover, Me, RequisitionDetail, ReviewTime } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { formatCalendarDate, formatParisMinute, parisToday } from '../../lib/dates.ts';
import { ErrorNotice, Notice, useLoad } from '../../ui.tsx';
import { acknowledgementMode, handoverBody, handoverMedia, hoursMinutes, manualBody, type HandoverDraft, type ManualDraft } from './followup.ts';

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

export function RequisitionFollowup({ requisition, me, onChanged }: { requisition: RequisitionDetail; me: Me; onChanged: () => void }) {
  return (
    <>
      <ReviewPanel requisition={requisition} me={me} />
      <HandoverPanel requisition={requisition} me={me} onChanged={onChanged} />
    </>
  );
}

function Duration({ seconds }: { seconds: number }) {
  const { hours, minutes, negative } = hoursMinutes(seconds);
  return (
    <span>
      {negative ? '−' : ''}
      {hours} h {String(minutes).padStart(2, '0')} min
    </span>
  );
}

function ReviewPanel({ requisition, me }: { requisition: RequisitionDetail; me: Me }) {
  const { t, language } = useI18n();
  const time = useLoad(() => api('GET', '/api/requisitions/{id}/review-time', { path: { id: requisition.id } }), [requisition.id]);
  const canAdd = me.actions.includes('requisition.review_time');
  const [draft, setDraft] = useState<ManualDraft>({ minutes: '', date: parisToday(), comment: '', correctsEntryId: '' });
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const view: ReviewTime | undefined = time.data;
  const split = (seconds: number) => hoursMinutes(seconds);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = manualBody(draft);
    if ('problem' in result) return setProblem(t(`review.problem.${result.problem}`));
    setProblem(null);
    setError(null);
    try {
      await api('POST', '/api/requisitions/{id}/review-time', { path: { id: requisition.id }, json: result.body });
      setDraft({ minutes: '', date: draft.date, comment: '', correctsEntryId: '' });
      time.reload();
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <section className="panel" aria-labelledby="req-review">
      <h2 id="req-review">{t('review.title')}</h2>
      {Boolean(time.error) && <ErrorNotice error={time.error} onRetry={time.reload} />}
      {view && (
        <>
          <p data-testid="review-total">
            {t('review.total', {
              hours: split(view.totalSeconds).hours,
              minutes: split(view.totalSeconds).minutes,
              autoHours: split(view.automaticSeconds).hours,
              autoMinutes: split(view.automaticSeconds).minutes,
              manualHours: split(view.manualSeconds).hours,
              manualMinutes: split(view.manualSeconds).minutes,
            })}
          </p>
          {view.entries.length === 0 ? (
            <p className="muted">{t('review.none')}</p>
          ) : (
            <ul>
              {view.entries.map((entry) => (
                <li key={entry.id}>
                  {formatCalendarDate(entry.date, language)} · {entry.by} · <Duration seconds={entry.seconds} /> ·{' '}
                  {entry.source === 'playback' ? t('review.source.playback', { camera: entry.cameraId ?? '' }) : t('review.source.manual')}
                  {entry.comment && ` — ${entry.comment}`}
                  {entry.correctsEntryId &&
                    ` (${t('review.corrects', { date: formatCalendarDate(view.entries.find((other) => other.id === entry.correctsEntryId)?.date, language) })})`}
                </li>
              ))}
            </ul>
          )}
          {canAdd && (
            <form className="form-grid" onSubmit={submit} aria-label={t('review.add')}>
              <label>
                {t('review.minutes')}
                <input
                  type="number"
                  min={-600}
                  max={600}
                  step={1}
                  value={draft.minutes}
                  onChange={(event) => setDraft({ ...draft, minutes: event.target.value })}
                />
              </label>
              <label>
                {t('review.date')}
                <input type="date" max={parisToday()} value={draft.date} onChange={(event) => setDraft({ ...draft, date: event.target.value })} />
              </label>
              <label>
                {t('review.comment')}
                <input value={draft.comment} maxLength={1000} onChange={(event) => setDraft({ ...draft, comment: event.target.value })} />
              </label>
              <label>
                {t('review.correctsEntry')}
                <select value={draft.correctsEntryId} onChange={(event) => setDraft({ ...draft, correctsEntryId: event.target.value })}>
                  <option value="">{t('review.correctsNone')}</option>
                  {view.entries
                    .filter((entry) => entry.seconds > 0)
                    .map((entry) => (
                      <option key={entry.id} value={entry.id}>
                        {formatCalendarDate(entry.date, language)} · {entry.by} · {Math.round(entry.seconds / 60)} min
                      </option>
                    ))}
                </select>
              </label>
              <p className="hint">{t('review.help')}</p>
              {problem && <Notice kind="error">{problem}</Notice>}
              {Boolean(error) && <ErrorNotice error={error} />}
              <button type="submit" className="button">
                {t('review.submit')}
              </button>
            </form>
          )}
        </>
      )}
    </section>
  );
}

const emptyHandover = (requisition: RequisitionDetail): HandoverDraft => ({
  medium: 'download',
  recipientName: requisition.officerName,
  recipientRank: requisition.officerRank,
  recipientUnit: requisition.officerUnit,
  handedAt: '',
  packageId: '',
  comment: '',
});

function HandoverPanel({ requisition, me, onChanged }: { requisition: RequisitionDetail; me: Me; onChanged: () => void }) {
  const { t, language } = useI18n();
  const list = useLoad(() => api('GET', '/api/requisitions/{id}/handovers', { path: { id: requisition.id } }), [requisition.id, requisition.state]);
  const canRecord = me.actions.includes('requisition.handover');
  const open = requisition.state === 'exported' || requisition.state === 'delivered';
  const mode = acknowledgementMode(me.role, me.actions);
  const [draft, setDraft] = useState<HandoverDraft>(() => emptyHandover(requisition));
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const set = <K extends keyof HandoverDraft>(key: K, value: HandoverDraft[K]) => setDraft((current) => ({ ...current, [key]: value }));
  const changed = () => {
    list.reload();
    onChanged();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = handoverBody(draft);
    if ('problem' in result) return setProblem(t(`handover.problem.${result.problem}`));
    setProblem(null);
    setError(null);
    try {
      await api('POST', '/api/requisitions/{id}/handovers', { path: { id: requisition.id }, json: result.body as never });
      setDraft(emptyHandover(requisition));
      changed();
    } catch (caught) {
      setError(caught);
    }
  };
  const acknowledge = async (handover: Handover, file?: File) => {
    setError(null);
    try {
      await api('POST', '/api/requisitions/{id}/handovers/{handoverId}/acknowledgement', {
        path: { id: requisition.id, handoverId: handover.id },
        json: file ? { scan: { fileName: file.name, contentBase64: await readBase64(file) } } : {},
      });
      changed();
    } catch (caught) {
      setError(caught);
    }
  };
  const text = (key: 'recipientName' | 'recipientRank' | 'recipientUnit' | 'packageId' | 'comment', max: number) => (
    <label>
      {t(`handover.${key}`)}
      <input value={draft[key]} maxLength={max} onChange={(event) => set(key, event.target.value)} />
    </label>
  );

  return (
    <section className="panel" aria-labelledby="req-handovers">
      <h2 id="req-handovers">{t('handover.title')}</h2>
      {Boolean(list.error) && <ErrorNotice error={list.error} onRetry={list.reload} />}
      {list.data && list.data.length === 0 && <p className="muted">{t('handover.none')}</p>}
      <ul>
        {(list.data ?? []).map((handover) => (
          <li key={handover.id} data-testid="handover">
            {t('handover.line', {
              medium: t(`handover.medium.${handover.medium}`),
              recipient: `${handover.recipientRank} ${handover.recipientName}, ${handover.recipientUnit}`,
              at: formatParisMinute(handover.handedAt, language),
            })}{' '}
            · <a href={handover.receiptUrl}>{t('handover.receipt')}</a> ·{' '}
            {handover.acknowledgedAt ? (
              t('handover.acknowledged', {
                at: formatParisMinute(handover.acknowledgedAt, language),
                by: handover.acknowledgedBy ?? '',
                how: t(`handover.how.${handover.acknowledgement ?? 'console'}`),
              })
            ) : (
              <>
                <span className="badge badge-warning">{t('handover.pending')}</span>{' '}
                {mode === 'console' && (
                  <button type="button" className="button primary" onClick={() => void acknowledge(handover)}>
                    {t('handover.acknowledge')}
                  </button>
                )}
                {mode === 'scan' && (
                  <label className="inline">
                    {t('handover.scan')}{' '}
                    <input
                      type="file"
                      accept="application/pdf,image/png,image/jpeg"
                      onChange={(event) => {
                        const file = event.target.files?.[0];
                        if (file) void acknowledge(handover, file);
                      }}
                    />
                  </label>
                )}
              </>
            )}
          </li>
        ))}
      </ul>
      {canRecord && !open && <p className="muted">{t('handover.onlyExported')}</p>}
      {canRecord && open && (
        <form className="form-grid" onSubmit={submit} aria-label={t('handover.new')}>
          <label>
            {t('handover.medium')}
            <select value={draft.medium} onChange={(event) => set('medium', event.target.value as HandoverDraft['medium'])}>
              {handoverMedia.map((medium) => (
                <option key={medium} value={medium}>
                  {t(`handover.medium.${medium}`)}
                </option>
              ))}
            </select>
          </label>
          {text('recipientName', 200)}
          {text('recipientRank', 100)}
          {text('recipientUnit', 200)}
          <label>
            {t('handover.handedAt')}
            <input type="datetime-local" value={draft.handedAt} onChange={(event) => set('handedAt', event.target.value)} />
          </label>
          {text('packageId', 64)}
          {text('comment', 2000)}
          {problem && <Notice kind="error">{problem}</Notice>}
          <button type="submit" className="button primary">
            {t('handover.submit')}
          </button>
        </form>
      )}
      {Boolean(error) && <ErrorNotice error={error} />}
    </section>
  );
}
