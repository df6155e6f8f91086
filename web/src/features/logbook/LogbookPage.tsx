// The logbook screen (main courante, issue 14 items 6-7): the entry form (type, commune, time
// defaulting to now, text, offence category, optional alarm and cameras; a correction names the
// entry it corrects), the searchable list in Paris time, CSV and PDF of the same selection, the
// chain's verification, the incident reports of closed alarms, and the chief's figures.
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import type { Me } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { formatParisDateTime } from '../../lib/dates.ts';
import { ErrorNotice, Loading, Notice, PageHeader, useLoad } from '../../ui.tsx';
import { useCommuneName, useCommunes } from '../shell/communes.tsx';
import { FiguresPanel } from './FiguresPanel.tsx';
import {
  emptyEntry,
  emptyLogbookFilter,
  entryBody,
  incidentReportUrl,
  isOffence,
  type LogbookEntry,
  type LogbookFilterDraft,
  type LogbookVerification,
  logbookDownloadUrl,
  logbookQuery,
  logbookTypes,
  offenceCategories,
  type EntryDraft,
} from './logbook.ts';
import './logbook.css';

export function LogbookPage({ me }: { me: Me }) {
  const { t, language } = useI18n();
  const communes = useCommunes();
  const communeName = useCommuneName();
  const firstCommune = me.allCommunes ? (communes[0]?.insee ?? '') : (me.communes[0] ?? '');
  const [draft, setDraft] = useState<LogbookFilterDraft>(emptyLogbookFilter);
  const [applied, setApplied] = useState<LogbookFilterDraft>(emptyLogbookFilter);
  const [entry, setEntry] = useState<EntryDraft | null>(null);
  const [correcting, setCorrecting] = useState<LogbookEntry | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [verification, setVerification] = useState<LogbookVerification | null>(null);
  const [error, setError] = useState<unknown>(null);
  const entries = useLoad(() => api('GET', '/api/logbook', { query: { ...logbookQuery(applied), limit: 500 } as never }), [applied]);
  const closed = useLoad(() => api('GET', '/api/alarms', { query: { state: 'closed', limit: 20 } as never }), [applied]);
  const form = entry ?? emptyEntry(firstCommune);
  const setFilter = <K extends keyof LogbookFilterDraft>(key: K, value: LogbookFilterDraft[K]) => setDraft((current) => ({ ...current, [key]: value }));
  const setField = <K extends keyof EntryDraft>(key: K, value: EntryDraft[K]) => setEntry({ ...form, [key]: value });
  const canWrite = me.actions.includes('logbook.write');

  const write = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setNotice(null);
    try {
      const body = entryBody(form);
      const written = await api('POST', '/api/logbook', { json: correcting ? { ...body, corrects: correcting.id } : body });
      setNotice(t('logbook.written', { seq: written.seq }));
      setEntry(emptyEntry(form.communeInsee));
      setCorrecting(null);
      entries.reload();
    } catch (caught) {
      setError(caught);
    }
  };
  const startCorrection = (row: LogbookEntry) => {
    setCorrecting(row);
    setEntry({
      ...emptyEntry(row.communeInsee ?? firstCommune),
      type: row.type,
      text: row.text,
      offenceCategory: row.offenceCategory ?? '',
      alarmId: row.alarmId ?? '',
      cameraIds: row.cameraIds.join(', '),
    });
  };
  const verify = async () => {
    setError(null);
    try {
      setVerification(await api('GET', '/api/logbook/verify'));
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <div>
      <PageHeader title={t('logbook.title')}>
        <a className="button" href={logbookDownloadUrl('csv', applied)}>
          {t('logbook.csv')}
        </a>
        <a className="button" href={logbookDownloadUrl('pdf', applied)}>
          {t('logbook.pdf')}
        </a>
        {me.actions.includes('audit.verify') && (
          <button type="button" className="button" onClick={() => void verify()}>
            {t('logbook.verify')}
          </button>
        )}
      </PageHeader>
      <p className="muted">{t('logbook.intro')}</p>
      {verification &&
        (verification.ok ? (
          <Notice kind="success">{t('logbook.verified', { count: verification.rowsChecked })}</Notice>
        ) : (
          <Notice kind="error">{t('logbook.broken', { count: verification.problemCount, message: verification.problems[0]?.message ?? '' })}</Notice>
        ))}
      {notice && <Notice kind="success">{notice}</Notice>}
      {Boolean(error) && <ErrorNotice error={error} />}
      {canWrite && (
        <form className="panel form-grid logbook-form" onSubmit={(event) => void write(event)} aria-label={t('logbook.new')} data-testid="logbook-form">
          <h2>{correcting ? t('logbook.correcting', { seq: correcting.seq }) : t('logbook.new')}</h2>
          <label>
            {t('logbook.type')}
            <select value={form.type} onChange={(event) => setField('type', event.target.value as EntryDraft['type'])}>
              {logbookTypes.map((type) => (
                <option key={type} value={type}>
                  {t(`logbook.type.${type}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('logbook.commune')}
            <select value={form.communeInsee} required onChange={(event) => setField('communeInsee', event.target.value)}>
              {communes
                .filter((commune) => me.allCommunes || me.communes.includes(commune.insee))
                .map((commune) => (
                  <option key={commune.insee} value={commune.insee}>
                    {commune.name}
                  </option>
                ))}
            </select>
          </label>
          <label>
            {t('logbook.occurred')}
            <input type="datetime-local" value={form.occurredLocal} onChange={(event) => setField('occurredLocal', event.target.value)} />
          </label>
          {isOffence(form.type) && (
            <label>
              {t('logbook.category')}
              <select value={form.offenceCategory} required onChange={(event) => setField('offenceCategory', event.target.value)}>
                <option value="" />
                {offenceCategories.map((category) => (
                  <option key={category} value={category}>
                    {t(`logbook.category.${category}`)}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label className="logbook-text">
            {t('logbook.text')}
            <textarea value={form.text} required maxLength={2000} rows={3} onChange={(event) => setField('text', event.target.value)} />
          </label>
          <label>
            {t('logbook.alarm')}
            <input value={form.alarmId} maxLength={100} onChange={(event) => setField('alarmId', event.target.value)} />
          </label>
          <label>
            {t('logbook.cameras')}
            <input value={form.cameraIds} maxLength={2000} onChange={(event) => setField('cameraIds', event.target.value)} />
          </label>
          <div className="logbook-actions">
            <button type="submit" className="button-primary">
              {t('logbook.write')}
            </button>
            {correcting && (
              <button
                type="button"
                className="button-secondary"
                onClick={() => {
                  setCorrecting(null);
                  setEntry(null);
                }}
              >
                {t('logbook.cancelCorrection')}
              </button>
            )}
          </div>
        </form>
      )}
      <form
        className="panel form-grid logbook-search"
        aria-label={t('logbook.search')}
        onSubmit={(event) => {
          event.preventDefault();
          setApplied(draft);
        }}
      >
        <label>
          {t('logbook.commune')}
          <select value={draft.communeInsee} onChange={(event) => setFilter('communeInsee', event.target.value)}>
            <option value="">{t('logbook.allCommunes')}</option>
            {communes.map((commune) => (
              <option key={commune.insee} value={commune.insee}>
                {commune.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('logbook.type')}
          <select value={draft.type} onChange={(event) => setFilter('type', event.target.value as LogbookFilterDraft['type'])}>
            <option value="">{t('logbook.typeAll')}</option>
            {logbookTypes.map((type) => (
              <option key={type} value={type}>
                {t(`logbook.type.${type}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('logbook.from')}
          <input type="date" value={draft.fromDay} onChange={(event) => setFilter('fromDay', event.target.value)} />
        </label>
        <label>
          {t('logbook.to')}
          <input type="date" value={draft.toDay} onChange={(event) => setFilter('toDay', event.target.value)} />
        </label>
        <label>
          {t('logbook.searchText')}
          <input value={draft.text} maxLength={200} onChange={(event) => setFilter('text', event.target.value)} />
        </label>
        <label>
          {t('logbook.alarm')}
          <input value={draft.alarmId} maxLength={100} onChange={(event) => setFilter('alarmId', event.target.value)} />
        </label>
        <div className="logbook-actions">
          <button type="submit" className="button-primary">
            {t('logbook.search')}
          </button>
        </div>
      </form>
      {entries.loading && !entries.data && <Loading />}
      {Boolean(entries.error) && <ErrorNotice error={entries.error} onRetry={entries.reload} />}
      {entries.data &&
        (entries.data.length === 0 ? (
          <p className="muted">{t('logbook.none')}</p>
        ) : (
          <div className="table-wrap">
            <p className="muted">{t('logbook.count', { count: entries.data.length })}</p>
            <table className="table" data-testid="logbook-table">
              <thead>
                <tr>
                  <th>{t('logbook.col.seq')}</th>
                  <th>{t('logbook.col.occurred')}</th>
                  <th>{t('logbook.commune')}</th>
                  <th>{t('logbook.type')}</th>
                  <th>{t('logbook.text')}</th>
                  <th>{t('logbook.col.links')}</th>
                  <th>{t('logbook.col.author')}</th>
                  {canWrite && <th />}
                </tr>
              </thead>
              <tbody>
                {entries.data.map((row) => (
                  <tr key={row.id} data-alarm={row.alarmId ?? undefined}>
                    <td className="mono">{row.seq}</td>
                    <td className="nowrap">{formatParisDateTime(row.occurredAt, language)}</td>
                    <td>{row.communeInsee ? communeName(row.communeInsee) : '—'}</td>
                    <td>
                      {t(`logbook.type.${row.type}`)}
                      {row.origin === 'alarm' && <span className="muted"> ({t('logbook.automatic')})</span>}
                    </td>
                    <td>
                      {row.corrects && <span className="muted">[{t('logbook.corrects', { id: row.corrects.slice(0, 8) })}] </span>}
                      {row.text}
                      {row.correctedBy.length > 0 && <span className="muted"> [{t('logbook.correctedBy')}]</span>}
                    </td>
                    <td>
                      {row.alarmId && (
                        <a href={incidentReportUrl(row.alarmId)} title={t('logbook.report')}>
                          {row.alarmId.slice(0, 8)}
                        </a>
                      )}
                      {row.cameraIds.length > 0 && <span className="mono"> {row.cameraIds.map((id) => id.slice(0, 8)).join(', ')}</span>}
                    </td>
                    <td>{row.author}</td>
                    {canWrite && (
                      <td>
                        {row.origin === 'manual' && row.communeInsee && (
                          <button type="button" className="button-secondary" onClick={() => startCorrection(row)}>
                            {t('logbook.correct')}
                          </button>
                        )}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
      {me.actions.includes('alarm.read') && (
        <section className="panel" aria-labelledby="closed-alarms-title">
          <h2 id="closed-alarms-title">{t('logbook.closedAlarms')}</h2>
          {closed.data && closed.data.length === 0 && <p className="muted">{t('logbook.noClosed')}</p>}
          <ul data-testid="closed-alarms">
            {(closed.data ?? []).map((alarm) => (
              <li key={alarm.id}>
                {formatParisDateTime(alarm.closedAt, language)} — {alarm.title} — <a href={incidentReportUrl(alarm.id)}>{t('logbook.report')}</a>
              </li>
            ))}
          </ul>
        </section>
      )}
      {me.actions.includes('alarm.figures') && <FiguresPanel communeInsee={applied.communeInsee} />}
    </div>
  );
}
