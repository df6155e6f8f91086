// Inventory administration: adding a camera from ONVIF (features/onvif), all-or-nothing CSV import (dry run first, every line error shown,
// "Importer" only once clean) and the CSV export.
import { useEffect, useState, type ChangeEvent } from 'react';
import { api } from '../../api/client.ts';
import type { ImportProgress, ImportResult, Me } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { serverText, type Translate } from '../../i18n/translate.ts';
import { ApiError, importLineErrors } from '../../lib/errors.ts';
import { ErrorNotice, Notice, PageHeader } from '../../ui.tsx';
import { OnvifAddCard } from '../onvif/OnvifAddCard.tsx';

type Check =
  | { status: 'idle' }
  | { status: 'busy' }
  | { status: 'clean'; result: ImportResult }
  | { status: 'failed'; error: unknown }
  | { status: 'imported'; result: ImportResult };

export function InventoryPage({ me }: { me: Me }) {
  const { t } = useI18n();
  const canImport = me.actions.includes('camera.import');
  const canExport = me.actions.includes('camera.export');
  const canOnvif = me.actions.includes('camera.onvif');
  return (
    <div>
      <PageHeader title={t('inventory.title')} />
      <div className="cards">
        {canOnvif && <OnvifAddCard />}
        {canImport && <ImportCard />}
        {canExport && (
          <section className="panel" aria-labelledby="export-title">
            <h2 id="export-title">{t('inventory.export')}</h2>
            <p className="muted">{t('inventory.exportHelp')}</p>
            <div className="button-row">
              <a className="button-secondary" href="/api/cameras/export.csv" download="cameras.csv">
                {t('inventory.exportComma')}
              </a>
              <a className="button-secondary" href="/api/cameras/export.csv?separator=semicolon" download="cameras.csv">
                {t('inventory.exportSemicolon')}
              </a>
            </div>
          </section>
        )}
      </div>
    </div>
  );
}

/** While a large file is checked, the server tells how far it has gone (polled each second). */
function useImportProgress(active: boolean): ImportProgress | null {
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  useEffect(() => {
    if (!active) {
      setProgress(null);
      return undefined;
    }
    const timer = setInterval(() => {
      api('GET', '/api/cameras/import/progress', { background: true }).then(setProgress, () => undefined);
    }, 1000);
    return () => clearInterval(timer);
  }, [active]);
  return progress;
}

function progressText(progress: ImportProgress | null, t: Translate, language: string): string {
  const number = new Intl.NumberFormat(language);
  if (progress?.running && progress.phase === 'checking' && progress.linesTotal)
    return t('inventory.progressChecking', { done: number.format(progress.linesDone), total: number.format(progress.linesTotal) });
  if (progress?.running && progress.phase === 'writing' && progress.linesTotal)
    return t('inventory.progressWriting', { total: number.format(progress.linesTotal) });
  return t('inventory.checking');
}

function counts(result: ImportResult): Record<string, number> {
  return { created: result.created, updated: result.updated, unchanged: result.unchanged, sitesCreated: result.sitesCreated };
}

function ImportCard() {
  const { t, language } = useI18n();
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [createSites, setCreateSites] = useState(false);
  const [check, setCheck] = useState<Check>({ status: 'idle' });

  const choose = async (event: ChangeEvent<HTMLInputElement>) => {
    const chosen = event.target.files?.[0];
    setCheck({ status: 'idle' });
    setFile(chosen ? { name: chosen.name, text: await chosen.text() } : null);
  };

  const send = async (dryRun: boolean) => {
    if (!file) return;
    setCheck({ status: 'busy' });
    try {
      const result = await api('POST', '/api/cameras/import', {
        query: { dryRun: dryRun ? 'true' : 'false', createSites: createSites ? 'true' : 'false' },
        text: file.text,
        contentType: 'text/csv; charset=utf-8',
      });
      setCheck(dryRun ? { status: 'clean', result } : { status: 'imported', result });
    } catch (error) {
      setCheck({ status: 'failed', error });
    }
  };

  const lineErrors = check.status === 'failed' ? importLineErrors(check.error) : [];
  const progress = useImportProgress(check.status === 'busy');
  return (
    <section className="panel" aria-labelledby="import-title">
      <h2 id="import-title">{t('inventory.import')}</h2>
      <p className="muted">{t('inventory.importHelp')}</p>
      <div className="form-grid">
        <div>
          <div className="field-label" id="csv-file-label">
            {t('inventory.file')}
          </div>
          {/* Our own button: the browser's says "Choose File" in its own language. */}
          <label className="file-picker">
            <input type="file" name="csv" accept=".csv,text/csv" aria-labelledby="csv-file-label" onChange={(event) => void choose(event)} />
            <span className="button-secondary" aria-hidden="true">
              {t('inventory.chooseFile')}
            </span>
            <span className={file ? 'file-name' : 'file-name muted'}>{file?.name ?? t('inventory.noFile')}</span>
          </label>
        </div>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={createSites}
            onChange={(event) => {
              setCreateSites(event.target.checked);
              setCheck({ status: 'idle' });
            }}
          />
          <span>{t('inventory.createSites')}</span>
        </label>
      </div>
      <div className="button-row">
        <button type="button" className="button-secondary" disabled={!file || check.status === 'busy'} onClick={() => void send(true)}>
          {check.status === 'busy' ? t('inventory.checking') : t('inventory.check')}
        </button>
        <button type="button" className="button-primary" disabled={check.status !== 'clean'} onClick={() => void send(false)}>
          {t('inventory.doImport')}
        </button>
      </div>
      {check.status === 'busy' && (
        <p className="loading" role="status">
          <span className="spinner" aria-hidden="true" />
          {progressText(progress, t, language)}
        </p>
      )}
      {check.status === 'clean' && <Notice kind="success">{t('inventory.clean', counts(check.result))}</Notice>}
      {check.status === 'imported' && <Notice kind="success">{t('inventory.done', counts(check.result))}</Notice>}
      {check.status === 'failed' && (
        <>
          <ErrorNotice error={check.error} />
          {check.error instanceof ApiError && lineErrors.length > 0 && (
            <div className="table-wrap">
              <table className="table import-errors" aria-label={t('inventory.errors', { count: lineErrors.length })}>
                <caption>{t('inventory.errors', { count: lineErrors.length })}</caption>
                <thead>
                  <tr>
                    <th className="numeric">{t('inventory.line')}</th>
                    <th>{t('inventory.column')}</th>
                    <th>{t('inventory.message')}</th>
                  </tr>
                </thead>
                <tbody>
                  {lineErrors.map((entry, index) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: one server answer, shown as is and never reordered; a line and column can carry several errors
                    <tr key={`${entry.line}-${entry.column ?? ''}-${index}`}>
                      <td className="numeric">{entry.line}</td>
                      <td className="mono">{entry.column ?? '—'}</td>
                      <td>{serverText(language, entry.message_fr, entry.message_en)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
