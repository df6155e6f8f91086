// Live screen: the camera tree of the user's scope, a wall of 1 to 25 live tiles (drag and drop,
// click to fill, double-click to enlarge), saved layouts, "send to wall", PTZ of the selected
// tile's camera, and keyboard shortcuts (? for the list).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Camera, Me, SavedLayout, WallPush } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { PageHeader } from '../../ui.tsx';
import { CameraTree } from '../cameras/CameraTree.tsx';
import { buildTree } from '../cameras/tree.ts';
import { useCameraList } from '../cameras/useCameraList.ts';
import { useCommunes } from '../shell/communes.tsx';
import {
  columnsOf,
  grids,
  isGrid,
  normaliseTiles,
  placeCamera,
  shortcutOf,
  stepCamera,
  swapTiles,
  targetTileFor,
  visibleTiles,
  type Grid,
  type StoredLayout,
} from './live-grid.ts';
import { loadCurrentLayout, saveCurrentLayout } from '../layouts/live-layout-store.ts';
import { LiveTile, type TileDrop } from './LiveTile.tsx';
import { PtzPanel, usePtzControl } from '../ptz/PtzPanel.tsx';
import { useLiveReason } from './reason.tsx';
import { SavedLayouts } from '../layouts/SavedLayouts.tsx';
import { ShortcutsHelp } from './ShortcutsHelp.tsx';
import { LiveWallPush } from '../walls/WallPush.tsx';
import { usePtzKeys } from '../ptz/use-ptz-keys.ts';
import './live.css';

export function LivePage({ me }: { me: Me }) {
  const { t } = useI18n();
  const communes = useCommunes();
  // Timed refreshes are background calls: an unattended screen still reaches its idle expiry.
  const cameras = useCameraList();
  const [layout, setLayout] = useState<StoredLayout>(() => loadCurrentLayout(me.id));
  const [selected, setSelected] = useState<number | null>(null);
  const [enlarged, setEnlarged] = useState<number | null>(null);
  const [query, setQuery] = useState('');
  const [help, setHelp] = useState(false);
  const [speed, setSpeed] = useState(0.5);
  const reason = useLiveReason(me);
  useEffect(() => saveCurrentLayout(me.id, layout), [me.id, layout]);

  const all = cameras.data ?? [];
  const byId = useMemo(() => new Map(all.map((camera) => [camera.id, camera])), [all]);
  const order = useMemo(
    () => buildTree(all, communes).flatMap((commune) => commune.sites.flatMap((site) => site.cameras.map((camera) => camera.id))),
    [all, communes],
  );
  const shown = visibleTiles(layout.tiles, layout.grid);
  const selectedCamera = selected !== null ? byId.get(shown[selected] ?? '') : undefined;
  const ptzAllowed = selectedCamera?.kind === 'ptz' && me.actions.includes('ptz.control');
  const ptz = usePtzControl(ptzAllowed ? selectedCamera.id : null);
  const tileReason = reason.needed ? reason.value : undefined;

  // Roles that must give a reason are asked once, as soon as there is something to show.
  const asked = useRef(false);
  const hasCamera = shown.some((cameraId) => cameraId !== null && byId.has(cameraId));
  useEffect(() => {
    if (reason.needed && !reason.value && hasCamera && !asked.current) {
      asked.current = true;
      reason.ask();
    }
  }, [reason.needed, reason.value, hasCamera, reason.ask]);

  const setGrid = useCallback((grid: Grid) => {
    setLayout((current) => ({ ...current, grid }));
    setSelected((current) => (current !== null && current < grid ? current : null));
    setEnlarged(null);
  }, []);

  const place = (camera: Camera) => {
    const index = enlarged ?? targetTileFor(layout.tiles, layout.grid, selected);
    setLayout({ ...layout, tiles: placeCamera(layout.tiles, index, camera.id) });
    setSelected(index);
  };

  const drop = (index: number, dropped: TileDrop) => {
    const tiles = dropped.kind === 'camera' ? placeCamera(layout.tiles, index, dropped.cameraId) : swapTiles(layout.tiles, dropped.from, index);
    setLayout({ ...layout, tiles });
    setSelected(index);
  };

  const step = (direction: 1 | -1) => {
    const index = selected ?? 0;
    const next = stepCamera(order, shown[index] ?? null, direction);
    if (!next) return;
    setLayout({ ...layout, tiles: placeCamera(layout.tiles, index, next) });
    setSelected(index);
  };

  const loadSaved = (saved: SavedLayout) => {
    setLayout({ grid: isGrid(saved.grid) ? saved.grid : layout.grid, tiles: normaliseTiles(saved.tiles) });
    setSelected(null);
    setEnlarged(null);
  };

  const ptzKeys = usePtzKeys(ptz?.mover ?? null, speed);
  const keyHandler = useRef<(event: KeyboardEvent) => void>(() => undefined);
  keyHandler.current = (event) => {
    if (event.defaultPrevented || help || document.querySelector('dialog[open]')) return;
    const target = event.target as HTMLElement | null;
    if (target?.closest('input, select, textarea, [contenteditable="true"], [role="tree"]')) return;
    const shortcut = shortcutOf(event);
    if (!shortcut) return;
    if (shortcut.kind === 'enlarge' && target?.closest('button, a, summary')) return;
    switch (shortcut.kind) {
      case 'grid':
        event.preventDefault();
        setGrid(shortcut.grid);
        break;
      case 'camera':
        event.preventDefault();
        step(shortcut.direction);
        break;
      case 'help':
        event.preventDefault();
        setHelp(true);
        break;
      case 'enlarge':
        if (selected !== null && shown[selected]) {
          event.preventDefault();
          setEnlarged((current) => (current === selected ? null : selected));
        }
        break;
      case 'leave':
        if (enlarged !== null) setEnlarged(null);
        else setSelected(null);
        break;
      case 'ptz':
        if (ptz) {
          event.preventDefault();
          ptzKeys.down(event.key, shortcut);
        }
        break;
    }
  };
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => keyHandler.current(event);
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `shown` is a new array on every render: the payload changes only when the tiles it lists do
  const wallPayload = useMemo<WallPush | null>(
    () => (shown.some((cameraId) => cameraId !== null) ? { grid: layout.grid, tiles: shown, tour: null } : null),
    [layout.grid, shown.join('|')],
  );
  const columns = enlarged !== null ? 1 : columnsOf(layout.grid);
  const tileIndexes = enlarged !== null ? [enlarged] : shown.map((_, index) => index);

  return (
    <div className="live-page">
      <PageHeader title={t('live.title')}>
        {/* biome-ignore lint/a11y/useSemanticElements: a row of toggle buttons, not a form: a fieldset would bring the form group's border and padding */}
        <div className="layout-buttons" role="group" aria-label={t('live.grid')}>
          {grids.map((grid, position) => (
            <button
              key={grid}
              type="button"
              className="button-small layout-button"
              data-testid={`layout-${grid}`}
              aria-pressed={layout.grid === grid && enlarged === null}
              aria-keyshortcuts={`Alt+${position + 1}`}
              title={t('live.gridTitle', { n: grid, key: position + 1 })}
              onClick={() => setGrid(grid)}
            >
              <GridIcon grid={grid} />
              <span>{grid}</span>
            </button>
          ))}
        </div>
        {reason.needed && (
          <button type="button" className="button-small" onClick={reason.ask} data-testid="live-reason-change">
            {reason.value ? t('live.reason.current', { reason: reason.value }) : t('live.reason.give')}
          </button>
        )}
        <button type="button" className="button-small" aria-keyshortcuts="?" data-testid="live-help" onClick={() => setHelp(true)} title={t('shortcuts.title')}>
          ?
        </button>
      </PageHeader>
      <div className="live-layout">
        <section className="panel tree-panel live-tree" aria-label={t('cameras.tree')}>
          <CameraTree
            cameras={cameras.data}
            loading={cameras.loading}
            error={cameras.error}
            onRetry={cameras.reload}
            query={query}
            onQuery={setQuery}
            selectedId={selectedCamera?.id ?? null}
            onActivate={place}
            draggable
            hint={t('live.treeHint')}
          />
        </section>
        <section className="live-main" aria-label={t('live.wall')}>
          <div
            className={`live-grid${enlarged !== null ? ' is-enlarged' : ''}`}
            data-grid={layout.grid}
            style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`, gridTemplateRows: `repeat(${columns}, minmax(0, 1fr))` }}
          >
            {tileIndexes.map((index) => (
              <LiveTile
                key={index}
                index={index}
                cameraId={shown[index] ?? null}
                camera={byId.get(shown[index] ?? '')}
                selected={selected === index}
                enlarged={enlarged === index}
                reason={tileReason}
                onSelect={() => setSelected(index)}
                onToggleEnlarge={() => setEnlarged((current) => (current === index ? null : index))}
                onDrop={(dropped) => drop(index, dropped)}
                onClear={() => setLayout({ ...layout, tiles: placeCamera(layout.tiles, index, null) })}
                onAskReason={reason.ask}
              />
            ))}
          </div>
          <p className="hint">{enlarged !== null ? t('live.enlargedHint') : t('live.wallHint')}</p>
        </section>
        <aside className="live-side" aria-label={t('live.side')}>
          {selectedCamera && ptz && <PtzPanel camera={selectedCamera} me={me} control={ptz} speed={speed} onSpeed={setSpeed} />}
          {selectedCamera && !ptz && (
            <section className="panel">
              <h2>{selectedCamera.name}</h2>
              <p className="muted small">{selectedCamera.kind === 'ptz' ? t('ptz.notAllowed') : t('live.fixedCamera')}</p>
            </section>
          )}
          <SavedLayouts me={me} grid={layout.grid} tiles={shown} onLoad={loadSaved} />
          {me.actions.includes('wall.push') && <LiveWallPush me={me} payload={wallPayload} />}
        </aside>
      </div>
      {help && <ShortcutsHelp onClose={() => setHelp(false)} />}
      {reason.dialog}
    </div>
  );
}

function GridIcon({ grid }: { grid: Grid }) {
  const columns = columnsOf(grid);
  const size = 16 / columns;
  const cells = Array.from({ length: grid }, (_, index) => ({ x: (index % columns) * size, y: Math.floor(index / columns) * size }));
  return (
    <svg className="grid-icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      {cells.map((cell) => (
        <rect key={`${cell.x}-${cell.y}`} x={cell.x + 0.6} y={cell.y + 0.6} width={size - 1.2} height={size - 1.2} rx={0.6} />
      ))}
    </svg>
  );
}
