// The operators' alarm queue (issue 14, item 3): the open alarms live (AlarmQueueProvider), in the
// server's order (priority, then age), each with its priority colour, type, commune, site, zone,
// folded count, a live age counter and its state; take / acknowledge / start / close (outcome and
// comment); its cameras opened on the operator's live layout (a PPMS alert: every camera of the
// school's site) or pushed to a video wall; its position on the map. Escalated alarms stand out;
// supervisors can show only those.
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import type { Alarm, AlarmOutcome, Camera, Me, Site } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/translate.ts';
import { ErrorNotice, Notice, PageHeader, useLoad } from '../../ui.tsx';
import { useCameraList } from '../cameras/useCameraList.ts';
import { saveCurrentLayout } from '../layouts/live-layout-store.ts';
import { normaliseTiles } from '../live/live-grid.ts';
import { useCommuneName } from '../shell/communes.tsx';
import { WallPushControl } from '../walls/WallPush.tsx';
import { wallsApi } from '../walls/walls-api.ts';
import { camerasOf, formatAge, gridFor, nextAction } from './alarm-queue.ts';
import { AlarmChecklist } from './AlarmChecklist.tsx';
import { useAlarmQueue } from './AlarmQueueProvider.tsx';
import { ProceduresEditor } from './ProceduresEditor.tsx';
import './alarms.css';

/** Goes to another screen of the console (the shell follows the address). */
export function goTo(path: string): void {
  window.history.pushState(null, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export function AlarmsPage({ me }: { me: Me }) {
  const { t, language } = useI18n();
  const queue = useAlarmQueue();
  const now = useNow();
  const catalogue = useLoad(() => api('GET', '/api/alarms/catalogue'), []);
  const sites = useLoad(() => api('GET', '/api/sites').catch(() => [] as Site[]), []);
  const cameras = useCameraList();
  const communeName = useCommuneName();
  const [escalatedOnly, setEscalatedOnly] = useState(false);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const supervising = me.role === 'supervisor' || me.role === 'administrator';
  const canHandle = me.actions.includes('alarm.handle');
  const canEditProcedures = me.actions.includes('alarm.procedure.write');
  const canOverride = me.actions.includes('alarm.close.override');
  const [editingProcedures, setEditingProcedures] = useState(false);

  // On this screen the operator sees the new alarms: the top bar's badge stops.
  const { markSeen, unseen } = queue;
  useEffect(() => {
    if (unseen > 0 && document.visibilityState === 'visible') markSeen();
  }, [unseen, markSeen]);

  const label = (list: 'types' | 'states' | 'outcomes', code: string) => catalogue.data?.[list].find((entry) => entry.code === code)?.[language] ?? code;
  const siteName = (id: string | null) => (id ? (sites.data?.find((site) => site.id === id)?.name ?? '') : '');
  const shown = escalatedOnly ? queue.alarms.filter((alarm) => alarm.escalationLevel > 0) : queue.alarms;
  const escalatedCount = queue.alarms.filter((alarm) => alarm.escalationLevel > 0).length;
  const selected = queue.alarms.find((alarm) => alarm.id === selectedId) ?? null;

  return (
    <div className="alarms-page">
      <PageHeader title={t('alarms.title')}>
        <span className={`badge ${queue.connected ? 'ok' : 'warning'}`} data-testid="alarms-connection" data-connected={queue.connected}>
          <span className="dot" />
          {queue.connected ? t('alarms.live') : t('alarms.offline')}
        </span>
        <button type="button" className="button-secondary" aria-pressed={queue.muted} data-testid="alarms-mute" onClick={() => queue.setMuted(!queue.muted)}>
          {queue.muted ? t('alarms.unmute') : t('alarms.mute')}
        </button>
        {supervising && (
          <label className="inline-check">
            <input type="checkbox" checked={escalatedOnly} onChange={(event) => setEscalatedOnly(event.target.checked)} />
            {t('alarms.escalatedOnly')} ({escalatedCount})
          </label>
        )}
        {canEditProcedures && (
          <button
            type="button"
            className="button-secondary"
            aria-pressed={editingProcedures}
            data-testid="procedures-toggle"
            onClick={() => setEditingProcedures(!editingProcedures)}
          >
            {editingProcedures ? t('procedures.back') : t('procedures.title')}
          </button>
        )}
      </PageHeader>
      {editingProcedures && <ProceduresEditor types={catalogue.data?.types ?? []} sites={sites.data ?? []} />}
      {Boolean(catalogue.error) && <ErrorNotice error={catalogue.error} onRetry={catalogue.reload} />}
      {editingProcedures ? null : shown.length === 0 ? (
        <p className="muted">{t('alarms.empty')}</p>
      ) : (
        <table className="table alarm-queue" data-testid="alarm-queue">
          <thead>
            <tr>
              <th>{t('alarms.priority')}</th>
              <th>{t('alarms.type')}</th>
              <th>{t('alarms.commune')}</th>
              <th>{t('alarms.site')}</th>
              <th>{t('alarms.zone')}</th>
              <th>{t('alarms.count')}</th>
              <th>{t('alarms.age')}</th>
              <th>{t('alarms.state')}</th>
              <th>{t('alarms.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((alarm) => (
              <tr
                key={alarm.id}
                data-testid="alarm-row"
                data-alarm-id={alarm.id}
                data-state={alarm.state}
                className={`alarm-row priority-${alarm.priority}${alarm.escalationLevel > 0 ? ' escalated' : ''}${supervising && alarm.escalationLevel > 0 ? ' escalated-supervisor' : ''}${alarm.id === selectedId ? ' selected' : ''}`}
                onClick={() => setSelectedId(alarm.id)}
              >
                <td>
                  <span className={`alarm-priority priority-${alarm.priority}`}>{t(`alarms.priority.${alarm.priority}` as MessageKey)}</span>
                </td>
                <td>
                  <strong>{label('types', alarm.type)}</strong>
                  {alarm.title !== label('types', alarm.type) && <div className="small muted">{alarm.title}</div>}
                </td>
                <td>{communeName(alarm.communeInsee)}</td>
                <td>{siteName(alarm.siteId)}</td>
                <td>{alarm.zone ?? ''}</td>
                <td data-testid="alarm-count">{alarm.count}</td>
                <td className="alarm-age">{formatAge(alarm.firstReceivedAt, now)}</td>
                <td>
                  <span data-testid="alarm-state">{label('states', alarm.state)}</span>
                  {alarm.escalationLevel > 0 && (
                    <span className="badge danger alarm-escalated-badge" data-testid="alarm-escalated">
                      {t('alarms.escalatedLevel', { count: alarm.escalationLevel })}
                    </span>
                  )}
                  {alarm.restoredAt && <span className="badge neutral">{t('alarms.restored')}</span>}
                  {alarm.takenBy && <div className="small muted">{t('alarms.takenBy', { login: alarm.takenBy })}</div>}
                </td>
                <td>{canHandle && <AlarmActions alarm={alarm} outcomes={catalogue.data?.outcomes ?? []} canOverride={canOverride} onDone={queue.update} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {selected && !editingProcedures && <AlarmCameras me={me} alarm={selected} cameras={cameras.data ?? []} />}
      {selected && !editingProcedures && <AlarmChecklist me={me} alarm={selected} cameras={cameras.data ?? []} now={now} />}
    </div>
  );
}

function AlarmActions({
  alarm,
  outcomes,
  canOverride,
  onDone,
}: {
  alarm: Alarm;
  outcomes: readonly { code: string; fr: string; en: string }[];
  /** A supervisor may close despite mandatory steps not done, giving a reason. */
  canOverride: boolean;
  onDone(alarm: Alarm): void;
}) {
  const { t, language } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [closing, setClosing] = useState(false);
  const [outcome, setOutcome] = useState<AlarmOutcome>('handled');
  const [comment, setComment] = useState('');
  const [overrideReason, setOverrideReason] = useState('');
  const next = nextAction(alarm.state);

  const act = async (action: 'take' | 'acknowledge' | 'start' | 'close', body: { outcome?: AlarmOutcome; comment?: string; overrideReason?: string }) => {
    setBusy(true);
    setError(null);
    try {
      const path = `/api/alarms/{id}/${action}` as '/api/alarms/{id}/take';
      onDone(await api('POST', path, { path: { id: alarm.id }, json: body as never }));
      setClosing(false);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const close = (event: FormEvent) => {
    event.preventDefault();
    void act('close', {
      outcome,
      ...(comment.trim() ? { comment: comment.trim() } : {}),
      ...(overrideReason.trim() ? { overrideReason: overrideReason.trim() } : {}),
    });
  };

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: stops the row's selection only; the buttons inside are the controls
    <div className="alarm-actions" onClick={(event) => event.stopPropagation()} onKeyDown={(event) => event.stopPropagation()}>
      {next && (
        <button type="button" className="button-small" data-testid={`alarm-${next}`} disabled={busy} onClick={() => void act(next, {})}>
          {t(`alarms.${next}` as MessageKey)}
        </button>
      )}
      {alarm.state === 'in_progress' && !closing && (
        <button type="button" className="button-small" data-testid="alarm-close" disabled={busy} onClick={() => setClosing(true)}>
          {t('alarms.close')}
        </button>
      )}
      {closing && (
        <form className="alarm-close-form" onSubmit={close} aria-label={t('alarms.closeTitle')}>
          <label>
            <span>{t('alarms.outcome')}</span>
            <select value={outcome} data-testid="alarm-outcome" onChange={(event) => setOutcome(event.target.value as AlarmOutcome)}>
              {outcomes.map((entry) => (
                <option key={entry.code} value={entry.code}>
                  {entry[language]}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>{t('alarms.comment')}</span>
            <textarea value={comment} maxLength={2000} rows={2} data-testid="alarm-comment" onChange={(event) => setComment(event.target.value)} />
          </label>
          {canOverride && (
            <label>
              <span>{t('procedures.overrideReason')}</span>
              <textarea
                value={overrideReason}
                maxLength={2000}
                rows={2}
                data-testid="alarm-override-reason"
                onChange={(event) => setOverrideReason(event.target.value)}
              />
            </label>
          )}
          <div className="button-row">
            <button type="submit" className="button-primary button-small" data-testid="alarm-close-submit" disabled={busy}>
              {t('alarms.close')}
            </button>
            <button type="button" className="button-small" onClick={() => setClosing(false)}>
              {t('alarms.cancel')}
            </button>
          </div>
        </form>
      )}
      {Boolean(error) && <ErrorNotice error={error} />}
    </div>
  );
}

/** The selected alarm's cameras: on the operator's live layout, to a wall; its position on the map. */
function AlarmCameras({ me, alarm, cameras }: { me: Me; alarm: Alarm; cameras: readonly Camera[] }) {
  const { t } = useI18n();
  const ids = useMemo(() => camerasOf(alarm, cameras), [alarm, cameras]);
  const walls = useLoad(() => (me.actions.includes('image.live') ? wallsApi.list() : Promise.resolve([])), [me.id]);
  const grid = gridFor(ids.length);
  const tiles = normaliseTiles(ids).slice(0, grid);
  const open = () => {
    saveCurrentLayout(me.id, { grid, tiles: normaliseTiles(ids) });
    goTo('/live');
  };
  return (
    <section className="panel alarm-detail" aria-labelledby="alarm-detail-title" data-testid="alarm-detail">
      <h2 id="alarm-detail-title">{alarm.title}</h2>
      <div className="button-row">
        <button
          type="button"
          className="button-primary"
          data-testid="alarm-open-cameras"
          disabled={ids.length === 0 || !me.actions.includes('image.live')}
          onClick={open}
        >
          {ids.length === 0 ? t('alarms.noCameras') : `${t('alarms.openCameras')} (${ids.length})`}
        </button>
        {alarm.position && (
          <button
            type="button"
            className="button-secondary"
            data-testid="alarm-show-map"
            onClick={() => goTo(`/map?lat=${alarm.position?.latitude}&lon=${alarm.position?.longitude}`)}
          >
            {t('alarms.showOnMap')}
          </button>
        )}
      </div>
      {ids.length > 0 && walls.data && walls.data.length > 0 && (
        <div>
          <h3>{t('alarms.sendToWall')}</h3>
          <WallPushControl walls={walls.data} payload={{ grid, tiles, tour: null }} />
        </div>
      )}
      {Boolean(walls.error) && <Notice kind="warning">{t('alarms.sendToWall')}</Notice>}
    </section>
  );
}
