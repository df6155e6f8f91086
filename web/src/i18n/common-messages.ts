// Messages shared by every screen: the application, common words, errors.
// French first, then English with the same keys (the compiler checks them here; i18n.test.ts
// checks placeholders and plural forms). Assembled in i18n/messages.ts. `{name}` marks a value
// filled in by t(); a plural is { one: '…', other: '…' }, chosen by the `count` value.
import type { Message, Messages } from './message.ts';

const fr = {
  'app.name': 'Vigie',
  'app.tagline': 'Centre de supervision urbain',
  'common.loading': 'Chargement…',
  'common.retry': 'Réessayer',
  'common.cancel': 'Annuler',
  'common.save': 'Enregistrer',
  'common.close': 'Fermer',
  'common.yes': 'oui',
  'common.no': 'non',
  'common.none': 'aucun',
  'common.allCommunes': 'Toutes les communes',
  'common.parisTime': 'heure de Paris',
  'common.days': '{n} j',
  'common.previous': 'Précédent',
  'common.next': 'Suivant',
  'common.search': 'Rechercher',
  'common.empty': 'Rien à afficher.',
  'common.actions': 'Actions',

  'error.network': 'Le serveur ne répond pas. Vérifiez la connexion puis réessayez.',
  'error.unexpected': 'Erreur inattendue ({status}).',
  'error.locked': 'Compte verrouillé après trop d’échecs, jusqu’au {until} (heure de Paris). Un administrateur peut le déverrouiller plus tôt.',
  'error.sessionExpired': 'Votre session a expiré. Reconnectez-vous.',
  'error.signedOut': 'Vous êtes déconnecté.',
} as const satisfies Messages;

const en: Record<keyof typeof fr, Message> = {
  'app.name': 'Vigie',
  'app.tagline': 'Urban supervision centre',
  'common.loading': 'Loading…',
  'common.retry': 'Retry',
  'common.cancel': 'Cancel',
  'common.save': 'Save',
  'common.close': 'Close',
  'common.yes': 'yes',
  'common.no': 'no',
  'common.none': 'none',
  'common.allCommunes': 'All communes',
  'common.parisTime': 'Paris time',
  'common.days': '{n} d',
  'common.previous': 'Previous',
  'common.next': 'Next',
  'common.search': 'Search',
  'common.empty': 'Nothing to show.',
  'common.actions': 'Actions',

  'error.network': 'The server does not answer. Check the connection and try again.',
  'error.unexpected': 'Unexpected error ({status}).',
  'error.locked': 'Account locked after too many failures, until {until} (Paris time). An administrator can unlock it earlier.',
  'error.sessionExpired': 'Your session has expired. Please sign in again.',
  'error.signedOut': 'You are signed out.',
};

export const commonMessages = { fr, en };
