// The words the player and the extraction report give to the journal's codes: why a range has a
// hole (the recording index's gap reasons, sometimes followed by a detail: `stream_lost: timeout`)
// and the legal framework of the requisition. French first, English beside it.

export interface Words {
  fr: string;
  en: string;
}

/** Gap reasons written by the recorders and the purge, by their code's prefix (before any `:`). */
export const gapReasonWords: Record<string, Words> = {
  camera_offline: { fr: 'caméra hors ligne', en: 'camera offline' },
  camera_unreachable: { fr: 'caméra injoignable', en: 'camera unreachable' },
  packet_loss: { fr: 'perte de paquets réseau', en: 'network packet loss' },
  no_data: { fr: 'aucune donnée reçue de la caméra', en: 'no data from the camera' },
  stream_stalled: { fr: 'flux figé (plus aucune image reçue)', en: 'stream stalled (no more pictures)' },
  stream_lost: { fr: 'flux perdu', en: 'stream lost' },
  stream_stop: { fr: 'flux arrêté', en: 'stream stopped' },
  stream_changed: { fr: 'changement de format du flux', en: 'stream format changed' },
  stream_below_floor: { fr: 'flux sous le minimum réglementaire', en: 'stream below the legal floor' },
  encoder_too_slow: { fr: 'encodeur trop lent', en: 'encoder too slow' },
  disk_too_slow: { fr: 'disque trop lent', en: 'disk too slow' },
  recorder_started: { fr: "démarrage de l'enregistreur", en: 'recorder starting' },
  recorder_stopped: { fr: 'enregistreur arrêté', en: 'recorder stopped' },
  recorder_crashed: { fr: "arrêt inopiné de l'enregistreur", en: 'recorder crashed' },
  mask_changed: { fr: 'changement de masque de confidentialité', en: 'privacy mask changed' },
  before_archive: { fr: 'avant le début des images conservées', en: 'before the oldest kept footage' },
  purged: { fr: 'images détruites (durée de conservation échue)', en: 'footage destroyed (retention expired)' },
  unknown: { fr: 'cause inconnue', en: 'unknown cause' },
};

/** The reason in words; an unknown code is shown as itself after "autre cause". */
export function gapReasonInWords(reason: string, language: keyof Words = 'fr'): string {
  const code = reason.split(':')[0]?.trim() ?? reason;
  const words = gapReasonWords[code];
  if (words) return words[language];
  return language === 'fr' ? `autre cause (${reason})` : `other cause (${reason})`;
}

/** The requisition's legal framework (requisitions module's codes) in words. */
export const legalFrameworkWords: Record<string, Words> = {
  flagrance: {
    fr: 'enquête de flagrance, article 60-1 du code de procédure pénale',
    en: 'flagrante delicto inquiry, article 60-1 of the code of criminal procedure',
  },
  preliminary: {
    fr: 'enquête préliminaire, article 77-1-1 du code de procédure pénale',
    en: 'preliminary inquiry, article 77-1-1 of the code of criminal procedure',
  },
  investigation: {
    fr: 'information judiciaire (commission rogatoire), article 99-3 du code de procédure pénale',
    en: 'judicial investigation, article 99-3 of the code of criminal procedure',
  },
  direct_collection: {
    fr: 'recueil direct par un officier habilité, sans réquisition écrite (Cass. crim., 21 novembre 2023)',
    en: 'direct collection by a habilitated officer, without written requisition (Cass. crim., 21 November 2023)',
  },
};

export function legalFrameworkInWords(code: string, language: keyof Words = 'fr'): string {
  return legalFrameworkWords[code]?.[language] ?? code;
}

/** How the requisition reached the centre (requisitions module's channels) in words. */
export const channelWords: Record<string, Words> = {
  email: { fr: 'courriel', en: 'e-mail' },
  paper: { fr: 'courrier papier', en: 'paper letter' },
  phone: { fr: 'téléphone', en: 'telephone' },
  in_person: { fr: 'remise en main propre', en: 'in person' },
  other: { fr: 'autre', en: 'other' },
};

/** The exporter's role (access module's roles) in words. */
export const roleWords: Record<string, Words> = {
  administrator: { fr: 'administrateur', en: 'administrator' },
  supervisor: { fr: 'superviseur (chef de CSU)', en: 'supervisor' },
  operator: { fr: 'opérateur', en: 'operator' },
  police: { fr: 'policier', en: 'police officer' },
  partner: { fr: 'partenaire', en: 'partner' },
  auditor: { fr: 'auditeur', en: 'auditor' },
  technician: { fr: 'technicien', en: 'technician' },
};
