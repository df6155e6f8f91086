// Public API of the cameras module: other modules import only from here.
import type { Clock } from '../../platform/clock.ts';
import type { DatabaseHandle } from '../../platform/db/database.ts';
import type { CamerasSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';
import { routesOf, type VigieModule } from '../../platform/modules.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { CamerasRepository } from './cameras.repository.ts';
import { camerasRoutes } from './cameras.routes.ts';
import { CamerasService, type CameraAuthorisations, type CameraCommunes, type CameraSites } from './cameras.service.ts';

export type CamerasApi = CamerasService;
export type { Acting, CameraAuthorisations, CameraCommunes, CameraRetentionSettings, CameraSites } from './cameras.service.ts';
export type { ImportOptions } from './cameras.import.ts';
export {
  cameraKinds, cameraKindLabels, fieldClasses, fieldClassLabels, operationalStates, cameraStates, vmsStatuses, cameraViewSchema,
  type CameraKind, type FieldClass, type OperationalState, type CameraState, type VmsStatus, type CameraView, type CameraCreate,
  type CameraUpdate, type StreamCredentials, type ImportResult,
} from './cameras.schemas.ts';
export { effectiveState, vmsStatusOf } from './cameras.state.ts';
export { exportColumns, requiredImportColumns, optionalImportColumns, exportOnlyColumns } from './cameras.csv.ts';
export type { ImportLineError, ImportErrorCode } from './cameras.import-errors.ts';

export function createCamerasModule(deps: {
  database: DatabaseHandle;
  clock: Clock;
  audit: AuditService;
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
