// The statutory register (LEGAL 7, issue 13 item 7): filters (commune, camera, kind, period,
// procedure reference), the table in Paris time, CSV and PDF downloads of the same selection,
// and the verification of its hash chain for those who verify chains.
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import type { Me, RegisterVerification } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { formatParisDateTime } from '../../lib/dates.ts';
import { ErrorNotice, Loading, Notice, PageHeader, useLoad } from '../../ui.tsx';
import { useCommuneName, useCommunes } from '../shell/communes.tsx';
import { emptyRegisterFilter, registerDownloadUrl, registerKinds, registerQuery, type RegisterFilterDraft } from './register.ts';

const LIMIT = 1000;

export function RegisterPage({ me }: { me: Me }) {
  const { t, language } = useI18n();
  const communes = useCommunes();
  const communeName = useCommuneName();
  const [draft, setDraft] = useState<RegisterFilterDraft>(emptyRegisterFilter);
  const [applied, setApplied] = useState<RegisterFilterDraft>(emptyRegisterFilter);
  const [verification, setVerification] = useState<RegisterVerification | null>(null);
  const [error, setError] = useState<unknown>(null);
  const entries = useLoad(() => api('GET', '/api/register', { query: { ...registerQuery(applied), limit: LIMIT } as never }), [applied]);
  const set = <K extends keyof RegisterFilterDraft>(key: K, value: RegisterFilterDraft[K]) => setDraft((current) => ({ ...current, [key]: value }));
  const search = (event: FormEvent) => {
    event.preventDefault();
    setApplied(draft);
  };
  const verify = async () => {
    setError(null);
    try {
      setVerification(await api('GET', '/api/register/verify'));
    } catch (caught) {
      setError(caught);
    }
  };
  const number = new Intl.NumberFormat(language === 'fr' ? 'fr-FR' : 'en-GB');

  return (
    <div>
      <PageHeader title={t('register.title')}>
        <a className="button" href={registerDownloadUrl('csv', applied)}>
          {t('register.csv')}
        </a>
        <a className="button" href={registerDownloadUrl('pdf', applied)}>
          {t('register.pdf')}
        </a>
        {me.actions.includes('audit.verify') && (
          <button type="button" className="button" onClick={() => void verify()}>
            {t('register.verify')}
          </button>
        )}
      </PageHeader>
      <p className="muted">{t('register.intro')}</p>
      {verification &&
        (verification.ok ? (
          <Notice kind="success">{t('register.verified', { count: verification.rowsChecked })}</Notice>
        ) : (
          <Notice kind="error">{t('register.broken', { count: verification.problemCount, message: verification.problems[0]?.message ?? '' })}</Notice>
        ))}
      {Boolean(error) && <ErrorNotice error={error} />}
      <form className="panel form-grid" onSubmit={search} aria-label={t('register.search')}>
        <label>
          {t('register.commune')}
          <select value={draft.communeInsee} onChange={(event) => set('communeInsee', event.target.value)}>
            <option value="">{t('register.allCommunes')}</option>
            {communes.map((commune) => (
              <option key={commune.insee} value={commune.insee}>
                {commune.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('register.camera')}
          <input value={draft.cameraId} maxLength={100} onChange={(event) => set('cameraId', event.target.value)} />
        </label>
        <label>
          {t('register.kind')}
          <select value={draft.kind} onChange={(event) => set('kind', event.target.value as RegisterFilterDraft['kind'])}>
            <option value="">{t('register.kindAll')}</option>
            {registerKinds.map((kind) => (
              <option key={kind} value={kind}>
                {t(`register.kind.${kind}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('register.from')}
          <input type="date" value={draft.fromDay} onChange={(event) => set('fromDay', event.target.value)} />
        </label>
        <label>
          {t('register.to')}
          <input type="date" value={draft.toDay} onChange={(event) => set('toDay', event.target.value)} />
        </label>
        <label>
          {t('register.text')}
          <input value={draft.text} maxLength={100} onChange={(event) => set('text', event.target.value)} />
        </label>
        <button type="submit" className="button primary">
          {t('register.search')}
        </button>
      </form>
      {entries.loading && !entries.data && <Loading />}
      {Boolean(entries.error) && <ErrorNotice error={entries.error} onRetry={entries.reload} />}
      {entries.data &&
        (entries.data.length === 0 ? (
          <p className="muted">{t('register.none')}</p>
        ) : (
          <div className="table-wrap">
            <p className="muted">{t('register.count', { count: entries.data.length })}</p>
            <table className="table" data-testid="register-table">
              <thead>
                <tr>
                  <th>{t('register.col.number')}</th>
                  <th>{t('register.col.at')}</th>
                  <th>{t('register.commune')}</th>
                  <th>{t('register.camera')}</th>
                  <th>{t('register.kind')}</th>
                  <th>{t('register.col.images')}</th>
                  <th>{t('register.col.volume')}</th>
                  <th>{t('register.col.reference')}</th>
                </tr>
              </thead>
              <tbody>
                {entries.data.map((entry) => (
                  <tr key={entry.id}>
                    <td className="mono">{entry.id}</td>
                    <td className="nowrap">{formatParisDateTime(entry.at, language)}</td>
                    <td>{communeName(entry.communeInsee)}</td>
                    <td className="mono">{entry.cameraId}</td>
                    <td>{registerKinds.includes(entry.kind as never) ? t(`register.kind.${entry.kind as (typeof registerKinds)[number]}`) : entry.kind}</td>
                    <td className="nowrap">
                      {formatParisDateTime(entry.from, language)} → {formatParisDateTime(entry.to, language)}
                    </td>
                    <td>
                      {entry.segments} / {number.format(entry.bytes)}
                    </td>
                    <td>{entry.reference ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
    </div>
  );
}
