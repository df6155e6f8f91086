// The Vigie CSV inventory (the server's camera import format) matching a simulated fleet.
import { stringify } from 'csv-stringify/sync';
import type { CameraKind, SimCameraConfig } from './config.ts';

export const INVENTORY_COLUMNS = [
  'commune_insee',
  'site',
  'name',
  'kind',
  'field_class',
  'latitude',
  'longitude',
  'heading_deg',
  'model',
  'ip_address',
  'mac_address',
  'main_stream_url',
  'sub_stream_url',
  'onvif_url',
  'username',
  'password',
  'purposes',
  'commissioning_date',
  'enabled',
] as const;

const PURPOSES: Record<CameraKind, string[]> = {
  ptz: ['people_property_safety', 'traffic_regulation'],
  fixed: ['public_buildings', 'people_property_safety'],
  panoramic: ['people_property_safety', 'natural_technological_risks'],
  armoured: ['terrorism_prevention', 'people_property_safety'],
  nomadic: ['illegal_dumping', 'people_property_safety'],
};

export interface InventoryOptions {
  /** INSEE codes; sites are spread over them in turn. */
  communes?: string[];
  camerasPerSite?: number;
  /** Site names by site index; default "Site 01", "Site 02", ... */
  siteNames?: string[];
  centre?: { latitude: number; longitude: number };
}

/** Sites sit on a grid about 200 m apart around the centre; cameras of a site a few metres apart. */
export function inventoryRows(cameras: SimCameraConfig[], options: InventoryOptions = {}): string[][] {
  const communes = options.communes?.length ? options.communes : ['38999'];
  const perSite = options.camerasPerSite ?? 3;
  const centre = options.centre ?? { latitude: 45.19, longitude: 5.72 };
  return cameras.map((camera, index) => {
    const site = Math.floor(index / perSite);
    const position = index % perSite;
    const gridSide = 8;
    const latitude = centre.latitude + (Math.floor(site / gridSide) - gridSide / 2) * 0.0018 + position * 0.00004;
    const longitude = centre.longitude + ((site % gridSide) - gridSide / 2) * 0.0025 + position * 0.00004;
    const commissioning = new Date(Date.UTC(2019, 0, 1) + index * 7 * 86_400_000).toISOString().slice(0, 10);
    const main = `rtsp://${camera.host}:${camera.rtspPort}/cam/${camera.id}/main`;
    return [
      communes[site % communes.length]!,
      options.siteNames?.[site] ?? `Site ${String(site + 1).padStart(2, '0')}`,
      camera.name,
      camera.kind,
      camera.fieldClass,
      latitude.toFixed(6),
      longitude.toFixed(6),
      String((site * 53 + position * 120) % 360),
      `${camera.manufacturer} ${camera.model}`,
      camera.host,
      camera.macAddress,
      main,
      main.replace(/\/main$/, '/sub'),
      `http://${camera.host}:${camera.onvifPort}/onvif/device_service`,
      camera.credentials.username,
      camera.credentials.password,
      PURPOSES[camera.kind].join('|'),
      commissioning,
      'true',
    ];
  });
}

export function inventoryCsv(cameras: SimCameraConfig[], options: InventoryOptions = {}): string {
  const unreachable = cameras.find((camera) => camera.rtspPort === 0 || camera.onvifPort === 0);
  if (unreachable) throw new Error(`camera ${unreachable.id} has no fixed port: use per-camera addresses or fixed ports for an inventory`);
  return stringify([[...INVENTORY_COLUMNS], ...inventoryRows(cameras, options)], { record_delimiter: '\r\n' });
}
