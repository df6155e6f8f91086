// Messages of the audit log screen.
// French first, then English with the same keys (the compiler checks them here; i18n.test.ts
// checks placeholders and plural forms). Assembled in i18n/messages.ts. `{name}` marks a value
// filled in by t(); a plural is { one: '…', other: '…' }, chosen by the `count` value.
import type { Message, Messages } from '../../i18n/message.ts';

const fr = {
  'audit.title': 'Journal d’audit',
  'audit.from': 'Du (heure de Paris)',
  'audit.to': 'Au (heure de Paris)',
  'audit.action': 'Action (préfixe)',
  'audit.actionColumn': 'Action',
  'audit.actionPlaceholder': 'ex. auth. ou camera.',
  'audit.login': 'Identifiant',
  'audit.commune': 'Commune',
  'audit.communePlaceholder': 'code INSEE',
  'audit.communeColumn': 'Commune',
  'audit.search': 'Rechercher',
  'audit.reset': 'Effacer',
  'audit.seq': 'N°',
  'audit.at': 'Date',
  'audit.actor': 'Auteur',
  'audit.target': 'Cible',
  'audit.ip': 'IP',
  'audit.details': 'Détails',
  'audit.total': '{total} ligne(s), {from} à {to}',
  'audit.verify': 'Vérifier la chaîne',
  'audit.verifying': 'Vérification…',
  'audit.intact': 'Chaîne intacte : {rows} ligne(s) vérifiée(s), n° {first} à {last}.',
  'audit.broken': 'Chaîne ROMPUE à la ligne {seq} ({kind}) : {message}',
  'audit.export': 'Exporter en CSV',
} as const satisfies Messages;

const en: Record<keyof typeof fr, Message> = {
  'audit.title': 'Audit log',
  'audit.from': 'From (Paris time)',
  'audit.to': 'To (Paris time)',
  'audit.action': 'Action (prefix)',
  'audit.actionColumn': 'Action',
  'audit.actionPlaceholder': 'e.g. auth. or camera.',
  'audit.login': 'Login',
  'audit.commune': 'Commune',
  'audit.communePlaceholder': 'INSEE code',
  'audit.communeColumn': 'Commune',
  'audit.search': 'Search',
  'audit.reset': 'Clear',
  'audit.seq': 'No.',
  'audit.at': 'Date',
  'audit.actor': 'Actor',
  'audit.target': 'Target',
  'audit.ip': 'IP',
  'audit.details': 'Details',
  'audit.total': '{total} row(s), {from} to {to}',
  'audit.verify': 'Verify the chain',
  'audit.verifying': 'Verifying…',
  'audit.intact': 'Chain intact: {rows} row(s) checked, no. {first} to {last}.',
  'audit.broken': 'Chain BROKEN at row {seq} ({kind}): {message}',
  'audit.export': 'Export as CSV',
};

export const auditMessages = { fr, en };
