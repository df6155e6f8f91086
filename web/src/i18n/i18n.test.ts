import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { en } from './en.ts';
import { fr } from './fr.ts';
import { placeholdersOf, translate } from './translate.ts';

describe('console dictionaries', () => {
  it('English has every French key and no other', () => {
    const frenchKeys = Object.keys(fr).sort();
    const englishKeys = Object.keys(en).sort();
    assert.deepEqual(frenchKeys.filter((key) => !englishKeys.includes(key)), [], 'missing in English');
    assert.deepEqual(englishKeys.filter((key) => !frenchKeys.includes(key)), [], 'unknown to French');
  });

  it('no message is empty and both languages use the same placeholders', () => {
    for (const key of Object.keys(fr) as (keyof typeof fr)[]) {
      assert.ok(fr[key].trim().length > 0, `fr ${key} empty`);
      assert.ok(en[key].trim().length > 0, `en ${key} empty`);
      assert.deepEqual(placeholdersOf(en[key]), placeholdersOf(fr[key]), `placeholders of ${key}`);
    }
  });

  it('French typography: no straight apostrophe in French messages', () => {
    for (const [key, message] of Object.entries(fr)) assert.ok(!message.includes("'"), `${key} uses ' instead of ’`);
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    assert.equal(translate('fr', 'cameras.count', { shown: 3, total: 12 }), '3 / 12 caméras');
    assert.equal(translate('en', 'cameras.count', { shown: 3, total: 12 }), '3 / 12 cameras');
    assert.equal(translate('en', 'cameras.count', { shown: 3 }), '3 / {total} cameras');
    assert.equal(translate('fr', 'signin.submit'), 'Se connecter');
  });
});
