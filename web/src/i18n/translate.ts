// The console's own small i18n: the feature message files assembled in messages.ts, and
// t(key, values). A message is a text or plural forms chosen by Intl.PluralRules from the
// `count` value. Pure, no DOM, so Node's test runner checks it. The React side (context,
// persisted choice) is in i18n.tsx.
import { isPlural, type Message, type PluralForms } from './message.ts';
import { en, fr, type MessageKey } from './messages.ts';

export type Language = 'fr' | 'en';
export type { Message, MessageKey };
export const languages: readonly Language[] = ['fr', 'en'];
export const dictionaries: Record<Language, Record<MessageKey, Message>> = { fr, en };

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

const pluralRules = new Map<Language, Intl.PluralRules>();

/** The form of `forms` for `count` in `language` (`other` when there is no count). */
export function pluralForm(language: Language, forms: PluralForms, count: unknown): string {
  const number = typeof count === 'number' ? count : typeof count === 'string' && count.trim() !== '' ? Number(count) : Number.NaN;
  if (!Number.isFinite(number)) return forms.other;
  let rules = pluralRules.get(language);
  if (!rules) {
    rules = new Intl.PluralRules(language);
    pluralRules.set(language, rules);
  }
  return forms[rules.select(number)] ?? forms.other;
}

/** A message in `language` with its placeholders filled; unknown ones stay visible. */
export function formatMessage(language: Language, message: Message, values?: Record<string, string | number>): string {
  const template = isPlural(message) ? pluralForm(language, message, values?.count) : message;
  if (!values) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

export function translate(language: Language, key: MessageKey, values?: Record<string, string | number>): string {
  return formatMessage(language, dictionaries[language][key] ?? fr[key], values);
}

export function translatorFor(language: Language): Translate {
  return (key, values) => translate(language, key, values);
}

/** The placeholders a message uses, to check both languages fill the same values. */
export function placeholdersOf(message: string): string[] {
  return [...message.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '').sort();
}

export function isLanguage(value: unknown): value is Language {
  return value === 'fr' || value === 'en';
}

/** Locale for Intl formatting: French dates, British English (day first, 24 h). */
export function localeOf(language: Language): string {
  return language === 'fr' ? 'fr-FR' : 'en-GB';
}

/**
 * A text the server sends in both languages (`message_fr` / `message_en`, error bodies, live
 * errors, import lines): the chosen one, else the other one.
 */
export function serverText(language: Language, french: string | null | undefined, english: string | null | undefined): string | null {
  return (language === 'en' ? (english ?? french) : (french ?? english)) ?? null;
}
