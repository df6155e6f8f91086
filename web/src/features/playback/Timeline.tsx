// The playback timeline: one row per camera (recorded ranges, gaps with their reason on hover,
// legal holds, technical events), Paris-time ticks, the playhead. Click jumps there, drag pans,
// the wheel zooms around the cursor (Shift+wheel pans), and from the keyboard it is a slider:
// arrows move the playhead, + and − zoom, Page Up / Page Down pan, Home / End.
import { memo, useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import type { RecordedTimeline, TechnicalEvent } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { Language, Translate } from '../../i18n/translate.ts';
import { formatParisDateTime } from '../../lib/dates.ts';
import { technicalEventLabelKey } from '../technical-events/technical-events.ts';
import { gapReasonCode } from './session.ts';
import { layoutRanges, msAt, panBy, spanOf, timelineTicks, xOf, zoomBy, type TimeWindow } from './timeline.ts';

export interface TimelineRow {
  cameraId: string;
  label: string;
  timeline: RecordedTimeline | undefined;
  events: readonly TechnicalEvent[];
}

interface TimelineProps {
  view: TimeWindow;
  bounds: TimeWindow;
  rows: readonly TimelineRow[];
  playheadMs: number;
  onSeek(ms: number): void;
  onView(view: TimeWindow): void;
}

const axisHeight = 24;
const rowHeight = 30;
const dragThresholdPx = 4;

export function Timeline({ view, bounds, rows, playheadMs, onSeek, onView }: TimelineProps) {
  const { t, language } = useI18n();
  const svgRef = useRef<SVGSVGElement>(null);
  const [width, setWidth] = useState(800);
  const [hoverX, setHoverX] = useState<number | null>(null);
  const drag = useRef<{ startX: number; startView: TimeWindow; moved: boolean; pointerId: number } | null>(null);
  const latest = useRef({ view, bounds, width, onView });
  latest.current = { view, bounds, width, onView };

  useEffect(() => {
    const svg = svgRef.current;
    if (!svg) return;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.max(200, Math.round(entry?.contentRect.width ?? 800))));
    observer.observe(svg);
    // React's wheel listener is passive: preventDefault (no page scroll while zooming) needs our own.
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const current = latest.current;
      const x = event.clientX - svg.getBoundingClientRect().left;
      const horizontal = event.shiftKey || Math.abs(event.deltaX) > Math.abs(event.deltaY);
      if (horizontal) {
        const delta = ((event.shiftKey ? event.deltaY : event.deltaX) / current.width) * spanOf(current.view);
        current.onView(panBy(current.view, delta, current.bounds));
      } else if (event.deltaY !== 0) {
        current.onView(zoomBy(current.view, event.deltaY > 0 ? 1.25 : 0.8, msAt(current.view, current.width, x), current.bounds));
      }
    };
    svg.addEventListener('wheel', onWheel, { passive: false });
    return () => {
      observer.disconnect();
      svg.removeEventListener('wheel', onWheel);
    };
  }, []);

  const pointerX = (event: PointerEvent<SVGSVGElement>) => event.clientX - event.currentTarget.getBoundingClientRect().left;

  const onPointerDown = (event: PointerEvent<SVGSVGElement>) => {
    if (event.button !== 0) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { startX: pointerX(event), startView: view, moved: false, pointerId: event.pointerId };
  };
  const onPointerMove = (event: PointerEvent<SVGSVGElement>) => {
    const x = pointerX(event);
    setHoverX(x);
    const state = drag.current;
    if (!state) return;
    if (!state.moved && Math.abs(x - state.startX) < dragThresholdPx) return;
    state.moved = true;
    onView(panBy(state.startView, ((state.startX - x) / width) * spanOf(state.startView), bounds));
  };
  const onPointerUp = (event: PointerEvent<SVGSVGElement>) => {
    const state = drag.current;
    drag.current = null;
    if (state && !state.moved) onSeek(Math.min(bounds.to - 1, Math.max(bounds.from, msAt(view, width, pointerX(event)))));
  };

  const onKeyDown = (event: KeyboardEvent<SVGSVGElement>) => {
    const span = spanOf(view);
    const step = event.shiftKey ? span / 200 : span / 40;
    const actions: Record<string, () => void> = {
      // biome-ignore-start lint/correctness/noComponentHookFactories: ArrowRight, Home, PageUp... are key names, not components
      ArrowRight: () => onSeek(Math.min(bounds.to - 1, playheadMs + step)),
      ArrowLeft: () => onSeek(Math.max(bounds.from, playheadMs - step)),
      Home: () => onSeek(bounds.from),
      End: () => onSeek(bounds.to - 1),
      PageDown: () => onView(panBy(view, span / 2, bounds)),
      PageUp: () => onView(panBy(view, -span / 2, bounds)),
      // biome-ignore-end lint/correctness/noComponentHookFactories: key names end here
      '+': () => onView(zoomBy(view, 0.5, playheadMs, bounds)),
      '=': () => onView(zoomBy(view, 0.5, playheadMs, bounds)),
      '-': () => onView(zoomBy(view, 2, playheadMs, bounds)),
    };
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    event.stopPropagation();
    action();
  };

  const height = axisHeight + rowHeight * Math.max(1, rows.length) + 4;
  const ticks = timelineTicks(view, width);
  const playheadX = xOf(view, width, playheadMs);
  const hoverMs = hoverX === null ? null : msAt(view, width, hoverX);

  return (
    <svg
      ref={svgRef}
      className="timeline"
      data-testid="timeline"
      width="100%"
      height={height}
      // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: the timeline is drawn in SVG and is itself the slider (keyboard, aria-value*), as a wrapper would split the focus from the drawing
      role="slider"
      tabIndex={0}
      aria-label={t('playback.timeline')}
      aria-valuemin={bounds.from}
      aria-valuemax={bounds.to}
      aria-valuenow={Math.round(playheadMs)}
      aria-valuetext={formatParisDateTime(new Date(playheadMs).toISOString(), language)}
      data-view-from={new Date(view.from).toISOString()}
      data-view-to={new Date(view.to).toISOString()}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerLeave={() => setHoverX(null)}
      onPointerCancel={() => {
        drag.current = null;
      }}
      onKeyDown={onKeyDown}
    >
      <rect className="tl-axis-bg" x={0} y={0} width={width} height={axisHeight} />
      {ticks.map((tick) => {
        const x = xOf(view, width, tick.ms);
        return (
          <g key={tick.ms} className={tick.major ? 'tl-tick major' : 'tl-tick'}>
            <line x1={x} x2={x} y1={axisHeight - 6} y2={height} />
            <text x={x + 3} y={15}>
              {tick.label}
            </text>
          </g>
        );
      })}
      {rows.map((row, index) => (
        <TimelineRowView
          key={row.cameraId}
          row={row}
          top={axisHeight + index * rowHeight}
          view={view}
          width={width}
          language={language}
          showLabel={rows.length > 1}
          t={t}
        />
      ))}
      {hoverMs !== null && hoverX !== null && (
        <g className="tl-hover" pointerEvents="none">
          <line x1={hoverX} x2={hoverX} y1={axisHeight} y2={height} />
          <text x={Math.min(hoverX + 4, width - 70)} y={height - 6}>
            {formatParisDateTime(new Date(hoverMs).toISOString(), language).slice(-8)}
          </text>
        </g>
      )}
      {playheadX >= 0 && playheadX <= width && (
        <g className="tl-playhead" pointerEvents="none">
          <line x1={playheadX} x2={playheadX} y1={0} y2={height} />
          <path d={`M${playheadX - 6},0 L${playheadX + 6},0 L${playheadX},8 Z`} />
        </g>
      )}
    </svg>
  );
}

interface RowProps {
  row: TimelineRow;
  top: number;
  view: TimeWindow;
  width: number;
  showLabel: boolean;
  language: Language;
  t: Translate;
}

/** One camera's row; memoised, since the page re-renders ten times a second while playing. */
const TimelineRowView = memo(function TimelineRowView({ row, top, view, width, showLabel, language, t }: RowProps) {
  const when = (iso: string) => formatParisDateTime(iso, language);
  const timeline = row.timeline;
  const barTop = top + 8;
  const barHeight = rowHeight - 12;
  const events = row.events.map((event) => ({ event, x: xOf(view, width, Date.parse(event.at)) })).filter(({ x }) => x >= 0 && x <= width);
  return (
    <g className="tl-row" data-camera-id={row.cameraId}>
      <rect className="tl-row-bg" x={0} y={barTop} width={width} height={barHeight}>
        <title>{t('playback.gap.none')}</title>
      </rect>
      {timeline &&
        layoutRanges(timeline.recorded, view, width).map((span) => (
          <rect key={`r${span.item.from}`} className="tl-recorded" x={span.x} y={barTop} width={span.width} height={barHeight} />
        ))}
      {timeline &&
        layoutRanges(timeline.gaps, view, width, 2).map((span) => (
          <rect key={`g${span.item.from}`} className="tl-gap" x={span.x} y={barTop} width={span.width} height={barHeight}>
            <title>
              {t('playback.gapTitle', { from: when(span.item.from), to: when(span.item.to), reason: t(`playback.gap.${gapReasonCode(span.item.reason)}`) })}
            </title>
          </rect>
        ))}
      {timeline &&
        layoutRanges(timeline.holds, view, width, 2).map((span) => (
          <rect key={`h${span.item.id}`} className="tl-hold" x={span.x} y={barTop} width={span.width} height={5}>
            <title>
              {t('playback.holdTitle', {
                from: when(span.item.from),
                to: when(span.item.to),
                reference: span.item.procedureReference ?? t('playback.holdNoReference'),
              })}
            </title>
          </rect>
        ))}
      {events.map(({ event, x }) => (
        <path key={event.id} className={`tl-event severity-${event.severity}`} d={`M${x - 5},${top} l10,0 l-5,8 Z`}>
          <title>{t('playback.eventTitle', { time: when(event.at), message: eventText(event, t) })}</title>
        </path>
      ))}
      {showLabel && (
        <text className="tl-row-label" x={4} y={barTop + barHeight - 5}>
          {row.label}
        </text>
      )}
    </g>
  );
});

/** A technical event as the console names it (its code's label), then the server's own text. */
function eventText(event: TechnicalEvent, t: Translate): string {
  const key = technicalEventLabelKey(event.code);
  return key ? `${t(key)} — ${event.message}` : event.message;
}
