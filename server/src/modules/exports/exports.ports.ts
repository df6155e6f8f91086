// What the exports module reads of other modules, as adapters over their public APIs: a
// requisition's facts (its row, ranges and when it was delivered) and a camera's description for
// the journal (inventory, site, commune). services.ts wires them.
import type { CamerasApi } from '../cameras/index.ts';
import type { CommunesApi } from '../communes/index.ts';
import type { DevicesApi } from '../devices/index.ts';
import type { RequisitionsApi } from '../requisitions/index.ts';
import type { SitesApi } from '../sites/index.ts';
import type { CameraFacts } from './exports.builder.ts';
import type { ExportsServiceDeps } from './exports.service.ts';

export function requisitionsPort(requisitions: Pick<RequisitionsApi['requisitions'], 'readable' | 'get' | 'markExported'>): ExportsServiceDeps['requisitions'] {
  return {
    async find(id, principal) {
      const row = await requisitions.readable(id, principal);
      const detail = await requisitions.get(id, null);
      const delivered = detail.history.find((entry) => entry.to === 'delivered' || entry.to === 'closed');
      return {
        id,
        communeInsee: row.commune_insee,
        state: row.state,
        procedureNumber: row.procedure_number,
        legalFramework: row.legal_framework,
        officerName: row.officer_name,
        officerRank: row.officer_rank,
        officerUnit: row.officer_unit,
        requisitionDate: row.requisition_date,
        channel: row.channel,
        filedById: row.filed_by_id,
        ranges: detail.ranges.map((range) => ({ cameraId: range.cameraId, from: range.from, to: range.to })),
        deliveredAt: delivered?.at ?? null,
      };
    },
    markExported: (handle, id, packageId, actor) => requisitions.markExported(handle, id, packageId, actor),
  };
}

export function cameraFactsPort(
  cameras: Pick<CamerasApi, 'get'>,
  sites: Pick<SitesApi, 'findById'>,
  communes: Pick<CommunesApi, 'get'>,
  devices?: Pick<DevicesApi['devices'], 'view'>,
) {
  return {
    async facts(cameraId: string): Promise<CameraFacts> {
      const camera = await cameras.get(cameraId, null);
      const [site, commune, device] = await Promise.all([
        sites.findById(undefined, camera.siteId),
        communes.get(camera.communeInsee, null),
        devices?.view(cameraId, null).catch(() => null),
      ]);
      return {
        // The inventory has no logical camera number (only an id and a name).
        name: camera.name,
        number: null,
        communeInsee: camera.communeInsee,
        communeName: commune.name,
        siteName: camera.siteName,
        address: site?.address ?? null,
        latitude: camera.latitude,
        longitude: camera.longitude,
        clockOffsetMs: device?.clockOffsetMs ?? null,
      };
    },
  };
}
