// The console's own small i18n: two typed dictionaries and t(key, values). Pure, no DOM, so
// Node's test runner checks it. The React side (context, persisted choice) is in i18n.tsx.
import { en } from './en.ts';
import { fr, type MessageKey } from './fr.ts';

export type Language = 'fr' | 'en';
export type { MessageKey };
export const languages: readonly Language[] = ['fr', 'en'];
export const dictionaries: Record<Language, Record<MessageKey, string>> = { fr, en };

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

export function translate(language: Language, key: MessageKey, values?: Record<string, string | number>): string {
  const template = dictionaries[language][key] ?? fr[key];
  if (!values) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

export function translatorFor(language: Language): Translate {
  return (key, values) => translate(language, key, values);
}

/** The placeholders a message uses, to check both languages fill the same values. */
export function placeholdersOf(message: string): string[] {
  return [...message.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!).sort();
}

export function isLanguage(value: unknown): value is Language {
  return value === 'fr' || value === 'en';
}

/** Locale for Intl formatting: French dates, British English (day first, 24 h). */
export function localeOf(language: Language): string {
  return language === 'fr' ? 'fr-FR' : 'en-GB';
}
