// Messages of the frame of the console (navigation, language switch, communes).
// French first, then English with the same keys (the compiler checks them here; i18n.test.ts
// checks placeholders and plural forms). Assembled in i18n/messages.ts. `{name}` marks a value
// filled in by t(); a plural is { one: '…', other: '…' }, chosen by the `count` value.
import type { Message, Messages } from '../../i18n/message.ts';

const fr = {
  'lang.switch': 'Langue',
  'lang.fr': 'Français',
  'lang.en': 'English',

  'shell.skip': 'Aller au contenu',
  'shell.signOut': 'Se déconnecter',
  'shell.communes': 'Communes',
  'shell.navigation': 'Navigation principale',
  'shell.imageBlocked': '{reason} Les images en direct et enregistrées vous seront refusées jusqu’à régularisation.',
  'shell.token': 'jeton',

  'nav.cameras': 'Caméras',
  'nav.authorisations': 'Autorisations',
  'nav.inventory': 'Inventaire',
  'nav.users': 'Utilisateurs',
  'nav.audit': 'Journal d’audit',
  'nav.requisitions': 'Réquisitions',
  'nav.register': 'Registre',
  'nav.statistics': 'Statistiques',
  'nav.live': 'Direct',
  'nav.playback': 'Relecture',
  'nav.map': 'Carte',
  'nav.walls': 'Mur d’images',
  'nav.masks': 'Masques',
  'nav.nothing': 'Votre rôle ne donne accès à aucun écran de cette console.',
} as const satisfies Messages;

const en: Record<keyof typeof fr, Message> = {
  'lang.switch': 'Language',
  'lang.fr': 'Français',
  'lang.en': 'English',

  'shell.skip': 'Skip to content',
  'shell.signOut': 'Sign out',
  'shell.communes': 'Communes',
  'shell.navigation': 'Main navigation',
  'shell.imageBlocked': '{reason} Live and recorded images will be refused until this is put right.',
  'shell.token': 'token',

  'nav.cameras': 'Cameras',
  'nav.authorisations': 'Authorisations',
  'nav.inventory': 'Inventory',
  'nav.users': 'Users',
  'nav.audit': 'Audit log',
  'nav.requisitions': 'Requisitions',
  'nav.register': 'Register',
  'nav.statistics': 'Statistics',
  'nav.live': 'Live',
  'nav.playback': 'Playback',
  'nav.map': 'Map',
  'nav.walls': 'Video wall',
  'nav.masks': 'Masks',
  'nav.nothing': 'Your role gives access to no screen of this console.',
};

export const shellMessages = { fr, en };
