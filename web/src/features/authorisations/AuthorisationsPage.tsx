// Prefectoral authorisations (LEGAL 1): those to renew within 120 days first, then all of
// them, then the cameras no valid authorisation covers.
import { api } from '../../api/client.ts';
import type { Authorisation, Camera, Labelled } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { formatCalendarDate, parisToday } from '../../lib/dates.ts';
import { ErrorNotice, Loading, PageHeader, StateBadge, useLoad } from '../../ui.tsx';
import { useCommuneName } from '../shell/communes.tsx';

export function AuthorisationsPage() {
  const { t } = useI18n();
  const all = useLoad(() => api('GET', '/api/authorisations'), []);
  const expiring = useLoad(() => api('GET', '/api/authorisations/expiring', { query: { withinDays: 120 } }), []);
  const unauthorised = useLoad(() => api('GET', '/api/cameras/unauthorised'), []);
  const lists = useLoad(() => api('GET', '/api/authorisations/legal-lists'), []);
  const purposes = lists.data?.purposes ?? [];

  return (
    <div>
      <PageHeader title={t('auth.title')} />
      <section className="panel panel-warning" aria-labelledby="renew-title">
        <h2 id="renew-title">{t('auth.renew')}</h2>
        <p className="muted">{t('auth.renewHelp')}</p>
        {expiring.loading && !expiring.data && <Loading />}
        {Boolean(expiring.error) && <ErrorNotice error={expiring.error} onRetry={expiring.reload} />}
        {expiring.data &&
          (expiring.data.length === 0 ? (
            <p>{t('auth.renewNone')}</p>
          ) : (
            <AuthorisationTable rows={[...expiring.data].sort((a, b) => a.daysToExpiry - b.daysToExpiry)} purposes={purposes} highlight />
          ))}
      </section>
      <section className="panel" aria-labelledby="all-title">
        <h2 id="all-title">{t('auth.all')}</h2>
        {all.loading && !all.data && <Loading />}
        {Boolean(all.error) && <ErrorNotice error={all.error} onRetry={all.reload} />}
        {all.data && (all.data.length === 0 ? <p className="muted">{t('common.empty')}</p> : <AuthorisationTable rows={all.data} purposes={purposes} />)}
      </section>
      <section className="panel" aria-labelledby="unauthorised-title">
        <h2 id="unauthorised-title">{t('auth.unauthorised')}</h2>
        <p className="muted">{t('auth.unauthorisedHelp')}</p>
        {unauthorised.loading && !unauthorised.data && <Loading />}
        {Boolean(unauthorised.error) && <ErrorNotice error={unauthorised.error} onRetry={unauthorised.reload} />}
        {unauthorised.data && (unauthorised.data.length === 0 ? <p>{t('auth.unauthorisedNone')}</p> : <UnauthorisedTable cameras={unauthorised.data} />)}
      </section>
    </div>
  );
}

function AuthorisationTable({ rows, purposes, highlight = false }: { rows: Authorisation[]; purposes: Labelled[]; highlight?: boolean }) {
  const { t, language } = useI18n();
  const communeName = useCommuneName();
  const today = parisToday();
  const purposeLabel = (code: string) => purposes.find((entry) => entry.code === code)?.[language] ?? code;
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th>{t('auth.reference')}</th>
            <th>{t('auth.commune')}</th>
            <th>{t('auth.status')}</th>
            <th>{t('auth.start')}</th>
            <th>{t('auth.end')}</th>
            <th className="numeric">{t('auth.daysLeft')}</th>
            <th>{t('auth.renewalDue')}</th>
            <th className="numeric">{t('auth.cameras')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => [
            <tr key={row.id} className={`row-main${highlight && row.daysToExpiry <= 30 ? ' row-urgent' : ''}`}>
              <td className="mono nowrap">{row.reference}</td>
              <td>{communeName(row.communeInsee)}</td>
              <td>
                <span className={`badge auth-${row.status}`}>{t(`auth.status.${row.status}`)}</span>
              </td>
              <td>{formatCalendarDate(row.startOn, language)}</td>
              <td>{formatCalendarDate(row.endOn, language)}</td>
              <td className="numeric">{row.status === 'expired' || row.status === 'revoked' ? '—' : row.daysToExpiry}</td>
              <td className={row.status === 'valid' && row.renewalDueOn < today ? 'danger-text' : undefined}>
                {formatCalendarDate(row.renewalDueOn, language)}
              </td>
              <td className="numeric">{row.cameraIds.length}</td>
            </tr>,
            <tr key={`${row.id}-purposes`} className="row-sub">
              <td colSpan={8}>{t('auth.purposesLine', { list: row.purposes.map(purposeLabel).join(' · ') })}</td>
            </tr>,
          ])}
        </tbody>
      </table>
    </div>
  );
}

function UnauthorisedTable({ cameras }: { cameras: Camera[] }) {
  const { t } = useI18n();
  const communeName = useCommuneName();
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th>{t('cameras.commune')}</th>
            <th>{t('cameras.site')}</th>
            <th>{t('cameras.title')}</th>
            <th>{t('cameras.state')}</th>
          </tr>
        </thead>
        <tbody>
          {cameras.map((camera) => (
            <tr key={camera.id}>
              <td>{communeName(camera.communeInsee)}</td>
              <td>{camera.siteName}</td>
              <td>{camera.name}</td>
              <td>
                <StateBadge state={camera.state} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
