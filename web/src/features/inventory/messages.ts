// Messages of the inventory screen (CSV import and export).
// French first, then English with the same keys (the compiler checks them here; i18n.test.ts
// checks placeholders and plural forms). Assembled in i18n/messages.ts. `{name}` marks a value
// filled in by t(); a plural is { one: '…', other: '…' }, chosen by the `count` value.
import type { Message, Messages } from '../../i18n/message.ts';

const fr = {
  'inventory.title': 'Inventaire des caméras',
  'inventory.import': 'Import CSV',
  'inventory.importHelp':
    'Fichier CSV UTF-8 (séparateur , ou ;). Tout ou rien : une vérification à blanc liste chaque erreur, puis l’import enregistre toutes les lignes ou aucune.',
  'inventory.file': 'Fichier CSV',
  'inventory.createSites': 'Créer les sites manquants',
  'inventory.check': 'Vérifier (essai à blanc)',
  'inventory.checking': 'Vérification…',
  'inventory.progressChecking': 'Vérification : {done} lignes sur {total}',
  'inventory.progressWriting': 'Enregistrement de {total} lignes…',
  'inventory.doImport': 'Importer',
  'inventory.importing': 'Import…',
  'inventory.clean': 'Fichier valide : {created} à créer, {updated} à modifier, {unchanged} inchangées, {sitesCreated} site(s) à créer.',
  'inventory.done': 'Import terminé : {created} créées, {updated} modifiées, {unchanged} inchangées, {sitesCreated} site(s) créé(s).',
  'inventory.errors': 'Erreurs à corriger ({count})',
  'inventory.line': 'Ligne',
  'inventory.column': 'Colonne',
  'inventory.message': 'Message',
  'inventory.export': 'Export CSV',
  'inventory.exportHelp': 'Liste d’état VMS (statut, modèle, IP, MAC) suivie de l’inventaire, sans identifiants.',
  'inventory.exportComma': 'Télécharger (séparateur ,)',
  'inventory.exportSemicolon': 'Télécharger pour Excel (séparateur ;)',
  'inventory.chooseFile': 'Choisir un fichier…',
  'inventory.noFile': 'Aucun fichier choisi',
} as const satisfies Messages;

const en: Record<keyof typeof fr, Message> = {
  'inventory.title': 'Camera inventory',
  'inventory.import': 'CSV import',
  'inventory.importHelp': 'UTF-8 CSV file (separator , or ;). All or nothing: a dry run lists every error, then the import stores every line or none.',
  'inventory.file': 'CSV file',
  'inventory.createSites': 'Create missing sites',
  'inventory.check': 'Check (dry run)',
  'inventory.checking': 'Checking…',
  'inventory.progressChecking': 'Checking: {done} of {total} lines',
  'inventory.progressWriting': 'Writing {total} lines…',
  'inventory.doImport': 'Import',
  'inventory.importing': 'Importing…',
  'inventory.clean': 'Valid file: {created} to create, {updated} to update, {unchanged} unchanged, {sitesCreated} site(s) to create.',
  'inventory.done': 'Import done: {created} created, {updated} updated, {unchanged} unchanged, {sitesCreated} site(s) created.',
  'inventory.errors': 'Errors to fix ({count})',
  'inventory.line': 'Line',
  'inventory.column': 'Column',
  'inventory.message': 'Message',
  'inventory.export': 'CSV export',
  'inventory.exportHelp': 'VMS status list (status, model, IP, MAC) followed by the inventory, without credentials.',
  'inventory.exportComma': 'Download (separator ,)',
  'inventory.exportSemicolon': 'Download for Excel (separator ;)',
  'inventory.chooseFile': 'Choose a file…',
  'inventory.noFile': 'No file chosen',
};

export const inventoryMessages = { fr, en };
