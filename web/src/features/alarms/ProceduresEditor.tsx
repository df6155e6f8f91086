// The supervisors' procedures screen (fiches réflexes, docs/alarms.md "Procedures"): the list per
// alarm type and site, and the editor of one procedure: name, on-call service, ordered steps
// (added, removed, moved up or down), each with its kind, labels, mandatory flag, number, service,
// cameras and deadline. Saving an edit makes a new version: alarms already running keep theirs.
import { useState, type FormEvent } from 'react';
import { api, type ApiAnswer } from '../../api/client.ts';
import type { Site } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/translate.ts';
import { ErrorNotice, Notice, useLoad } from '../../ui.tsx';
import { moveStep, newStep, stepInput, stepKinds, type EditableStep, type StepKind } from './procedure-steps.ts';

type Procedure = ApiAnswer<'GET', '/api/alarm-procedures/{id}'>;
type AlarmTypeCode = Procedure['alarmType'];
type Labelled = { code: string; fr: string; en: string };

export function ProceduresEditor({ types, sites }: { types: readonly Labelled[]; sites: readonly Site[] }) {
  const { t, language } = useI18n();
  const list = useLoad(() => api('GET', '/api/alarm-procedures'), []);
  const [editing, setEditing] = useState<Procedure | 'new' | null>(null);
  const [saved, setSaved] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const typeName = (code: string) => types.find((type) => type.code === code)?.[language] ?? code;
  const siteName = (id: string | null) => (id ? (sites.find((site) => site.id === id)?.name ?? id) : t('procedures.allSites'));

  const remove = async (procedure: Procedure) => {
    setError(null);
    try {
      await api('DELETE', '/api/alarm-procedures/{id}', { path: { id: procedure.id } });
      list.reload();
    } catch (failure) {
      setError(failure);
    }
  };

  if (editing)
    return (
      <ProcedureForm
        procedure={editing === 'new' ? null : editing}
        types={types}
        sites={sites}
        onCancel={() => setEditing(null)}
        onSaved={(procedure) => {
          setSaved(procedure.version);
          setEditing(null);
          list.reload();
        }}
      />
    );
  return (
    <section data-testid="procedures-editor">
      <div className="button-row">
        <button type="button" className="button-primary" data-testid="procedure-new" onClick={() => setEditing('new')}>
          {t('procedures.new')}
        </button>
      </div>
      {saved !== null && <Notice kind="success">{t('procedures.saved', { version: saved })}</Notice>}
      {Boolean(list.error ?? error) && <ErrorNotice error={list.error ?? error} onRetry={list.reload} />}
      {list.data && list.data.length === 0 && <p className="muted">{t('procedures.empty')}</p>}
      {list.data && list.data.length > 0 && (
        <table className="table" data-testid="procedures-list">
          <thead>
            <tr>
              <th>{t('procedures.alarmType')}</th>
              <th>{t('alarms.site')}</th>
              <th>{t('procedures.name')}</th>
              <th>{t('procedures.steps')}</th>
              <th>{t('alarms.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((procedure) => (
              <tr key={procedure.id} data-testid="procedure-row" data-procedure-id={procedure.id}>
                <td>{typeName(procedure.alarmType)}</td>
                <td>{siteName(procedure.siteId)}</td>
                <td>
                  {procedure.name} <span className="small muted">({t('procedures.version', { version: procedure.version })})</span>
                </td>
                <td>{procedure.steps.length}</td>
                <td className="button-row">
                  <button type="button" className="button-small" onClick={() => setEditing(procedure)}>
                    {t('procedures.edit')}
                  </button>
                  <button type="button" className="button-small" onClick={() => void remove(procedure)}>
                    {t('procedures.delete')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function ProcedureForm({
  procedure,
  types,
  sites,
  onCancel,
  onSaved,
}: {
  procedure: Procedure | null;
  types: readonly Labelled[];
  sites: readonly Site[];
  onCancel(): void;
  onSaved(procedure: Procedure): void;
}) {
  const { t, language } = useI18n();
  const [alarmType, setAlarmType] = useState<string>(procedure?.alarmType ?? types[0]?.code ?? 'pti_sos');
  const [siteId, setSiteId] = useState<string>(procedure?.siteId ?? '');
  const [name, setName] = useState(procedure?.name ?? '');
  const [service, setService] = useState(procedure?.escalationService ?? '');
  const [steps, setSteps] = useState<EditableStep[]>(procedure?.steps.map((step) => ({ ...step })) ?? [newStep('check')]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const change = (index: number, patch: Partial<EditableStep>) => setSteps(steps.map((step, at) => (at === index ? { ...step, ...patch } : step)));

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const body = { name: name.trim(), escalationService: service.trim() || null, steps: steps.map(stepInput) };
    try {
      onSaved(
        procedure
          ? await api('PATCH', '/api/alarm-procedures/{id}', { path: { id: procedure.id }, json: body })
          : await api('POST', '/api/alarm-procedures', { json: { ...body, alarmType: alarmType as AlarmTypeCode, siteId: siteId || null } }),
      );
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="procedure-editor" onSubmit={save} data-testid="procedure-form" aria-label={t('procedures.title')}>
      <label>
        <span>{t('procedures.alarmType')}</span>
        <select value={alarmType} disabled={procedure !== null} data-testid="procedure-type" onChange={(event) => setAlarmType(event.target.value)}>
          {types.map((type) => (
            <option key={type.code} value={type.code}>
              {type[language]}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('procedures.site')}</span>
        <select value={siteId} disabled={procedure !== null} data-testid="procedure-site" onChange={(event) => setSiteId(event.target.value)}>
          <option value="">{t('procedures.allSites')}</option>
          {sites.map((site) => (
            <option key={site.id} value={site.id}>
              {site.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('procedures.name')}</span>
        <input value={name} maxLength={200} required data-testid="procedure-name" onChange={(event) => setName(event.target.value)} />
      </label>
      <label>
        <span>{t('procedures.escalationService')}</span>
        <input value={service} maxLength={80} onChange={(event) => setService(event.target.value)} />
      </label>
      <h3>{t('procedures.steps')}</h3>
      <ol className="checklist">
        {steps.map((step, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: new steps have no id yet; the position is their identity while editing
          <li key={index} className="procedure-step-editor" data-testid="procedure-step">
            <label>
              <span>{t('procedures.kind')}</span>
              <select value={step.kind} data-testid="step-kind" onChange={(event) => change(index, { kind: event.target.value as StepKind })}>
                {stepKinds.map((kind) => (
                  <option key={kind} value={kind}>
                    {t(`procedures.kind.${kind}` as MessageKey)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              <span>{t('procedures.labelFr')}</span>
              <input
                value={step.labelFr}
                maxLength={300}
                required
                data-testid="step-label"
                onChange={(event) => change(index, { labelFr: event.target.value })}
              />
            </label>
            <label>
              <span>{t('procedures.labelEn')}</span>
              <input value={step.labelEn ?? ''} maxLength={300} onChange={(event) => change(index, { labelEn: event.target.value })} />
            </label>
            {step.kind === 'call' && (
              <label>
                <span>{t('procedures.number')}</span>
                <input
                  value={step.number ?? ''}
                  maxLength={30}
                  required
                  data-testid="step-number-input"
                  onChange={(event) => change(index, { number: event.target.value })}
                />
              </label>
            )}
            {step.kind === 'notify_oncall' && (
              <label>
                <span>{t('procedures.service')}</span>
                <input value={step.service ?? ''} maxLength={80} required onChange={(event) => change(index, { service: event.target.value })} />
              </label>
            )}
            {step.kind === 'open_cameras' && (
              <label>
                <span>{t('procedures.cameraIds')}</span>
                <input
                  value={step.cameraIds.join(', ')}
                  onChange={(event) =>
                    change(index, {
                      cameraIds: event.target.value
                        .split(',')
                        .map((id) => id.trim())
                        .filter(Boolean)
                        .slice(0, 32),
                    })
                  }
                />
              </label>
            )}
            <label>
              <span>{t('procedures.deadline')}</span>
              <input
                type="number"
                min={5}
                max={86400}
                value={step.deadlineSeconds ?? ''}
                onChange={(event) => change(index, { deadlineSeconds: event.target.value === '' ? null : Number(event.target.value) })}
              />
            </label>
            <label className="inline-check">
              <input type="checkbox" checked={step.mandatory} onChange={(event) => change(index, { mandatory: event.target.checked })} />
              {t('procedures.mandatory')}
            </label>
            <div className="button-row">
              <button type="button" className="button-small" disabled={index === 0} onClick={() => setSteps(moveStep(steps, index, -1))}>
                {t('procedures.up')}
              </button>
              <button type="button" className="button-small" disabled={index === steps.length - 1} onClick={() => setSteps(moveStep(steps, index, 1))}>
                {t('procedures.down')}
              </button>
              <button type="button" className="button-small" disabled={steps.length === 1} onClick={() => setSteps(steps.filter((_, at) => at !== index))}>
                {t('procedures.remove')}
              </button>
            </div>
          </li>
        ))}
      </ol>
      <div className="button-row">
        <button
          type="button"
          className="button-secondary"
          disabled={steps.length >= 30}
          data-testid="step-add"
          onClick={() => setSteps([...steps, newStep('check')])}
        >
          {t('procedures.addStep')}
        </button>
        <button type="submit" className="button-primary" disabled={busy} data-testid="procedure-save">
          {t('procedures.save')}
        </button>
        <button type="button" className="button-secondary" onClick={onCancel}>
          {t('procedures.cancel')}
        </button>
      </div>
      {Boolean(error) && <ErrorNotice error={error} />}
    </form>
  );
}
