// The drawing surface of the mask editor: the camera's still with an SVG over it, in which the
// operator draws polygons (click adds a point, clicking the first point or Enter closes), drags
// vertices, double-clicks an edge to add a point, and erases with Delete. Controlled: the
// polygons, the open outline and the selection live in the page (`draft`).
import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { useI18n } from '../../i18n/i18n.tsx';
import {
  closesPolygon,
  hitPolygon,
  hitVertex,
  insertOnEdge,
  moveVertex,
  normalisePoint,
  removePolygon,
  removeVertex,
  toPixels,
  type Point,
  type Polygon,
  type Size,
  type VertexHit,
} from './maskGeometry.ts';

export type Selection = { kind: 'vertex'; hit: VertexHit } | { kind: 'polygon'; polygon: number } | null;

export interface Draft {
  polygons: Polygon[];
  /** The outline being drawn, not yet closed. */
  open: Point[];
  selection: Selection;
}

export const emptyDraft: Draft = { polygons: [], open: [], selection: null };

interface CanvasProps {
  stillUrl: string | null;
  draft: Draft;
  onDraft(draft: Draft): void;
  /** Masks of the camera not being edited, shown for context. */
  others: readonly Polygon[];
  preview: boolean;
}

const keyStep = 0.005;

/** Closes the open outline when it has three points (Enter, a click on its first point, saving). */
export function closeOpen(draft: Draft): Draft {
  if (draft.open.length < 3) return draft;
  return { polygons: [...draft.polygons, draft.open], open: [], selection: { kind: 'polygon', polygon: draft.polygons.length } };
}

/** Delete: the last point of the open outline, else the chosen vertex, else the chosen polygon. */
export function deleteSelection(draft: Draft): Draft {
  const selection = draft.selection;
  if (draft.open.length > 0) return { ...draft, open: draft.open.slice(0, -1) };
  if (selection?.kind === 'vertex') return { ...draft, polygons: removeVertex(draft.polygons, selection.hit), selection: null };
  if (selection?.kind === 'polygon') return { ...draft, polygons: removePolygon(draft.polygons, selection.polygon), selection: null };
  return draft;
}

export function MaskCanvas({ stillUrl, draft, onDraft, others, preview }: CanvasProps) {
  const { t } = useI18n();
  const frameRef = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState<Size>({ width: 640, height: 360 });
  const [aspect, setAspect] = useState(16 / 9);
  const [hover, setHover] = useState<Point | null>(null);
  const dragging = useRef<VertexHit | null>(null);
  const latest = useRef(draft);
  latest.current = draft;

  useEffect(() => {
    const frame = frameRef.current;
    if (!frame) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setSize({ width: entry.contentRect.width, height: entry.contentRect.height });
    });
    observer.observe(frame);
    return () => observer.disconnect();
  }, []);

  const pointOf = (event: PointerEvent<SVGSVGElement>): Point => {
    const rect = event.currentTarget.getBoundingClientRect();
    return normalisePoint(event.clientX - rect.left, event.clientY - rect.top, { width: rect.width, height: rect.height });
  };

  const onPointerDown = (event: PointerEvent<SVGSVGElement>) => {
    if (event.button !== 0 || preview) return;
    event.currentTarget.focus({ preventScroll: true });
    const point = pointOf(event);
    const current = latest.current;
    if (current.open.length > 0) {
      if (closesPolygon(current.open, point, size)) onDraft(closeOpen(current));
      else if (current.open.length < 64) onDraft({ ...current, open: [...current.open, point] });
      return;
    }
    const vertex = hitVertex(current.polygons, point, size);
    if (vertex) {
      dragging.current = vertex;
      event.currentTarget.setPointerCapture(event.pointerId);
      onDraft({ ...current, selection: { kind: 'vertex', hit: vertex } });
      return;
    }
    const polygon = hitPolygon(current.polygons, point);
    if (polygon >= 0 && !(current.selection?.kind === 'polygon' && current.selection.polygon === polygon)) {
      onDraft({ ...current, selection: { kind: 'polygon', polygon } });
      return;
    }
    // Empty picture, or a second click inside the chosen polygon: a new outline starts there.
    onDraft({ ...current, open: [point], selection: null });
  };

  const onPointerMove = (event: PointerEvent<SVGSVGElement>) => {
    const point = pointOf(event);
    setHover(point);
    const hit = dragging.current;
    if (hit) onDraft({ ...latest.current, polygons: moveVertex(latest.current.polygons, hit, point) });
  };

  const onDoubleClick = () => {
    const current = latest.current;
    if (!hover || preview || current.open.length > 0) return;
    const inserted = insertOnEdge(current.polygons, hover, size);
    if (inserted) onDraft({ ...current, polygons: inserted.polygons, selection: { kind: 'vertex', hit: inserted.hit } });
  };

  const onKeyDown = (event: KeyboardEvent<SVGSVGElement>) => {
    const current = latest.current;
    const selection = current.selection;
    if (event.key === 'Enter') {
      onDraft(closeOpen(current));
    } else if (event.key === 'Escape') {
      onDraft({ ...current, open: [], selection: null });
    } else if (event.key === 'Delete' || event.key === 'Backspace') {
      if (current.open.length === 0 && !selection) return;
      onDraft(deleteSelection(current));
    } else if (event.key.startsWith('Arrow') && selection?.kind === 'vertex') {
      const step = event.shiftKey ? keyStep / 10 : keyStep;
      const [x, y] = current.polygons[selection.hit.polygon]![selection.hit.vertex]!;
      const moves: Record<string, Point> = { ArrowLeft: [x - step, y], ArrowRight: [x + step, y], ArrowUp: [x, y - step], ArrowDown: [x, y + step] };
      onDraft({ ...current, polygons: moveVertex(current.polygons, selection.hit, moves[event.key]!) });
    } else {
      return;
    }
    event.preventDefault();
  };

  const pixels = (polygon: Polygon) => polygon.map((point) => toPixels(point, size).join(',')).join(' ');
  const selection = draft.selection;
  const last = draft.open[draft.open.length - 1];

  return (
    <div ref={frameRef} className="mask-editor" data-testid="mask-editor" style={{ aspectRatio: String(aspect) }}>
      {stillUrl ? (
        <img
          className="mask-still"
          src={stillUrl}
          alt={t('masks.still')}
          onLoad={(event) => {
            const image = event.currentTarget;
            if (image.naturalWidth) setAspect(image.naturalWidth / image.naturalHeight);
          }}
        />
      ) : (
        <div className="mask-still mask-still-empty">
          <span className="muted">{t('masks.noStill')}</span>
        </div>
      )}
      <svg
        className={`mask-svg${preview ? ' preview' : ''}`}
        width={size.width}
        height={size.height}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the mask editor is worked with the keyboard too (onKeyDown), so it takes the focus
        tabIndex={0}
        role="application"
        aria-label={t('masks.editorLabel')}
        aria-describedby="mask-help"
        data-polygons={draft.polygons.length}
        data-open-points={draft.open.length}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={() => {
          dragging.current = null;
        }}
        onPointerLeave={() => setHover(null)}
        onPointerCancel={() => {
          dragging.current = null;
        }}
        onDoubleClick={onDoubleClick}
        onKeyDown={onKeyDown}
      >
        {others.map((polygon, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: polygons and points have no id: their index is what the selection and the edits refer to, and these SVG shapes hold no state
          <polygon key={`o${index}`} className={preview ? 'mask-fill-preview' : 'mask-other'} points={pixels(polygon)} />
        ))}
        {draft.polygons.map((polygon, index) => {
          const chosen = selection?.kind === 'polygon' && selection.polygon === index;
          return (
            <polygon
              // biome-ignore lint/suspicious/noArrayIndexKey: polygons and points have no id: their index is what the selection and the edits refer to, and these SVG shapes hold no state
              key={`p${index}`}
              className={preview ? 'mask-fill-preview' : `mask-polygon${chosen ? ' selected' : ''}`}
              points={pixels(polygon)}
              data-testid="mask-polygon"
            />
          );
        })}
        {!preview &&
          draft.polygons.map((polygon, polygonIndex) =>
            polygon.map((point, vertexIndex) => {
              const [x, y] = toPixels(point, size);
              const chosen = selection?.kind === 'vertex' && selection.hit.polygon === polygonIndex && selection.hit.vertex === vertexIndex;
              // biome-ignore lint/suspicious/noArrayIndexKey: polygons and points have no id: their index is what the selection and the edits refer to, and these SVG shapes hold no state
              return <circle key={`v${polygonIndex}-${vertexIndex}`} className={`mask-vertex${chosen ? ' selected' : ''}`} cx={x} cy={y} r={chosen ? 7 : 5} />;
            }),
          )}
        {!preview && draft.open.length > 0 && (
          <g className="mask-open">
            <polyline points={pixels(draft.open)} />
            {hover && last && (
              <line
                className="mask-rubber"
                x1={toPixels(last, size)[0]}
                y1={toPixels(last, size)[1]}
                x2={toPixels(hover, size)[0]}
                y2={toPixels(hover, size)[1]}
              />
            )}
            {draft.open.map((point, index) => {
              const [x, y] = toPixels(point, size);
              // biome-ignore lint/suspicious/noArrayIndexKey: polygons and points have no id: their index is what the selection and the edits refer to, and these SVG shapes hold no state
              return <circle key={`d${index}`} className={index === 0 ? 'mask-vertex first' : 'mask-vertex'} cx={x} cy={y} r={index === 0 ? 8 : 5} />;
            })}
          </g>
        )}
      </svg>
    </div>
  );
}
