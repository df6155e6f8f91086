// Cameras: the tree (commune -> site -> camera) with search and states, the selected camera's
// record (its recording engine and RTSP transport editable by those who may change cameras) and
// its live picture.
import { useMemo, useState } from 'react';
import { api } from '../../api/client.ts';
import type { Camera, CameraReferenceLists, Labelled, Me } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { formatCalendarDate, formatParisDateTime } from '../../lib/dates.ts';
import { ErrorNotice, Loading, PageHeader, StateBadge, useLoad, VmsBadge } from '../../ui.tsx';
import { LiveVideo } from '../live/LiveVideo.tsx';
import { useLiveReason } from '../live/reason.tsx';
import { useCommuneName } from '../shell/communes.tsx';
import { CameraChoiceField } from './CameraChoiceField.tsx';
import { CameraTree } from './CameraTree.tsx';
import { DeviceFacts } from './DeviceFacts.tsx';
import { useCameraList } from './useCameraList.ts';
import { cameraMatches } from './tree.ts';

export function CamerasPage({ me }: { me: Me }) {
  const { t } = useI18n();
  const cameras = useCameraList();
  const lists = useLoad(() => api('GET', '/api/cameras/reference-lists'), []);
  const [query, setQuery] = useState('');
  const [selectedId, setSelectedId] = useState<string | null>(null);

  const all = cameras.data ?? [];
  const shown = useMemo(() => all.filter((camera) => cameraMatches(camera, query)).length, [all, query]);
  const selected = all.find((camera) => camera.id === selectedId) ?? null;

  return (
    <div className="cameras-page">
      <PageHeader title={t('cameras.title')}>
        {cameras.data && (
          <span className="muted" aria-live="polite">
            {t('cameras.count', { shown, total: all.length })}
          </span>
        )}
      </PageHeader>
      <div className="split">
        <section className="panel tree-panel" aria-label={t('cameras.tree')}>
          <CameraTree
            cameras={cameras.data}
            loading={cameras.loading}
            error={cameras.error}
            onRetry={cameras.reload}
            query={query}
            onQuery={setQuery}
            selectedId={selectedId}
            onActivate={(camera) => setSelectedId(camera.id)}
            followFocus
          />
        </section>
        <section className="detail-panel" aria-label={t('cameras.details')}>
          {selected ? (
            <CameraDetail camera={selected} lists={lists.data} me={me} onChanged={cameras.reload} />
          ) : (
            <div className="panel empty-detail">
              <p className="muted">{t('cameras.selectOne')}</p>
            </div>
          )}
        </section>
      </div>
    </div>
  );
}

function labelOf(list: Labelled[] | undefined, code: string, language: 'fr' | 'en'): string {
  const entry = list?.find((candidate) => candidate.code === code);
  return entry ? entry[language] : code;
}

const recordingEngines = ['native', 'ffmpeg'] as const satisfies readonly Camera['recordingEngine'][];
const rtspTransports = ['tcp', 'udp', 'auto'] as const satisfies readonly Camera['rtspTransport'][];

function CameraDetail({ camera, lists, me, onChanged }: { camera: Camera; lists: CameraReferenceLists | undefined; me: Me; onChanged: () => void }) {
  const { t, language } = useI18n();
  const communeName = useCommuneName();
  const positions = useLoad(() => api('GET', '/api/cameras/{id}/positions', { path: { id: camera.id } }), [camera.id]);
  const canSeeImages = me.imageAccess.allowed;
  return (
    <>
      <div className="panel live-panel">
        <div className="live-header">
          <h2>{camera.name}</h2>
          <StateBadge state={camera.state} />
        </div>
        {canSeeImages && me.actions.includes('image.live') ? (
          <CameraLive camera={camera} me={me} />
        ) : (
          <div className="live-placeholder" role="note" aria-label={t('cameras.live')}>
            <svg viewBox="0 0 24 24" aria-hidden="true" className="live-icon">
              <path d="M3 7h12l4-3v14l-4-3H3z" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" />
            </svg>
            <p>{me.imageAccess.code !== 'forbidden' ? t('cameras.liveBlocked') : t('live.notForRole')}</p>
          </div>
        )}
      </div>
      <div className="panel">
        <h2>{t('cameras.details')}</h2>
        <dl className="facts">
          <dt>{t('cameras.commune')}</dt>
          <dd>{communeName(camera.communeInsee)}</dd>
          <dt>{t('cameras.site')}</dt>
          <dd>{camera.siteName}</dd>
          <dt>{t('cameras.state')}</dt>
          <dd>
            <StateBadge state={camera.state} />
          </dd>
          <dt>{t('cameras.vmsStatus')}</dt>
          <dd>
            <VmsBadge status={camera.vmsStatus} />
          </dd>
          <dt>{t('cameras.kind')}</dt>
          <dd>{labelOf(lists?.kinds, camera.kind, language)}</dd>
          <dt>{t('cameras.fieldClass')}</dt>
          <dd>{labelOf(lists?.fieldClasses, camera.fieldClass, language)}</dd>
          <dt>{t('cameras.model')}</dt>
          <dd>{camera.model ?? '—'}</dd>
          <dt>{t('cameras.ip')}</dt>
          <dd className="mono">{camera.ipAddress ?? '—'}</dd>
          <dt>{t('cameras.mac')}</dt>
          <dd className="mono">{camera.macAddress ?? '—'}</dd>
          <dt>{t('cameras.commissioning')}</dt>
          <dd>{camera.commissioningDate ? formatCalendarDate(camera.commissioningDate, language) : '—'}</dd>
          <dt>{t('cameras.retention')}</dt>
          <dd>{camera.retentionDays !== null ? t('common.days', { n: camera.retentionDays }) : t('cameras.retentionCommune')}</dd>
          <dt>{t('cameras.recordingEngine')}</dt>
          <dd>
            <CameraChoiceField
              key={`${camera.id}:${camera.recordingEngine}`}
              camera={camera}
              field="recordingEngine"
              choices={recordingEngines}
              optionLabel={(engine) => t(`cameras.engine.${engine}`)}
              label={t('cameras.recordingEngine')}
              hint={t('cameras.recordingEngineHint')}
              editable={me.actions.includes('camera.write')}
              onChanged={onChanged}
            />
          </dd>
          <dt>{t('cameras.rtspTransport')}</dt>
          <dd>
            <CameraChoiceField
              key={`${camera.id}:${camera.rtspTransport}`}
              camera={camera}
              field="rtspTransport"
              choices={rtspTransports}
              optionLabel={(transport) => t(`cameras.transport.${transport}`)}
              label={t('cameras.rtspTransport')}
              hint={t('cameras.rtspTransportHint')}
              editable={me.actions.includes('camera.write')}
              onChanged={onChanged}
            />
          </dd>
          <dt>{t('cameras.authorisations')}</dt>
          <dd>
            {camera.authorisation.authorised ? (
              camera.authorisation.references.map((reference) => (
                <span key={reference} className="tag mono">
                  {reference}
                </span>
              ))
            ) : (
              <span className="warning-text">{t('cameras.notAuthorised')}</span>
            )}
          </dd>
          <dt>{t('cameras.purposes')}</dt>
          <dd>
            {camera.purposes.length === 0 ? (
              '—'
            ) : (
              <ul className="plain-list">
                {camera.purposes.map((code) => (
                  <li key={code}>{labelOf(lists?.purposes, code, language)}</li>
                ))}
              </ul>
            )}
          </dd>
          <dt>{t('cameras.authorisedPurposes')}</dt>
          <dd>
            {camera.authorisedPurposes.length === 0 ? (
              '—'
            ) : (
              <ul className="plain-list">
                {camera.authorisedPurposes.map((code) => (
                  <li key={code}>{labelOf(lists?.purposes, code, language)}</li>
                ))}
              </ul>
            )}
          </dd>
        </dl>
      </div>
      <DeviceFacts cameraId={camera.id} canRefresh={me.actions.includes('camera.write')} />
      <div className="panel">
        <h2>{t('cameras.positions')}</h2>
        {positions.loading && !positions.data && <Loading />}
        {Boolean(positions.error) && <ErrorNotice error={positions.error} onRetry={positions.reload} />}
        {positions.data && positions.data.length === 0 && <p className="muted">{t('cameras.noPosition')}</p>}
        {positions.data && positions.data.length > 0 && (
          <table className="table compact">
            <thead>
              <tr>
                <th>{t('cameras.positionAt')}</th>
                <th>{t('cameras.position')}</th>
                <th>{t('cameras.heading')}</th>
                <th>{t('cameras.changedBy')}</th>
              </tr>
            </thead>
            <tbody>
              {positions.data.map((position) => (
                <tr key={`${position.changedAt}-${position.latitude}-${position.headingDeg}`}>
                  <td>{formatParisDateTime(position.changedAt, language)}</td>
                  <td className="mono">
                    {position.latitude !== null && position.longitude !== null ? `${position.latitude.toFixed(5)}, ${position.longitude.toFixed(5)}` : '—'}
                  </td>
                  <td>{position.headingDeg !== null ? `${position.headingDeg}°` : '—'}</td>
                  <td>{position.changedBy ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </>
  );
}

/** The record's live picture (main stream): a reason first where the role must give one. */
function CameraLive({ camera, me }: { camera: Camera; me: Me }) {
  const { t } = useI18n();
  const reason = useLiveReason(me);
  if (reason.needed && !reason.value) {
    return (
      <div className="live-placeholder" role="note" aria-label={t('cameras.live')}>
        <p>{t('live.reason.needed')}</p>
        <button type="button" className="button-primary" onClick={reason.ask}>
          {t('live.reason.give')}
        </button>
        {reason.dialog}
      </div>
    );
  }
  return (
    <div className="camera-live">
      <LiveVideo cameraId={camera.id} stream="main" reason={reason.value ?? undefined} label={camera.name} />
      {reason.dialog}
    </div>
  );
}
