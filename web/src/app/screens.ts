// The console's screens, their address and the action that opens each one (from the
// `actions` of GET /api/auth/me). Pure.
import type { MessageKey } from '../i18n/translate.ts';

export type Screen =
  | 'live'
  | 'playback'
  | 'map'
  | 'walls'
  | 'alarms'
  | 'cameras'
  | 'masks'
  | 'authorisations'
  | 'inventory'
  | 'users'
  | 'audit'
  | 'requisitions'
  | 'statistics'
  | 'register'
  | 'logbook'
  | 'oncall';

export interface ScreenEntry {
  screen: Screen;
  path: string;
  label: MessageKey;
  /** Any of these actions opens the screen. */
  anyOf: readonly string[];
}

export const screenEntries: readonly ScreenEntry[] = [
  { screen: 'live', path: '/live', label: 'nav.live', anyOf: ['image.live'] },
  { screen: 'playback', path: '/playback', label: 'nav.playback', anyOf: ['image.playback'] },
  { screen: 'walls', path: '/walls', label: 'nav.walls', anyOf: ['image.live'] },
  { screen: 'alarms', path: '/alarms', label: 'nav.alarms', anyOf: ['alarm.read'] },
  { screen: 'logbook', path: '/logbook', label: 'nav.logbook', anyOf: ['logbook.read'] },
  { screen: 'oncall', path: '/oncall', label: 'nav.oncall', anyOf: ['oncall.read'] },
  { screen: 'cameras', path: '/cameras', label: 'nav.cameras', anyOf: ['camera.read'] },
  { screen: 'map', path: '/map', label: 'nav.map', anyOf: ['camera.read'] },
  { screen: 'masks', path: '/masks', label: 'nav.masks', anyOf: ['mask.write'] },
  { screen: 'authorisations', path: '/authorisations', label: 'nav.authorisations', anyOf: ['authorisation.read'] },
  { screen: 'inventory', path: '/inventory', label: 'nav.inventory', anyOf: ['camera.import', 'camera.write', 'camera.export', 'camera.onvif'] },
  { screen: 'users', path: '/users', label: 'nav.users', anyOf: ['user.read'] },
  { screen: 'audit', path: '/audit', label: 'nav.audit', anyOf: ['audit.read'] },
  { screen: 'requisitions', path: '/requisitions', label: 'nav.requisitions', anyOf: ['requisition.read'] },
  { screen: 'statistics', path: '/statistics', label: 'nav.statistics', anyOf: ['statistics.read', 'offence.record'] },
  { screen: 'register', path: '/register', label: 'nav.register', anyOf: ['register.read'] },
];

export function allowedScreens(actions: readonly string[]): ScreenEntry[] {
  return screenEntries.filter((entry) => entry.anyOf.some((action) => actions.includes(action)));
}

/** The screen an address shows, or the first allowed one. */
export function screenForPath(path: string, allowed: readonly ScreenEntry[]): ScreenEntry | null {
  const first = `/${path.split('/')[1] ?? ''}`;
  return allowed.find((entry) => entry.path === first) ?? allowed[0] ?? null;
}
