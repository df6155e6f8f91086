// One tile of the live wall: the camera's name and state, its live picture, drag and drop (a
// camera from the tree, or another tile), click to select, double-click to enlarge.
import { useState, type DragEvent } from 'react';
import type { Camera } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { StateBadge } from '../../ui.tsx';
import { cameraDragType } from '../cameras/CameraTree.tsx';
import { LiveVideo } from './LiveVideo.tsx';

export const tileDragType = 'application/x-vigie-tile';

export type TileDrop = { kind: 'camera'; cameraId: string } | { kind: 'tile'; from: number };

export interface LiveTileProps {
  index: number;
  cameraId: string | null;
  /** The camera as listed for this user; undefined for an id outside their scope (or gone). */
  camera: Camera | undefined;
  selected: boolean;
  enlarged: boolean;
  /** Null while a reason must still be given. */
  reason: string | null | undefined;
  onSelect(): void;
  onToggleEnlarge(): void;
  onDrop(drop: TileDrop): void;
  onClear(): void;
  onAskReason(): void;
}

function dropOf(event: DragEvent): TileDrop | null {
  const cameraId = event.dataTransfer.getData(cameraDragType);
  if (cameraId) return { kind: 'camera', cameraId };
  const from = event.dataTransfer.getData(tileDragType);
  return from !== '' && /^\d+$/.test(from) ? { kind: 'tile', from: Number(from) } : null;
}

const accepts = (event: DragEvent) => event.dataTransfer.types.includes(cameraDragType) || event.dataTransfer.types.includes(tileDragType);

export function LiveTile({ index, cameraId, camera, selected, enlarged, reason, onSelect, onToggleEnlarge, onDrop, onClear, onAskReason }: LiveTileProps) {
  const { t } = useI18n();
  const [dropping, setDropping] = useState(false);
  const name = camera?.name ?? (cameraId ? t('tile.unavailable') : t('tile.empty', { n: index + 1 }));

  const onDragStart = (event: DragEvent<HTMLDivElement>) => {
    event.dataTransfer.setData(tileDragType, String(index));
    event.dataTransfer.effectAllowed = 'move';
  };

  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: the keyboard selects a tile by focusing it (onFocus), and Enter enlarges it through the page's shortcuts
    // biome-ignore lint/a11y/useSemanticElements: a tile is a video panel, not a form group: a fieldset would bring the form group's border and padding
    <div
      className={`live-tile${selected ? ' selected' : ''}${enlarged ? ' enlarged' : ''}${dropping ? ' dropping' : ''}${cameraId ? '' : ' empty'}`}
      data-testid="live-tile"
      data-camera-id={cameraId ?? undefined}
      data-index={index}
      data-selected={selected ? 'true' : undefined}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: tiles take the focus so that the keyboard can select them and reach the page's shortcuts
      tabIndex={0}
      role="group"
      aria-label={t('tile.label', { n: index + 1, name })}
      aria-current={selected ? 'true' : undefined}
      onClick={onSelect}
      onFocus={onSelect}
      onDoubleClick={onToggleEnlarge}
      draggable={cameraId !== null}
      onDragStart={cameraId !== null ? onDragStart : undefined}
      onDragOver={(event) => {
        if (accepts(event)) {
          event.preventDefault();
          setDropping(true);
        }
      }}
      onDragLeave={() => setDropping(false)}
      onDrop={(event) => {
        event.preventDefault();
        setDropping(false);
        const drop = dropOf(event);
        if (drop) onDrop(drop);
      }}
    >
      <div className="tile-bar">
        <span className="tile-name" title={name}>
          {name}
        </span>
        {camera && <StateBadge state={camera.state} />}
        {cameraId && (
          <button
            type="button"
            className="tile-close"
            aria-label={t('tile.clear', { name })}
            title={t('tile.clear', { name })}
            onClick={(event) => {
              event.stopPropagation();
              onClear();
            }}
          >
            ×
          </button>
        )}
      </div>
      <div className="tile-body">
        {!cameraId && (
          <p className="tile-hint" title={t('tile.dropHelp')}>
            {t('tile.dropHere')}
          </p>
        )}
        {cameraId && !camera && <p className="tile-hint warning-text">{t('tile.outOfScope')}</p>}
        {camera && reason === null && (
          <div className="tile-hint">
            <p>{t('live.reason.needed')}</p>
            <button
              type="button"
              className="button-small"
              onClick={(event) => {
                event.stopPropagation();
                onAskReason();
              }}
            >
              {t('live.reason.give')}
            </button>
          </div>
        )}
        {camera && reason !== null && <LiveVideo cameraId={camera.id} stream={enlarged ? 'main' : 'auto'} reason={reason} label={camera.name} />}
      </div>
    </div>
  );
}
