// The shapes the console reads from the API (see /api/openapi.json). Written here rather than
// imported from the server's zod schemas, which pull Node modules into the browser bundle.

export type Stage = 'password' | 'enrol' | 'full';
export type Role = 'administrator' | 'supervisor' | 'operator' | 'police' | 'partner' | 'auditor' | 'technician';
export const roles: readonly Role[] = ['administrator', 'supervisor', 'operator', 'police', 'partner', 'auditor', 'technician'];

export interface LoginAnswer {
  stage: Stage;
  csrfToken: string;
  user: { id: string; login: string; role: Role };
}

export interface Me {
  id: string;
  login: string;
  kind: 'user' | 'token';
  role: Role;
  roleLabel: { fr: string; en: string };
  allCommunes: boolean;
  communes: string[];
  stage: Stage | null;
  csrfToken: string | null;
  imageAccess: { allowed: boolean; code: string | null; message_fr: string | null; message_en: string | null };
  actions: string[];
}

export interface Labelled { code: string; fr: string; en: string }

export interface Commune { insee: string; name: string; retentionDays: number; timeZone: string }

export type CameraState = 'unknown' | 'starting' | 'recording' | 'reconnecting' | 'failed' | 'unauthorised' | 'disabled';
export type VmsStatus = 'OK' | 'fault' | 'disabled' | 'unauthorised';

export interface Camera {
  id: string;
  communeInsee: string;
  siteId: string;
  siteName: string;
  name: string;
  kind: string;
  fieldClass: string;
  latitude: number | null;
  longitude: number | null;
  headingDeg: number | null;
  model: string | null;
  ipAddress: string | null;
  macAddress: string | null;
  purposes: string[];
  authorisedPurposes: string[];
  authorisation: { authorised: boolean; references: string[] };
  commissioningDate: string | null;
  enabled: boolean;
  operationalState: string;
  state: CameraState;
  vmsStatus: VmsStatus;
  retentionDays: number | null;
}

export interface CameraPosition { changedAt: string; latitude: number | null; longitude: number | null; headingDeg: number | null; changedBy: string | null }

export interface CameraReferenceLists { kinds: Labelled[]; fieldClasses: Labelled[]; purposes: Labelled[]; states: string[]; vmsStatuses: string[] }

export type AuthorisationStatus = 'valid' | 'not_yet_valid' | 'expired' | 'revoked';

export interface Authorisation {
  id: string;
  reference: string;
  communeInsee: string;
  startOn: string;
  endOn: string;
  perimeter: string;
  purposes: string[];
  recipients: string[];
  cameraIds: string[];
  status: AuthorisationStatus;
  renewalDueOn: string;
  daysToExpiry: number;
  revokedAt: string | null;
}

export interface ImportResult { dryRun: boolean; created: number; updated: number; unchanged: number; sitesCreated: number }
export interface ImportLineError { line: number; column?: string; code: string; message_fr: string; message_en: string }

export interface User {
  id: string;
  login: string;
  displayName: string;
  role: Role;
  allCommunes: boolean;
  communes: string[];
  approvalReference: string | null;
  approvalExpiresOn: string | null;
  trainingDate: string | null;
  totpEnabled: boolean;
  disabled: boolean;
  lockedUntil: string | null;
  lastLoginAt: string | null;
  createdAt: string;
  /** Four eyes: image access given by one administrator waits for another's, or a supervisor's, confirmation. */
  imageAccess: { confirmed: boolean; requestedBy: string | null; confirmedBy: string | null; confirmedAt: string | null };
}

export interface AuditRecord {
  seq: number;
  at: string;
  actorType: string;
  actorId: string | null;
  actorLogin: string | null;
  communeInsee: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  reason: string | null;
  details: Record<string, unknown>;
  ip: string | null;
  hash: string;
}

export interface AuditPage { records: AuditRecord[]; total: number }

export interface AuditVerification { ok: boolean; rowsChecked: number; firstSeq: number; lastSeq: number; problem: { kind: string; seq: number; message: string } | null }

// Playback, map and masks (issue 5).
export interface RecordedTimeline {
  cameraId: string;
  from: string;
  to: string;
  recordedSeconds: number;
  recorded: { from: string; to: string }[];
  gaps: { from: string; to: string; reason: string | null }[];
  holds: { from: string; to: string; id: string; procedureReference: string | null }[];
}

export interface TechnicalEvent { id: number; at: string; severity: string; code: string; communeInsee: string | null; cameraId: string | null; volume: string | null; message: string; details: Record<string, unknown> }

export interface PlaybackSegment { id: string | number; start: string; end: string; durationSeconds: number; bytes: number; url: string; reencoded?: boolean }

export interface PlaybackSession { playbackId: string; cameraId: string; from: string; to: string; expiresAt: string; segments: PlaybackSegment[]; gaps: { from: string; to: string; reason: string | null }[] }

export interface MapConfig { tileUrl: string | null; attribution: string | null; center: { latitude: number; longitude: number } | null }

export interface Site { id: string; communeInsee: string; name: string; kind: string; address: string | null; latitude: number | null; longitude: number | null }

export type MaskMode = 'in_camera' | 'server';

export interface PrivacyMask { id: string; cameraId: string; communeInsee: string; presetToken: string | null; name: string; polygons: [number, number][][]; createdAt: string; createdBy: string; updatedAt: string; updatedBy: string }

export interface CameraMasks { cameraId: string; communeInsee: string; mode: MaskMode; modeChosen: boolean; masks: PrivacyMask[] }
