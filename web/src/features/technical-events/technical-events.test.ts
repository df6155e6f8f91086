import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { translate } from '../../i18n/translate.ts';
import { TECHNICAL_EVENT_CODES, technicalEventLabelKey } from './technical-events.ts';

describe('technical event names', () => {
  it('names every known code in French and English, and leaves an unknown code to the server’s text', () => {
    assert.equal(new Set(TECHNICAL_EVENT_CODES).size, TECHNICAL_EVENT_CODES.length, 'each code once');
    for (const code of TECHNICAL_EVENT_CODES) {
      const key = technicalEventLabelKey(code);
      assert.equal(key, `technicalEvent.${code}`);
      const [fr, en] = [translate('fr', key!), translate('en', key!)];
      assert.ok(fr !== key && en !== key && fr !== en, `${code}: ${fr} / ${en}`);
    }
    assert.equal(technicalEventLabelKey('camera_tamper'), 'technicalEvent.camera_tamper');
    assert.equal(translate('fr', 'technicalEvent.onvif_events_lost'), 'Événements ONVIF de la caméra perdus');
    assert.equal(technicalEventLabelKey('something_new'), null);
    assert.equal(technicalEventLabelKey('toString'), null);
  });
});
