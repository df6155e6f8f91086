// Messages of the playback screens, French first. Spread into i18n/fr.ts and i18n/en.ts; every
// French key must have its English twin (the compiler checks en.ts as Record<MessageKey, string>).
const fr = {
  'playback.title': 'Relecture',
} as const;

const en: Record<keyof typeof fr, string> = {
  'playback.title': 'Playback',
};

export const playbackMessages = { fr, en };
