// A searchable list of the cameras in the user's scope (GET /api/cameras is scoped by the
// server), for the playback and mask screens. Arrow keys move between cameras; Enter or a
// click picks one.
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { Camera } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { StateBadge } from '../../ui.tsx';
import { cameraMatches } from '../cameras/tree.ts';
import { useCommuneName } from '../shell/communes.tsx';

interface CameraPickerProps {
  cameras: readonly Camera[];
  selectedIds: readonly string[];
  onPick(camera: Camera): void;
  testId: string;
}

const byPlace = (a: Camera, b: Camera) =>
  a.communeInsee.localeCompare(b.communeInsee) ||
  a.siteName.localeCompare(b.siteName, 'fr', { numeric: true }) ||
  a.name.localeCompare(b.name, 'fr', { numeric: true });

export function CameraPicker({ cameras, selectedIds, onPick, testId }: CameraPickerProps) {
  const { t } = useI18n();
  const communeName = useCommuneName();
  const [query, setQuery] = useState('');
  const listRef = useRef<HTMLUListElement>(null);
  const shown = useMemo(() => cameras.filter((camera) => cameraMatches(camera, query)).sort(byPlace), [cameras, query]);

  const focusItem = (index: number) => {
    const items = listRef.current?.querySelectorAll<HTMLButtonElement>('button[data-camera-id]');
    if (!items || items.length === 0) return;
    items[Math.max(0, Math.min(items.length - 1, index))]?.focus();
  };

  const onListKey = (event: KeyboardEvent<HTMLUListElement>) => {
    const items = [...(listRef.current?.querySelectorAll<HTMLButtonElement>('button[data-camera-id]') ?? [])];
    const current = items.indexOf(document.activeElement as HTMLButtonElement);
    const moves: Record<string, number> = { ArrowDown: current + 1, ArrowUp: current - 1, Home: 0, End: items.length - 1 };
    if (event.key in moves) {
      event.preventDefault();
      focusItem(moves[event.key]!);
    }
  };

  return (
    <div className="camera-picker">
      <input
        type="search"
        className="search-input"
        placeholder={t('playback.searchCamera')}
        aria-label={t('playback.searchCamera')}
        value={query}
        onChange={(event) => setQuery(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown') {
            event.preventDefault();
            focusItem(0);
          }
          if (event.key === 'Enter' && shown[0]) {
            event.preventDefault();
            onPick(shown[0]);
          }
          if (event.key === 'Escape') setQuery('');
        }}
      />
      {cameras.length === 0 && <p className="muted">{t('playback.noCamera')}</p>}
      {cameras.length > 0 && shown.length === 0 && <p className="muted">{t('playback.noMatch')}</p>}
      <ul className="camera-picker-list" ref={listRef} onKeyDown={onListKey}>
        {shown.map((camera) => {
          const selected = selectedIds.includes(camera.id);
          return (
            <li key={camera.id}>
              <button
                type="button"
                className={`camera-picker-item${selected ? ' selected' : ''}`}
                data-testid={testId}
                data-camera-id={camera.id}
                aria-pressed={selected}
                onClick={() => onPick(camera)}
              >
                <span className={`dot state-${camera.state}`} aria-hidden="true" />
                <span className="camera-picker-text">
                  <span className="camera-picker-name">{camera.name}</span>
                  <span className="camera-picker-place">
                    {camera.siteName} · {communeName(camera.communeInsee)}
                  </span>
                </span>
                <StateBadge state={camera.state} />
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
