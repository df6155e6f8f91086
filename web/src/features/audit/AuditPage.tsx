// The audit log (LEGAL 10): search by Paris time range, action prefix, login and commune;
// paginated rows; chain verification; CSV export of the same search.
import { useState, type FormEvent } from 'react';
import { api, withQuery, type ApiQuery } from '../../api/client.ts';
import type { AuditVerification, Me } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { formatParisDateTime, parisLocalToUtcIso } from '../../lib/dates.ts';
import { ErrorNotice, Loading, Notice, PageHeader, useLoad } from '../../ui.tsx';

const pageSize = 50;

interface Filters {
  from: string;
  to: string;
  action: string;
  actorLogin: string;
  communeInsee: string;
}
const noFilters: Filters = { from: '', to: '', action: '', actorLogin: '', communeInsee: '' };

function queryOf(filters: Filters): Omit<ApiQuery<'GET', '/api/audit'>, 'limit' | 'offset'> {
  return {
    from: (filters.from ? parisLocalToUtcIso(filters.from) : undefined) ?? undefined,
    to: (filters.to ? parisLocalToUtcIso(filters.to) : undefined) ?? undefined,
    action: filters.action.trim() || undefined,
    actorLogin: filters.actorLogin.trim() || undefined,
    communeInsee: filters.communeInsee.trim() || undefined,
  };
}

function detailsText(details: Record<string, unknown>): string {
  const text = JSON.stringify(details);
  return text === '{}' ? '' : text;
}

export function AuditPage({ me }: { me: Me }) {
  const { t, language } = useI18n();
  const [draft, setDraft] = useState<Filters>(noFilters);
  const [filters, setFilters] = useState<Filters>(noFilters);
  const [offset, setOffset] = useState(0);
  const page = useLoad(() => api('GET', '/api/audit', { query: { ...queryOf(filters), limit: pageSize, offset } }), [filters, offset]);
  const [verification, setVerification] = useState<{ busy: boolean; result?: AuditVerification; error?: unknown }>({ busy: false });

  const search = (event: FormEvent) => {
    event.preventDefault();
    setOffset(0);
    setFilters(draft);
  };

  const verify = async () => {
    setVerification({ busy: true });
    try {
      setVerification({ busy: false, result: await api('POST', '/api/audit/verify') });
      page.reload();
    } catch (error) {
      setVerification({ busy: false, error });
    }
  };

  const set = (key: keyof Filters, value: string) => setDraft((current) => ({ ...current, [key]: value }));
  const total = page.data?.total ?? 0;
  const records = page.data?.records ?? [];

  return (
    <div>
      <PageHeader title={t('audit.title')}>
        {me.actions.includes('audit.verify') && (
          <button type="button" className="button-primary" disabled={verification.busy} onClick={() => void verify()}>
            {verification.busy ? t('audit.verifying') : t('audit.verify')}
          </button>
        )}
        {me.actions.includes('audit.export') && (
          <a className="button-secondary" href={withQuery('/api/audit/export.csv', queryOf(filters))} download="vigie-audit.csv">
            {t('audit.export')}
          </a>
        )}
      </PageHeader>
      {verification.result &&
        (verification.result.ok ? (
          <Notice kind="success">
            {t('audit.intact', { rows: verification.result.rowsChecked, first: verification.result.firstSeq, last: verification.result.lastSeq })}
          </Notice>
        ) : (
          <Notice kind="error">
            {t('audit.broken', {
              seq: verification.result.problem?.seq ?? '?',
              kind: verification.result.problem?.kind ?? '?',
              message: verification.result.problem?.message ?? '',
            })}
          </Notice>
        ))}
      {Boolean(verification.error) && <ErrorNotice error={verification.error} />}
      <form className="panel filters" onSubmit={search}>
        <label>
          <span>{t('audit.from')}</span>
          <input type="datetime-local" name="from" value={draft.from} onChange={(event) => set('from', event.target.value)} />
        </label>
        <label>
          <span>{t('audit.to')}</span>
          <input type="datetime-local" name="to" value={draft.to} onChange={(event) => set('to', event.target.value)} />
        </label>
        <label>
          <span>{t('audit.action')}</span>
          <input name="action" placeholder={t('audit.actionPlaceholder')} value={draft.action} onChange={(event) => set('action', event.target.value)} />
        </label>
        <label>
          <span>{t('audit.login')}</span>
          <input name="actorLogin" value={draft.actorLogin} onChange={(event) => set('actorLogin', event.target.value)} />
        </label>
        <label>
          <span>{t('audit.commune')}</span>
          <input
            name="communeInsee"
            maxLength={5}
            placeholder={t('audit.communePlaceholder')}
            value={draft.communeInsee}
            onChange={(event) => set('communeInsee', event.target.value)}
          />
        </label>
        <div className="button-row filters-actions">
          <button type="submit" className="button-primary">
            {t('audit.search')}
          </button>
          <button
            type="button"
            className="button-secondary"
            onClick={() => {
              setDraft(noFilters);
              setFilters(noFilters);
              setOffset(0);
            }}
          >
            {t('audit.reset')}
          </button>
        </div>
      </form>
      <section className="panel">
        {page.loading && !page.data && <Loading />}
        {Boolean(page.error) && <ErrorNotice error={page.error} onRetry={page.reload} />}
        {page.data && (
          <>
            <div className="table-toolbar">
              <span className="muted" aria-live="polite">
                {t('audit.total', { total, from: total === 0 ? 0 : offset + 1, to: offset + records.length })}
              </span>
              <div className="button-row">
                <button type="button" className="button-small" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - pageSize))}>
                  {t('common.previous')}
                </button>
                <button type="button" className="button-small" disabled={offset + records.length >= total} onClick={() => setOffset(offset + pageSize)}>
                  {t('common.next')}
                </button>
              </div>
            </div>
            {records.length === 0 ? (
              <p className="muted">{t('common.empty')}</p>
            ) : (
              <div className="table-wrap">
                <table className="table audit-table">
                  <thead>
                    <tr>
                      <th className="numeric">{t('audit.seq')}</th>
                      <th>{t('audit.at')}</th>
                      <th>{t('audit.actor')}</th>
                      <th>{t('audit.communeColumn')}</th>
                      <th>{t('audit.actionColumn')}</th>
                      <th>{t('audit.target')}</th>
                      <th>{t('audit.ip')}</th>
                      <th>{t('audit.details')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {records.map((record) => (
                      <tr key={record.seq}>
                        <td className="numeric">{record.seq}</td>
                        <td className="nowrap">{formatParisDateTime(record.at, language)}</td>
                        <td>{record.actorLogin ?? record.actorType}</td>
                        <td>{record.communeInsee ?? '—'}</td>
                        <td className="mono">{record.action}</td>
                        <td className="mono small nowrap">
                          {record.targetType ? `${record.targetType}${record.targetId ? ` ${record.targetId.slice(0, 8)}` : ''}` : '—'}
                        </td>
                        <td className="mono small">{record.ip ?? '—'}</td>
                        <td className="details-cell mono small" title={detailsText(record.details)}>
                          {detailsText(record.details)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </>
        )}
      </section>
    </div>
  );
}
