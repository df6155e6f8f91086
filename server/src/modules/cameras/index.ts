// Public API of the cameras module: other modules import only from here.
export { CamerasService, type Acting } from './cameras.service.ts';
export { registerCameraRoutes } from './cameras.routes.ts';
export type { ImportOptions } from './cameras.import.ts';
export {
  cameraKinds, cameraKindLabels, fieldClasses, fieldClassLabels, operationalStates, cameraStates, vmsStatuses, cameraViewSchema,
  type CameraKind, type FieldClass, type OperationalState, type CameraState, type VmsStatus, type CameraView, type CameraCreate,
  type CameraUpdate, type StreamCredentials, type ImportResult,
} from './cameras.schemas.ts';
export { effectiveState, vmsStatusOf } from './cameras.state.ts';
export { exportColumns, requiredImportColumns, optionalImportColumns, exportOnlyColumns } from './cameras.csv.ts';
export type { ImportLineError, ImportErrorCode } from './cameras.import-errors.ts';
