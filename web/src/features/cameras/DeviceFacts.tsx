// The ONVIF device facts of a camera in its record: manufacturer, model and firmware as the
// camera reports them, its MAC addresses, its clock offset, how it authenticates, and a warning
// when the model or MAC differs from the inventory (possibly a swapped camera). Those who may
// change cameras (administrators) can have the facts read again now, and override the camera's
// ONVIF quirks (DeviceQuirks).
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { formatParisDateTime } from '../../lib/dates.ts';
import { ErrorNotice, Loading, useLoad } from '../../ui.tsx';
import { DeviceQuirks } from './DeviceQuirks.tsx';
import { formatClockOffset } from './device-facts.ts';

export function DeviceFacts({ cameraId, canRefresh }: { cameraId: string; canRefresh: boolean }) {
  const { t, language } = useI18n();
  const device = useLoad(() => api('GET', '/api/cameras/{id}/device', { path: { id: cameraId } }), [cameraId]);
  const [refreshing, setRefreshing] = useState(false);
  const [refreshError, setRefreshError] = useState<unknown>(null);
  const refresh = async () => {
    setRefreshing(true);
    setRefreshError(null);
    try {
      await api('POST', '/api/cameras/{id}/device/refresh', { path: { id: cameraId } });
      device.reload();
    } catch (error) {
      setRefreshError(error);
    } finally {
      setRefreshing(false);
    }
  };
  const facts = device.data;
  return (
    <div className="panel">
      <h2>{t('cameras.device.title')}</h2>
      {device.loading && !facts && <Loading />}
      {Boolean(device.error) && <ErrorNotice error={device.error} onRetry={device.reload} />}
      {facts && !facts.onvif && <p className="muted">{t('cameras.device.noOnvif')}</p>}
      {facts?.onvif && (
        <>
          {facts.mismatch.possiblySwapped && (
            <p className="warning-text" role="alert">
              {t('cameras.device.swapped', {
                what: [facts.mismatch.model ? t('cameras.device.mismatchModel') : '', facts.mismatch.mac ? t('cameras.device.mismatchMac') : '']
                  .filter(Boolean)
                  .join(', '),
              })}
            </p>
          )}
          {facts.readAt === null && facts.readError === null ? (
            <p className="muted">{t('cameras.device.notRead')}</p>
          ) : (
            <dl className="facts">
              <dt>{t('cameras.device.manufacturer')}</dt>
              <dd>{facts.manufacturer ?? '—'}</dd>
              <dt>{t('cameras.device.model')}</dt>
              <dd className={facts.mismatch.model ? 'warning-text' : undefined}>{facts.model ?? '—'}</dd>
              <dt>{t('cameras.device.firmware')}</dt>
              <dd className="mono">{facts.firmwareVersion ?? '—'}</dd>
              <dt>{t('cameras.device.serial')}</dt>
              <dd className="mono">{facts.serialNumber ?? '—'}</dd>
              <dt>{t('cameras.device.mac')}</dt>
              <dd className={`mono${facts.mismatch.mac ? ' warning-text' : ''}`}>{facts.macAddresses.length > 0 ? facts.macAddresses.join(', ') : '—'}</dd>
              <dt>{t('cameras.device.clock')}</dt>
              <dd>{facts.clockOffsetMs === null ? '—' : formatClockOffset(facts.clockOffsetMs)}</dd>
              <dt>{t('cameras.device.auth')}</dt>
              <dd>{facts.authMode === null ? '—' : t(facts.authMode === 'digest' ? 'cameras.device.authDigest' : 'cameras.device.authToken')}</dd>
              <dt>{t('cameras.device.readAt')}</dt>
              <dd>{facts.readAt ? formatParisDateTime(facts.readAt, language) : '—'}</dd>
              {facts.readError !== null && (
                <>
                  <dt>{t('cameras.device.readError')}</dt>
                  <dd className="warning-text">{facts.readError}</dd>
                </>
              )}
            </dl>
          )}
          {canRefresh && (
            <button type="button" className="button-secondary" onClick={() => void refresh()} disabled={refreshing}>
              {refreshing ? t('cameras.device.refreshing') : t('cameras.device.refresh')}
            </button>
          )}
          {Boolean(refreshError) && <ErrorNotice error={refreshError} />}
          {canRefresh && <DeviceQuirks cameraId={cameraId} quirks={facts.quirks} onSaved={device.reload} />}
        </>
      )}
    </div>
  );
}
