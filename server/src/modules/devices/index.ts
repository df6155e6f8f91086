// The devices module: each camera's ONVIF device facts (manufacturer, model, firmware, serial,
// MAC, clock offset) compared with the inventory, and its ONVIF quirk record. It holds the
// process's one ONVIF client, built over that record, which the PTZ and ONVIF events modules use.
import type { Clock } from '../../platform/clock.ts';
import type { DatabaseHandle } from '../../platform/db/database.ts';
import type { DevicesSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';
import type { Job } from '../../platform/jobs.ts';
import { routesOf, type VigieModule } from '../../platform/modules.ts';
import { OnvifPtzClient } from '../../platform/onvif/index.ts';
import type { ProcessLog } from '../../platform/processes.ts';
import type { AuditApi } from '../audit/index.ts';
import type { TechnicalEvent } from '../technical-events/index.ts';
import { DevicesRepository } from './devices.repository.ts';
import { devicesRoutes } from './devices.routes.ts';
import { type DevicesCameras, DevicesService, quirkStoreOver } from './devices.service.ts';

export interface DevicesModuleDeps {
  database: DatabaseHandle;
  audit: AuditApi;
  clock: Clock;
  cameras: DevicesCameras;
  raise: (event: TechnicalEvent) => Promise<unknown>;
  log?: ProcessLog;
  /** Facts are read again this long after the last read (VIGIE_DEVICE_FACTS_HOURS, 6 h); 0: only new or changed cameras. */
  refreshMs?: number;
  /** How often the job looks for cameras due a read (30 s): a new camera is read within that. */
  tickMs?: number;
}

export interface DevicesApi {
  devices: DevicesService;
  /** The process's ONVIF client (sessions, PTZ, the generic `call`), following each camera's quirk record. */
  onvif: OnvifPtzClient;
}

export function createDevicesModule(deps: DevicesModuleDeps): VigieModule<DevicesApi> {
  const repository = new DevicesRepository(tablesOf<DevicesSchema>(deps.database.db));
  const onvif = new OnvifPtzClient({ quirks: quirkStoreOver(repository, deps.clock, deps.log) });
  const devices = new DevicesService({
    repository,
    audit: deps.audit,
    clock: deps.clock,
    cameras: deps.cameras,
    client: onvif,
    raise: deps.raise,
    log: deps.log,
    refreshMs: deps.refreshMs === 0 ? Number.POSITIVE_INFINITY : deps.refreshMs,
  });
  const jobs: Job[] = [
    // New cameras and changed ONVIF settings are read at the next tick; the others every refreshMs.
    { name: 'devices.facts', role: 'worker', intervalMs: deps.tickMs ?? 30_000, run: () => devices.readDue() },
  ];
  return { name: 'devices', api: { devices, onvif }, routes: routesOf(devicesRoutes, { devices }), jobs };
}
