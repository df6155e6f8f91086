// Yearly statistics (issue 13 item 8): the year range and commune, the chart of one series
// across the years, the yearly table (Vigie's figures and, apart, imported ones), CSV and PDF
// downloads; the offence short form for operators and supervisors; the import of past years for
// the CSU chief. Figures come from GET /api/statistics; dates are Paris time.
import { useMemo, useState } from 'react';
import { api, withQuery } from '../../api/client.ts';
import type { Me, StatisticsView } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/translate.ts';
import { parisToday } from '../../lib/dates.ts';
import { ErrorNotice, Loading, PageHeader, useLoad } from '../../ui.tsx';
import { useCommunes } from '../shell/communes.tsx';
import { OffencePanel } from './OffencePanel.tsx';
import { StatisticsChart } from './StatisticsChart.tsx';
import { StatisticsImport } from './StatisticsImport.tsx';
import { hasImported, seriesOf, tableOf } from './statistics.ts';

const mainSeries = ['offences_seen', 'requests', 'exports', 'review_hours'] as const;

export function StatisticsPage({ me }: { me: Me }) {
  const { t } = useI18n();
  const canRead = me.actions.includes('statistics.read');
  const thisYear = Number(parisToday().slice(0, 4));
  const [from, setFrom] = useState(thisYear - 9);
  const [to, setTo] = useState(thisYear);
  const [communeInsee, setCommuneInsee] = useState('');
  const communes = useCommunes();
  const query = { from, to, ...(communeInsee ? { communeInsee } : {}) };
  const figures = useLoad(() => (canRead && from <= to ? api('GET', '/api/statistics', { query }) : Promise.resolve(null)), [canRead, from, to, communeInsee]);

  const yearInput = (label: MessageKey, value: number, set: (year: number) => void) => (
    <label>
      {t(label)}
      <input
        type="number"
        min={2000}
        max={thisYear}
        value={value}
        onChange={(event) => {
          const year = Number(event.target.value);
          if (Number.isInteger(year) && year >= 2000 && year <= 2100) set(year);
        }}
      />
    </label>
  );

  return (
    <div>
      <PageHeader title={t('stats.title')}>
        {canRead && (
          <>
            <a className="button-secondary" href={withQuery('/api/statistics/export.csv', query)} download="statistiques-csu.csv">
              {t('stats.downloadCsv')}
            </a>
            <a className="button-secondary" href={withQuery('/api/statistics/export.pdf', query)} download="statistiques-csu.pdf">
              {t('stats.downloadPdf')}
            </a>
          </>
        )}
      </PageHeader>
      {canRead && (
        <>
          <div className="panel form-grid">
            {yearInput('stats.from', from, setFrom)}
            {yearInput('stats.to', to, setTo)}
            <label>
              {t('stats.commune')}
              <select value={communeInsee} onChange={(event) => setCommuneInsee(event.target.value)}>
                <option value="">{t('stats.allCommunes')}</option>
                {communes.map((commune) => (
                  <option key={commune.insee} value={commune.insee}>
                    {commune.name}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {figures.loading && !figures.data && <Loading />}
          {Boolean(figures.error) && <ErrorNotice error={figures.error} onRetry={figures.reload} />}
          {figures.data && <Figures view={figures.data} />}
        </>
      )}
      {me.actions.includes('offence.record') && <OffencePanel me={me} onRecorded={figures.reload} />}
      {me.actions.includes('statistics.import') && <StatisticsImport onImported={figures.reload} />}
    </div>
  );
}

function Figures({ view }: { view: StatisticsView }) {
  const { t, language } = useI18n();
  const [indicator, setIndicator] = useState<string>(mainSeries[0]);
  const series = useMemo(() => seriesOf(view.totals, indicator, view.from, view.to), [view, indicator]);
  const table = useMemo(() => tableOf(view.totals, view.indicators, view.from, view.to), [view]);
  const number = (value: number) => new Intl.NumberFormat(language === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 2 }).format(value);
  const label = (key: string) => t(`stats.indicator.${key}` as MessageKey);
  return (
    <>
      <section className="panel" aria-labelledby="stats-chart-title">
        <h2 id="stats-chart-title">{t('stats.chart')}</h2>
        <label className="inline">
          {t('stats.series')}{' '}
          <select value={indicator} onChange={(event) => setIndicator(event.target.value)}>
            {view.indicators.map((key) => (
              <option key={key} value={key}>
                {label(key)}
              </option>
            ))}
          </select>
        </label>
        <StatisticsChart title={label(indicator)} series={series} />
        {hasImported(view.totals) && <p className="muted">{t('stats.importedNote')}</p>}
      </section>
      <section className="panel" aria-labelledby="stats-table-title">
        <h2 id="stats-table-title">{t('stats.table')}</h2>
        {view.totals.length === 0 ? (
          <p className="muted">{t('stats.none')}</p>
        ) : (
          <div className="table-wrap">
            <table className="table" aria-labelledby="stats-table-title">
              <thead>
                <tr>
                  <th>{t('stats.indicator')}</th>
                  {series.years.map((year) => (
                    <th key={year} className="numeric">
                      {year}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {table.map((row) => (
                  <tr key={row.indicator}>
                    <th scope="row">{label(row.indicator)}</th>
                    {row.cells.map((cell) => (
                      <td key={cell.year} className="numeric">
                        {cell.vigie !== null ? number(cell.vigie) : cell.imported === null ? '—' : ''}
                        {cell.imported !== null && (
                          <span className="muted">
                            {cell.vigie !== null ? ' ' : ''}({number(cell.imported)} {t('stats.origin.imported')})
                          </span>
                        )}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
