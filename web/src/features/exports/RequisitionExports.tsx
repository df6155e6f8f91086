// A requisition's evidence packages: the list (state, size, SHA-256 of the ZIP, created by and
// on), the live progress of those being built (GET /api/exports/:id every second), their failure
// in words, the download for the requisition's recipients, and the builder for exporters.
import { useEffect, useState } from 'react';
import { api, type ApiAnswer } from '../../api/client.ts';
import type { Me, RequisitionDetail } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { localeOf } from '../../i18n/translate.ts';
import { formatParisDateTime } from '../../lib/dates.ts';
import { ErrorNotice, Notice, useLoad } from '../../ui.tsx';
import { ExportBuilder } from './ExportBuilder.tsx';
import { formatBytes, halfOf, isBuilding, mayDownload } from './exports.ts';
import './exports.css';

type EvidencePackage = ApiAnswer<'GET', '/api/exports/{id}'>;

const pollMs = 1000;
const exportableStates = new Set(['in_review', 'positive', 'exported']);

/** Follows the packages being built, one GET each second, until none is. */
function useLivePackages(requisitionId: string, onFinished: () => void): { packages?: EvidencePackage[]; error: unknown; reload(): void } {
  const list = useLoad(() => api('GET', '/api/requisitions/{id}/exports', { path: { id: requisitionId } }), [requisitionId]);
  const [live, setLive] = useState<Record<string, EvidencePackage>>({});
  const packages = list.data?.map((item) => live[item.id] ?? item);
  const building = (packages ?? []).filter((item) => isBuilding(item.state)).map((item) => item.id);
  const key = building.join(',');

  // biome-ignore lint/correctness/useExhaustiveDependencies: the timer restarts only when the set of packages being built changes (key)
  useEffect(() => {
    if (building.length === 0) return;
    const timer = window.setInterval(async () => {
      const fresh = await Promise.all(building.map((id) => api('GET', '/api/exports/{id}', { path: { id }, background: true }).catch(() => null)));
      const found = fresh.filter((item): item is EvidencePackage => item !== null);
      setLive((current) => ({ ...current, ...Object.fromEntries(found.map((item) => [item.id, item])) }));
      if (found.some((item) => !isBuilding(item.state))) onFinished();
    }, pollMs);
    return () => window.clearInterval(timer);
  }, [key]);

  return { packages, error: list.error, reload: list.reload };
}

function ProgressCell({ item }: { item: EvidencePackage }) {
  const { t, language } = useI18n();
  if (item.state === 'failed') {
    const words = item.error?.code === 'export_interrupted' ? t('exports.error.export_interrupted') : halfOf(item.error?.message ?? '', language);
    return (
      <span className="danger-text" data-testid="export-error">
        {t('exports.error', { message: words })}
      </span>
    );
  }
  if (item.state === 'purged') return <span className="muted">{t('exports.purgedAt', { at: formatParisDateTime(item.purgedAt, language) })}</span>;
  const percent = Math.round(item.progress.fraction * 100);
  return (
    <span className="export-progress">
      <progress max={100} value={percent} aria-label={t('exports.progress')} data-testid="export-progress" /> {percent} %
      {item.state !== 'ready' && <span className="muted"> · {halfOf(item.progress.message, language)}</span>}
    </span>
  );
}

export function RequisitionExports({ requisition, me, onChanged }: { requisition: RequisitionDetail; me: Me; onChanged: () => void }) {
  const { t, language } = useI18n();
  const [building, setBuilding] = useState(false);
  const [launched, setLaunched] = useState(false);
  const { packages, error, reload } = useLivePackages(requisition.id, onChanged);
  const canExport = me.actions.includes('image.export') && exportableStates.has(requisition.state);
  const downloads = mayDownload(me, requisition);
  const locale = localeOf(language);
  return (
    <section className="panel" aria-labelledby="req-exports">
      <h2 id="req-exports">{t('exports.title')}</h2>
      {canExport && !building && (
        <button type="button" className="button primary" onClick={() => setBuilding(true)}>
          {t('exports.new')}
        </button>
      )}
      {building && (
        <ExportBuilder
          requisition={requisition}
          onCancel={() => setBuilding(false)}
          onLaunched={() => {
            setBuilding(false);
            setLaunched(true);
            reload();
          }}
        />
      )}
      {launched && <Notice kind="success">{t('exports.launched')}</Notice>}
      {Boolean(error) && <ErrorNotice error={error} onRetry={reload} />}
      {packages && packages.length === 0 && <p className="muted">{t('exports.none')}</p>}
      {packages && packages.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>{t('exports.state')}</th>
                <th>{t('exports.progress')}</th>
                <th>{t('exports.size')}</th>
                <th>{t('exports.sha256')}</th>
                <th>{t('exports.created')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {packages.map((item) => (
                <tr key={item.id} data-testid="export-package" data-package-id={item.id} data-state={item.state}>
                  <td>
                    <span className={`badge ${item.state === 'ready' ? 'ok' : item.state === 'failed' ? 'danger' : 'neutral'}`} data-testid="export-state">
                      {t(`exports.state.${item.state}`)}
                    </span>{' '}
                    <span className="muted">{t('exports.items', { count: item.items.length })}</span>
                  </td>
                  <td>
                    <ProgressCell item={item} />
                  </td>
                  <td className="nowrap">{item.zip ? formatBytes(item.zip.bytes, locale) : '—'}</td>
                  <td className="mono export-sha" title={item.zip?.sha256}>
                    {item.zip ? item.zip.sha256 : '—'}
                  </td>
                  <td>
                    {item.createdBy} · {formatParisDateTime(item.createdAt, language)}
                  </td>
                  <td>
                    {item.state === 'ready' &&
                      (downloads ? (
                        <a className="button primary" href={`/api/exports/${encodeURIComponent(item.id)}/download`} download data-testid="export-download">
                          {t('exports.download')}
                        </a>
                      ) : (
                        <span className="muted">{t('exports.downloadReserved')}</span>
                      ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
