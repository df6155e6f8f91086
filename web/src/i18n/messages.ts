// The console's messages, assembled from the feature message files (features/<feature>/
// messages.ts, each `{ fr, en }` with the same keys, French first). French is the console's
// first language and the reference: every key must exist in English too (checked by the
// compiler below, and by i18n.test.ts: same placeholders and plural forms, nothing empty, each
// key in one file only).
import { alarmsMessages } from '../features/alarms/messages.ts';
import { oncallMessages } from '../features/oncall/messages.ts';
import { proceduresMessages } from '../features/alarms/procedures.messages.ts';
import { auditMessages } from '../features/audit/messages.ts';
import { authMessages } from '../features/auth/messages.ts';
import { authorisationsMessages } from '../features/authorisations/messages.ts';
import { camerasMessages } from '../features/cameras/messages.ts';
import { inventoryMessages } from '../features/inventory/messages.ts';
import { layoutsMessages } from '../features/layouts/messages.ts';
import { liveMessages } from '../features/live/messages.ts';
import { mapMessages } from '../features/map/messages.ts';
import { masksMessages } from '../features/masks/messages.ts';
import { onvifMessages } from '../features/onvif/messages.ts';
import { playbackMessages } from '../features/playback/messages.ts';
import { ptzMessages } from '../features/ptz/messages.ts';
import { requisitionsMessages } from '../features/requisitions/messages.ts';
import { requisitionFollowupMessages } from '../features/requisitions/followup.messages.ts';
import { exportsMessages } from '../features/exports/messages.ts';
import { registerMessages } from '../features/register/messages.ts';
import { logbookMessages } from '../features/logbook/messages.ts';
import { shellMessages } from '../features/shell/messages.ts';
import { statisticsMessages } from '../features/statistics/messages.ts';
import { technicalEventsMessages } from '../features/technical-events/messages.ts';
import { usersMessages } from '../features/users/messages.ts';
import { wallsMessages } from '../features/walls/messages.ts';
import { commonMessages } from './common-messages.ts';
import type { Message } from './message.ts';

/** Each message file, by name (i18n.test.ts checks that no key is in two of them). */
export const messageFiles = {
  common: commonMessages,
  shell: shellMessages,
  auth: authMessages,
  cameras: camerasMessages,
  authorisations: authorisationsMessages,
  inventory: inventoryMessages,
  users: usersMessages,
  audit: auditMessages,
  live: liveMessages,
  layouts: layoutsMessages,
  ptz: ptzMessages,
  walls: wallsMessages,
  playback: playbackMessages,
  map: mapMessages,
  masks: masksMessages,
  onvif: onvifMessages,
  technicalEvents: technicalEventsMessages,
  requisitions: requisitionsMessages,
  requisitionFollowup: requisitionFollowupMessages,
  exports: exportsMessages,
  register: registerMessages,
  logbook: logbookMessages,
  statistics: statisticsMessages,
  alarms: alarmsMessages,
  oncall: oncallMessages,
  procedures: proceduresMessages,
} as const;

export const fr = {
  ...commonMessages.fr,
  ...shellMessages.fr,
  ...authMessages.fr,
  ...camerasMessages.fr,
  ...authorisationsMessages.fr,
  ...inventoryMessages.fr,
  ...usersMessages.fr,
  ...auditMessages.fr,
  ...liveMessages.fr,
  ...layoutsMessages.fr,
  ...ptzMessages.fr,
  ...wallsMessages.fr,
  ...playbackMessages.fr,
  ...mapMessages.fr,
  ...masksMessages.fr,
  ...onvifMessages.fr,
  ...technicalEventsMessages.fr,
  ...requisitionsMessages.fr,
  ...requisitionFollowupMessages.fr,
  ...exportsMessages.fr,
  ...registerMessages.fr,
  ...logbookMessages.fr,
  ...statisticsMessages.fr,
  ...alarmsMessages.fr,
  ...oncallMessages.fr,
  ...proceduresMessages.fr,
};

export type MessageKey = keyof typeof fr;

export const en: Record<MessageKey, Message> = {
  ...commonMessages.en,
  ...shellMessages.en,
  ...authMessages.en,
  ...camerasMessages.en,
  ...authorisationsMessages.en,
  ...inventoryMessages.en,
  ...usersMessages.en,
  ...auditMessages.en,
  ...liveMessages.en,
  ...layoutsMessages.en,
  ...ptzMessages.en,
  ...wallsMessages.en,
  ...playbackMessages.en,
  ...mapMessages.en,
  ...masksMessages.en,
  ...onvifMessages.en,
  ...technicalEventsMessages.en,
  ...requisitionsMessages.en,
  ...requisitionFollowupMessages.en,
  ...exportsMessages.en,
  ...registerMessages.en,
  ...logbookMessages.en,
  ...statisticsMessages.en,
  ...alarmsMessages.en,
  ...oncallMessages.en,
  ...proceduresMessages.en,
};
