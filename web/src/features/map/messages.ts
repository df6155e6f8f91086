// Messages of the map screen.
// French first, then English with the same keys (the compiler checks them here; i18n.test.ts
// checks placeholders and plural forms). Assembled in i18n/messages.ts. `{name}` marks a value
// filled in by t(); a plural is { one: '…', other: '…' }, chosen by the `count` value.
import type { Message, Messages } from '../../i18n/message.ts';

const fr = {
  'map.title': 'Carte',
  'map.region': 'Carte des caméras et des sites',
  'map.noTiles': 'Aucun fond de carte configuré (VIGIE_MAP_TILE_URL) : caméras et sites sont placés sur fond uni.',
  'map.unplaced': '{count} caméra(s) sans position ne figurent pas sur la carte.',
  'map.nonePlaced': 'Aucune caméra de votre périmètre n’a de position.',
  'map.fit': 'Recadrer sur les caméras',
  'map.legend': 'Légende',
  'map.site': 'Site',
  'map.fov': 'Cône de vision',
  'map.select': 'Choisissez une caméra sur la carte (clic, ou Tab puis Entrée).',
  'map.kind': 'Type',
  'map.heading': 'Orientation',
  'map.headingValue': '{deg}° (cône de {angle}°)',
  'map.noHeading': 'inconnue : pas de cône',
  'map.live': 'Direct',
  'map.noLive': 'Votre rôle ne donne pas accès au direct.',
  'map.liveBlocked': 'Votre accès aux images est actuellement refusé.',
  'map.playback': 'Relire cette caméra',
  'map.close': 'Fermer',
  'map.unplacedList': 'Caméras sans position',
} as const satisfies Messages;

const en: Record<keyof typeof fr, Message> = {
  'map.title': 'Map',
  'map.region': 'Map of cameras and sites',
  'map.noTiles': 'No base map configured (VIGIE_MAP_TILE_URL): cameras and sites are placed on a plain background.',
  'map.unplaced': '{count} camera(s) without a position are not on the map.',
  'map.nonePlaced': 'No camera in your scope has a position.',
  'map.fit': 'Fit to the cameras',
  'map.legend': 'Legend',
  'map.site': 'Site',
  'map.fov': 'Field of view',
  'map.select': 'Choose a camera on the map (click, or Tab then Enter).',
  'map.kind': 'Kind',
  'map.heading': 'Heading',
  'map.headingValue': '{deg}° ({angle}° cone)',
  'map.noHeading': 'unknown: no cone',
  'map.live': 'Live',
  'map.noLive': 'Your role has no access to live pictures.',
  'map.liveBlocked': 'Your access to pictures is currently refused.',
  'map.playback': 'Play back this camera',
  'map.close': 'Close',
  'map.unplacedList': 'Cameras without a position',
};

export const mapMessages = { fr, en };
