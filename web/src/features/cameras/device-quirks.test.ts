import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { translatorFor } from '../../i18n/translate.ts';
import {
  emptyQuirkForm,
  overrideFromForm,
  QUIRK_FORM_FIELDS,
  quirkFieldLabel,
  quirkFormFrom,
  quirkProblemText,
  quirkValueText,
  sameOverride,
} from './device-quirks.ts';

const fr = translatorFor('fr');
const en = translatorFor('en');

describe('ONVIF quirks form', () => {
  it('reads an override into the form and back, every field, empty meaning "learned"', () => {
    const override = {
      auth: 'digest',
      serviceDiscovery: 'services',
      moveTimeout: 'omit',
      minMoveTimeoutMs: 500,
      maxMoveTimeoutMs: 60_000,
      zoom: false,
      panTilt: true,
      maxPresets: 32,
    } as const;
    const form = quirkFormFrom(override);
    assert.deepEqual(form, {
      auth: 'digest',
      serviceDiscovery: 'services',
      moveTimeout: 'omit',
      minMoveTimeoutMs: '500',
      maxMoveTimeoutMs: '60000',
      zoom: 'false',
      panTilt: 'true',
      maxPresets: '32',
    });
    assert.deepEqual(overrideFromForm(form), { override, problems: [] });
    assert.deepEqual(quirkFormFrom({}), emptyQuirkForm());
    assert.deepEqual(overrideFromForm(emptyQuirkForm()), { override: {}, problems: [] }, 'all cleared: everything back to learning');
    assert.deepEqual(overrideFromForm({ ...emptyQuirkForm(), zoom: 'false', maxPresets: ' 8 ' }).override, { zoom: false, maxPresets: 8 });
  });

  it('refuses what the server would refuse, before sending', () => {
    const form = { ...emptyQuirkForm(), minMoveTimeoutMs: '1.5', maxMoveTimeoutMs: '50', maxPresets: 'beaucoup' };
    assert.deepEqual(overrideFromForm(form), {
      override: null,
      problems: [
        { field: 'minMoveTimeoutMs', problem: 'not_integer' },
        { field: 'maxMoveTimeoutMs', problem: 'out_of_range', min: 100, max: 600_000 },
        { field: 'maxPresets', problem: 'not_integer' },
      ],
    });
    const crossed = overrideFromForm({ ...emptyQuirkForm(), minMoveTimeoutMs: '5000', maxMoveTimeoutMs: '1000' });
    assert.deepEqual(crossed.problems, [{ field: 'minMoveTimeoutMs', problem: 'min_above_max' }]);
    assert.equal(quirkProblemText(crossed.problems[0]!, fr), 'La durée minimale dépasse la durée maximale.');
    assert.equal(quirkProblemText({ field: 'maxPresets', problem: 'out_of_range', min: 1, max: 1000 }, en), 'Between 1 and 1000.');
    assert.deepEqual(overrideFromForm({ ...emptyQuirkForm(), auth: 'basic' }).override, {}, 'a value outside the choices is not sent');
  });

  it('says when nothing changed, whatever the order of the fields', () => {
    assert.equal(sameOverride({ zoom: false, moveTimeout: 'omit' }, { moveTimeout: 'omit', zoom: false }), true);
    assert.equal(sameOverride({ zoom: false }, {}), false);
    assert.equal(sameOverride({}, {}), true);
  });

  it('names each field and value in French and English', () => {
    for (const { field } of QUIRK_FORM_FIELDS) {
      const key = quirkFieldLabel(field);
      assert.ok(fr(key) !== key && en(key) !== key && fr(key).length > 0, field);
    }
    assert.equal(fr(quirkFieldLabel('moveTimeout')), 'Durée (Timeout) des mouvements');
    assert.equal(quirkValueText('auth', 'digest', fr), 'HTTP Digest');
    assert.equal(quirkValueText('moveTimeout', 'omit', fr), 'omise (Vigie arrête la tête)');
    assert.equal(quirkValueText('moveTimeout', 'omit', en), 'left out (Vigie stops the head)');
    assert.equal(quirkValueText('zoom', false, fr), 'non');
    assert.equal(quirkValueText('zoom', 'true', en), 'yes');
    assert.equal(quirkValueText('minMoveTimeoutMs', 500, fr), '500 ms');
    assert.equal(quirkValueText('maxPresets', 64, fr), '64');
    assert.equal(quirkValueText('serviceDiscovery', undefined, fr), 'inconnu');
  });
});
