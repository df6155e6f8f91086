// Requisitions (issue 13): the list of those in scope (state, due countdown, flags), one
// requisition's detail (ranges, holds, history, documents), the intake form for police users
// (and supervisors recording a paper or phone requisition), and the supervisor's state buttons.
// Dates are shown and typed in Paris time.
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import type { Me, Requisition, RequisitionDetail } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/translate.ts';
import { formatParisMinute } from '../../lib/dates.ts';
import { ErrorNotice, Loading, Notice, PageHeader, useLoad } from '../../ui.tsx';
import { useCameraList } from '../cameras/useCameraList.ts';
import { useCommuneName, useCommunes } from '../shell/communes.tsx';
import { RequisitionExports } from '../exports/RequisitionExports.tsx';
import { RequisitionFollowup } from './RequisitionFollowup.tsx';
import { countdownOf, emptyIntake, emptyRange, intakeBody, transitionButtons, type IntakeDraft } from './requisitions.ts';

const frameworks = ['flagrance', 'preliminary', 'investigation', 'direct_collection'] as const;
const channels = ['email', 'paper', 'phone', 'in_person', 'other'] as const;

export function RequisitionsPage({ me }: { me: Me }) {
  const { t } = useI18n();
  const [openOnly, setOpenOnly] = useState(true);
  const [selected, setSelected] = useState<string | null>(null);
  const [filing, setFiling] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const list = useLoad(() => api('GET', '/api/requisitions', { query: openOnly ? { open: 'true' } : {} }), [openOnly]);
  const canFile = me.actions.includes('requisition.file');

  const back = () => {
    setSelected(null);
    list.reload();
  };
  if (selected) return <RequisitionDetailView id={selected} me={me} onBack={back} />;
  return (
    <div>
      <PageHeader title={t('req.title')}>
        {canFile && !filing && (
          <button type="button" className="button primary" onClick={() => setFiling(true)}>
            {t('req.new')}
          </button>
        )}
      </PageHeader>
      {message && <Notice kind="success">{message}</Notice>}
      {filing && (
        <IntakeForm
          onCancel={() => setFiling(false)}
          onFiled={(requisition) => {
            setFiling(false);
            setMessage(t('req.filed', { procedure: requisition.procedureNumber }));
            list.reload();
          }}
        />
      )}
      <label className="inline">
        <input type="checkbox" checked={openOnly} onChange={(event) => setOpenOnly(event.target.checked)} /> {t('req.openOnly')}
      </label>
      {list.loading && !list.data && <Loading />}
      {Boolean(list.error) && <ErrorNotice error={list.error} onRetry={list.reload} />}
      {list.data && (list.data.length === 0 ? <p className="muted">{t('req.none')}</p> : <RequisitionTable rows={list.data} onOpen={setSelected} />)}
    </div>
  );
}

function Due({ due }: { due: Requisition['due'] }) {
  const { t } = useI18n();
  const countdown = countdownOf(due);
  const key: MessageKey = countdown.answered ? (countdown.late ? 'req.answeredLate' : 'req.answeredIn') : countdown.late ? 'req.late' : 'req.dueIn';
  return (
    <span className={countdown.late && !countdown.answered ? 'danger-text' : undefined}>{t(key, { hours: countdown.hours, minutes: countdown.minutes })}</span>
  );
}

function Flags({ flags }: { flags: Requisition['flags'] }) {
  const { t } = useI18n();
  const shown = (['overdue', 'nearDestruction', 'missingFootage'] as const).filter((flag) => flags[flag]);
  return (
    <>
      {shown.map((flag) => (
        <span key={flag} className="badge badge-warning">
          {t(`req.flag.${flag}`)}
        </span>
      ))}
    </>
  );
}

function RequisitionTable({ rows, onOpen }: { rows: Requisition[]; onOpen: (id: string) => void }) {
  const { t, language } = useI18n();
  const communeName = useCommuneName();
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th>{t('req.procedure')}</th>
            <th>{t('req.commune')}</th>
            <th>{t('req.state')}</th>
            <th>{t('req.received')}</th>
            <th>{t('req.due')}</th>
            <th>{t('req.flags')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              <td className="mono nowrap">
                <button type="button" className="link" onClick={() => onOpen(row.id)}>
                  {row.procedureNumber}
                </button>
              </td>
              <td>{communeName(row.communeInsee)}</td>
              <td>{t(`req.state.${row.state}`)}</td>
              <td>{formatParisMinute(row.receivedAt, language)}</td>
              <td>{row.state === 'closed' ? '—' : <Due due={row.due} />}</td>
              <td>
                <Flags flags={row.flags} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

function IntakeForm({ onCancel, onFiled }: { onCancel: () => void; onFiled: (requisition: RequisitionDetail) => void }) {
  const { t } = useI18n();
  const communes = useCommunes();
  const cameras = useCameraList();
  const [draft, setDraft] = useState<IntakeDraft>(() => emptyIntake(communes[0]?.insee ?? ''));
  const [file, setFile] = useState<File | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const set = <K extends keyof IntakeDraft>(key: K, value: IntakeDraft[K]) => setDraft((current) => ({ ...current, [key]: value }));
  const setRange = (index: number, change: Partial<IntakeDraft['ranges'][number]>) =>
    set(
      'ranges',
      draft.ranges.map((range, position) => (position === index ? { ...range, ...change } : range)),
    );
  const communeCameras = (cameras.data ?? []).filter((camera) => camera.communeInsee === draft.communeInsee);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = intakeBody(draft);
    if ('problem' in result) return setProblem(t(`req.problem.${result.problem}`, { index: (result.index ?? 0) + 1 }));
    setProblem(null);
    setError(null);
    try {
      const created = await api('POST', '/api/requisitions', { json: result.body as never });
      if (file)
        await api('POST', '/api/requisitions/{id}/documents', {
          path: { id: created.id },
          json: { fileName: file.name, contentBase64: await readBase64(file) },
        });
      onFiled(created);
    } catch (caught) {
      setError(caught);
    }
  };
  const text = (key: 'officerName' | 'officerRank' | 'officerUnit' | 'officerContact' | 'procedureNumber', label: MessageKey, max: number) => (
    <label>
      {t(label)}
      <input value={draft[key]} maxLength={max} required onChange={(event) => set(key, event.target.value)} />
    </label>
  );

  return (
    <form className="panel form-grid" onSubmit={submit} aria-label={t('req.new')}>
      <label>
        {t('req.commune')}
        <select value={draft.communeInsee} onChange={(event) => set('communeInsee', event.target.value)}>
          {communes.map((commune) => (
            <option key={commune.insee} value={commune.insee}>
              {commune.name}
            </option>
          ))}
        </select>
      </label>
      <fieldset>
        <legend>{t('req.officer')}</legend>
        {text('officerName', 'req.officerName', 200)}
        {text('officerRank', 'req.officerRank', 100)}
        {text('officerUnit', 'req.officerUnit', 200)}
        {text('officerContact', 'req.officerContact', 200)}
      </fieldset>
      {text('procedureNumber', 'req.procedure', 100)}
      <label>
        {t('req.framework')}
        <select value={draft.legalFramework} onChange={(event) => set('legalFramework', event.target.value as IntakeDraft['legalFramework'])}>
          {frameworks.map((framework) => (
            <option key={framework} value={framework}>
              {t(`req.framework.${framework}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('req.requisitionDate')}
        <input type="datetime-local" value={draft.requisitionDate} required onChange={(event) => set('requisitionDate', event.target.value)} />
      </label>
      <label>
        {t('req.channel')}
        <select value={draft.channel} onChange={(event) => set('channel', event.target.value as IntakeDraft['channel'])}>
          {channels.map((channel) => (
            <option key={channel} value={channel}>
              {t(`req.channel.${channel}`)}
            </option>
          ))}
        </select>
      </label>
      <fieldset>
        <legend>{t('req.ranges')}</legend>
        {draft.ranges.map((range, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: ranges have no id before they are filed.
          <div key={index} className="row">
            <select aria-label={t('req.camera')} value={range.cameraId} onChange={(event) => setRange(index, { cameraId: event.target.value })}>
              <option value="">{t('req.camera')}</option>
              {communeCameras.map((camera) => (
                <option key={camera.id} value={camera.id}>
                  {camera.name}
                </option>
              ))}
            </select>
            <input type="datetime-local" aria-label={t('req.from')} value={range.from} onChange={(event) => setRange(index, { from: event.target.value })} />
            <input type="datetime-local" aria-label={t('req.to')} value={range.to} onChange={(event) => setRange(index, { to: event.target.value })} />
            {draft.ranges.length > 1 && (
              <button
                type="button"
                className="button"
                onClick={() =>
                  set(
                    'ranges',
                    draft.ranges.filter((_, position) => position !== index),
                  )
                }
              >
                {t('req.removeRange')}
              </button>
            )}
          </div>
        ))}
        {draft.ranges.length < 50 && (
          <button type="button" className="button" onClick={() => set('ranges', [...draft.ranges, { ...emptyRange }])}>
            {t('req.addRange')}
          </button>
        )}
      </fieldset>
      <label>
        {t('req.freeText')}
        <textarea value={draft.freeText} maxLength={5000} onChange={(event) => set('freeText', event.target.value)} />
      </label>
      <label>
        {t('req.document')}
        <input type="file" accept="application/pdf,image/png,image/jpeg" onChange={(event) => setFile(event.target.files?.[0] ?? null)} />
      </label>
      {problem && <Notice kind="error">{problem}</Notice>}
      {Boolean(error) && <ErrorNotice error={error} />}
      <div className="row">
        <button type="submit" className="button primary">
          {t('req.submit')}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t('req.cancel')}
        </button>
      </div>
    </form>
  );
}

function RequisitionDetailView({ id, me, onBack }: { id: string; me: Me; onBack: () => void }) {
  const { t, language } = useI18n();
  const detail = useLoad(() => api('GET', '/api/requisitions/{id}', { path: { id } }), [id]);
  const [reason, setReason] = useState('');
  const [keepHolds, setKeepHolds] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const requisition = detail.data;
  if (!requisition) return detail.error ? <ErrorNotice error={detail.error} onRetry={detail.reload} /> : <Loading />;
  const buttons = transitionButtons(requisition.allowedTransitions, me.actions);
  const move = async (to: string) => {
    setError(null);
    try {
      await api('POST', '/api/requisitions/{id}/transitions', {
        path: { id },
        json: { to: to as RequisitionDetail['state'], reason, ...(to === 'closed' ? { keepHolds } : {}) },
      });
      setReason('');
      detail.reload();
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <div>
      <PageHeader title={`${t('req.title')} ${requisition.procedureNumber}`}>
        <button type="button" className="button" onClick={onBack}>
          {t('req.back')}
        </button>
      </PageHeader>
      <section className="panel">
        <p>
          <strong>{t(`req.state.${requisition.state}`)}</strong> · {t(`req.framework.${requisition.legalFramework}`)} ·{' '}
          {t(`req.channel.${requisition.channel}`)}
          {requisition.state !== 'closed' && (
            <>
              {' · '}
              <Due due={requisition.due} />
            </>
          )}{' '}
          <Flags flags={requisition.flags} />
        </p>
        <p>
          {t('req.officer')} : {requisition.officerRank} {requisition.officerName}, {requisition.officerUnit} ({requisition.officerContact})
        </p>
        {requisition.freeText && <p className="muted">{requisition.freeText}</p>}
      </section>
      <section className="panel" aria-labelledby="req-ranges">
        <h2 id="req-ranges">{t('req.ranges')}</h2>
        <ul>
          {requisition.ranges.map((range) => (
            <li key={range.position} className={range.footage !== 'held' || range.nearDestruction ? 'danger-text' : undefined}>
              {range.cameraId} : {formatParisMinute(range.from, language)} → {formatParisMinute(range.to, language)} — {t(`req.footage.${range.footage}`)}
              {range.destructionAt && ` · ${t('req.destruction', { at: formatParisMinute(range.destructionAt, language) })}`}
            </li>
          ))}
        </ul>
        <h2>{t('req.holds')}</h2>
        <ul>
          {requisition.holds.map((hold) => (
            <li key={hold.id}>
              {hold.cameraIds.join(', ')} : {formatParisMinute(hold.from, language)} → {formatParisMinute(hold.to, language)} —{' '}
              {hold.releasedAt
                ? t('req.hold.released', { at: formatParisMinute(hold.releasedAt, language), reason: hold.releaseReason ?? '' })
                : t('req.hold.confirmed')}
            </li>
          ))}
        </ul>
      </section>
      <section className="panel" aria-labelledby="req-documents">
        <h2 id="req-documents">{t('req.documents')}</h2>
        {requisition.documents.length === 0 && <p className="muted">{t('req.noDocument')}</p>}
        <ul>
          {requisition.documents.map((document) => (
            <li key={document.version}>
              <a href={`/api/requisitions/${id}/documents/${document.version}`}>{t('req.download', { version: document.version })}</a> {document.fileName} ·{' '}
              <span className="mono">{document.sha256.slice(0, 16)}…</span> · {formatParisMinute(document.uploadedAt, language)} {document.uploadedBy}
            </li>
          ))}
        </ul>
      </section>
      {buttons.length > 0 && (
        <section className="panel" aria-labelledby="req-change">
          <h2 id="req-change">{t('req.changeState')}</h2>
          <label>
            {t('req.reason')}
            <input value={reason} maxLength={2000} onChange={(event) => setReason(event.target.value)} />
          </label>
          {buttons.includes('closed') && (
            <label className="inline">
              <input type="checkbox" checked={keepHolds} onChange={(event) => setKeepHolds(event.target.checked)} /> {t('req.keepHolds')}
            </label>
          )}
          <div className="row">
            {buttons.map((state) => (
              <button key={state} type="button" className="button" disabled={reason.trim().length < 3} onClick={() => void move(state)}>
                {t('req.moveTo', { state: t(`req.state.${state as RequisitionDetail['state']}`) })}
              </button>
            ))}
          </div>
          {Boolean(error) && <ErrorNotice error={error} />}
        </section>
      )}
      <RequisitionFollowup requisition={requisition} me={me} onChanged={detail.reload} />
      <RequisitionExports requisition={requisition} me={me} onChanged={detail.reload} />
      <section className="panel" aria-labelledby="req-history">
        <h2 id="req-history">{t('req.history')}</h2>
        <ol>
          {requisition.history.map((entry) => (
            <li key={`${entry.at}-${entry.to}`}>
              {formatParisMinute(entry.at, language)} · {entry.by} · {entry.from ? `${t(`req.state.${entry.from}`)} → ` : ''}
              {t(`req.state.${entry.to}`)} — {entry.reason}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
