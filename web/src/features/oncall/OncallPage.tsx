// The on-call screen (astreintes, issue 14 item 5): per service who is on duty now and next,
// the rota as a week view in Paris time, the current and coming overrides, and (for those who
// configure the chain) the people and their contacts. Configuration is done through the API
// (docs/oncall.md); this screen reads.
import { useState } from 'react';
import { api } from '../../api/client.ts';
import type { Me } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/translate.ts';
import { formatParisMinute } from '../../lib/dates.ts';
import { ErrorNotice, Loading, PageHeader, useLoad } from '../../ui.tsx';
import { useCommuneName } from '../shell/communes.tsx';
import { shiftsOfDay, weekDays } from './week.ts';

const week = 7 * 86_400_000;
const hourMinute = (ms: number) =>
  new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(ms));

export function OncallPage({ me }: { me: Me }) {
  const { t, language } = useI18n();
  const communeName = useCommuneName();
  const [fromMs, setFromMs] = useState(() => Date.now());
  const now = useLoad(() => api('GET', '/api/oncall/now'), []);
  const shifts = useLoad(() => api('GET', '/api/oncall/shifts', { query: { from: new Date(fromMs).toISOString(), days: 7 } as never }), [fromMs]);
  const overrides = useLoad(() => api('GET', '/api/oncall/overrides'), []);
  const canConfigure = me.actions.includes('oncall.write');
  const people = useLoad(() => (canConfigure ? api('GET', '/api/oncall/people') : Promise.resolve([])), [canConfigure]);
  const names = new Map((people.data ?? []).map((person) => [person.id, person.name]));
  const nameOf = (id: string) => names.get(id) ?? id;
  const scopeOf = (insee: string | null) => (insee ? communeName(insee) : t('oncall.centreWide'));
  const kindLabel = (kind: string) => t(`oncall.kind.${kind}` as MessageKey);
  const days = weekDays(fromMs);

  return (
    <section aria-labelledby="page-title">
      <PageHeader title={t('oncall.title')} />
      <h2>{t('oncall.now')}</h2>
      {now.error ? <ErrorNotice error={now.error} onRetry={now.reload} /> : null}
      {now.data ? (
        <div className="oncall-services" data-testid="oncall-now">
          {now.data.services.map(({ service, onDuty, next }) => (
            <article key={service.id} className="card">
              <h3>
                {service.name}{' '}
                <span className="muted">
                  ({kindLabel(service.kind)}, {scopeOf(service.communeInsee)})
                </span>
              </h3>
              <p>
                <strong>{t('oncall.onDuty')} :</strong>{' '}
                {onDuty.length === 0
                  ? t('oncall.nobody')
                  : onDuty
                      .map(
                        (shift) =>
                          `${t('oncall.level', { level: shift.level })} ${shift.personName}${shift.replacing ? ` (${t('oncall.replacing', { name: nameOf(shift.replacing) })})` : ''}`,
                      )
                      .join(' · ')}
              </p>
              {next.length > 0 && (
                <p className="muted">
                  {t('oncall.next')} :{' '}
                  {next
                    .map((shift) => `${t('oncall.level', { level: shift.level })} ${shift.personName} ${formatParisMinute(shift.from, language)}`)
                    .join(' · ')}
                </p>
              )}
            </article>
          ))}
        </div>
      ) : (
        !now.error && <Loading />
      )}

      <h2>{t('oncall.week')}</h2>
      <div className="page-actions">
        <button type="button" className="button-secondary" onClick={() => setFromMs(fromMs - week)}>
          {t('oncall.previousWeek')}
        </button>
        <button type="button" className="button-secondary" onClick={() => setFromMs(fromMs + week)}>
          {t('oncall.nextWeek')}
        </button>
      </div>
      {shifts.error ? <ErrorNotice error={shifts.error} onRetry={shifts.reload} /> : null}
      {shifts.data?.map(({ service, shifts: serviceShifts }) => (
        <table key={service.id} className="table" data-testid="oncall-week">
          <caption>{service.name}</caption>
          <thead>
            <tr>
              {days.map((day) => (
                <th key={day.day} scope="col">
                  {new Intl.DateTimeFormat(language === 'fr' ? 'fr-FR' : 'en-GB', {
                    timeZone: 'Europe/Paris',
                    weekday: 'short',
                    day: '2-digit',
                    month: '2-digit',
                  }).format(new Date(day.startMs + 12 * 3_600_000))}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr>
              {days.map((day) => (
                <td key={day.day}>
                  {shiftsOfDay(serviceShifts, day.startMs, day.endMs).map((cell) => (
                    <div key={`${cell.rotaId}-${cell.fromMs}-${cell.personId}`}>
                      <span className="muted">N{cell.level}</span> {cell.personName} {hourMinute(cell.fromMs)}–
                      {cell.toMs === day.endMs ? '24:00' : hourMinute(cell.toMs)}
                    </div>
                  ))}
                </td>
              ))}
            </tr>
          </tbody>
        </table>
      ))}

      <h2>{t('oncall.overrides')}</h2>
      {overrides.data && overrides.data.length === 0 && <p className="muted">{t('oncall.noOverrides')}</p>}
      {overrides.data && overrides.data.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('oncall.period')}</th>
              <th scope="col">{t('oncall.name')}</th>
              <th scope="col">{t('oncall.reason')}</th>
            </tr>
          </thead>
          <tbody>
            {overrides.data.map((override) => (
              <tr key={override.id}>
                <td>
                  {formatParisMinute(override.from, language)} – {formatParisMinute(override.to, language)}
                </td>
                <td>
                  {nameOf(override.replacementPersonId)} ({t('oncall.replacing', { name: nameOf(override.replacedPersonId) })})
                </td>
                <td>{override.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {canConfigure && (
        <>
          <h2>{t('oncall.people')}</h2>
          {people.error ? <ErrorNotice error={people.error} onRetry={people.reload} /> : null}
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('oncall.name')}</th>
                <th scope="col">{t('oncall.role')}</th>
                <th scope="col">{t('oncall.email')}</th>
                <th scope="col">{t('oncall.phone')}</th>
              </tr>
            </thead>
            <tbody>
              {(people.data ?? []).map((person) => (
                <tr key={person.id}>
                  <td>{person.name}</td>
                  <td>{person.role}</td>
                  <td>{person.email ?? ''}</td>
                  <td>{person.phone ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
