// The one function that decides every permission: role x action x commune, plus the legal
// preconditions of image access (LEGAL 9). Pure: no IO, so it is tested exhaustively.
import { addYears } from '../../platform/clock.ts';
import { DomainError } from '../../platform/errors.ts';

export const roles = ['administrator', 'supervisor', 'operator', 'police', 'partner', 'auditor', 'technician'] as const;
export type Role = (typeof roles)[number];

export const roleLabels: Record<Role, { fr: string; en: string }> = {
  administrator: { fr: 'Administrateur', en: 'Administrator' },
  supervisor: { fr: 'Chef de CSU', en: 'CSU supervisor' },
  operator: { fr: 'Opérateur de vidéoprotection', en: 'Video-protection operator' },
  police: { fr: 'Police / gendarmerie', en: 'National police / gendarmerie' },
  partner: { fr: 'Partenaire conventionné', en: 'Partner under agreement' },
  auditor: { fr: 'Auditeur', en: 'Auditor' },
  technician: { fr: 'Technicien de maintenance', en: 'Maintenance technician' },
};

export const actions = [
  'commune.read',
  'commune.write',
  'site.read',
  'site.write',
  'camera.read',
  'camera.write',
  'camera.import',
  'camera.export',
  // Reading a camera's ONVIF profiles to add it, WS-Discovery on a network interface (issue 18).
  'camera.onvif',
  'authorisation.read',
  'authorisation.write',
  'user.read',
  'user.write',
  'user.confirm',
  'token.manage',
  'audit.read',
  'audit.export',
  'audit.verify',
  'settings.read',
  'settings.write',
  // The job registry's state (issue 10): names, last runs, last errors.
  'health.read',
  'recording.read',
  'storage.read',
  'storage.write',
  'mask.read',
  'mask.write',
  'hold.read',
  'hold.confirm',
  'register.read',
  'image.live',
  'image.playback',
  'image.export',
  'ptz.control',
  'ptz.takeover',
  // Console (issue 5): saved live layouts, video walls (configure, push), patrol tours.
  'layout.write',
  'wall.write',
  'wall.push',
  'ptz.tour.write',
  // Requisitions (issue 13): read those of one's communes, file one (police, or a supervisor
  // recording one received by mail or phone), validate and move it through its states (supervisor).
  'requisition.read',
  'requisition.file',
  'requisition.review',
  // Review hours added by hand, handovers of footage to the officer (issue 13 items 3 and 6).
  'requisition.review_time',
  'requisition.handover',
  // Alarms (issue 14): read the queue of one's communes, handle alarms (take, acknowledge, start,
  // close), read and configure the intake sources (webhook tokens, MQTT topics).
  'alarm.read',
  'alarm.handle',
  'alarm.source.read',
  'alarm.source.write',
  // Procedures (fiches réflexes, issue 14 item 4): edit them (the chief), close an alarm whose
  // mandatory steps are not all done, with a reason (the chief).
  'alarm.procedure.write',
  'alarm.close.override',
  // On-call chain (issue 14 item 5): who is on duty, an alarm's notifications; configure services, people (their contacts), rotas, overrides.
  'oncall.read',
  'oncall.write',
  // Yearly statistics (issue 13 item 8): read them and their CSV/PDF (the chief, the auditor),
  // import past years (the chief), record and list offences seen on camera (operators, the chief).
  'statistics.read',
  'statistics.import',
  'offence.record',
  'offence.read',
  // Camera picture health (issue 15, docs/health.md): read each camera's checks and history;
  // capture reference pictures and tune thresholds (the administrator, who configures cameras).
  'camera_health.read',
  'camera_health.write',
  // The logbook (main courante, issue 14 item 6): read it and incident reports, write entries; the chief's alarm figures (item 7).
  'logbook.read',
  'logbook.write',
  'alarm.figures',
] as const;
export type Action = (typeof actions)[number];

/** Actions that show or move images: they need a valid approval and training (LEGAL 9). */
export const imageActions: ReadonlySet<Action> = new Set(['image.live', 'image.playback', 'image.export', 'ptz.control', 'ptz.takeover']);

const grants: Record<Role, readonly Action[]> = {
  administrator: [
    'commune.read',
    'commune.write',
    'site.read',
    'site.write',
    'camera.read',
    'camera.write',
    'camera.import',
    'camera.export',
    'camera.onvif',
    'authorisation.read',
    'authorisation.write',
    'user.read',
    'user.write',
    'user.confirm',
    'token.manage',
    'audit.read',
    'audit.export',
    'audit.verify',
    'settings.read',
    'settings.write',
    'health.read',
    // Recording metadata (states, ranges, gaps: no image), storage, privacy masks (the
    // integrator draws them on the live picture, LEGAL 4), the statutory register.
    'recording.read',
    'storage.read',
    'storage.write',
    'mask.read',
    'mask.write',
    'register.read',
    // Administrators see live images only to configure cameras (LEGAL 1), never recordings.
    'image.live',
    'ptz.control',
    'layout.write',
    'wall.write',
    'wall.push',
    'ptz.tour.write',
    // Alarm sources are configured by administrators, who also see the queue (no image in it).
    'alarm.read',
    'alarm.source.read',
    'alarm.source.write',
    'oncall.read',
    'oncall.write',
    'camera_health.read',
    'camera_health.write',
  ],
  supervisor: [
    // A supervisor confirms the image access an administrator gave (four eyes), without managing accounts.
    'commune.read',
    'site.read',
    'camera.read',
    'camera.export',
    'authorisation.read',
    'user.read',
    'user.confirm',
    'audit.read',
    'audit.export',
    'audit.verify',
    // The chief confirms and reviews legal holds (an operator's hold is provisional, issue 11).
    'settings.read',
    'recording.read',
    'storage.read',
    'mask.read',
    'hold.read',
    'hold.confirm',
    'register.read',
    'image.live',
    'image.playback',
    'image.export',
    'ptz.control',
    'layout.write',
    'wall.write',
    'wall.push',
    'ptz.tour.write',
    'requisition.read',
    'requisition.file',
    'requisition.review',
    'requisition.review_time',
    'requisition.handover',
    'alarm.read',
    'alarm.handle',
    'alarm.source.read',
    'alarm.procedure.write',
    'alarm.close.override',
    'oncall.read',
    'oncall.write',
    'statistics.read',
    'statistics.import',
    'offence.record',
    'offence.read',
    'logbook.read',
    'logbook.write',
    'alarm.figures',
    'camera_health.read',
  ],
  operator: [
    'commune.read',
    'site.read',
    'camera.read',
    'recording.read',
    'hold.read',
    'image.live',
    'image.playback',
    'image.export',
    'ptz.control',
    'layout.write',
    'wall.push',
    'ptz.tour.write',
    // Operators review footage for requisitions: they read them (state changes are the supervisor's),
    // add review time by hand and record handovers.
    'requisition.read',
    'requisition.review_time',
    'requisition.handover',
    'alarm.read',
    'alarm.handle',
    'oncall.read',
    'offence.record',
    'offence.read',
    'logbook.read',
    'logbook.write',
    'camera_health.read',
  ],
  police: ['commune.read', 'site.read', 'camera.read', 'image.live', 'ptz.control', 'ptz.takeover', 'layout.write', 'requisition.read', 'requisition.file'],
  partner: ['commune.read', 'site.read', 'camera.read', 'image.live', 'layout.write'],
  auditor: [
    'commune.read',
    'site.read',
    'camera.read',
    'authorisation.read',
    'user.read',
    'audit.read',
    'audit.export',
    'audit.verify',
    'settings.read',
    'recording.read',
    'storage.read',
    'mask.read',
    'hold.read',
    'register.read',
    'requisition.read',
    'alarm.read',
    'alarm.source.read',
    'oncall.read',
    'statistics.read',
    'offence.read',
    'logbook.read',
    'alarm.figures',
    'camera_health.read',
  ],
  // Technicians see the queue (technical alarms are theirs to fix) without handling alarms.
  technician: ['commune.read', 'site.read', 'camera.read', 'camera.export', 'recording.read', 'storage.read', 'alarm.read', 'camera_health.read'],
};

const grantSets: Record<Role, ReadonlySet<Action>> = Object.fromEntries(roles.map((role) => [role, new Set(grants[role])])) as unknown as Record<
  Role,
  ReadonlySet<Action>
>;

/** Roles whose holders see images and therefore need a second factor (unless turned off). */
export const imageRoles: ReadonlySet<Role> = new Set(roles.filter((role) => grants[role].some((action) => imageActions.has(action))));

/** Police officers act under their own service's authority; other viewers need the prefect's approval (L252-3). */
export const rolesNeedingApproval: ReadonlySet<Role> = new Set(['administrator', 'supervisor', 'operator', 'partner']);

/** Data-protection training older than this must be renewed before images are shown again. */
export const trainingValidityYears = 5;

export interface Principal {
  readonly kind: 'user' | 'token';
  readonly id: string;
  readonly login: string;
  readonly role: Role;
  readonly allCommunes: boolean;
  readonly communes: readonly string[];
  /** For tokens: a subset of the role's actions, or null for all of them. */
  readonly actionSubset: readonly Action[] | null;
  readonly approvalReference: string | null;
  readonly approvalExpiresOn: string | null;
  readonly trainingDate: string | null;
  /** Four eyes: image access given by one administrator is confirmed by another, or a supervisor. */
  readonly imageAccessConfirmed: boolean;
}

export type Decision = { allowed: true } | { allowed: false; error: DomainError };

const allowed: Decision = { allowed: true };
const deny = (error: DomainError): Decision => ({ allowed: false, error });

export function roleActions(role: Role): readonly Action[] {
  return grants[role];
}

export function roleGrants(role: Role, action: Action): boolean {
  return grantSets[role].has(action);
}

export function inScope(principal: Principal, communeInsee: string): boolean {
  return principal.allCommunes || principal.communes.includes(communeInsee);
}

/** Why this principal may not see images today, or null when it may. `today` is YYYY-MM-DD (Paris). */
export function imageAccessBlocker(principal: Principal, today: string): DomainError | null {
  if (!principal.imageAccessConfirmed) return new DomainError('image_access_unconfirmed');
  if (rolesNeedingApproval.has(principal.role)) {
    if (!principal.approvalReference || !principal.approvalExpiresOn) return new DomainError('approval_missing');
    if (principal.approvalExpiresOn < today) {
      return new DomainError('approval_expired', {
        fr: `Accès aux images refusé : agrément préfectoral ${principal.approvalReference} expiré le ${principal.approvalExpiresOn}.`,
        en: `Image access refused: prefectoral approval ${principal.approvalReference} expired on ${principal.approvalExpiresOn}.`,
      });
    }
  }
  if (!principal.trainingDate) return new DomainError('training_missing');
  if (addYears(principal.trainingDate, trainingValidityYears) < today) {
    return new DomainError('training_expired', {
      fr: `Accès aux images refusé : formation à la protection des données du ${principal.trainingDate} à renouveler (validité ${trainingValidityYears} ans).`,
      en: `Image access refused: data-protection training of ${principal.trainingDate} must be renewed (valid ${trainingValidityYears} years).`,
    });
  }
  return null;
}

/**
 * Decides whether `principal` may perform `action`, on `communeInsee` when the action targets
 * one commune's data (null for centre-wide actions and listings, which are filtered by scope).
 */
export function decide(principal: Principal, action: Action, communeInsee: string | null, today: string): Decision {
  if (!roleGrants(principal.role, action)) return deny(new DomainError('forbidden'));
  if (principal.actionSubset && !principal.actionSubset.includes(action)) return deny(new DomainError('forbidden'));
  if (communeInsee !== null && !inScope(principal, communeInsee)) {
    return deny(
      new DomainError('commune_out_of_scope', {
        fr: `La commune ${communeInsee} est hors de votre périmètre.`,
        en: `Commune ${communeInsee} is outside your scope.`,
      }),
    );
  }
  if (imageActions.has(action)) {
    // Only individually designated agents see images (LEGAL 9): never a machine token.
    if (principal.kind === 'token') {
      return deny(new DomainError('forbidden', { fr: 'Un jeton d’API ne donne jamais accès aux images.', en: 'An API token never gives access to images.' }));
    }
    const blocker = imageAccessBlocker(principal, today);
    if (blocker) return deny(blocker);
  }
  return allowed;
}

export function assertAllowed(principal: Principal, action: Action, communeInsee: string | null, today: string): void {
  const decision = decide(principal, action, communeInsee, today);
  if (!decision.allowed) throw decision.error;
}

/** The communes a principal may list: null means every commune. */
export function communeFilter(principal: Principal): readonly string[] | null {
  return principal.allCommunes ? null : principal.communes;
}

// The request context of the platform carries this policy's principal, and routes declare its actions.
declare module '../../platform/http/context.ts' {
  interface RouteActions extends Record<Action, true> {}
  interface RequestPrincipal extends Principal {}
}
