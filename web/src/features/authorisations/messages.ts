// Messages of the prefectoral authorisations screen.
// French first, then English with the same keys (the compiler checks them here; i18n.test.ts
// checks placeholders and plural forms). Assembled in i18n/messages.ts. `{name}` marks a value
// filled in by t(); a plural is { one: '…', other: '…' }, chosen by the `count` value.
import type { Message, Messages } from '../../i18n/message.ts';

const fr = {
  'auth.title': 'Autorisations préfectorales',
  'auth.renew': 'À renouveler',
  'auth.renewHelp': 'Arrêtés expirant sous 120 jours : le dossier de renouvellement est dû 4 mois avant l’échéance (CSI R252-9).',
  'auth.renewNone': 'Aucune autorisation n’expire dans les 120 jours.',
  'auth.all': 'Toutes les autorisations',
  'auth.reference': 'Référence',
  'auth.commune': 'Commune',
  'auth.status': 'Statut',
  'auth.start': 'Début',
  'auth.end': 'Fin',
  'auth.daysLeft': 'Jours restants',
  'auth.renewalDue': 'Dossier dû le',
  'auth.cameras': 'Caméras',
  'auth.purposes': 'Finalités',
  'auth.purposesLine': 'Finalités : {list}',
  'auth.status.valid': 'Valide',
  'auth.status.not_yet_valid': 'Pas encore en vigueur',
  'auth.status.expired': 'Expirée',
  'auth.status.revoked': 'Retirée',
  'auth.unauthorised': 'Caméras sans autorisation valide',
  'auth.unauthorisedHelp': 'Ces caméras ne sont ni enregistrées ni affichées (LEGAL 1), sauf aux administrateurs qui les configurent.',
  'auth.unauthorisedNone': 'Toutes les caméras sont couvertes par une autorisation valide.',
} as const satisfies Messages;

const en: Record<keyof typeof fr, Message> = {
  'auth.title': 'Prefectoral authorisations',
  'auth.renew': 'Due for renewal',
  'auth.renewHelp': 'Orders expiring within 120 days: the renewal file is due 4 months before expiry (CSI R252-9).',
  'auth.renewNone': 'No authorisation expires within 120 days.',
  'auth.all': 'All authorisations',
  'auth.reference': 'Reference',
  'auth.commune': 'Commune',
  'auth.status': 'Status',
  'auth.start': 'Start',
  'auth.end': 'End',
  'auth.daysLeft': 'Days left',
  'auth.renewalDue': 'File due on',
  'auth.cameras': 'Cameras',
  'auth.purposes': 'Purposes',
  'auth.purposesLine': 'Purposes: {list}',
  'auth.status.valid': 'Valid',
  'auth.status.not_yet_valid': 'Not yet in force',
  'auth.status.expired': 'Expired',
  'auth.status.revoked': 'Revoked',
  'auth.unauthorised': 'Cameras without a valid authorisation',
  'auth.unauthorisedHelp': 'These cameras are neither recorded nor shown (LEGAL 1), except to administrators configuring them.',
  'auth.unauthorisedNone': 'Every camera is covered by a valid authorisation.',
};

export const authorisationsMessages = { fr, en };
