// Domain errors: services throw these with a stable code; the HTTP layer maps them once
// (platform/http/error-handler.ts). Every code has a French and an English message.

export const errorCatalogue = {
  validation_failed: { status: 400, fr: 'Données invalides.', en: 'Invalid data.' },
  // Bad input (issue 20): refusals of the HTTP layer itself, each with its own code.
  text_invalid: {
    status: 400,
    fr: 'Texte refusé : Unicode mal formé ou caractère NUL ; rien n’a été modifié.',
    en: 'Text refused: ill-formed Unicode or NUL character; nothing was changed.',
  },
  malformed_request: { status: 400, fr: 'Requête mal formée.', en: 'Malformed request.' },
  body_too_large: { status: 413, fr: 'Corps de requête trop volumineux pour cette adresse.', en: 'Request body too large for this address.' },
  unsupported_media_type: { status: 415, fr: 'Type de contenu non pris en charge.', en: 'Unsupported content type.' },
  uri_too_long: { status: 414, fr: 'Adresse trop longue.', en: 'Address too long.' },
  headers_too_large: { status: 431, fr: 'En-têtes de requête trop volumineux.', en: 'Request headers too large.' },
  method_not_allowed: { status: 405, fr: 'Méthode non prise en charge.', en: 'Method not allowed.' },
  request_timeout: { status: 408, fr: 'Requête trop lente à arriver.', en: 'Request took too long to arrive.' },
  unauthenticated: { status: 401, fr: 'Authentification requise.', en: 'Authentication required.' },
  invalid_credentials: {
    status: 401,
    fr: 'Identifiant ou mot de passe incorrect (après plusieurs échecs, le compte est verrouillé quelques minutes).',
    en: 'Wrong login or password (after several failures the account is locked for a few minutes).',
  },
  account_locked: {
    status: 423,
    fr: 'Compte verrouillé après trop d’échecs ; réessayez plus tard.',
    en: 'Account locked after too many failures; try again later.',
  },
  account_disabled: { status: 403, fr: 'Compte désactivé.', en: 'Account disabled.' },
  totp_required: { status: 401, fr: 'Code de second facteur requis.', en: 'Second-factor code required.' },
  totp_invalid: { status: 401, fr: 'Code de second facteur incorrect.', en: 'Wrong second-factor code.' },
  totp_enrolment_required: {
    status: 403,
    fr: 'Enrôlement du second facteur obligatoire avant tout accès.',
    en: 'Second-factor enrolment is required before any access.',
  },
  session_expired: { status: 401, fr: 'Session expirée ; reconnectez-vous.', en: 'Session expired; sign in again.' },
  csrf_failed: { status: 403, fr: 'Jeton anti-CSRF absent ou invalide.', en: 'Missing or invalid CSRF token.' },
  forbidden: { status: 403, fr: 'Action non autorisée pour votre rôle.', en: 'Action not allowed for your role.' },
  commune_out_of_scope: { status: 403, fr: 'Cette commune est hors de votre périmètre.', en: 'This commune is outside your scope.' },
  approval_missing: {
    status: 403,
    fr: 'Accès aux images refusé : aucun agrément préfectoral enregistré.',
    en: 'Image access refused: no prefectoral approval on record.',
  },
  approval_expired: { status: 403, fr: 'Accès aux images refusé : agrément préfectoral expiré.', en: 'Image access refused: prefectoral approval expired.' },
  training_missing: {
    status: 403,
    fr: 'Accès aux images refusé : formation à la protection des données non enregistrée.',
    en: 'Image access refused: no data-protection training on record.',
  },
  image_access_unconfirmed: {
    status: 403,
    fr: 'Accès aux images en attente : il doit être confirmé par un second administrateur ou un chef de CSU.',
    en: 'Image access pending: it must be confirmed by a second administrator or a CSU supervisor.',
  },
  four_eyes_required: {
    status: 403,
    fr: 'Confirmation refusée : elle doit venir d’une autre personne que celle qui a donné l’accès.',
    en: 'Confirmation refused: it must come from someone other than who gave the access.',
  },
  self_edit_forbidden: {
    status: 403,
    fr: 'On ne modifie pas son propre agrément ni sa propre formation.',
    en: 'You cannot change your own approval or training.',
  },
  training_expired: {
    status: 403,
    fr: 'Accès aux images refusé : formation à la protection des données trop ancienne.',
    en: 'Image access refused: data-protection training out of date.',
  },
  not_found: { status: 404, fr: 'Élément introuvable.', en: 'Not found.' },
  conflict: { status: 409, fr: 'Conflit avec un élément existant.', en: 'Conflicts with an existing item.' },
  weak_password: { status: 400, fr: 'Mot de passe trop faible.', en: 'Password too weak.' },
  retention_out_of_bounds: {
    status: 400,
    fr: 'Durée de conservation hors des bornes légales ou de l’autorisation.',
    en: 'Retention outside the legal or authorised bounds.',
  },
  authorisation_invalid: { status: 400, fr: 'Autorisation préfectorale invalide.', en: 'Invalid prefectoral authorisation.' },
  import_busy: { status: 409, fr: 'Un import d’inventaire est déjà en cours.', en: 'An inventory import is already running.' },
  import_failed: { status: 400, fr: 'Import refusé : aucune ligne n’a été enregistrée.', en: 'Import refused: no line was stored.' },
  token_invalid: { status: 401, fr: 'Jeton d’API invalide, expiré ou révoqué.', en: 'API token invalid, expired or revoked.' },
  rate_limited: { status: 429, fr: 'Trop de requêtes.', en: 'Too many requests.' },
  internal_error: { status: 500, fr: 'Erreur interne ; l’incident est journalisé.', en: 'Internal error; the incident is logged.' },
  camera_unauthorised: {
    status: 403,
    fr: 'Caméra non couverte par une autorisation préfectorale valide : elle n’est ni enregistrée ni affichée.',
    en: 'Camera not covered by a valid prefectoral authorisation: it is neither recorded nor shown.',
  },
  legal_hold_invalid: { status: 400, fr: 'Gel d’images (réquisition) invalide.', en: 'Invalid legal hold.' },
  legal_hold_future: {
    status: 400,
    fr: 'Un gel porte sur des images qui existent : sa fin ne peut pas être dans le futur.',
    en: 'A hold covers footage that exists: it cannot end in the future.',
  },
  legal_hold_no_footage: {
    status: 400,
    fr: 'Aucune image enregistrée pour ces caméras : rien à geler.',
    en: 'No footage recorded for these cameras: nothing to hold.',
  },
  legal_hold_before_footage: {
    status: 400,
    fr: 'Le gel se termine avant les plus anciennes images conservées.',
    en: 'The hold ends before the oldest footage kept.',
  },
  legal_hold_window_too_wide: {
    status: 403,
    fr: 'Fenêtre de gel trop large pour votre rôle : un chef de CSU peut la confirmer.',
    en: 'Hold window too wide for your role: a CSU supervisor can place it.',
  },
  legal_hold_lapsed: { status: 409, fr: 'Ce gel provisoire a expiré faute de confirmation.', en: 'This provisional hold lapsed without confirmation.' },
  legal_hold_released: { status: 409, fr: 'Ce gel d’images est déjà levé.', en: 'This legal hold is already released.' },
  // Requisitions (issue 13).
  requisition_invalid: { status: 400, fr: 'Réquisition invalide : rien n’a été enregistré.', en: 'Invalid requisition: nothing was stored.' },
  // Evidence packages (issue 13 item 4).
  export_invalid: { status: 400, fr: 'Export invalide : rien n’a été enregistré.', en: 'Invalid export: nothing was stored.' },
  export_refused: { status: 409, fr: 'Export impossible dans l’état de cette réquisition.', en: 'No export in this requisition’s state.' },
  export_not_ready: { status: 409, fr: 'Ce paquet de preuve n’est pas prêt.', en: 'This evidence package is not ready.' },
  requisition_transition_refused: {
    status: 409,
    fr: 'Changement d’état refusé pour cette réquisition.',
    en: 'State change refused for this requisition.',
  },
  requisition_locked: {
    status: 409,
    fr: 'Réquisition déjà traitée : ses informations ne se modifient plus.',
    en: 'Requisition already answered: its details can no longer be changed.',
  },
  requisition_document_invalid: {
    status: 400,
    fr: 'Document refusé (PDF, PNG ou JPEG de 10 Mo au plus) : rien n’a été enregistré.',
    en: 'Document refused (PDF, PNG or JPEG of at most 10 MB): nothing was stored.',
  },
  requisition_document_altered: {
    status: 409,
    fr: 'Le document scellé ne correspond plus à son empreinte SHA-256 : incident à signaler.',
    en: 'The sealed document no longer matches its SHA-256: report the incident.',
  },
  legal_hold_of_requisition: {
    status: 409,
    fr: 'Ce gel suit sa réquisition : il se lève en clôturant la réquisition.',
    en: 'This hold follows its requisition: it is released by closing the requisition.',
  },
  // Review hours, handover (issue 13 items 3 and 6).
  requisition_not_reviewable: {
    status: 409,
    fr: 'Cette réquisition n’est pas ouverte à la relecture de cette caméra (état, commune ou caméras).',
    en: 'This requisition is not open for reviewing this camera (state, commune or cameras).',
  },
  review_time_invalid: { status: 400, fr: 'Temps de relecture refusé : rien n’a été enregistré.', en: 'Review time refused: nothing was stored.' },
  requisition_not_exported: {
    status: 409,
    fr: 'Remise impossible : la réquisition n’est pas à l’état « extraite ».',
    en: 'Handover refused: the requisition is not in the "exported" state.',
  },
  handover_invalid: { status: 400, fr: 'Remise refusée : rien n’a été enregistré.', en: 'Handover refused: nothing was stored.' },
  handover_already_acknowledged: {
    status: 409,
    fr: 'Cette remise a déjà été accusée réception.',
    en: 'This handover was already acknowledged.',
  },
  // Alarms (issue 14).
  alarm_payload_invalid: {
    status: 400,
    fr: 'Alarme refusée : contenu invalide ; rien n’a été enregistré.',
    en: 'Alarm refused: invalid content; nothing was stored.',
  },
  alarm_source_unauthenticated: {
    status: 401,
    fr: 'Source d’alarmes inconnue ou jeton invalide.',
    en: 'Unknown alarm source or invalid token.',
  },
  alarm_source_disabled: { status: 403, fr: 'Source d’alarmes désactivée.', en: 'Alarm source disabled.' },
  alarm_transition_refused: { status: 409, fr: 'Action impossible à l’état actuel de l’alarme.', en: 'Action not possible in the alarm’s current state.' },
  // Procedures (fiches réflexes, issue 14 item 4).
  procedure_invalid: { status: 400, fr: 'Procédure invalide : rien n’a été enregistré.', en: 'Invalid procedure: nothing was stored.' },
  procedure_incomplete: {
    status: 409,
    fr: 'Clôture refusée : des étapes obligatoires de la procédure ne sont pas faites.',
    en: 'Closing refused: mandatory steps of the procedure are not done.',
  },
  // On-call chain (issue 14 item 5).
  oncall_rrule_invalid: {
    status: 400,
    fr: 'Règle de récurrence (RRULE RFC 5545) refusée : rien n’a été enregistré.',
    en: 'Recurrence rule (RFC 5545 RRULE) refused: nothing was stored.',
  },
  oncall_override_invalid: { status: 400, fr: 'Remplacement invalide : rien n’a été enregistré.', en: 'Invalid override: nothing was stored.' },
  oncall_webhook_invalid: {
    status: 400,
    fr: 'Adresse de webhook refusée (https://, ou http:// en boucle locale seulement, sans identifiants).',
    en: 'Webhook address refused (https://, or http:// on loopback only, no credentials).',
  },
  oncall_ack_invalid: { status: 404, fr: 'Lien de prise en compte invalide.', en: 'Invalid acknowledgement link.' },
  oncall_ack_used: { status: 409, fr: 'Prise en compte déjà enregistrée (lien à usage unique).', en: 'Already acknowledged (single-use link).' },
  oncall_ack_expired: {
    status: 410,
    fr: 'Lien de prise en compte expiré : appelez le centre de supervision.',
    en: 'Acknowledgement link expired: call the supervision centre.',
  },
  oncall_in_use: {
    status: 409,
    fr: 'Encore utilisé par un tableau, un remplacement ou une notification.',
    en: 'Still used by a rota, an override or a notification.',
  },
  cap_invalid: { status: 400, fr: 'Message CAP 1.2 refusé : rien n’a été enregistré.', en: 'CAP 1.2 message refused: nothing was stored.' },
  storage_volume_invalid: { status: 400, fr: 'Volume de stockage invalide.', en: 'Invalid storage volume.' },
  recording_range_invalid: { status: 400, fr: 'Période d’enregistrement invalide.', en: 'Invalid recording time range.' },
  mask_invalid: { status: 400, fr: 'Masque de vie privée invalide : rien n’a été enregistré.', en: 'Invalid privacy mask: nothing was stored.' },
  camera_disabled: { status: 409, fr: 'Caméra hors service.', en: 'Camera decommissioned.' },
  // Console (issue 5): live, playback, PTZ, layouts, walls.
  reason_required: { status: 400, fr: 'Un motif est obligatoire pour voir ces images.', en: 'A reason is required to view these images.' },
  recipient_not_authorised: {
    status: 403,
    fr: 'L’autorisation préfectorale de cette caméra ne désigne pas votre service comme destinataire des images.',
    en: 'This camera’s prefectoral authorisation does not name your service as a recipient of its images.',
  },
  camera_health_no_picture: {
    status: 409,
    fr: 'Aucune image de cette caméra n’est reçue pour l’instant : la référence ne peut pas être prise.',
    en: 'No picture of this camera is being received yet: the reference cannot be captured.',
  },
  live_unavailable: {
    status: 503,
    fr: 'Image en direct indisponible : la caméra n’est pas reçue en ce moment.',
    en: 'Live picture unavailable: the camera is not being received right now.',
  },
  playback_session_invalid: {
    status: 404,
    fr: 'Session de relecture inconnue ou expirée ; rouvrez la relecture.',
    en: 'Unknown or expired playback session; open the playback again.',
  },
  footage_unavailable: { status: 404, fr: 'Aucune image enregistrée sur cette période.', en: 'No footage recorded in this period.' },
  ptz_unsupported: { status: 409, fr: 'Cette caméra n’est pas orientable (pas de PTZ ONVIF).', en: 'This camera cannot be steered (no ONVIF PTZ).' },
  ptz_locked: { status: 409, fr: 'La caméra est pilotée par un autre utilisateur.', en: 'The camera is controlled by another user.' },
  ptz_taken_over: { status: 409, fr: 'Le pilotage de la caméra a été repris (prise de main).', en: 'Control of the camera was taken over.' },
  ptz_camera_error: { status: 502, fr: 'La caméra n’a pas exécuté la commande PTZ.', en: 'The camera did not carry out the PTZ command.' },
  // Adding a camera from ONVIF, discovery (issue 18).
  onvif_camera_error: { status: 502, fr: 'La caméra n’a pas répondu comme attendu en ONVIF.', en: 'The camera did not answer as expected over ONVIF.' },
  onvif_credentials_refused: {
    status: 400,
    fr: 'La caméra a refusé l’identifiant ou le mot de passe ONVIF.',
    en: 'The camera refused the ONVIF login or password.',
  },
  stream_below_floor: {
    status: 400,
    fr: 'Flux sous le plancher légal de qualité (arrêté du 3 août 2007) : rien n’a été enregistré.',
    en: 'Stream below the legal quality floor (arrêté of 3 August 2007): nothing was stored.',
  },
  network_interface_invalid: { status: 400, fr: 'Interface réseau inconnue de ce serveur.', en: 'Network interface unknown to this server.' },
  ptz_tour_invalid: { status: 400, fr: 'Ronde virtuelle invalide : rien n’a été enregistré.', en: 'Invalid patrol tour: nothing was stored.' },
  layout_invalid: { status: 400, fr: 'Disposition invalide : rien n’a été enregistré.', en: 'Invalid layout: nothing was stored.' },
  wall_invalid: { status: 400, fr: 'Mur d’images invalide : rien n’a été enregistré.', en: 'Invalid video wall: nothing was stored.' },
} as const satisfies Record<string, { status: number; fr: string; en: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  readonly messageFr: string;
  readonly messageEn: string;

  constructor(code: ErrorCode, options: { fr?: string; en?: string; details?: unknown } = {}) {
    const entry = errorCatalogue[code];
    super(options.en ?? entry.en);
    this.name = 'DomainError';
    this.code = code;
    this.details = options.details;
    this.messageFr = options.fr ?? entry.fr;
    this.messageEn = options.en ?? entry.en;
  }

  get status(): number {
    return errorCatalogue[this.code].status;
  }
}

export function notFound(what: { fr: string; en: string }): DomainError {
  return new DomainError('not_found', { fr: `${what.fr} introuvable.`, en: `${what.en} not found.` });
}
