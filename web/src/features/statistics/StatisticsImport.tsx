// The import of past years (CSU chief): a CSV chosen, sent whole; the server stores every figure
// or none, and its error report (line, column, message) is shown as a table.
import { useState, type ChangeEvent } from 'react';
import { api } from '../../api/client.ts';
import type { StatisticsImportResult } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { serverText } from '../../i18n/translate.ts';
import { importLineErrors } from '../../lib/errors.ts';
import { ErrorNotice, Notice } from '../../ui.tsx';

type State = { status: 'idle' } | { status: 'busy' } | { status: 'done'; result: StatisticsImportResult } | { status: 'failed'; error: unknown };

export function StatisticsImport({ onImported }: { onImported(): void }) {
  const { t, language } = useI18n();
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [state, setState] = useState<State>({ status: 'idle' });

  const choose = async (event: ChangeEvent<HTMLInputElement>) => {
    const chosen = event.target.files?.[0];
    setState({ status: 'idle' });
    setFile(chosen ? { name: chosen.name, text: await chosen.text() } : null);
  };
  const send = async () => {
    if (!file) return;
    setState({ status: 'busy' });
    try {
      const result = await api('POST', '/api/statistics/import', { text: file.text, contentType: 'text/csv; charset=utf-8' });
      setState({ status: 'done', result });
      onImported();
    } catch (error) {
      setState({ status: 'failed', error });
    }
  };
  const lineErrors = state.status === 'failed' ? importLineErrors(state.error) : [];

  return (
    <section className="panel" aria-labelledby="stats-import-title">
      <h2 id="stats-import-title">{t('stats.import.title')}</h2>
      <p className="muted">{t('stats.import.help')}</p>
      <div className="field-label" id="stats-file-label">
        {t('stats.import.file')}
      </div>
      <label className="file-picker">
        <input type="file" name="csv" accept=".csv,text/csv" aria-labelledby="stats-file-label" onChange={(event) => void choose(event)} />
        <span className="button-secondary" aria-hidden="true">
          {t('stats.import.choose')}
        </span>
        <span className={file ? 'file-name' : 'file-name muted'}>{file?.name ?? t('stats.import.noFile')}</span>
      </label>
      <div className="button-row">
        <button type="button" className="button-primary" disabled={!file || state.status === 'busy'} onClick={() => void send()}>
          {state.status === 'busy' ? t('stats.import.busy') : t('stats.import.send')}
        </button>
      </div>
      {state.status === 'done' && (
        <Notice kind="success">
          {t('stats.import.done', { lines: state.result.lines, replaced: state.result.replaced, years: state.result.years.join(', ') })}
          {state.result.yearsWithVigieData.length > 0 && ` ${t('stats.import.alongside', { years: state.result.yearsWithVigieData.join(', ') })}`}
        </Notice>
      )}
      {state.status === 'failed' && (
        <>
          <ErrorNotice error={state.error} />
          {lineErrors.length > 0 && (
            <div className="table-wrap">
              <table className="table import-errors">
                <caption>{t('stats.import.errors')}</caption>
                <thead>
                  <tr>
                    <th className="numeric">{t('stats.import.line')}</th>
                    <th>{t('stats.import.column')}</th>
                    <th>{t('stats.import.message')}</th>
                  </tr>
                </thead>
                <tbody>
                  {lineErrors.map((entry, index) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: one server answer, shown as is and never reordered
                    <tr key={`${entry.line}-${index}`}>
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
