// The rules of live viewing, pure: who must give a reason, which recipients an authorisation
// must name for whom (LEGAL 17), which cameras are never shown (LEGAL 1), which stream a viewer
// gets.
import { DomainError } from '../../platform/errors.ts';
import type { Role } from '../access/index.ts';
import type { Recipient } from '../authorisations/index.ts';
import type { CameraView } from '../cameras/index.ts';
import type { LiveStream } from './live-source.ts';

/** LEGAL 17: the recipients an authorisation must name for these roles to see live images. */
export const recipientsForRole: Partial<Record<Role, readonly Recipient[]>> = {
  police: ['national_police', 'gendarmerie', 'municipal_police'],
  partner: ['partner'],
};
/** Roles that must say why they look (their viewing is traced with it). */
export const reasonRequiredRoles: ReadonlySet<Role> = new Set(['police', 'partner']);
export const MAX_REASON_LENGTH = 500;

/** Spaces folded, bounded; empty is no reason. */
export function normaliseReason(reason: string | null | undefined): string | null {
  return reason?.trim().replace(/\s+/g, ' ').slice(0, MAX_REASON_LENGTH) || null;
}

export function chooseStream(requested: 'auto' | LiveStream, camera: Pick<CameraView, 'subStreamUrl'>): LiveStream {
  if (requested === 'main') return 'main';
  return camera.subStreamUrl ? 'sub' : 'main';
}

/** The live picture cannot be served now (no recorder, no mask known, the camera not received): `live_unavailable`. */
export function unavailable(fr: string, en: string): DomainError {
  return new DomainError('live_unavailable', { fr, en });
}

/** LEGAL 1: a decommissioned camera, or one no valid authorisation covers, is never shown. */
export function assertShown(camera: CameraView): CameraView {
  if (camera.state === 'disabled')
    throw new DomainError('camera_disabled', { fr: `Caméra ${camera.name} hors service.`, en: `Camera ${camera.name} is decommissioned.` });
  if (camera.state === 'unauthorised') {
    throw new DomainError('camera_unauthorised', {
      fr: `La caméra ${camera.name} n’est couverte par aucune autorisation préfectorale valide : elle n’est ni enregistrée ni affichée.`,
      en: `Camera ${camera.name} is covered by no valid prefectoral authorisation: it is neither recorded nor shown.`,
    });
  }
  return camera;
}
