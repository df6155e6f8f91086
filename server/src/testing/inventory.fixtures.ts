// Test fixtures of the inventory: communes, sites and camera inputs, and a generated CSV.
import { requiredImportColumns, type CameraCreate } from '../modules/cameras/index.ts';
import type { TestContext } from './context.ts';
import { testCli } from './context.ts';

export const communeA = '38185';
export const communeB = '38421';

export async function createCommunesAndSites(context: TestContext): Promise<{ siteA: string; siteB: string }> {
  await context.services.communes.create({ insee: communeA, name: 'Grenoble', retentionDays: 14 }, testCli);
  await context.services.communes.create({ insee: communeB, name: 'Saint-Martin-d’Hères', retentionDays: 14 }, testCli);
  const siteA = await context.services.sites.create(
    { communeInsee: communeA, name: 'Gare', kind: 'station', address: '1 place de la Gare', latitude: 45.1915, longitude: 5.7146 },
    testCli,
  );
  const siteB = await context.services.sites.create({ communeInsee: communeB, name: 'Mairie', kind: 'public_building' }, testCli);
  return { siteA: siteA.id, siteB: siteB.id };
}

export function cameraInput(siteId: string, name: string, overrides: Partial<CameraCreate> = {}): CameraCreate {
  return {
    siteId,
    name,
    kind: 'ptz',
    fieldClass: 'narrow',
    latitude: 45.188529,
    longitude: 5.724524,
    headingDeg: 90,
    model: 'Axis Q6135-LE',
    ipAddress: '10.1.0.10',
    macAddress: 'ac:cc:8e:00:00:01',
    mainStreamUrl: 'rtsp://10.1.0.10:554/main',
    purposes: ['people_property_safety'],
    commissioningDate: '2024-05-02',
    ...overrides,
  };
}

const importHeader = [...requiredImportColumns, 'username', 'password', 'retention_days'];

/** A CSV of `count` valid cameras on site `Gare` of commune A; `lineOverrides` replace cells of one data line (2 = first). */
export function generatedCsv(count: number, lineOverrides: Record<number, Record<string, string>> = {}): string {
  const lines = [importHeader.join(',')];
  for (let index = 0; index < count; index++) {
    const line = index + 2;
    const octet3 = Math.floor(index / 250);
    const octet4 = (index % 250) + 1;
    const values: Record<string, string> = {
      commune_insee: communeA,
      site: 'Gare',
      name: `CAM-${String(index + 1).padStart(4, '0')}`,
      kind: index % 3 === 0 ? 'ptz' : 'fixed',
      field_class: index % 2 === 0 ? 'narrow' : 'wide',
      latitude: (45.1 + index / 100_000).toFixed(6),
      longitude: (5.7 + index / 100_000).toFixed(6),
      heading_deg: String(index % 360),
      model: 'Hikvision DS-2DE4425IW',
      ip_address: `10.2.${octet3}.${octet4}`,
      mac_address: `AC:CC:8E:02:${octet3.toString(16).padStart(2, '0').toUpperCase()}:${octet4.toString(16).padStart(2, '0').toUpperCase()}`,
      main_stream_url: `rtsp://10.2.${octet3}.${octet4}:554/Streaming/Channels/101`,
      sub_stream_url: `rtsp://10.2.${octet3}.${octet4}:554/Streaming/Channels/102`,
      onvif_url: `http://10.2.${octet3}.${octet4}/onvif/device_service`,
      purposes: 'people_property_safety|traffic_regulation',
      commissioning_date: '2023-06-15',
      enabled: 'true',
      username: 'viewer',
      password: `pw-${index}`,
      retention_days: '',
      ...lineOverrides[line],
    };
    lines.push(importHeader.map((column) => values[column] ?? '').join(','));
  }
  return `${lines.join('\n')}\n`;
}
