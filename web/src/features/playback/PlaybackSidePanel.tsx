// The playback screen's left column: the day (Paris date), the reason for playback (required,
// logged with every session), in 2x2 mode the four slots and the saved layouts, then the camera
// list given as children.
import { useState, type ReactNode } from 'react';
import { api } from '../../api/client.ts';
import type { Camera, SavedLayout } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { parisToday } from '../../lib/dates.ts';
import { useLoad } from '../../ui.tsx';
import { shiftDay } from './timeline.ts';

interface SidePanelProps {
  mode: 'single' | 'grid';
  day: string;
  onDay(day: string): void;
  reason: string | null;
  onReason(reason: string | null): void;
  /** The cameras chosen: the reason picker offers the open requisitions asking for the first one. */
  cameraIds: readonly string[];
  /** Chooses the requisition the playback is for (its procedure becomes the reason). */
  onRequisition(requisitionId: string, reason: string): void;
  slots: readonly (Camera | null)[];
  activeSlot: number;
  onActiveSlot(index: number): void;
  onClearSlot(index: number): void;
  onLayout(cameraIds: string[]): void;
  children: ReactNode;
}

/** Shorter than this, a reason says nothing (the server has the last word). */
const minimumReasonLength = 3;

export function PlaybackSidePanel(props: SidePanelProps) {
  const { t } = useI18n();
  const { mode, day, reason } = props;
  const [draft, setDraft] = useState('');
  const today = parisToday();

  const confirm = (event: { preventDefault(): void }) => {
    event.preventDefault();
    const text = draft.trim();
    if (text.length >= minimumReasonLength) props.onReason(text);
  };

  return (
    <aside className="panel playback-side" aria-label={t('playback.cameras')}>
      <div className="day-picker">
        <label>
          <span>{t('playback.day')}</span>
          <input type="date" data-testid="playback-day" value={day} max={today} onChange={(event) => props.onDay(event.target.value)} />
        </label>
        <div className="button-row">
          <button type="button" className="button-small" onClick={() => props.onDay(shiftDay(day, -1))}>
            {t('playback.previousDay')}
          </button>
          <button type="button" className="button-small" onClick={() => props.onDay(shiftDay(day, 1))} disabled={day >= today}>
            {t('playback.nextDay')}
          </button>
        </div>
      </div>
      {reason ? (
        <div className="reason-set">
          <p className="reason-text" data-testid="playback-reason-current">
            {t('playback.reasonCurrent', { reason })}
          </p>
          <button
            type="button"
            className="button-small"
            onClick={() => {
              setDraft(reason);
              props.onReason(null);
            }}
          >
            {t('playback.reasonChange')}
          </button>
        </div>
      ) : (
        <form className="reason-form" onSubmit={confirm}>
          <RequisitionPicker cameraId={props.cameraIds[0] ?? null} onRequisition={props.onRequisition} />
          <label>
            <span>{t('playback.reason')}</span>
            <textarea
              data-testid="playback-reason"
              rows={2}
              maxLength={500}
              value={draft}
              placeholder={t('playback.reasonPlaceholder')}
              required
              onChange={(event) => setDraft(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === 'Enter' && !event.shiftKey) confirm(event);
              }}
            />
          </label>
          <p className="hint">{t('playback.reasonHelp')}</p>
          <button type="submit" className="button-primary" data-testid="playback-reason-confirm" disabled={draft.trim().length < minimumReasonLength}>
            {t('playback.reasonConfirm')}
          </button>
        </form>
      )}
      {mode === 'grid' && <SlotList {...props} />}
      <h2 className="side-heading">{t('playback.cameras')}</h2>
      {props.children}
    </aside>
  );
}

/** The open requisitions of the viewer's communes that ask for the camera (review hours); nothing for those who may not read requisitions. */
function RequisitionPicker({ cameraId, onRequisition }: { cameraId: string | null; onRequisition(requisitionId: string, reason: string): void }) {
  const { t } = useI18n();
  const open = useLoad(
    () => (cameraId ? api('GET', '/api/requisitions/reviewable', { query: { cameraId }, background: true }).catch(() => []) : Promise.resolve([])),
    [cameraId],
  );
  const choices = open.data ?? [];
  if (choices.length === 0) return null;
  return (
    <label>
      <span>{t('playback.requisition')}</span>
      <select
        data-testid="playback-requisition"
        value=""
        onChange={(event) => {
          const chosen = choices.find((requisition) => requisition.id === event.target.value);
          if (chosen) onRequisition(chosen.id, t('playback.requisitionReason', { procedure: chosen.procedureNumber }));
        }}
      >
        <option value="">{t('playback.requisitionNone')}</option>
        {choices.map((requisition) => (
          <option key={requisition.id} value={requisition.id}>
            {requisition.procedureNumber} · {requisition.officerUnit}
          </option>
        ))}
      </select>
      <span className="hint">{t('playback.requisitionHelp')}</span>
    </label>
  );
}

function SlotList({ slots, activeSlot, onActiveSlot, onClearSlot, onLayout }: SidePanelProps) {
  const { t } = useI18n();
  const layouts = useLoad(() => api('GET', '/api/layouts').catch(() => [] as SavedLayout[]), []);
  const usable = (layouts.data ?? []).filter((layout) => layout.tiles.some((tile) => tile !== null));
  return (
    <div className="slot-list">
      <p className="hint">{t('playback.slotHelp')}</p>
      <ol>
        {slots.map((camera, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the slots are fixed positions (1 to 4), which never move: the position is the slot
          <li key={index} className={index === activeSlot ? 'active' : undefined}>
            <button type="button" className="slot-button" aria-pressed={index === activeSlot} onClick={() => onActiveSlot(index)} data-testid="playback-slot">
              <span className="slot-number">{index + 1}</span>
              <span className="slot-name">{camera?.name ?? t('playback.slot', { n: index + 1 })}</span>
            </button>
            {camera && (
              <button type="button" className="button-small" onClick={() => onClearSlot(index)} aria-label={t('playback.slotRemove', { name: camera.name })}>
                ×
              </button>
            )}
          </li>
        ))}
      </ol>
      {usable.length > 0 && (
        <label>
          <span>{t('playback.layout')}</span>
          <select
            value=""
            onChange={(event) => {
              const layout = usable.find((candidate) => candidate.id === event.target.value);
              if (layout) onLayout(layout.tiles.filter((tile): tile is string => tile !== null).slice(0, 4));
            }}
          >
            <option value="">{t('playback.layoutPick')}</option>
            {usable.map((layout) => (
              <option key={layout.id} value={layout.id}>
                {layout.name}
              </option>
            ))}
          </select>
        </label>
      )}
    </div>
  );
}
