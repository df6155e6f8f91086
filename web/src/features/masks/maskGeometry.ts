// The mask editor's geometry, pure: points in normalised picture coordinates (0..1 of the
// width and height, origin top-left, as the server stores them), hit tests in screen pixels,
// point-in-polygon, the same validity rules as the server (masks.rules.ts: 1..32 polygons,
// 3..64 points, inside the picture, non-zero area) plus a warning for a polygon that crosses
// itself, and the edits (move, insert, remove). Tested by maskGeometry.test.ts.

export type Point = readonly [number, number];
export type Polygon = readonly Point[];

export const MASK_MAX_POLYGONS = 32;
export const MASK_MIN_POINTS = 3;
export const MASK_MAX_POINTS = 64;
export const MASK_MIN_AREA = 1e-6;

export interface Size {
  width: number;
  height: number;
}

const clamp01 = (value: number) => Math.min(1, Math.max(0, value));
/** Four decimals: a tenth of a pixel on a 4K picture, and short JSON. */
const round = (value: number) => Math.round(value * 10_000) / 10_000;

/** A pointer position inside an element of `size` (offsets from its top-left corner) as a normalised point. */
export function normalisePoint(offsetX: number, offsetY: number, size: Size): Point {
  if (size.width <= 0 || size.height <= 0) return [0, 0];
  return [round(clamp01(offsetX / size.width)), round(clamp01(offsetY / size.height))];
}

export function toPixels(point: Point, size: Size): [number, number] {
  return [point[0] * size.width, point[1] * size.height];
}

/** Signed area (shoelace) as a share of the picture. */
export function polygonArea(polygon: Polygon): number {
  let twice = 0;
  for (let index = 0; index < polygon.length; index++) {
    const [x1, y1] = polygon[index]!;
    const [x2, y2] = polygon[(index + 1) % polygon.length]!;
    twice += x1 * y2 - x2 * y1;
  }
  return twice / 2;
}

/** Even-odd rule, as the server's rasteriser. */
export function pointInPolygon(point: Point, polygon: Polygon): boolean {
  const [x, y] = point;
  let inside = false;
  for (let index = 0, previous = polygon.length - 1; index < polygon.length; previous = index++) {
    const [xi, yi] = polygon[index]!;
    const [xj, yj] = polygon[previous]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export interface VertexHit {
  polygon: number;
  vertex: number;
}

/** The vertex within `radiusPx` screen pixels of the point (the nearest), or null. */
export function hitVertex(polygons: readonly Polygon[], point: Point, size: Size, radiusPx = 9): VertexHit | null {
  const [px, py] = toPixels(point, size);
  let best: (VertexHit & { distance: number }) | null = null;
  polygons.forEach((polygon, polygonIndex) => {
    polygon.forEach((vertex, vertexIndex) => {
      const [vx, vy] = toPixels(vertex, size);
      const distance = Math.hypot(vx - px, vy - py);
      if (distance <= radiusPx && (!best || distance < best.distance)) best = { polygon: polygonIndex, vertex: vertexIndex, distance };
    });
  });
  if (!best) return null;
  const { polygon, vertex } = best;
  return { polygon, vertex };
}

/** The topmost (last drawn) polygon containing the point, or -1. */
export function hitPolygon(polygons: readonly Polygon[], point: Point): number {
  for (let index = polygons.length - 1; index >= 0; index--) if (pointInPolygon(point, polygons[index]!)) return index;
  return -1;
}

/** True when a click at `point` closes the open polygon: on its first point, with at least 3 points. */
export function closesPolygon(open: Polygon, point: Point, size: Size, radiusPx = 10): boolean {
  if (open.length < MASK_MIN_POINTS) return false;
  const [fx, fy] = toPixels(open[0]!, size);
  const [px, py] = toPixels(point, size);
  return Math.hypot(fx - px, fy - py) <= radiusPx;
}

function segmentsCross(a: Point, b: Point, c: Point, d: Point): boolean {
  const orientation = (p: Point, q: Point, r: Point) => Math.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]));
  const o1 = orientation(a, b, c);
  const o2 = orientation(a, b, d);
  const o3 = orientation(c, d, a);
  const o4 = orientation(c, d, b);
  return o1 !== 0 && o2 !== 0 && o3 !== 0 && o4 !== 0 && o1 !== o2 && o3 !== o4;
}

/** Whether two non-adjacent edges cross (the even-odd rule then leaves holes the author may not expect). */
export function selfIntersects(polygon: Polygon): boolean {
  const count = polygon.length;
  for (let first = 0; first < count; first++) {
    for (let second = first + 1; second < count; second++) {
      if (second === first + 1 || (first === 0 && second === count - 1)) continue;
      if (segmentsCross(polygon[first]!, polygon[(first + 1) % count]!, polygon[second]!, polygon[(second + 1) % count]!)) return true;
    }
  }
  return false;
}

export type MaskProblem =
  | { code: 'none' }
  | { code: 'tooMany'; max: number }
  | { code: 'points'; polygon: number; min: number; max: number }
  | { code: 'outside'; polygon: number; point: number }
  | { code: 'area'; polygon: number }
  | { code: 'crossing'; polygon: number };

/** Problems the server would refuse (all but `crossing`, a warning), polygons and points numbered from 1. */
export function maskProblems(polygons: readonly Polygon[]): MaskProblem[] {
  if (polygons.length === 0) return [{ code: 'none' }];
  const problems: MaskProblem[] = [];
  if (polygons.length > MASK_MAX_POLYGONS) problems.push({ code: 'tooMany', max: MASK_MAX_POLYGONS });
  polygons.forEach((polygon, index) => {
    const number = index + 1;
    if (polygon.length < MASK_MIN_POINTS || polygon.length > MASK_MAX_POINTS) {
      problems.push({ code: 'points', polygon: number, min: MASK_MIN_POINTS, max: MASK_MAX_POINTS });
      return;
    }
    const outside = polygon.findIndex(([x, y]) => !(x >= 0 && x <= 1 && y >= 0 && y <= 1));
    if (outside >= 0) problems.push({ code: 'outside', polygon: number, point: outside + 1 });
    else if (Math.abs(polygonArea(polygon)) < MASK_MIN_AREA) problems.push({ code: 'area', polygon: number });
    else if (selfIntersects(polygon)) problems.push({ code: 'crossing', polygon: number });
  });
  return problems;
}

/** Whether the server would accept the polygons (warnings aside). */
export function blocksSaving(problems: readonly MaskProblem[]): boolean {
  return problems.some((problem) => problem.code !== 'crossing');
}

export function moveVertex(polygons: readonly Polygon[], hit: VertexHit, to: Point): Polygon[] {
  const point: Point = [round(clamp01(to[0])), round(clamp01(to[1]))];
  return polygons.map((polygon, index) =>
    index === hit.polygon ? polygon.map((vertex, vertexIndex) => (vertexIndex === hit.vertex ? point : vertex)) : polygon,
  );
}

/** Removes a vertex; a polygon left with fewer than 3 points is removed with it. */
export function removeVertex(polygons: readonly Polygon[], hit: VertexHit): Polygon[] {
  return polygons.flatMap((polygon, index) => {
    if (index !== hit.polygon) return [polygon];
    const rest = polygon.filter((_vertex, vertexIndex) => vertexIndex !== hit.vertex);
    return rest.length >= MASK_MIN_POINTS ? [rest] : [];
  });
}

export function removePolygon(polygons: readonly Polygon[], index: number): Polygon[] {
  return polygons.filter((_polygon, at) => at !== index);
}

/** Adds a point on the edge nearest to `point` when it is within `radiusPx` of it (double-click on an edge). */
export function insertOnEdge(polygons: readonly Polygon[], point: Point, size: Size, radiusPx = 8): { polygons: Polygon[]; hit: VertexHit } | null {
  const [px, py] = toPixels(point, size);
  let best: { polygon: number; after: number; distance: number } | null = null;
  polygons.forEach((polygon, polygonIndex) => {
    if (polygon.length >= MASK_MAX_POINTS) return;
    polygon.forEach((start, index) => {
      const [ax, ay] = toPixels(start, size);
      const [bx, by] = toPixels(polygon[(index + 1) % polygon.length]!, size);
      const length = (bx - ax) ** 2 + (by - ay) ** 2;
      const along = length === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / length));
      const distance = Math.hypot(ax + along * (bx - ax) - px, ay + along * (by - ay) - py);
      if (distance <= radiusPx && (!best || distance < best.distance)) best = { polygon: polygonIndex, after: index, distance };
    });
  });
  if (!best) return null;
  const { polygon: target, after } = best;
  const inserted: Point = [round(clamp01(point[0])), round(clamp01(point[1]))];
  return {
    polygons: polygons.map((polygon, index) => (index === target ? [...polygon.slice(0, after + 1), inserted, ...polygon.slice(after + 1)] : polygon)),
    hit: { polygon: target, vertex: after + 1 },
  };
}

/** Polygons as the API takes them: plain mutable tuples. */
export function toApiPolygons(polygons: readonly Polygon[]): [number, number][][] {
  return polygons.map((polygon) => polygon.map(([x, y]) => [x, y] as [number, number]));
}

/** The API's polygons (lists of [x, y] the server has checked) as the editor's points. */
export function fromApiPolygons(polygons: readonly (readonly (readonly number[])[])[]): Polygon[] {
  return polygons.map((polygon) => polygon.map((point) => [point[0] ?? 0, point[1] ?? 0] as const));
}
