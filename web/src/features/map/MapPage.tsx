// Map (issue 5): cameras and sites of the user's scope on a Leaflet map, states shown by colour,
// glyph and word, field-of-view cones from the heading, a side panel with the chosen camera's
// live picture. The base map comes from GET /api/map/config (VIGIE_MAP_TILE_URL); without one
// the map is a plain dark background and everything else still works (no request leaves the
// origin). Markers are divIcons built as DOM nodes (no Leaflet default images, no inline HTML).
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../../api/client.ts';
import type { Camera, MapConfig, Me, Site } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { Translate } from '../../i18n/translate.ts';
import { ErrorNotice, Loading, Notice, PageHeader, useLoad } from '../../ui.tsx';
import { useCameraList } from '../cameras/useCameraList.ts';
import { useCommuneName } from '../shell/communes.tsx';
import { MapCameraPanel } from './MapCameraPanel.tsx';
import { boundsOf, fovCone, stateGlyph } from './mapGeometry.ts';
import './map.css';

const noConfig: MapConfig = { tileUrl: null, attribution: null, center: null };
/** Metropolitan France, when neither a camera nor the configuration says where to look. */
const franceCentre: L.LatLngTuple = [46.6, 2.4];

interface Drawn {
  marker: L.Marker;
  cone: L.Polygon | null;
  key: string;
}

function cameraIcon(camera: Camera, t: Translate): L.DivIcon {
  const root = document.createElement('span');
  root.className = `map-pin state-${camera.state}`;
  const glyph = document.createElement('span');
  glyph.className = 'map-pin-glyph';
  glyph.textContent = stateGlyph(camera.state);
  const label = document.createElement('span');
  label.className = 'map-pin-label';
  label.textContent = `${camera.name} · ${t(`state.${camera.state}`)}`;
  root.append(glyph, label);
  return L.divIcon({ html: root, className: 'map-camera-icon', iconSize: [26, 26], iconAnchor: [13, 13] });
}

function siteIcon(site: Site): L.DivIcon {
  const root = document.createElement('span');
  root.className = 'map-site';
  const square = document.createElement('span');
  square.className = 'map-site-square';
  const label = document.createElement('span');
  label.className = 'map-site-label';
  label.textContent = site.name;
  root.append(square, label);
  return L.divIcon({ html: root, className: 'map-site-icon', iconSize: [14, 14], iconAnchor: [7, 7] });
}

/** Test ids and words on the marker's element (recreated by every setIcon). */
function decorate(marker: L.Marker, camera: Camera, t: Translate): void {
  const element = marker.getElement();
  if (!element) return;
  element.setAttribute('data-testid', 'map-camera');
  element.setAttribute('data-camera-id', camera.id);
  element.setAttribute('data-state', camera.state);
  element.setAttribute('role', 'button');
  element.setAttribute('aria-label', `${camera.name}, ${t(`state.${camera.state}`)}`);
}

/** The point an address asks the map to centre on (`?lat=45.19&lon=5.72`), if valid. */
function focusOf(search: string): L.LatLngTuple | null {
  const query = new URLSearchParams(search);
  const latitude = Number(query.get('lat'));
  const longitude = Number(query.get('lon'));
  if (!query.has('lat') || !query.has('lon') || !Number.isFinite(latitude) || !Number.isFinite(longitude)) return null;
  return Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180 ? [latitude, longitude] : null;
}

export function MapPage({ me }: { me: Me }) {
  const { t, language } = useI18n();
  const communeName = useCommuneName();
  const cameras = useCameraList();
  const sites = useLoad(() => api('GET', '/api/sites').catch(() => [] as Site[]), []);
  const lists = useLoad(() => api('GET', '/api/cameras/reference-lists').catch(() => null), []);
  const config = useLoad(() => api('GET', '/api/map/config').catch(() => noConfig), []);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const containerRef = useRef<HTMLElement>(null);
  const [map, setMap] = useState<L.Map | null>(null);
  const layers = useRef<{ cones: L.LayerGroup; sites: L.LayerGroup; cameras: L.LayerGroup } | null>(null);
  const drawn = useRef(new Map<string, Drawn>());
  const fitted = useRef(false);

  // The map itself, once its configuration is known.
  const mapConfig = config.data;
  useEffect(() => {
    const container = containerRef.current;
    if (!mapConfig || !container) return;
    const created = L.map(container, { zoomControl: true, attributionControl: Boolean(mapConfig.tileUrl), maxZoom: 21, minZoom: 3, keyboard: true });
    if (mapConfig.tileUrl) L.tileLayer(mapConfig.tileUrl, { attribution: mapConfig.attribution ?? '', maxZoom: 21, maxNativeZoom: 19 }).addTo(created);
    const centre: L.LatLngTuple = mapConfig.center ? [mapConfig.center.latitude, mapConfig.center.longitude] : franceCentre;
    created.setView(centre, mapConfig.center ? 15 : 6);
    layers.current = { cones: L.layerGroup().addTo(created), sites: L.layerGroup().addTo(created), cameras: L.layerGroup().addTo(created) };
    setMap(created);
    return () => {
      created.remove();
      layers.current = null;
      drawn.current.clear();
      fitted.current = false;
      setMap(null);
    };
  }, [mapConfig]);

  const placed = useMemo(() => (cameras.data ?? []).filter((camera) => camera.latitude !== null && camera.longitude !== null), [cameras.data]);
  const unplaced = useMemo(() => (cameras.data ?? []).filter((camera) => camera.latitude === null || camera.longitude === null), [cameras.data]);

  // Camera markers and cones: created once, redrawn only when what they show changes.
  useEffect(() => {
    const groups = layers.current;
    if (!map || !groups) return;
    const seen = new Set<string>();
    for (const camera of placed) {
      seen.add(camera.id);
      const key = [camera.state, camera.latitude, camera.longitude, camera.headingDeg, camera.kind, camera.name, t('state.recording')].join('|');
      const existing = drawn.current.get(camera.id);
      if (existing?.key === key) continue;
      if (existing) {
        existing.marker.remove();
        existing.cone?.remove();
      }
      const points = fovCone(camera);
      const cone = points ? L.polygon(points, { className: `map-fov state-${camera.state}`, interactive: false, weight: 1 }).addTo(groups.cones) : null;
      const marker = L.marker([camera.latitude!, camera.longitude!], { icon: cameraIcon(camera, t), keyboard: true, title: camera.name, riseOnHover: true });
      marker.on('click', () => setSelectedId(camera.id));
      // Leaflet gives a keyboard marker focus but turns Enter only into a popup: choose it ourselves.
      marker.on('keypress', (event: L.LeafletEvent) => {
        const key = ((event as L.LeafletKeyboardEvent).originalEvent as KeyboardEvent).key;
        if (key === 'Enter' || key === ' ') setSelectedId(camera.id);
      });
      marker.on('add', () => decorate(marker, camera, t));
      marker.addTo(groups.cameras);
      decorate(marker, camera, t);
      drawn.current.set(camera.id, { marker, cone, key });
    }
    for (const [id, entry] of drawn.current) {
      if (seen.has(id)) continue;
      entry.marker.remove();
      entry.cone?.remove();
      drawn.current.delete(id);
    }
  }, [map, placed, t]);

  // The chosen camera stands out (and on top) without recreating its marker, which keeps the keyboard focus on it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: placed, map and t redraw the markers (effect above): the highlight is put back on the new ones
  useEffect(() => {
    for (const [id, entry] of drawn.current) {
      const chosen = id === selectedId;
      entry.marker.getElement()?.querySelector('.map-pin')?.classList.toggle('selected', chosen);
      entry.marker.setZIndexOffset(chosen ? 1000 : 0);
    }
  }, [selectedId, placed, map, t]);

  useEffect(() => {
    const groups = layers.current;
    if (!map || !groups) return;
    groups.sites.clearLayers();
    for (const site of sites.data ?? []) {
      if (site.latitude === null || site.longitude === null) continue;
      L.marker([site.latitude, site.longitude], { icon: siteIcon(site), interactive: false, keyboard: false, zIndexOffset: -500 }).addTo(groups.sites);
    }
  }, [map, sites.data]);

  const fit = () => {
    const bounds = boundsOf([...placed, ...(sites.data ?? [])]);
    if (map && bounds) map.fitBounds(bounds, { padding: [48, 48], maxZoom: 18 });
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: fit is a new function on every render; the view is fitted once, when the map and both lists are first there
  useEffect(() => {
    if (!map || fitted.current || !cameras.data || !sites.data) return;
    fitted.current = true;
    // An alarm's position (/map?lat=…&lon=…, from the alarm queue): centred on it, marked.
    const focus = focusOf(window.location.search);
    if (!focus) return fit();
    map.setView(focus, 18);
    L.circleMarker(focus, { radius: 14, className: 'map-alarm-focus', interactive: false }).addTo(map);
  }, [map, cameras.data, sites.data]);

  const selected = (cameras.data ?? []).find((camera) => camera.id === selectedId) ?? null;

  return (
    <div className="map-page">
      <PageHeader title={t('map.title')}>
        <button type="button" className="button-secondary" onClick={fit} disabled={placed.length === 0} data-testid="map-fit">
          {t('map.fit')}
        </button>
      </PageHeader>
      {config.data && !config.data.tileUrl && <Notice kind="info">{t('map.noTiles')}</Notice>}
      {cameras.loading && !cameras.data && <Loading />}
      {Boolean(cameras.error) && <ErrorNotice error={cameras.error} onRetry={cameras.reload} />}
      {cameras.data && placed.length === 0 && <Notice kind="warning">{t('map.nonePlaced')}</Notice>}
      <div className="map-layout">
        <div className="map-frame">
          <section ref={containerRef} className={`map-canvas${config.data?.tileUrl ? '' : ' no-tiles'}`} data-testid="map" aria-label={t('map.region')} />
          <MapLegend />
        </div>
        <aside className="panel map-side" aria-label={t('map.title')}>
          {selected ? (
            <MapCameraPanel
              key={selected.id}
              camera={selected}
              me={me}
              communeName={communeName(selected.communeInsee)}
              kindLabel={lists.data?.kinds.find((kind) => kind.code === selected.kind)?.[language] ?? selected.kind}
              onClose={() => setSelectedId(null)}
            />
          ) : (
            <p className="muted">{t('map.select')}</p>
          )}
          {unplaced.length > 0 && (
            <div className="map-unplaced">
              <h2>{t('map.unplacedList')}</h2>
              <p className="hint">{t('map.unplaced', { count: unplaced.length })}</p>
              <ul className="plain-list">
                {unplaced.map((camera) => (
                  <li key={camera.id}>
                    <button type="button" className="button-link" onClick={() => setSelectedId(camera.id)}>
                      {camera.name}
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          )}
        </aside>
      </div>
    </div>
  );
}

function MapLegend() {
  const { t } = useI18n();
  const states = ['recording', 'starting', 'reconnecting', 'failed', 'unauthorised', 'disabled', 'unknown'] as const;
  return (
    <div className="map-legend">
      <ul aria-label={t('map.legend')}>
        {states.map((state) => (
          <li key={state}>
            <span className={`map-pin-glyph state-${state}`} aria-hidden="true">
              {stateGlyph(state)}
            </span>
            {t(`state.${state}`)}
          </li>
        ))}
        <li>
          <span className="map-site-square" aria-hidden="true" />
          {t('map.site')}
        </li>
        <li>
          <span className="map-fov-swatch" aria-hidden="true" />
          {t('map.fov')}
        </li>
      </ul>
    </div>
  );
}
