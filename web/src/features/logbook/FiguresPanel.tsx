// The chief's figures (issue 14 item 7): acknowledgement time at 80 % and 98.5 % per shift and
// per alarm type, false alarms per site, open alarms by age, over the last days chosen.
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { formatParisMinute } from '../../lib/dates.ts';
import { ErrorNotice, Loading, useLoad } from '../../ui.tsx';
import { type AlarmFigures, formatSeconds } from './logbook.ts';

const periods = [7, 30, 90, 365] as const;

function AckTable({
  caption,
  label,
  rows,
}: {
  caption: string;
  label: string;
  rows: { key: string; name: string; count: number; p80Seconds: number | null; p985Seconds: number | null }[];
}) {
  const { t } = useI18n();
  return (
    <table className="table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th>{label}</th>
          <th>{t('figures.count')}</th>
          <th>{t('figures.p80')}</th>
          <th>{t('figures.p985')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.key}>
            <td>{row.name}</td>
            <td>{row.count}</td>
            <td>{formatSeconds(row.p80Seconds)}</td>
            <td>{formatSeconds(row.p985Seconds)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function FiguresPanel({ communeInsee }: { communeInsee: string }) {
  const { t, language } = useI18n();
  const [days, setDays] = useState<(typeof periods)[number]>(30);
  const figures = useLoad(async () => {
    const to = new Date();
    const from = new Date(to.getTime() - days * 86_400_000);
    const query: Record<string, string> = { from: from.toISOString(), to: to.toISOString() };
    if (communeInsee) query.communeInsee = communeInsee;
    return (await api('GET', '/api/alarms/figures', { query: query as never })) as AlarmFigures;
  }, [days, communeInsee]);
  const catalogue = useLoad(() => api('GET', '/api/alarms/catalogue'), []);
  const typeName = (code: string) => catalogue.data?.types.find((type) => type.code === code)?.[language] ?? code;
  const percent = new Intl.NumberFormat(language === 'fr' ? 'fr-FR' : 'en-GB', { style: 'percent', maximumFractionDigits: 1 });
  const data = figures.data;
  return (
    <section className="panel figures-panel" aria-labelledby="figures-title" data-testid="figures-panel">
      <h2 id="figures-title">{t('figures.title')}</h2>
      <label>
        {t('figures.days')}{' '}
        <select value={days} onChange={(event) => setDays(Number(event.target.value) as (typeof periods)[number])}>
          {periods.map((value) => (
            <option key={value} value={value}>
              {value}
            </option>
          ))}
        </select>
      </label>
      {figures.loading && !data && <Loading />}
      {Boolean(figures.error) && <ErrorNotice error={figures.error} onRetry={figures.reload} />}
      {data && (
        <>
          <p className="muted">{t('figures.period', { from: formatParisMinute(data.from, language), to: formatParisMinute(data.to, language) })}</p>
          <AckTable
            caption={t('figures.ack')}
            label={t('figures.shift')}
            rows={[
              { key: 'all', name: t('figures.all'), ...data.acknowledgement.all },
              ...data.acknowledgement.byShift.map((row) => ({ key: row.shift, name: row.shift, ...row })),
            ]}
          />
          <AckTable
            caption={t('figures.ack')}
            label={t('figures.alarmType')}
            rows={data.acknowledgement.byType.map((row) => ({ key: row.type, name: typeName(row.type), ...row }))}
          />
          <table className="table">
            <caption>{t('figures.falseAlarms')}</caption>
            <thead>
              <tr>
                <th>{t('figures.site')}</th>
                <th>{t('figures.closed')}</th>
                <th>{t('figures.false')}</th>
                <th>{t('figures.ratio')}</th>
              </tr>
            </thead>
            <tbody>
              {data.falseAlarms.map((row) => (
                <tr key={row.siteId ?? ''}>
                  <td className="mono">{row.siteId ?? t('figures.noSite')}</td>
                  <td>{row.closed}</td>
                  <td>{row.falseAlarms}</td>
                  <td>{percent.format(row.ratio)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table className="table">
            <caption>{t('figures.open')}</caption>
            <tbody>
              {data.openByAge.map((row) => (
                <tr key={row.bucket}>
                  <th scope="row">{t(`figures.age.${row.bucket as 'lt5m'}`)}</th>
                  <td>{row.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
