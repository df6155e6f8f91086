import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPlural, textsOf, type Message } from './message.ts';
import { en, fr, messageFiles } from './messages.ts';
import { formatMessage, placeholdersOf, pluralForm, serverText, translate } from './translate.ts';

const frenchMessages: Record<string, Message> = fr;
const englishMessages: Record<string, Message> = en;

describe('console dictionaries', () => {
  it('English has every French key and no other', () => {
    const frenchKeys = Object.keys(fr).sort();
    const englishKeys = Object.keys(en).sort();
    assert.deepEqual(
      frenchKeys.filter((key) => !englishKeys.includes(key)),
      [],
      'missing in English',
    );
    assert.deepEqual(
      englishKeys.filter((key) => !frenchKeys.includes(key)),
      [],
      'unknown to French',
    );
  });

  it('every message file has the same keys in both languages, and no key is in two files', () => {
    const owner = new Map<string, string>();
    for (const [name, file] of Object.entries(messageFiles)) {
      const frenchKeys = Object.keys(file.fr).sort();
      assert.deepEqual(Object.keys(file.en).sort(), frenchKeys, `${name}: same keys in fr and en`);
      for (const key of frenchKeys) {
        assert.equal(owner.get(key), undefined, `${key} is in ${owner.get(key)} and ${name}`);
        owner.set(key, name);
      }
    }
    assert.equal(owner.size, Object.keys(fr).length, 'every key comes from a message file');
  });

  it('no message is empty and both languages use the same placeholders', () => {
    for (const [key, french] of Object.entries(frenchMessages)) {
      const english = englishMessages[key] ?? '';
      for (const text of [...textsOf(french), ...textsOf(english)]) assert.ok(text.trim().length > 0, `${key} has an empty text`);
      const frenchPlaceholders = [...new Set(textsOf(french).flatMap(placeholdersOf))].sort();
      const englishPlaceholders = [...new Set(textsOf(english).flatMap(placeholdersOf))].sort();
      assert.deepEqual(englishPlaceholders, frenchPlaceholders, `placeholders of ${key}`);
    }
  });

  it('a plural is a plural in both languages, with `one` and `other` and a count', () => {
    for (const [key, french] of Object.entries(frenchMessages)) {
      const english = englishMessages[key] ?? '';
      assert.equal(isPlural(english), isPlural(french), `${key}: plural in one language only`);
      for (const message of [french, english]) {
        if (!isPlural(message)) continue;
        assert.ok(typeof message.one === 'string' && typeof message.other === 'string', `${key}: one and other forms`);
        assert.ok(
          textsOf(message).some((text) => placeholdersOf(text).includes('count')),
          `${key}: uses {count}`,
        );
      }
    }
  });

  it('French typography: no straight apostrophe in French messages', () => {
    for (const [key, message] of Object.entries(frenchMessages)) {
      for (const text of textsOf(message)) assert.ok(!text.includes("'"), `${key} uses ' instead of ’`);
    }
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    assert.equal(translate('fr', 'cameras.count', { shown: 3, total: 12 }), '3 / 12 caméras');
    assert.equal(translate('en', 'cameras.count', { shown: 3, total: 12 }), '3 / 12 cameras');
    assert.equal(translate('en', 'cameras.count', { shown: 3 }), '3 / {total} cameras');
    assert.equal(translate('fr', 'signin.submit'), 'Se connecter');
  });

  it('texts that used to be chosen inline are messages', () => {
    assert.equal(translate('fr', 'playback.key.space'), 'Espace');
    assert.equal(translate('en', 'playback.key.space'), 'Space');
    assert.equal(translate('fr', 'shortcuts.key.enter'), 'Entrée');
    assert.equal(translate('en', 'shortcuts.key.escape'), 'Esc');
    assert.equal(translate('fr', 'common.parisTime'), 'heure de Paris');
  });
});

describe('plural forms (Intl.PluralRules)', () => {
  const cameras = { one: '{count} caméra', other: '{count} caméras' };
  const camerasEn = { one: '{count} camera', other: '{count} cameras' };

  it('French: 0 and 1 take `one`, 2 and more `other`', () => {
    assert.equal(formatMessage('fr', cameras, { count: 0 }), '0 caméra');
    assert.equal(formatMessage('fr', cameras, { count: 1 }), '1 caméra');
    assert.equal(formatMessage('fr', cameras, { count: 2 }), '2 caméras');
    assert.equal(formatMessage('fr', cameras, { count: 25 }), '25 caméras');
  });

  it('English: only 1 takes `one`', () => {
    assert.equal(formatMessage('en', camerasEn, { count: 0 }), '0 cameras');
    assert.equal(formatMessage('en', camerasEn, { count: 1 }), '1 camera');
    assert.equal(formatMessage('en', camerasEn, { count: 2 }), '2 cameras');
  });

  it('without a usable count, the `other` form (its placeholder left visible)', () => {
    assert.equal(formatMessage('fr', cameras), '{count} caméras');
    assert.equal(pluralForm('fr', cameras, 'not a number'), '{count} caméras');
    assert.equal(pluralForm('fr', cameras, '1'), '{count} caméra');
  });
});

describe('texts the server sends in both languages', () => {
  it('takes the chosen language, else the other one', () => {
    assert.equal(serverText('fr', 'Refusé', 'Refused'), 'Refusé');
    assert.equal(serverText('en', 'Refusé', 'Refused'), 'Refused');
    assert.equal(serverText('en', 'Refusé', null), 'Refusé');
    assert.equal(serverText('fr', null, undefined), null);
  });
});
