// Public API of the cameras module: other modules import only from here.
import type { Clock } from '../../platform/clock.ts';
import type { DatabaseHandle } from '../../platform/db/database.ts';
import type { CamerasSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';
import { routesOf, type VigieModule } from '../../platform/modules.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import type { AuditApi } from '../audit/index.ts';
import { CamerasRepository } from './cameras.repository.ts';
import { camerasRoutes } from './cameras.routes.ts';
import type { CameraAuthorisations, CameraCommunes, CameraSites } from './cameras.ports.ts';
import { CamerasService } from './cameras.service.ts';

export type CamerasApi = CamerasService;
export type { CameraCreate, CameraView, OperationalState, StreamCredentials } from './cameras.schemas.ts';
export { requiredImportColumns } from './cameras.csv.ts';
// Adding a camera from ONVIF (onvif-setup) builds on the inventory's own field schemas.
export { cameraCreateSchema, cameraFieldSchemas, cameraViewSchema, credentialsSchema } from './cameras.schemas.ts';

export function createCamerasModule(deps: {
  database: DatabaseHandle;
  clock: Clock;
  audit: AuditApi;
  /** Seals the stream credentials. */
  secrets: SecretBox;
  authorisations: CameraAuthorisations;
  sites: CameraSites;
  communes: CameraCommunes;
}): VigieModule<CamerasApi> {
  const repository = new CamerasRepository(tablesOf<CamerasSchema>(deps.database.db));
  const service = new CamerasService(repository, deps.audit, deps.clock, deps.secrets, deps.authorisations, deps.sites, deps.communes);
  return { name: 'cameras', api: service, routes: routesOf(camerasRoutes, { cameras: service }), jobs: [] };
}
