// What an alarm can be (docs/alarms.md "Types"): its types with their default priority and
// French/English names, its states and the only transitions allowed between them, how it is
// closed, and which technical events become which technical alarm. Pure: no IO.

/** 1 is the most urgent; the queue sorts on it, then on age. */
export const priorities = { critical: 1, high: 2, normal: 3, low: 4 } as const;
export type PriorityName = keyof typeof priorities;

interface TypeEntry {
  fr: string;
  en: string;
  priority: PriorityName;
  /** Raised only by the built-in technical source, never by a sender. */
  technical: boolean;
}

export const alarmTypes = {
  pti_sos: { fr: 'PTI : alerte SOS', en: 'Lone worker: SOS', priority: 'critical', technical: false },
  pti_man_down: { fr: 'PTI : perte de verticalité', en: 'Lone worker: man down', priority: 'critical', technical: false },
  pti_link_lost: { fr: 'PTI : perte de liaison', en: 'Lone worker: link lost', priority: 'high', technical: false },
  intrusion: { fr: 'Intrusion', en: 'Intrusion', priority: 'high', technical: false },
  fire: { fr: 'Incendie', en: 'Fire', priority: 'critical', technical: false },
  panel_tamper: { fr: 'Sabotage de centrale', en: 'Panel tamper', priority: 'high', technical: false },
  ppms_intrusion_attack: { fr: 'PPMS : intrusion / attentat', en: 'School lockdown: intrusion / attack', priority: 'critical', technical: false },
  ppms_confinement: { fr: 'PPMS : confinement', en: 'School lockdown: confinement', priority: 'critical', technical: false },
  ppms_evacuation: { fr: 'PPMS : évacuation', en: 'School lockdown: evacuation', priority: 'critical', technical: false },
  prefecture_alert: { fr: 'Alerte préfectorale', en: 'Prefecture alert', priority: 'high', technical: false },
  weather_alert: { fr: 'Alerte météo', en: 'Weather alert', priority: 'normal', technical: false },
  supervision_lost: { fr: 'Perte de supervision', en: 'Supervision lost', priority: 'high', technical: false },
  camera_offline: { fr: 'Caméra hors ligne', en: 'Camera offline', priority: 'normal', technical: true },
  picture_below_floor: { fr: 'Image sous le plancher légal', en: 'Picture below the legal floor', priority: 'normal', technical: true },
  // Picture checks of the camera-health module (docs/health.md): covered, turned, sprayed; blurred, frozen.
  tamper_suspected: { fr: 'Sabotage de caméra suspecté', en: 'Camera tamper suspected', priority: 'high', technical: true },
  picture_fault: { fr: 'Défaut d’image', en: 'Picture fault', priority: 'normal', technical: true },
  storage_low: { fr: 'Stockage insuffisant', en: 'Storage low', priority: 'high', technical: true },
  purge_failed: { fr: 'Échec de la purge', en: 'Purge failed', priority: 'critical', technical: true },
  mask_check_failed: { fr: 'Masquage non vérifié', en: 'Mask check failed', priority: 'high', technical: true },
  authorisation_expiring: { fr: 'Autorisation préfectorale expirant', en: 'Authorisation expiring', priority: 'low', technical: true },
} as const satisfies Record<string, TypeEntry>;
export type AlarmType = keyof typeof alarmTypes;
export const alarmTypeCodes = Object.keys(alarmTypes) as [AlarmType, ...AlarmType[]];
/** What a webhook or MQTT sender may send (technical types come from technical events only). */
export const senderTypeCodes = alarmTypeCodes.filter((type) => !alarmTypes[type].technical) as [AlarmType, ...AlarmType[]];

export const alarmStates = ['new', 'taken', 'acknowledged', 'in_progress', 'closed'] as const;
export type AlarmState = (typeof alarmStates)[number];

/** The operator's actions, each the only way from one state to the next. */
export const transitions = {
  take: { from: 'new', to: 'taken' },
  acknowledge: { from: 'taken', to: 'acknowledged' },
  start: { from: 'acknowledged', to: 'in_progress' },
  close: { from: 'in_progress', to: 'closed' },
} as const satisfies Record<string, { from: AlarmState; to: AlarmState }>;
export type AlarmAction = keyof typeof transitions;

export const stateLabels: Record<AlarmState, { fr: string; en: string }> = {
  new: { fr: 'Nouvelle', en: 'New' },
  taken: { fr: 'Prise en charge', en: 'Taken' },
  acknowledged: { fr: 'Acquittée', en: 'Acknowledged' },
  in_progress: { fr: 'En cours de traitement', en: 'In progress' },
  closed: { fr: 'Clôturée', en: 'Closed' },
};

export const outcomes = {
  handled: { fr: 'Traitée (intervention ou levée de doute)', en: 'Handled (intervention or check)' },
  false_alarm: { fr: 'Fausse alarme', en: 'False alarm' },
  test: { fr: 'Essai', en: 'Test' },
  technical: { fr: 'Défaut technique', en: 'Technical fault' },
} as const;
export type AlarmOutcome = keyof typeof outcomes;
export const outcomeCodes = Object.keys(outcomes) as [AlarmOutcome, ...AlarmOutcome[]];

/** Whether `action` may move an alarm in `state`. */
export function transitionAllowed(action: AlarmAction, state: AlarmState): boolean {
  return transitions[action].from === state;
}

/** A technical event code becomes this alarm type; `restore` codes attach to the alarm the `of` codes raised. */
export type TechnicalMapping = { type: AlarmType; event: 'alarm' } | { type: AlarmType; event: 'restore' };

export const technicalEventAlarms: Readonly<Record<string, TechnicalMapping>> = {
  recorder_failed: { type: 'camera_offline', event: 'alarm' },
  recorder_recovered: { type: 'camera_offline', event: 'restore' },
  camera_video_loss: { type: 'camera_offline', event: 'alarm' },
  camera_video_restored: { type: 'camera_offline', event: 'restore' },
  resolution_below_floor: { type: 'picture_below_floor', event: 'alarm' },
  fps_below_floor: { type: 'picture_below_floor', event: 'alarm' },
  quality_restored: { type: 'picture_below_floor', event: 'restore' },
  storage_low: { type: 'storage_low', event: 'alarm' },
  storage_exhausted: { type: 'storage_low', event: 'alarm' },
  storage_unavailable: { type: 'storage_low', event: 'alarm' },
  purge_failed: { type: 'purge_failed', event: 'alarm' },
  mask_not_in_force: { type: 'mask_check_failed', event: 'alarm' },
  mask_check_failed: { type: 'mask_check_failed', event: 'alarm' },
  onvif_events_lost: { type: 'supervision_lost', event: 'alarm' },
  onvif_events_restored: { type: 'supervision_lost', event: 'restore' },
  picture_covered: { type: 'tamper_suspected', event: 'alarm' },
  camera_moved: { type: 'tamper_suspected', event: 'alarm' },
  picture_obstructed: { type: 'tamper_suspected', event: 'alarm' },
  picture_tamper_cleared: { type: 'tamper_suspected', event: 'restore' },
  picture_blurred: { type: 'picture_fault', event: 'alarm' },
  picture_frozen: { type: 'picture_fault', event: 'alarm' },
  picture_fault_cleared: { type: 'picture_fault', event: 'restore' },
};

/** The fold key of a receipt: repeats of one (source, type, key) within the window are one alarm. */
export function foldKey(siteId: string | null, zone: string | null): string {
  return `${siteId ?? ''}|${zone ?? ''}`;
}
