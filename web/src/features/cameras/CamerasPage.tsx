// Cameras: the tree (commune -> site -> camera) with search and states, the selected camera's
// record, and the place where live video will appear once the recorder lands.
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { api } from '../../api/client.ts';
import type { Camera, CameraPosition, CameraReferenceLists, Labelled, Me } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { formatCalendarDate, formatParisDateTime } from '../../lib/dates.ts';
import { ErrorNotice, Loading, PageHeader, StateBadge, useLoad, VmsBadge } from '../../ui.tsx';
import { useCommuneName, useCommunes } from '../shell/communes.tsx';
import { buildTree, moveInTree, visibleRows, type TreeKey, type VisibleRow } from './tree.ts';

const refreshMs = 20_000;
const treeKeys = new Set<string>(['ArrowDown', 'ArrowUp', 'ArrowRight', 'ArrowLeft', 'Home', 'End']);

export function CamerasPage({ me }: { me: Me }) {
  const { t } = useI18n();
  const communes = useCommunes();
  // Timed refreshes are marked as background calls: an unattended screen still reaches its idle expiry.
  const refreshing = useRef(false);
  const cameras = useLoad(() => {
    const background = refreshing.current;
    refreshing.current = false;
    return api<Camera[]>('GET', '/api/cameras', { background });
  }, []);
  const lists = useLoad(() => api<CameraReferenceLists>('GET', '/api/cameras/reference-lists'), []);
  const [query, setQuery] = useState('');
  const [expanded, setExpanded] = useState<Set<string> | null>(null);
  const [focused, setFocused] = useState<string | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const treeRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    // States refresh while the screen is on view; a hidden tab asks nothing.
    const timer = window.setInterval(() => {
      if (document.visibilityState !== 'visible') return;
      refreshing.current = true;
      cameras.reload();
    }, refreshMs);
    return () => window.clearInterval(timer);
  }, [cameras.reload]);

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

  const all = cameras.data ?? [];
  const tree = useMemo(() => buildTree(all, communes, query), [all, communes, query]);
  // Small centres open fully; large ones show their communes first.
  const openKeys = useMemo(() => expanded ?? new Set(all.length <= 300 ? tree.flatMap((commune) => [commune.key, ...commune.sites.map((site) => site.key)]) : tree.map((commune) => commune.key)), [expanded, all.length, tree]);
  const rows = useMemo(() => visibleRows(tree, openKeys, query.trim().length > 0), [tree, openKeys, query]);
  const shown = tree.reduce((count, commune) => count + commune.cameraCount, 0);
  const selected = all.find((camera) => camera.id === selectedId) ?? null;
  const focusKey = rows.some((row) => row.key === focused) ? focused : rows[0]?.key ?? null;

  const focusRow = (key: string | null) => {
    setFocused(key);
    if (key) setTimeout(() => treeRef.current?.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`)?.focus(), 0);
  };

  const toggle = (key: string, open?: boolean) => {
    const next = new Set(openKeys);
    if (open ?? !next.has(key)) next.add(key);
    else next.delete(key);
    setExpanded(next);
  };

  const activate = (row: VisibleRow) => {
    if (row.kind === 'camera') setSelectedId(row.camera.id);
    else toggle(row.key);
    setFocused(row.key);
  };

  const onTreeKey = (event: KeyboardEvent<HTMLDivElement>) => {
    if (treeKeys.has(event.key)) {
      event.preventDefault();
      const move = moveInTree(rows, focusKey, event.key as TreeKey);
      if (move.open) toggle(move.open, true);
      if (move.close) toggle(move.close, false);
      focusRow(move.focus);
      const row = rows.find((candidate) => candidate.key === move.focus);
      if (row?.kind === 'camera') setSelectedId(row.camera.id);
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      const row = rows.find((candidate) => candidate.key === focusKey);
      if (row) activate(row);
    }
  };

  const onSearchKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'Enter') {
      event.preventDefault();
      const firstCamera = rows.find((row) => row.kind === 'camera');
      const target = event.key === 'Enter' && firstCamera ? firstCamera : rows[0];
      if (target?.kind === 'camera') setSelectedId(target.camera.id);
      focusRow(target?.key ?? null);
    } else if (event.key === 'Escape') {
      setQuery('');
    }
  };

  return (
    <div className="cameras-page">
      <PageHeader title={t('cameras.title')}>
        {cameras.data && <span className="muted" aria-live="polite">{t('cameras.count', { shown, total: all.length })}</span>}
      </PageHeader>
      <div className="split">
        <section className="panel tree-panel" aria-label={t('cameras.tree')}>
          <div className="search">
            <input
              ref={searchRef} type="search" className="search-input" placeholder={t('cameras.search')} aria-label={t('cameras.search')}
              aria-keyshortcuts="/" value={query} onChange={(event) => setQuery(event.target.value)} onKeyDown={onSearchKey}
            />
            <kbd className="search-key" aria-hidden="true">/</kbd>
          </div>
          <p className="hint">{t('cameras.searchHint')}</p>
          {cameras.loading && !cameras.data && <Loading />}
          {Boolean(cameras.error) && <ErrorNotice error={cameras.error} onRetry={cameras.reload} />}
          {cameras.data && all.length === 0 && <p className="muted">{t('cameras.none')}</p>}
          {cameras.data && all.length > 0 && rows.length === 0 && <p className="muted">{t('cameras.noMatch')}</p>}
          {rows.length > 0 && (
            <div className="tree" role="tree" aria-label={t('cameras.tree')} ref={treeRef} onKeyDown={onTreeKey}>
              {rows.map((row) => (
                <TreeRow
                  key={row.key} row={row} focusable={row.key === focusKey} selected={row.kind === 'camera' && row.camera.id === selectedId}
                  onActivate={() => activate(row)} onFocus={() => setFocused(row.key)}
                />
              ))}
            </div>
          )}
        </section>
        <section className="detail-panel" aria-label={t('cameras.details')}>
          {selected ? <CameraDetail camera={selected} lists={lists.data} me={me} /> : <div className="panel empty-detail"><p className="muted">{t('cameras.selectOne')}</p></div>}
        </section>
      </div>
    </div>
  );
}

function TreeRow({ row, focusable, selected, onActivate, onFocus }: { row: VisibleRow; focusable: boolean; selected: boolean; onActivate(): void; onFocus(): void }) {
  const common = {
    role: 'treeitem', 'aria-level': row.level, tabIndex: focusable ? 0 : -1, 'data-key': row.key,
    onClick: onActivate, onFocus,
  } as const;
  if (row.kind === 'camera') {
    return (
      <div {...common} aria-selected={selected} className={`tree-row level-3${selected ? ' selected' : ''}`} data-state={row.camera.state}>
        <span className={`dot state-${row.camera.state}`} aria-hidden="true" />
        <span className="tree-label">{row.camera.name}</span>
        <StateBadge state={row.camera.state} />
      </div>
    );
  }
  const count = row.kind === 'commune' ? row.node.cameraCount : row.node.cameras.length;
  return (
    <div {...common} aria-expanded={row.expanded} className={`tree-row level-${row.level} branch`}>
      <span className={`chevron${row.expanded ? ' open' : ''}`} aria-hidden="true">▸</span>
      <span className="tree-label">{row.node.name}</span>
      <span className="count">{count}</span>
    </div>
  );
}

function labelOf(list: Labelled[] | undefined, code: string, language: 'fr' | 'en'): string {
  const entry = list?.find((candidate) => candidate.code === code);
  return entry ? entry[language] : code;
}

function CameraDetail({ camera, lists, me }: { camera: Camera; lists: CameraReferenceLists | undefined; me: Me }) {
  const { t, language } = useI18n();
  const communeName = useCommuneName();
  const positions = useLoad(() => api<CameraPosition[]>('GET', `/api/cameras/${encodeURIComponent(camera.id)}/positions`), [camera.id]);
  const canSeeImages = me.imageAccess.allowed;
  return (
    <>
      <div className="panel live-panel">
        <div className="live-header">
          <h2>{camera.name}</h2>
          <StateBadge state={camera.state} />
        </div>
        <div className="live-placeholder" role="note" aria-label={t('cameras.live')}>
          <svg viewBox="0 0 24 24" aria-hidden="true" className="live-icon"><path d="M3 7h12l4-3v14l-4-3H3z" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" /></svg>
          <p>{t('cameras.livePlaceholder')}</p>
          {!canSeeImages && me.imageAccess.code !== 'forbidden' && <p className="warning-text">{t('cameras.liveBlocked')}</p>}
        </div>
      </div>
      <div className="panel">
        <h2>{t('cameras.details')}</h2>
        <dl className="facts">
          <dt>{t('cameras.commune')}</dt><dd>{communeName(camera.communeInsee)}</dd>
          <dt>{t('cameras.site')}</dt><dd>{camera.siteName}</dd>
          <dt>{t('cameras.state')}</dt><dd><StateBadge state={camera.state} /></dd>
          <dt>{t('cameras.vmsStatus')}</dt><dd><VmsBadge status={camera.vmsStatus} /></dd>
          <dt>{t('cameras.kind')}</dt><dd>{labelOf(lists?.kinds, camera.kind, language)}</dd>
          <dt>{t('cameras.fieldClass')}</dt><dd>{labelOf(lists?.fieldClasses, camera.fieldClass, language)}</dd>
          <dt>{t('cameras.model')}</dt><dd>{camera.model ?? '—'}</dd>
          <dt>{t('cameras.ip')}</dt><dd className="mono">{camera.ipAddress ?? '—'}</dd>
          <dt>{t('cameras.mac')}</dt><dd className="mono">{camera.macAddress ?? '—'}</dd>
          <dt>{t('cameras.commissioning')}</dt><dd>{camera.commissioningDate ? formatCalendarDate(camera.commissioningDate, language) : '—'}</dd>
          <dt>{t('cameras.retention')}</dt><dd>{camera.retentionDays !== null ? t('common.days', { n: camera.retentionDays }) : t('cameras.retentionCommune')}</dd>
          <dt>{t('cameras.authorisations')}</dt>
          <dd>
            {camera.authorisation.authorised
              ? camera.authorisation.references.map((reference) => <span key={reference} className="tag mono">{reference}</span>)
              : <span className="warning-text">{t('cameras.notAuthorised')}</span>}
          </dd>
          <dt>{t('cameras.purposes')}</dt>
          <dd>{camera.purposes.length === 0 ? '—' : <ul className="plain-list">{camera.purposes.map((code) => <li key={code}>{labelOf(lists?.purposes, code, language)}</li>)}</ul>}</dd>
          <dt>{t('cameras.authorisedPurposes')}</dt>
          <dd>{camera.authorisedPurposes.length === 0 ? '—' : <ul className="plain-list">{camera.authorisedPurposes.map((code) => <li key={code}>{labelOf(lists?.purposes, code, language)}</li>)}</ul>}</dd>
        </dl>
      </div>
      <div className="panel">
        <h2>{t('cameras.positions')}</h2>
        {positions.loading && !positions.data && <Loading />}
        {Boolean(positions.error) && <ErrorNotice error={positions.error} onRetry={positions.reload} />}
        {positions.data && positions.data.length === 0 && <p className="muted">{t('cameras.noPosition')}</p>}
        {positions.data && positions.data.length > 0 && (
          <table className="table compact">
            <thead><tr><th>{t('cameras.positionAt')}</th><th>{t('cameras.position')}</th><th>{t('cameras.heading')}</th><th>{t('cameras.changedBy')}</th></tr></thead>
            <tbody>
              {positions.data.map((position) => (
                <tr key={`${position.changedAt}-${position.latitude}-${position.headingDeg}`}>
                  <td>{formatParisDateTime(position.changedAt, language)}</td>
                  <td className="mono">{position.latitude !== null && position.longitude !== null ? `${position.latitude.toFixed(5)}, ${position.longitude.toFixed(5)}` : '—'}</td>
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

