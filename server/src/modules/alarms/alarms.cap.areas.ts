// How a CAP alert lands in the centre (docs/alarms.md "CAP 1.2"): its areas matched to the
// centre's communes (geocodes: INSEE codes, department codes) and sites (point in polygon,
// distance to a circle's centre), its priority from severity and urgency, its alarm type from the
// category, its French title. Pure: no IO.
import type { AlarmType } from './alarms.catalogue.ts';
import type { CapAlert, CapArea, CapInfo, CapSeverity, CapUrgency } from './alarms.cap.ts';

export interface CentreSite {
  id: string;
  communeInsee: string;
  latitude: number | null;
  longitude: number | null;
}

/** geocode valueNames read as a commune's INSEE code, and as a department code (compared in upper case). */
export const inseeValueNames = ['INSEE', 'CODE_INSEE', 'INSEE_COM'] as const;
export const departmentValueNames = ['DEPT', 'DEPARTEMENT', 'CODE_DEPARTEMENT', 'INSEE_DEP'] as const;

/** A commune's department: 2 characters (2A, 2B for Corsica), 3 for overseas (97x, 98x). */
export const departmentOf = (insee: string): string => (insee.startsWith('97') || insee.startsWith('98') ? insee.slice(0, 3) : insee.slice(0, 2));

/** Ray casting over [latitude, longitude] pairs (areas of a few departments: the plane approximation holds). */
export function pointInPolygon(latitude: number, longitude: number, ring: readonly [number, number][]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [yi, xi] = ring[i]!;
    const [yj, xj] = ring[j]!;
    if (yi > latitude !== yj > latitude && longitude < ((xj - xi) * (latitude - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Great-circle distance in kilometres (haversine, mean Earth radius 6,371 km). */
export function haversineKm(latitudeA: number, longitudeA: number, latitudeB: number, longitudeB: number): number {
  const radians = (degrees: number) => (degrees * Math.PI) / 180;
  const dLat = radians(latitudeB - latitudeA);
  const dLon = radians(longitudeB - longitudeA);
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(radians(latitudeA)) * Math.cos(radians(latitudeB)) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(a)));
}

export interface AreaMatch {
  /** The centre's communes the alert covers, sorted. */
  communes: string[];
  /** Sites inside a polygon or circle, by commune. */
  sites: Map<string, string[]>;
}

function siteInArea(site: CentreSite, area: CapArea): boolean {
  if (site.latitude === null || site.longitude === null) return false;
  const { latitude, longitude } = site;
  return (
    area.polygons.some((ring) => pointInPolygon(latitude, longitude, ring)) ||
    area.circles.some((circle) => haversineKm(latitude, longitude, circle.latitude, circle.longitude) <= circle.radiusKm)
  );
}

/** The communes of the centre (and their sites) that the alert's areas cover. */
export function matchAreas(infos: readonly CapInfo[], communes: readonly string[], sites: readonly CentreSite[]): AreaMatch {
  const matched = new Set<string>();
  const matchedSites = new Map<string, string[]>();
  const known = new Set(communes);
  for (const area of infos.flatMap((info) => info.areas)) {
    for (const geocode of area.geocodes) {
      const name = geocode.valueName.trim().toUpperCase();
      const value = geocode.value.trim().toUpperCase();
      if ((inseeValueNames as readonly string[]).includes(name) && known.has(value)) matched.add(value);
      if ((departmentValueNames as readonly string[]).includes(name)) for (const insee of communes) if (departmentOf(insee) === value) matched.add(insee);
    }
    for (const site of sites) {
      if (!known.has(site.communeInsee) || !siteInArea(site, area)) continue;
      matched.add(site.communeInsee);
      const list = matchedSites.get(site.communeInsee) ?? [];
      if (!list.includes(site.id)) list.push(site.id);
      matchedSites.set(site.communeInsee, list);
    }
  }
  return { communes: [...matched].sort(), sites: matchedSites };
}

/** Priority (1 most urgent) by severity then urgency; null: the alarm type's default. Urgency Past is always low. */
export const capPriorityTable: Record<CapSeverity, Record<CapUrgency, 1 | 2 | 3 | 4 | null>> = {
  Extreme: { Immediate: 1, Expected: 1, Future: 2, Past: 4, Unknown: 1 },
  Severe: { Immediate: 2, Expected: 2, Future: 3, Past: 4, Unknown: 2 },
  Moderate: { Immediate: 3, Expected: 3, Future: 3, Past: 4, Unknown: 3 },
  Minor: { Immediate: 4, Expected: 4, Future: 4, Past: 4, Unknown: 4 },
  Unknown: { Immediate: null, Expected: null, Future: null, Past: 4, Unknown: null },
};

const defaultPriority: Record<'prefecture_alert' | 'weather_alert', number> = { prefecture_alert: 2, weather_alert: 3 };

/** The info block shown to operators: the first in French, otherwise the first. */
export function mainInfo(alert: CapAlert): CapInfo | null {
  return alert.infos.find((info) => info.language.toLowerCase().startsWith('fr')) ?? alert.infos[0] ?? null;
}

/** `weather_alert` when the shown info's categories include Met, otherwise `prefecture_alert`. */
export function capAlarmType(info: CapInfo | null): Extract<AlarmType, 'prefecture_alert' | 'weather_alert'> {
  return info?.categories.includes('Met') ? 'weather_alert' : 'prefecture_alert';
}

/** The most urgent priority over the info blocks; an exercise is always low (4). */
export function capPriority(alert: CapAlert): number {
  const type = capAlarmType(mainInfo(alert));
  if (alert.status === 'Exercise') return 4;
  const priorities = alert.infos.map((info) => capPriorityTable[info.severity][info.urgency] ?? defaultPriority[type]);
  return priorities.length > 0 ? Math.min(...priorities) : defaultPriority[type];
}

/** The alarm's title: headline, else event, of the shown info (an exercise says so); at most 200 characters. */
export function capTitle(alert: CapAlert): string {
  const info = mainInfo(alert);
  const text = info?.headline ?? info?.event ?? (capAlarmType(info) === 'weather_alert' ? 'Alerte météo' : 'Alerte préfectorale');
  return `${alert.status === 'Exercise' ? 'Exercice : ' : ''}${text}`.replace(/\s+/g, ' ').slice(0, 200);
}

/** The first circle's centre, as the alarm's position. */
export function capPosition(alert: CapAlert): { latitude: number; longitude: number } | null {
  const circle = alert.infos.flatMap((info) => info.areas).flatMap((area) => area.circles)[0];
  return circle ? { latitude: circle.latitude, longitude: circle.longitude } : null;
}
