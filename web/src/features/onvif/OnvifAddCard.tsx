// Adding a camera from its ONVIF address (inventory screen, administrators): read the profiles,
// keep or change the proposed main and sub-streams (a main stream below the legal floor cannot
// be chosen for saving), declare the camera; and WS-Discovery on one chosen interface, whose
// answers fill the ONVIF address. The password stays in this form: the server never sends it back.
import { useState } from 'react';
import { api } from '../../api/client.ts';
import type { ApiAnswer, ApiBody } from '../../api/client.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { serverText } from '../../i18n/translate.ts';
import { ErrorNotice, Notice, useLoad } from '../../ui.tsx';
import { blocker, initialChoice, type Choice } from './onvif.ts';

type Probe = ApiAnswer<'POST', '/api/cameras/onvif/probe'>;
type Create = ApiBody<'POST', '/api/cameras/onvif'>;
type Device = ApiAnswer<'POST', '/api/onvif/discovery'>[number];
type Step = { status: 'idle' } | { status: 'busy' } | { status: 'failed'; error: unknown } | { status: 'done'; name: string };

export function OnvifAddCard() {
  const { t, language } = useI18n();
  const sites = useLoad(() => api('GET', '/api/sites'), []);
  const lists = useLoad(() => api('GET', '/api/cameras/reference-lists'), []);
  const [form, setForm] = useState({ onvifUrl: '', username: '', password: '', siteId: '', name: '', kind: 'fixed', fieldClass: 'narrow' });
  const [probe, setProbe] = useState<Probe | null>(null);
  const [choice, setChoice] = useState<Choice>({ main: null, sub: null });
  const [step, setStep] = useState<Step>({ status: 'idle' });
  const set = (field: keyof typeof form) => (value: string) => {
    setForm((current) => ({ ...current, [field]: value }));
    if (field === 'onvifUrl' || field === 'username' || field === 'password' || field === 'fieldClass' || field === 'siteId') setProbe(null);
  };
  const credentials = form.username ? { username: form.username, password: form.password } : null;

  const read = async () => {
    setStep({ status: 'busy' });
    try {
      const answer = await api('POST', '/api/cameras/onvif/probe', {
        json: { onvifUrl: form.onvifUrl, credentials, fieldClass: form.fieldClass as Create['fieldClass'], ...(form.siteId ? { siteId: form.siteId } : {}) },
      });
      setProbe(answer);
      setChoice(initialChoice(answer.profiles, answer.proposal));
      setStep({ status: 'idle' });
    } catch (error) {
      setStep({ status: 'failed', error });
    }
  };

  const create = async () => {
    if (!choice.main) return;
    setStep({ status: 'busy' });
    try {
      const camera = await api('POST', '/api/cameras/onvif', {
        json: {
          siteId: form.siteId,
          name: form.name,
          kind: form.kind as Create['kind'],
          fieldClass: form.fieldClass as Create['fieldClass'],
          onvifUrl: form.onvifUrl,
          credentials,
          mainProfileToken: choice.main,
          subProfileToken: choice.sub,
        },
      });
      setStep({ status: 'done', name: camera.name });
      setProbe(null);
    } catch (error) {
      setStep({ status: 'failed', error });
    }
  };

  const blocked = probe ? blocker(probe.profiles, choice, form.name, form.siteId) : 'main';
  const field = (key: keyof typeof form, label: string, type = 'text') => (
    <label>
      <span className="field-label">{label}</span>
      <input type={type} value={form[key]} autoComplete={type === 'password' ? 'new-password' : 'off'} onChange={(event) => set(key)(event.target.value)} />
    </label>
  );
  const select = (key: keyof typeof form, label: string, options: { code: string; label: string }[], empty = false) => (
    <label>
      <span className="field-label">{label}</span>
      <select value={form[key]} onChange={(event) => set(key)(event.target.value)}>
        {empty && <option value="">—</option>}
        {options.map((option) => (
          <option key={option.code} value={option.code}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  );
  const labelled = (items: { code: string; fr: string; en: string }[] | undefined) =>
    (items ?? []).map((item) => ({ code: item.code, label: serverText(language, item.fr, item.en) ?? item.code }));

  return (
    <section className="panel" aria-labelledby="onvif-title">
      <h2 id="onvif-title">{t('onvif.title')}</h2>
      <p className="muted">{t('onvif.help')}</p>
      <DiscoveryPanel onUse={(device) => setForm((current) => ({ ...current, onvifUrl: device.xaddrs[0] ?? '', name: current.name || (device.name ?? '') }))} />
      <div className="form-grid">
        {field('onvifUrl', t('onvif.url'), 'url')}
        {field('username', t('onvif.username'))}
        {field('password', t('onvif.password'), 'password')}
        {select(
          'siteId',
          t('onvif.site'),
          (sites.data ?? []).map((site) => ({ code: site.id, label: site.name })),
          true,
        )}
        {field('name', t('onvif.name'))}
        {select('kind', t('onvif.kind'), labelled(lists.data?.kinds))}
        {select('fieldClass', t('onvif.fieldClass'), labelled(lists.data?.fieldClasses))}
      </div>
      <div className="button-row">
        <button type="button" className="button-secondary" disabled={!form.onvifUrl || step.status === 'busy'} onClick={() => void read()}>
          {step.status === 'busy' && !probe ? t('onvif.reading') : t('onvif.read')}
        </button>
      </div>
      {probe && (
        <>
          <p>{t('onvif.device', { manufacturer: probe.manufacturer ?? '?', model: probe.model ?? '?', firmware: probe.firmwareVersion ?? '?' })}</p>
          <p className="muted">{t('onvif.floor', { width: probe.floor.minWidth, height: probe.floor.minHeight, fps: probe.floor.minFps })}</p>
          <div className="table-wrap">
            <table className="table">
              <caption>{t('onvif.profiles')}</caption>
              <thead>
                <tr>
                  <th>{t('onvif.profile')}</th>
                  <th>{t('onvif.codec')}</th>
                  <th>{t('onvif.resolution')}</th>
                  <th className="numeric">{t('onvif.fps')}</th>
                  <th>{t('onvif.main')}</th>
                  <th>{t('onvif.sub')}</th>
                  <th>RTSP</th>
                </tr>
              </thead>
              <tbody>
                {probe.profiles.map((profile) => (
                  <tr key={profile.token}>
                    <td>{profile.name || profile.token}</td>
                    <td>{profile.codec ?? '—'}</td>
                    <td>
                      {profile.width ?? '?'}x{profile.height ?? '?'} {profile.belowFloor.length > 0 ? `(${t('onvif.belowFloor')})` : `(${t('onvif.floorOk')})`}
                    </td>
                    <td className="numeric">{profile.fps ?? '—'}</td>
                    <td>
                      <input
                        type="radio"
                        name="onvif-main"
                        aria-label={`${t('onvif.main')} ${profile.token}`}
                        checked={choice.main === profile.token}
                        disabled={!profile.streamUrl}
                        onChange={() => setChoice({ ...choice, main: profile.token })}
                      />
                    </td>
                    <td>
                      <input
                        type="radio"
                        name="onvif-sub"
                        aria-label={`${t('onvif.sub')} ${profile.token}`}
                        checked={choice.sub === profile.token}
                        disabled={!profile.streamUrl}
                        onChange={() => setChoice({ ...choice, sub: profile.token })}
                      />
                    </td>
                    <td className="mono">
                      {profile.streamUrl ?? '—'}
                      {profile.streamUrlRewritten ? ` (${t('onvif.rewritten')})` : ''}
                    </td>
                  </tr>
                ))}
                <tr>
                  <td colSpan={5}>{t('onvif.none')}</td>
                  <td>
                    <input
                      type="radio"
                      name="onvif-sub"
                      aria-label={`${t('onvif.sub')} ${t('onvif.none')}`}
                      checked={choice.sub === null}
                      onChange={() => setChoice({ ...choice, sub: null })}
                    />
                  </td>
                  <td />
                </tr>
              </tbody>
            </table>
          </div>
          {blocked === 'floor' && <Notice kind="warning">{t('onvif.mainBelowFloor')}</Notice>}
          <div className="button-row">
            <button type="button" className="button-primary" disabled={blocked !== null || step.status === 'busy'} onClick={() => void create()}>
              {step.status === 'busy' ? t('onvif.creating') : t('onvif.create')}
            </button>
          </div>
        </>
      )}
      {step.status === 'failed' && <ErrorNotice error={step.error} />}
      {step.status === 'done' && <Notice kind="success">{t('onvif.created', { name: step.name })}</Notice>}
    </section>
  );
}

function DiscoveryPanel({ onUse }: { onUse: (device: Device) => void }) {
  const { t } = useI18n();
  const interfaces = useLoad(() => api('GET', '/api/onvif/interfaces'), []);
  const [chosen, setChosen] = useState('');
  const [search, setSearch] = useState<{ status: 'idle' | 'busy' } | { status: 'failed'; error: unknown } | { status: 'done'; devices: Device[] }>({
    status: 'idle',
  });
  const name = chosen || interfaces.data?.[0]?.name || '';
  const run = async () => {
    setSearch({ status: 'busy' });
    try {
      setSearch({ status: 'done', devices: await api('POST', '/api/onvif/discovery', { json: { interface: name, timeoutMs: 3000 } }) });
    } catch (error) {
      setSearch({ status: 'failed', error });
    }
  };
  return (
    <details className="subpanel">
      <summary>{t('onvif.discovery')}</summary>
      <p className="muted">{t('onvif.discoveryHelp')}</p>
      {interfaces.data && interfaces.data.length === 0 && <Notice kind="info">{t('onvif.noInterface')}</Notice>}
      {interfaces.data && interfaces.data.length > 0 && (
        <div className="button-row">
          <label>
            <span className="field-label">{t('onvif.interface')}</span>
            <select value={name} onChange={(event) => setChosen(event.target.value)}>
              {interfaces.data.map((item) => (
                <option key={`${item.name}-${item.address}`} value={item.name}>
                  {item.name} ({item.address})
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="button-secondary" disabled={search.status === 'busy'} onClick={() => void run()}>
            {search.status === 'busy' ? t('onvif.searching') : t('onvif.search')}
          </button>
        </div>
      )}
      {search.status === 'failed' && <ErrorNotice error={search.error} />}
      {search.status === 'done' && (
        <div className="table-wrap">
          <table className="table">
            <caption>{t('onvif.found', { count: search.devices.length })}</caption>
            <thead>
              <tr>
                <th>{t('onvif.name')}</th>
                <th>{t('onvif.hardware')}</th>
                <th>{t('onvif.location')}</th>
                <th>ONVIF</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {search.devices.map((device) => (
                <tr key={device.endpoint || device.xaddrs.join(' ')}>
                  <td>{device.name ?? '—'}</td>
                  <td>{device.hardware ?? '—'}</td>
                  <td>{device.location ?? '—'}</td>
                  <td className="mono">{device.xaddrs[0] ?? '—'}</td>
                  <td>
                    <button type="button" className="button-secondary" disabled={!device.xaddrs[0]} onClick={() => onUse(device)}>
                      {t('onvif.use')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </details>
  );
}
