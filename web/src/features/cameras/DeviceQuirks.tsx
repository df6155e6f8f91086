// The ONVIF quirk record of a camera, for administrators (camera.write): what Vigie learnt from
// the camera's answers, beside what an administrator imposes over it. Each field can be set or
// given back to learning ("learned"); saving replaces the whole override (PUT, audited with the
// reason given), and the next command to the camera follows the new record.
import { useEffect, useState } from 'react';
import { api } from '../../api/client.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { ErrorNotice, Notice } from '../../ui.tsx';
import {
  QUIRK_FORM_FIELDS,
  emptyQuirkForm,
  overrideFromForm,
  quirkFieldLabel,
  quirkFormFrom,
  quirkProblemText,
  quirkValueText,
  sameOverride,
  type QuirkField,
  type Quirks,
} from './device-quirks.ts';

type Step = { status: 'idle' | 'busy' | 'saved' } | { status: 'failed'; error: unknown };

export function DeviceQuirks({ cameraId, quirks, onSaved }: { cameraId: string; quirks: { learned: Quirks; override: Quirks }; onSaved: () => void }) {
  const { t } = useI18n();
  const overrideKey = JSON.stringify(quirks.override);
  // What the server holds: the record shown, or the answer of the last save until it is read again.
  const [stored, setStored] = useState(quirks.override);
  const [form, setForm] = useState(() => quirkFormFrom(quirks.override));
  const [reason, setReason] = useState('');
  const [step, setStep] = useState<Step>({ status: 'idle' });
  // A new record from the server (after saving, or read again) replaces the form.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the override is compared by value
  useEffect(() => {
    setStored(quirks.override);
    setForm(quirkFormFrom(quirks.override));
  }, [overrideKey]);

  const checked = overrideFromForm(form);
  const unchanged = checked.override !== null && sameOverride(checked.override, stored);
  const problems = new Map(checked.problems.map((problem) => [problem.field, quirkProblemText(problem, t)]));
  const set = (field: QuirkField, value: string) => {
    setForm((current) => ({ ...current, [field]: value }));
    if (step.status !== 'busy') setStep({ status: 'idle' });
  };

  const save = async () => {
    if (checked.override === null) return;
    setStep({ status: 'busy' });
    try {
      const view = await api('PUT', '/api/cameras/{id}/device/quirks', {
        path: { id: cameraId },
        json: { override: checked.override, ...(reason.trim() ? { reason: reason.trim() } : {}) },
      });
      setStored(view.quirks.override);
      setForm(quirkFormFrom(view.quirks.override));
      setReason('');
      setStep({ status: 'saved' });
      onSaved();
    } catch (error) {
      setStep({ status: 'failed', error });
    }
  };

  return (
    <section className="device-quirks" aria-labelledby={`quirks-${cameraId}`}>
      <h3 id={`quirks-${cameraId}`}>{t('cameras.quirks.title')}</h3>
      <p className="muted">{t('cameras.quirks.help')}</p>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th>{t('cameras.quirks.field')}</th>
              <th>{t('cameras.quirks.learned')}</th>
              <th>{t('cameras.quirks.override')}</th>
            </tr>
          </thead>
          <tbody>
            {QUIRK_FORM_FIELDS.map((spec) => {
              const label = t(quirkFieldLabel(spec.field));
              const problem = problems.get(spec.field);
              return (
                <tr key={spec.field}>
                  <th scope="row">{label}</th>
                  <td>{quirkValueText(spec.field, quirks.learned[spec.field], t)}</td>
                  <td>
                    {spec.kind === 'number' ? (
                      <input
                        type="text"
                        inputMode="numeric"
                        aria-label={label}
                        aria-invalid={problem ? true : undefined}
                        placeholder={t('cameras.quirks.notSet')}
                        value={form[spec.field]}
                        onChange={(event) => set(spec.field, event.target.value)}
                      />
                    ) : (
                      <select aria-label={label} value={form[spec.field]} onChange={(event) => set(spec.field, event.target.value)}>
                        <option value="">{t('cameras.quirks.notSet')}</option>
                        {(spec.kind === 'boolean' ? ['true', 'false'] : spec.options).map((option) => (
                          <option key={option} value={option}>
                            {quirkValueText(spec.field, option, t)}
                          </option>
                        ))}
                      </select>
                    )}
                    {problem && <span className="warning-text"> {problem}</span>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <label>
        <span className="field-label">{t('cameras.quirks.reason')}</span>
        <input type="text" maxLength={500} value={reason} onChange={(event) => setReason(event.target.value)} />
      </label>
      <div className="button-row">
        <button
          type="button"
          className="button-primary"
          disabled={checked.override === null || unchanged || step.status === 'busy'}
          onClick={() => void save()}
        >
          {step.status === 'busy' ? t('cameras.quirks.saving') : t('cameras.quirks.save')}
        </button>
        <button type="button" className="button-secondary" disabled={step.status === 'busy'} onClick={() => setForm(emptyQuirkForm())}>
          {t('cameras.quirks.clear')}
        </button>
      </div>
      {step.status === 'saved' && <Notice kind="success">{t('cameras.quirks.saved')}</Notice>}
      {step.status === 'failed' && <ErrorNotice error={step.error} />}
    </section>
  );
}
