// Pure mappings between camera rows, views, audit snapshots and credentials.
import type { CameraRow } from '../../platform/db/schema.ts';
import { redactText, stripCredentialsFromUrl } from '../../platform/redact.ts';
import type { CameraCoverage, Purpose } from '../authorisations/index.ts';
import type { CameraKind, CameraView, FieldClass, RecordingEngine, RtspTransport, StreamCredentials } from './cameras.schemas.ts';
import { asOperationalState, effectiveState, vmsStatusOf } from './cameras.state.ts';

export const uncovered: CameraCoverage = { authorised: false, authorisationIds: [], references: [], purposes: [], recipients: [] };

export function cameraView(row: CameraRow, siteName: string, coverage: CameraCoverage = uncovered): CameraView {
  const operationalState = asOperationalState(row.operational_state);
  const enabled = row.enabled === 1;
  const state = effectiveState({ enabled, authorised: coverage.authorised, operationalState });
  return {
    id: row.id,
    communeInsee: row.commune_insee,
    siteId: row.site_id,
    siteName,
    name: row.name,
    kind: row.kind as CameraKind,
    fieldClass: row.field_class as FieldClass,
    latitude: row.latitude,
    longitude: row.longitude,
    headingDeg: row.heading_deg,
    model: row.model,
    ipAddress: row.ip_address,
    macAddress: row.mac_address,
    mainStreamUrl: row.main_stream_url,
    subStreamUrl: row.sub_stream_url,
    onvifUrl: row.onvif_url,
    hasCredentials: row.credentials_sealed !== null,
    purposes: JSON.parse(row.purposes) as Purpose[],
    authorisedPurposes: coverage.purposes,
    authorisation: { authorised: coverage.authorised, references: coverage.references },
    commissioningDate: row.commissioning_date,
    enabled,
    operationalState,
    state,
    vmsStatus: vmsStatusOf(state),
    retentionDays: row.retention_days,
    recordingEngine: row.recording_engine as RecordingEngine,
    rtspTransport: row.rtsp_transport as RtspTransport,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The configuration recorded in the audit log: no credentials, URLs redacted once more for safety. */
export function auditSnapshot(row: CameraRow): Record<string, unknown> {
  const url = (value: string | null) => (value === null ? null : redactText(value));
  return {
    id: row.id,
    communeInsee: row.commune_insee,
    siteId: row.site_id,
    name: row.name,
    kind: row.kind,
    fieldClass: row.field_class,
    latitude: row.latitude,
    longitude: row.longitude,
    headingDeg: row.heading_deg,
    model: row.model,
    ipAddress: row.ip_address,
    macAddress: row.mac_address,
    mainStreamUrl: url(row.main_stream_url),
    subStreamUrl: url(row.sub_stream_url),
    onvifUrl: url(row.onvif_url),
    purposes: JSON.parse(row.purposes) as unknown,
    commissioningDate: row.commissioning_date,
    enabled: row.enabled === 1,
    retentionDays: row.retention_days,
    recordingEngine: row.recording_engine,
    rtspTransport: row.rtsp_transport,
  };
}

/** Fields whose change is a configuration change (what import compares to count `unchanged`). */
const configurationFields = [
  'site_id',
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
  'purposes',
  'commissioning_date',
  'enabled',
  'retention_days',
  'recording_engine',
  'rtsp_transport',
] as const satisfies readonly (keyof CameraRow)[];

export function configurationChanged(before: CameraRow, after: CameraRow): boolean {
  return configurationFields.some((field) => before[field] !== after[field]);
}

/** How stream credentials changed, for the audit log (never the values). */
export function credentialsChange(current: CameraRow, next: CameraRow): 'set' | 'replaced' | 'removed' {
  return next.credentials_sealed === null ? 'removed' : current.credentials_sealed === null ? 'set' : 'replaced';
}

export function positionChanged(before: CameraRow, after: CameraRow): boolean {
  return before.latitude !== after.latitude || before.longitude !== after.longitude || before.heading_deg !== after.heading_deg;
}

export interface StreamUrls {
  mainStreamUrl: string;
  subStreamUrl: string | null;
  onvifUrl: string | null;
}

/**
 * Moves user-info (rtsp://user:pass@host/...) out of the URLs: credentials are stored sealed,
 * never in a URL that could reach a log or a response. Returns the first credentials found.
 */
export function stripUrlCredentials<T extends Partial<StreamUrls>>(urls: T): { urls: T; found: StreamCredentials | null } {
  let found: StreamCredentials | null = null;
  const result = { ...urls };
  for (const key of ['mainStreamUrl', 'subStreamUrl', 'onvifUrl'] as const) {
    const value = urls[key];
    if (typeof value !== 'string') continue;
    const stripped = stripCredentialsFromUrl(value);
    if (stripped.username !== undefined && found === null) found = { username: stripped.username, password: stripped.password ?? '' };
    (result as Partial<StreamUrls>)[key] = stripped.url;
  }
  return { urls: result, found };
}
