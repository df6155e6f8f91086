// Playback (issue 5): one camera, or up to four in a 2x2 layout following one shared clock,
// over a 24-hour timeline of the chosen Paris day. Playback needs a reason, logged by the
// server with every session it opens (LEGAL 10). Optional address parameters:
// /playback?camera=<id>&at=<ISO instant>.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../../api/client.ts';
import type { Camera, Me } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { parisToday } from '../../lib/dates.ts';
import { ErrorNotice, Loading, Notice, PageHeader, useLoad } from '../../ui.tsx';
import { useCommuneName } from '../shell/communes.tsx';
import { CameraPicker } from './CameraPicker.tsx';
import { PlaybackClock } from './clock.ts';
import { PlaybackControls } from './PlaybackControls.tsx';
import { PlaybackSidePanel } from './PlaybackSidePanel.tsx';
import { PlaybackTile, type TileHandle } from './PlaybackTile.tsx';
import { defaultPlayhead, gapStep, stepSpeed } from './session.ts';
import { Timeline, type TimelineRow } from './Timeline.tsx';
import { follow, parisDayBounds, parisDayOf, zoomKeyOf, zoomLevels, zoomTo, type TimeWindow } from './timeline.ts';
import { useDayTimelines } from './useDayTimelines.ts';
import './playback.css';

type Mode = 'single' | 'grid';
type PageNotice = { kind: 'info' | 'success' | 'warning'; text: string } | null;

const tickMs = 100;
/** A player waiting longer than this no longer holds the others back. */
const holdLimitMs = 8000;

function initialQuery(): { cameraId: string | null; atMs: number | null } {
  const search = new URLSearchParams(window.location.search);
  const at = Date.parse(search.get('at') ?? '');
  return { cameraId: search.get('camera'), atMs: Number.isFinite(at) ? at : null };
}

export function PlaybackPage({ me }: { me: Me }) {
  const { t } = useI18n();
  const communeName = useCommuneName();
  const cameras = useLoad(() => api('GET', '/api/cameras'), []);
  const initial = useMemo(initialQuery, []);
  const [mode, setMode] = useState<Mode>('single');
  const [slots, setSlots] = useState<(string | null)[]>(() => [initial.cameraId]);
  const [activeSlot, setActiveSlot] = useState(0);
  const [day, setDay] = useState(() => (initial.atMs !== null ? parisDayOf(initial.atMs) : parisToday()));
  const bounds = useMemo(() => parisDayBounds(day), [day]);
  const [view, setViewState] = useState<TimeWindow>(bounds);
  const [reason, setReason] = useState<string | null>(null);
  /** The requisition the playback is for (review hours), chosen with the reason. */
  const [requisitionId, setRequisitionId] = useState<string | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: one clock for the page's life; the starting instant only matters when it is created
  const clock = useMemo(() => new PlaybackClock(initial.atMs ?? bounds.from), []);
  const [clockState, setClockState] = useState(() => clock.state());
  const [displayMs, setDisplayMs] = useState(() => clock.time());
  const [positioned, setPositioned] = useState(initial.atMs !== null);
  const [notice, setNotice] = useState<PageNotice>(null);
  const handles = useRef(new Map<number, TileHandle>());

  const all = cameras.data ?? [];
  const slotCameras = slots.map((id) => all.find((camera) => camera.id === id) ?? null);
  const chosenIds = slotCameras.filter((camera): camera is Camera => camera !== null).map((camera) => camera.id);
  const timelines = useDayTimelines(chosenIds, bounds);

  const latest = useRef({ view, bounds, chosenIds, timelines, activeSlot });
  latest.current = { view, bounds, chosenIds, timelines, activeSlot };
  const setView = useCallback((next: TimeWindow) => setViewState(next), []);
  const visibleWindow = useCallback(() => latest.current.view, []);

  useEffect(() => clock.subscribe(() => setClockState(clock.state())), [clock]);
  useEffect(() => setViewState(bounds), [bounds]);

  // Where the playhead starts, once the first camera's day is known.
  const primaryId = chosenIds[0];
  const primaryTimeline = primaryId ? timelines[primaryId] : undefined;
  useEffect(() => {
    if (positioned || !primaryTimeline || primaryTimeline.dayFrom !== bounds.from) return;
    clock.seek(primaryTimeline.timeline ? defaultPlayhead(primaryTimeline.timeline.recorded, bounds, Date.now()) : bounds.from);
    setDisplayMs(clock.time());
    setPositioned(true);
  }, [positioned, primaryTimeline, bounds, clock]);

  // The page's own beat: hold the clock while a player waits, skip gaps, keep the playhead in view.
  useEffect(() => {
    const timer = window.setInterval(() => {
      const { bounds: day, chosenIds: ids, timelines: data } = latest.current;
      const state = clock.state();
      const now = Date.now();
      const waiting = [...handles.current.values()].some((handle) => {
        const since = handle.waitingSince();
        return since !== null && now - since < holdLimitMs;
      });
      clock.setHeld(state.playing && waiting);
      const forward = state.rate > 0;
      let wall = clock.time();
      if (state.playing && !waiting) {
        const lists = ids.flatMap((id) => {
          const recorded = data[id]?.timeline?.recorded;
          return recorded ? [recorded] : [];
        });
        if (ids.length > 0 && lists.length === ids.length) {
          const step = gapStep(lists, wall, forward);
          if (step.kind === 'jump' && step.toMs >= day.from && step.toMs < day.to) {
            clock.seek(step.toMs);
            wall = step.toMs;
          } else if (step.kind !== 'inside') {
            // Nothing further this day: stop on the last picture (the first one, in reverse).
            clock.pause();
            const back = gapStep(lists, wall, !forward);
            if (back.kind === 'jump' && back.toMs >= day.from && back.toMs < day.to) clock.seek(back.toMs);
            setNotice({ kind: 'info', text: t('playback.end') });
          }
        }
        if (wall >= day.to || wall < day.from) {
          clock.pause();
          clock.seek(Math.min(day.to - 1, Math.max(day.from, wall)));
        }
        setViewState((current) => follow(current, clock.time(), day, forward));
      }
      // While playing, the instant shown changes at most ten times a second; paused, it is exact.
      const shownNow = clock.time();
      setDisplayMs((shown) => (Math.abs(shown - shownNow) >= (clock.state().playing ? 100 : 0.5) ? shownNow : shown));
    }, tickMs);
    return () => window.clearInterval(timer);
  }, [clock, t]);

  const seek = useCallback(
    (ms: number) => {
      setNotice(null);
      clock.seek(ms);
      setDisplayMs(ms);
    },
    [clock],
  );

  const jump = (ms: number) => {
    const target = parisDayOf(ms);
    setPositioned(true);
    if (target !== day) setDay(target);
    else setViewState((current) => (ms < current.from || ms >= current.to ? zoomTo(current, current.to - current.from, ms, bounds) : current));
    seek(ms);
  };

  const playPause = () => {
    setNotice(null);
    if (clockState.playing && clockState.rate > 0) clock.pause();
    else {
      clock.setRate(Math.abs(clockState.rate));
      clock.play();
    }
  };
  const reverse = () => {
    setNotice(null);
    if (clockState.playing && clockState.rate < 0) clock.pause();
    else {
      clock.setRate(-Math.abs(clockState.rate));
      clock.play();
    }
  };
  const step = (direction: 1 | -1) => {
    clock.pause();
    const handle = handles.current.get(activeSlot) ?? [...handles.current.values()][0];
    seek(clock.time() + direction * (handle?.frameDuration() ?? 0.04) * 1000);
  };
  const setSpeed = (speed: number) => clock.setRate(clockState.rate < 0 ? -speed : speed);
  const saveStill = async () => {
    const handle = handles.current.get(activeSlot) ?? [...handles.current.values()][0];
    try {
      if (!handle) throw new Error('no tile');
      const file = await handle.saveStill();
      setNotice({ kind: 'success', text: t('playback.stillSaved', { file }) });
    } catch {
      setNotice({ kind: 'warning', text: t('playback.stillFailed') });
    }
  };

  // Keyboard: Space, `,` `.`, R, `[` `]` anywhere on the page except while typing.
  const keyActions = useRef<Record<'playPause' | 'reverse' | 'faster' | 'slower', () => void> & { step(direction: 1 | -1): void }>({
    playPause,
    reverse,
    step,
    faster: playPause,
    slower: playPause,
  });
  keyActions.current = {
    playPause,
    reverse,
    step,
    faster: () => setSpeed(Math.abs(stepSpeed(clockState.rate, 1))),
    slower: () => setSpeed(Math.abs(stepSpeed(clockState.rate, -1))),
  };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (event.ctrlKey || event.metaKey || event.altKey || !target) return;
      if (['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) || target.isContentEditable) return;
      const actions: Record<string, () => void> = {
        ' ': () => keyActions.current.playPause(),
        ',': () => keyActions.current.step(-1),
        '.': () => keyActions.current.step(1),
        r: () => keyActions.current.reverse(),
        // biome-ignore lint/correctness/noComponentHookFactories: R is a key name (Shift+R), not a component
        R: () => keyActions.current.reverse(),
        '[': () => keyActions.current.slower(),
        ']': () => keyActions.current.faster(),
      };
      const action = actions[event.key];
      if (!action) return;
      event.preventDefault();
      action();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const chooseMode = (next: Mode) => {
    if (next === mode) return;
    setMode(next);
    if (next === 'grid') {
      setSlots((current) => [current[0] ?? null, null, null, null]);
      setActiveSlot(slots[0] ? 1 : 0);
    } else {
      setSlots((current) => [current[activeSlot] ?? current.find((id) => id !== null) ?? null]);
      setActiveSlot(0);
    }
  };
  const pick = (camera: Camera) => {
    setNotice(null);
    if (mode === 'single') {
      setSlots([camera.id]);
      return;
    }
    const next = slots.map((id, index) => (index === activeSlot ? camera.id : id === camera.id ? null : id));
    setSlots(next);
    const empty = next.indexOf(null);
    if (empty >= 0) setActiveSlot(empty);
  };
  const applyLayout = (cameraIds: string[]) => {
    const next = [0, 1, 2, 3].map((index) => cameraIds[index] ?? null);
    setSlots(next);
    setActiveSlot(0);
  };
  const changeDay = (next: string) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(next) || next === day) return;
    clock.pause();
    setPositioned(false);
    setDay(next);
  };

  const onHandle = useMemo(
    () =>
      [0, 1, 2, 3].map((index) => (handle: TileHandle | null) => {
        if (handle) handles.current.set(index, handle);
        else handles.current.delete(index);
      }),
    [],
  );

  const rowsKey = slotCameras.map((camera) => (camera ? `${camera.id}:${camera.name}` : '')).join('|');
  // biome-ignore lint/correctness/useExhaustiveDependencies: slotCameras is a new array on every render: the rows change only when their cameras (rowsKey) or timelines do, which keeps the memoised rows
  const rows: TimelineRow[] = useMemo(
    () =>
      slotCameras.flatMap((camera) =>
        camera
          ? [
              {
                cameraId: camera.id,
                label: camera.name,
                timeline: timelines[camera.id]?.timeline,
                events: timelines[camera.id]?.events ?? [],
              },
            ]
          : [],
      ),
    [rowsKey, timelines],
  );
  const timelineErrors = slotCameras.flatMap((camera) => (camera && timelines[camera.id]?.error ? [{ camera, error: timelines[camera.id]!.error }] : []));
  const zoomKey = zoomKeyOf(view);
  const noCamera = chosenIds.length === 0;

  return (
    <div className="playback-page">
      <PageHeader title={t('playback.title')}>
        {/* biome-ignore lint/a11y/useSemanticElements: a row of toggle buttons, not a form: a fieldset would bring the form group's border and padding */}
        <div className="segmented" role="group" aria-label={t('playback.mode')}>
          <button type="button" aria-pressed={mode === 'single'} onClick={() => chooseMode('single')} data-testid="playback-mode-single">
            {t('playback.mode.single')}
          </button>
          <button type="button" aria-pressed={mode === 'grid'} onClick={() => chooseMode('grid')} data-testid="playback-mode-grid">
            {t('playback.mode.grid')}
          </button>
        </div>
      </PageHeader>
      {!me.imageAccess.allowed && me.imageAccess.code !== 'forbidden' && <Notice kind="warning">{t('playback.noImages')}</Notice>}
      <div className="playback-layout">
        <PlaybackSidePanel
          mode={mode}
          day={day}
          onDay={changeDay}
          reason={reason}
          onReason={(next) => {
            setReason(next);
            setRequisitionId(null);
          }}
          cameraIds={chosenIds}
          onRequisition={(id, text) => {
            setRequisitionId(id);
            setReason(text);
          }}
          slots={slotCameras}
          activeSlot={activeSlot}
          onActiveSlot={setActiveSlot}
          onClearSlot={(index) => setSlots(slots.map((id, at) => (at === index ? null : id)))}
          onLayout={applyLayout}
        >
          {cameras.loading && !cameras.data && <Loading />}
          {Boolean(cameras.error) && <ErrorNotice error={cameras.error} onRetry={cameras.reload} />}
          {cameras.data && <CameraPicker cameras={all} selectedIds={chosenIds} onPick={pick} testId="playback-camera" />}
        </PlaybackSidePanel>
        <section className="playback-main" aria-label={t('playback.title')}>
          {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}
          {!reason && <Notice kind="info">{t('playback.reasonNeeded')}</Notice>}
          <div className={`playback-grid ${mode === 'grid' ? 'grid-4' : 'grid-1'}`}>
            {slotCameras.map((camera, index) =>
              camera ? (
                <PlaybackTile
                  // biome-ignore lint/suspicious/noArrayIndexKey: a tile is the player of one slot (a fixed position): it starts anew when its slot's camera changes
                  key={`${index}:${camera.id}`}
                  camera={camera}
                  communeName={communeName(camera.communeInsee)}
                  clock={clock}
                  reason={reason}
                  requisitionId={requisitionId}
                  active={positioned}
                  visibleWindow={visibleWindow}
                  selected={mode === 'grid' && index === activeSlot}
                  onSelect={() => setActiveSlot(index)}
                  onHandle={onHandle[index]!}
                />
              ) : (
                <button
                  // biome-ignore lint/suspicious/noArrayIndexKey: an empty slot is a fixed position, which never moves
                  key={`${index}:empty`}
                  type="button"
                  className={`playback-tile empty${mode === 'grid' && index === activeSlot ? ' selected' : ''}`}
                  onClick={() => setActiveSlot(index)}
                  aria-pressed={index === activeSlot}
                >
                  <span className="muted">{mode === 'grid' ? t('playback.slotEmpty') : t('playback.pickCamera')}</span>
                </button>
              ),
            )}
          </div>
          <PlaybackControls
            playing={clockState.playing}
            rate={clockState.rate}
            displayMs={displayMs}
            disabled={noCamera}
            onPlayPause={playPause}
            onReverse={reverse}
            onStep={step}
            onSpeed={setSpeed}
            onJump={jump}
            onStill={() => void saveStill()}
          />
          <p className="hint">{t('playback.keys')}</p>
          <div className="panel timeline-panel">
            <div className="timeline-toolbar">
              <h2>{t('playback.timeline')}</h2>
              {/* biome-ignore lint/a11y/useSemanticElements: a row of toggle buttons, not a form: a fieldset would bring the form group's border and padding */}
              <div className="segmented" role="group" aria-label={t('playback.zoom')}>
                {zoomLevels.map((level) => (
                  <button
                    key={level.key}
                    type="button"
                    aria-pressed={zoomKey === level.key}
                    data-testid={`timeline-zoom-${level.key}`}
                    onClick={() => setView(zoomTo(view, level.spanMs, clock.time(), bounds))}
                  >
                    {t(`playback.zoom.${level.key}`)}
                  </button>
                ))}
              </div>
            </div>
            {timelineErrors.map(({ camera, error }) => (
              <div key={camera.id}>
                <p className="muted small">{t('playback.timelineFailed', { name: camera.name })}</p>
                <ErrorNotice error={error} />
              </div>
            ))}
            <Timeline
              view={view}
              bounds={bounds}
              rows={rows}
              playheadMs={displayMs}
              onSeek={(ms) => {
                setPositioned(true);
                seek(ms);
              }}
              onView={setView}
            />
            <p className="hint">{t('playback.timelineHelp')}</p>
            <ul className="timeline-legend">
              <li>
                <span className="legend-swatch tl-recorded" aria-hidden="true" />
                {t('playback.legend.recorded')}
              </li>
              <li>
                <span className="legend-swatch tl-gap" aria-hidden="true" />
                {t('playback.legend.gap')}
              </li>
              <li>
                <span className="legend-swatch tl-hold" aria-hidden="true" />
                {t('playback.legend.hold')}
              </li>
              <li>
                <span className="legend-swatch tl-event" aria-hidden="true" />
                {t('playback.legend.event')}
              </li>
            </ul>
          </div>
        </section>
      </div>
    </div>
  );
}
