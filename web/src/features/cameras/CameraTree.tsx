// The camera tree (commune -> site -> camera) with its search box, state colours and the
// WAI-ARIA tree keys; used by the cameras screen (arrows open the record) and the live screen
// (click or Enter puts the camera in a tile, rows drag onto tiles). The rules are in tree.ts.
import { useEffect, useMemo, useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import type { Camera } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { ErrorNotice, Loading, StateBadge } from '../../ui.tsx';
import { useCommunes } from '../shell/communes.tsx';
import { buildTree, moveInTree, visibleRows, type TreeKey, type VisibleRow } from './tree.ts';

const treeKeys = new Set<string>(['ArrowDown', 'ArrowUp', 'ArrowRight', 'ArrowLeft', 'Home', 'End']);

/** The drag data type of a camera row (its id). */
export const cameraDragType = 'application/x-vigie-camera';

export interface CameraTreeProps {
  cameras: readonly Camera[] | undefined;
  loading: boolean;
  error: unknown;
  onRetry(): void;
  query: string;
  onQuery(query: string): void;
  selectedId: string | null;
  /** A camera clicked, or Enter / Space on it (and, with `followFocus`, an arrow landing on it). */
  onActivate(camera: Camera): void;
  followFocus?: boolean;
  /** Camera rows can be dragged (data: `cameraDragType`). */
  draggable?: boolean;
  /** Extra line under the search box. */
  hint?: string;
}

export function CameraTree({
  cameras,
  loading,
  error,
  onRetry,
  query,
  onQuery,
  selectedId,
  onActivate,
  followFocus = false,
  draggable = false,
  hint,
}: CameraTreeProps) {
  const { t } = useI18n();
  const communes = useCommunes();
  const [expanded, setExpanded] = useState<Set<string> | null>(null);
  const [focused, setFocused] = useState<string | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const treeRef = useRef<HTMLDivElement>(null);

  // `/` focuses the search from anywhere on the page, except while typing.
  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      const typing = target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT' || target.isContentEditable);
      if (event.key === '/' && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const all = cameras ?? [];
  const tree = useMemo(() => buildTree(all, communes, query), [all, communes, query]);
  // Small centres open fully; large ones show their communes first.
  const openKeys = useMemo(
    () =>
      expanded ??
      new Set(all.length <= 300 ? tree.flatMap((commune) => [commune.key, ...commune.sites.map((site) => site.key)]) : tree.map((commune) => commune.key)),
    [expanded, all.length, tree],
  );
  const rows = useMemo(() => visibleRows(tree, openKeys, query.trim().length > 0), [tree, openKeys, query]);
  const focusKey = rows.some((row) => row.key === focused) ? focused : (rows[0]?.key ?? null);

  // Focus moves at once when the row is on screen (the next key press must land on it, however
  // loaded the workstation is), after the render for a row that an opening just revealed.
  const focusRow = (key: string | null) => {
    setFocused(key);
    if (!key) return;
    const find = () => treeRef.current?.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`);
    const row = find();
    if (row) row.focus();
    else setTimeout(() => find()?.focus(), 0);
  };

  const toggle = (key: string, open?: boolean) => {
    const next = new Set(openKeys);
    if (open ?? !next.has(key)) next.add(key);
    else next.delete(key);
    setExpanded(next);
  };

  const activate = (row: VisibleRow) => {
    if (row.kind === 'camera') onActivate(row.camera);
    else toggle(row.key);
    setFocused(row.key);
  };

  const onTreeKey = (event: KeyboardEvent<HTMLDivElement>) => {
    if (treeKeys.has(event.key)) {
      event.preventDefault();
      event.stopPropagation();
      // The row that has the focus now, not the last rendered state: keys can come faster than renders.
      const current = (event.target as HTMLElement).closest<HTMLElement>('[data-key]')?.dataset.key ?? focusKey;
      const move = moveInTree(rows, rows.some((row) => row.key === current) ? current : focusKey, event.key as TreeKey);
      if (move.open) toggle(move.open, true);
      if (move.close) toggle(move.close, false);
      focusRow(move.focus);
      const row = rows.find((candidate) => candidate.key === move.focus);
      if (followFocus && row?.kind === 'camera') onActivate(row.camera);
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      event.stopPropagation();
      const row = rows.find((candidate) => candidate.key === focusKey);
      if (row) activate(row);
    }
  };

  const onSearchKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'Enter') {
      event.preventDefault();
      event.stopPropagation();
      const firstCamera = rows.find((row) => row.kind === 'camera');
      const target = event.key === 'Enter' && firstCamera ? firstCamera : rows[0];
      if (target?.kind === 'camera' && (followFocus || event.key === 'Enter')) onActivate(target.camera);
      focusRow(target?.key ?? null);
    } else if (event.key === 'Escape') {
      event.stopPropagation();
      onQuery('');
    }
  };

  return (
    <>
      <div className="search">
        <input
          ref={searchRef}
          type="search"
          className="search-input"
          placeholder={t('cameras.search')}
          aria-label={t('cameras.search')}
          aria-keyshortcuts="/"
          value={query}
          onChange={(event) => onQuery(event.target.value)}
          onKeyDown={onSearchKey}
        />
        {/* biome-ignore lint/a11y/noAriaHiddenOnFocusable: a kbd is not focusable; the input announces its shortcut with aria-keyshortcuts */}
        <kbd className="search-key" aria-hidden="true">
          /
        </kbd>
      </div>
      <p className="hint">{hint ?? t('cameras.searchHint')}</p>
      {loading && !cameras && <Loading />}
      {Boolean(error) && <ErrorNotice error={error} onRetry={onRetry} />}
      {cameras && all.length === 0 && <p className="muted">{t('cameras.none')}</p>}
      {cameras && all.length > 0 && rows.length === 0 && <p className="muted">{t('cameras.noMatch')}</p>}
      {rows.length > 0 && (
        <div className="tree" role="tree" aria-label={t('cameras.tree')} ref={treeRef} onKeyDown={onTreeKey}>
          {rows.map((row) => (
            <TreeRow
              key={row.key}
              row={row}
              focusable={row.key === focusKey}
              selected={row.kind === 'camera' && row.camera.id === selectedId}
              draggable={draggable}
              onActivate={() => activate(row)}
              onFocus={() => setFocused(row.key)}
            />
          ))}
        </div>
      )}
    </>
  );
}

interface TreeRowProps {
  row: VisibleRow;
  focusable: boolean;
  selected: boolean;
  draggable: boolean;
  onActivate(): void;
  onFocus(): void;
}

function TreeRow({ row, focusable, selected, draggable, onActivate, onFocus }: TreeRowProps) {
  const common = {
    'aria-level': row.level,
    'data-key': row.key,
    onClick: onActivate,
    onFocus,
  } as const;
  if (row.kind === 'camera') {
    const onDragStart = (event: DragEvent<HTMLDivElement>) => {
      event.dataTransfer.setData(cameraDragType, row.camera.id);
      event.dataTransfer.setData('text/plain', row.camera.name);
      event.dataTransfer.effectAllowed = 'copy';
    };
    return (
      <div
        role="treeitem"
        tabIndex={focusable ? 0 : -1}
        {...common}
        aria-selected={selected}
        className={`tree-row level-3${selected ? ' selected' : ''}`}
        data-state={row.camera.state}
        data-testid="camera-item"
        data-camera-id={row.camera.id}
        draggable={draggable || undefined}
        onDragStart={draggable ? onDragStart : undefined}
      >
        <span className={`dot state-${row.camera.state}`} aria-hidden="true" />
        <span className="tree-label">{row.camera.name}</span>
        <StateBadge state={row.camera.state} />
      </div>
    );
  }
  const count = row.kind === 'commune' ? row.node.cameraCount : row.node.cameras.length;
  return (
    <div role="treeitem" tabIndex={focusable ? 0 : -1} {...common} aria-expanded={row.expanded} className={`tree-row level-${row.level} branch`}>
      <span className={`chevron${row.expanded ? ' open' : ''}`} aria-hidden="true">
        ▸
      </span>
      <span className="tree-label">{row.node.name}</span>
      <span className="count">{count}</span>
    </div>
  );
}
