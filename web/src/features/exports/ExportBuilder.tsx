// The export builder of a requisition (users with image.export): its ranges pre-filled, cameras
// of its commune and ranges added or removed, each range on a small timeline of the archive,
// then "Lancer l'extraction" (POST /api/requisitions/:id/exports). Times typed in Paris time.
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import type { RequisitionDetail } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { ErrorNotice, Notice } from '../../ui.tsx';
import { useCameraList } from '../cameras/useCameraList.ts';
import { addedItem, draftOf, fromParisLocal, maxItemHours, maxPackageItems, packageBody, parisLocalSeconds, problemOf, type DraftItem } from './exports.ts';
import { RangeTimeline } from './RangeTimeline.tsx';
import './exports.css';

export function ExportBuilder({ requisition, onLaunched, onCancel }: { requisition: RequisitionDetail; onLaunched: () => void; onCancel: () => void }) {
  const { t } = useI18n();
  const cameras = useCameraList();
  const [items, setItems] = useState<DraftItem[]>(() => draftOf(requisition.ranges));
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  const communeCameras = (cameras.data ?? []).filter((camera) => camera.communeInsee === requisition.communeInsee);
  const change = (key: number, patch: Partial<DraftItem>) => setItems((current) => current.map((item) => (item.key === key ? { ...item, ...patch } : item)));
  const time = (item: DraftItem, field: 'from' | 'to', label: string) => (
    <label>
      {label}
      <input
        type="datetime-local"
        step={1}
        data-testid={`export-${field}`}
        value={parisLocalSeconds(item[field])}
        onChange={(event) => {
          const iso = fromParisLocal(event.target.value);
          if (iso) change(item.key, { [field]: iso });
        }}
      />
    </label>
  );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = problemOf(items, Date.now());
    if (found) return setProblem(t(`exports.problem.${found.problem}`, { index: found.index + 1, hours: maxItemHours, max: maxPackageItems }));
    setProblem(null);
    setError(null);
    setSending(true);
    try {
      await api('POST', '/api/requisitions/{id}/exports', { path: { id: requisition.id }, json: packageBody(items) });
      onLaunched();
    } catch (caught) {
      setError(caught);
    } finally {
      setSending(false);
    }
  };

  return (
    <form className="panel export-builder" onSubmit={submit} aria-label={t('exports.builder', { procedure: requisition.procedureNumber })}>
      <h3>{t('exports.builder', { procedure: requisition.procedureNumber })}</h3>
      <p className="hint">{t('exports.builderHelp', { hours: maxItemHours, items: maxPackageItems })}</p>
      {items.map((item, index) => (
        <fieldset key={item.key} className="export-item" data-testid="export-item">
          <legend>#{index + 1}</legend>
          <div className="form-grid">
            <label>
              {t('exports.camera')}
              <select data-testid="export-camera" value={item.cameraId} onChange={(event) => change(item.key, { cameraId: event.target.value })}>
                <option value="">—</option>
                {communeCameras.map((camera) => (
                  <option key={camera.id} value={camera.id}>
                    {camera.name}
                  </option>
                ))}
                {item.cameraId && !communeCameras.some((camera) => camera.id === item.cameraId) && <option value={item.cameraId}>{item.cameraId}</option>}
              </select>
            </label>
            {time(item, 'from', t('exports.from'))}
            {time(item, 'to', t('exports.to'))}
            <div>
              <button type="button" className="button" onClick={() => setItems((current) => current.filter((other) => other.key !== item.key))}>
                {t('exports.removeItem')}
              </button>
            </div>
          </div>
          <RangeTimeline cameraId={item.cameraId} from={item.from} to={item.to} />
        </fieldset>
      ))}
      {items.length < maxPackageItems && (
        <button
          type="button"
          className="button"
          onClick={() => setItems((current) => [...current, addedItem(current, communeCameras[0]?.id ?? '', Date.now())])}
        >
          {t('exports.addItem')}
        </button>
      )}
      {problem && <Notice kind="error">{problem}</Notice>}
      {Boolean(error) && <ErrorNotice error={error} />}
      <div className="row">
        <button type="submit" className="button primary" disabled={sending}>
          {t('exports.launch')}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t('exports.cancel')}
        </button>
      </div>
    </form>
  );
}
