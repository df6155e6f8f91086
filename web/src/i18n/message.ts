// What a message of the console is: a text, or plural forms chosen by Intl.PluralRules from the
// `count` value (French: 0 and 1 take `one`; English: only 1 does). `{name}` marks a value
// filled in by t(). Pure, no DOM.

/** Plural forms: `other` always, and the categories the language uses (`one` for fr and en). */
export type PluralForms = { readonly other: string } & { readonly [category in Intl.LDMLPluralRule]?: string };
export type Message = string | PluralForms;
export type Messages = Readonly<Record<string, Message>>;

export function isPlural(message: Message): message is PluralForms {
  return typeof message === 'object' && message !== null;
}

/** Every text of a message (its forms for a plural), to check placeholders and typography. */
export function textsOf(message: Message): string[] {
  return isPlural(message) ? Object.values(message).filter((text): text is string => typeof text === 'string') : [message];
}
