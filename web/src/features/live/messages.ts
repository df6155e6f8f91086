// Messages of the live screens, French first. Spread into i18n/fr.ts and i18n/en.ts; every
// French key must have its English twin (the compiler checks en.ts as Record<MessageKey, string>).
const fr = {
  'live.title': 'Direct',
} as const;

const en: Record<keyof typeof fr, string> = {
  'live.title': 'Live',
};

export const liveMessages = { fr, en };
