// The offence short form ("Consigner un fait constaté", operators and supervisors) and the latest
// offences of the user's communes. Typed in Paris time, sent in UTC.
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import type { Me } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/translate.ts';
import { formatParisMinute, utcIsoToParisLocal } from '../../lib/dates.ts';
import { ErrorNotice, Notice, useLoad } from '../../ui.tsx';
import { useCommuneName, useCommunes } from '../shell/communes.tsx';
import { offenceBody, type OffenceDraft } from './statistics.ts';

const categories = ['property', 'persons', 'drugs', 'traffic', 'incivility', 'other'] as const;

export function OffencePanel({ me, onRecorded }: { me: Me; onRecorded(): void }) {
  const { t, language } = useI18n();
  const communes = useCommunes();
  const communeName = useCommuneName();
  const fresh = (): OffenceDraft => ({
    communeInsee: communes[0]?.insee ?? me.communes[0] ?? '',
    occurredAtLocal: utcIsoToParisLocal(new Date().toISOString()),
    category: 'property',
    spottedByOperator: true,
    service: '',
    comment: '',
  });
  const [draft, setDraft] = useState<OffenceDraft>(fresh);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const canList = me.actions.includes('offence.read');
  const recent = useLoad(() => (canList ? api('GET', '/api/offences', { query: { limit: 10 } }) : Promise.resolve([])), [canList]);
  const set = <K extends keyof OffenceDraft>(key: K, value: OffenceDraft[K]) => {
    setSaved(false);
    setDraft((current) => ({ ...current, [key]: value }));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body = offenceBody({ ...draft, communeInsee: draft.communeInsee || (communes[0]?.insee ?? '') });
    if (!body) return setError(new Error(t('stats.offence.badDate')));
    setError(null);
    try {
      await api('POST', '/api/offences', { json: body as never });
      setDraft({ ...fresh(), communeInsee: draft.communeInsee });
      setSaved(true);
      recent.reload();
      onRecorded();
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <section className="panel" aria-labelledby="stats-offence-title">
      <h2 id="stats-offence-title">{t('stats.offence.title')}</h2>
      <form className="form-grid" onSubmit={submit} aria-labelledby="stats-offence-title">
        <label>
          {t('stats.commune')}
          <select value={draft.communeInsee} onChange={(event) => set('communeInsee', event.target.value)}>
            {communes.map((commune) => (
              <option key={commune.insee} value={commune.insee}>
                {commune.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('stats.offence.occurredAt')}
          <input type="datetime-local" required value={draft.occurredAtLocal} onChange={(event) => set('occurredAtLocal', event.target.value)} />
        </label>
        <label>
          {t('stats.offence.category')}
          <select value={draft.category} onChange={(event) => set('category', event.target.value)}>
            {categories.map((category) => (
              <option key={category} value={category}>
                {t(`stats.offence.category.${category}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={draft.spottedByOperator} onChange={(event) => set('spottedByOperator', event.target.checked)} />
          <span>{t('stats.offence.spotted')}</span>
        </label>
        <label>
          {t('stats.offence.service')}
          <input value={draft.service} maxLength={200} onChange={(event) => set('service', event.target.value)} />
        </label>
        <label>
          {t('stats.offence.comment')}
          <textarea value={draft.comment} maxLength={2000} required onChange={(event) => set('comment', event.target.value)} />
        </label>
        <div className="button-row">
          <button type="submit" className="button-primary">
            {t('stats.offence.save')}
          </button>
        </div>
      </form>
      {saved && <Notice kind="success">{t('stats.offence.saved')}</Notice>}
      {Boolean(error) && <ErrorNotice error={error} />}
      {canList && recent.data && recent.data.length > 0 && (
        <>
          <h3>{t('stats.offence.recent')}</h3>
          <ul className="plain-list">
            {recent.data.map((offence) => (
              <li key={offence.id}>
                {formatParisMinute(offence.occurredAt, language)} · {communeName(offence.communeInsee)} ·{' '}
                {t(`stats.offence.category.${offence.category}` as MessageKey)}
                {offence.spottedByOperator ? ` · ${t('stats.offence.spottedShort')}` : ''} — {offence.comment}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
