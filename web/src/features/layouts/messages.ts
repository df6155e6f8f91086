// Messages of the saved layouts (mosaïques enregistrées).
// French first, then English with the same keys (the compiler checks them here; i18n.test.ts
// checks placeholders and plural forms). Assembled in i18n/messages.ts. `{name}` marks a value
// filled in by t(); a plural is { one: '…', other: '…' }, chosen by the `count` value.
import type { Message, Messages } from '../../i18n/message.ts';

const fr = {
  'layouts.title': 'Mosaïques enregistrées',
  'layouts.choose': 'Mosaïque',
  'layouts.none': 'Aucune mosaïque enregistrée',
  'layouts.mine': 'Les miennes',
  'layouts.others': 'Partagées',
  'layouts.shared': 'partagée',
  'layouts.sharedBy': '{name} (de {owner})',
  'layouts.load': 'Charger',
  'layouts.loaded': 'Mosaïque « {name} » chargée.',
  'layouts.overwrite': 'Remplacer par l’actuelle',
  'layouts.saveAs': 'Enregistrer sous…',
  'layouts.name': 'Nom de la mosaïque',
  'layouts.shareWithTeam': 'Partager avec les autres utilisateurs',
  'layouts.saved': 'Mosaïque « {name} » enregistrée.',
  'layouts.delete': 'Supprimer',
  'layouts.confirmDelete': 'Supprimer la mosaïque « {name} » ?',
  'layouts.deleted': 'Mosaïque « {name} » supprimée.',
} as const satisfies Messages;

const en: Record<keyof typeof fr, Message> = {
  'layouts.title': 'Saved layouts',
  'layouts.choose': 'Layout',
  'layouts.none': 'No saved layout',
  'layouts.mine': 'Mine',
  'layouts.others': 'Shared',
  'layouts.shared': 'shared',
  'layouts.sharedBy': '{name} (by {owner})',
  'layouts.load': 'Load',
  'layouts.loaded': 'Layout “{name}” loaded.',
  'layouts.overwrite': 'Replace with the current one',
  'layouts.saveAs': 'Save as…',
  'layouts.name': 'Layout name',
  'layouts.shareWithTeam': 'Share with the other users',
  'layouts.saved': 'Layout “{name}” saved.',
  'layouts.delete': 'Delete',
  'layouts.confirmDelete': 'Delete the layout “{name}”?',
  'layouts.deleted': 'Layout “{name}” deleted.',
};

export const layoutsMessages = { fr, en };
