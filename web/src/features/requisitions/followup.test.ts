import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { acknowledgementMode, handoverBody, hoursMinutes, manualBody } from './followup.ts';

describe('requisition review hours and handovers (console logic)', () => {
  it('shows seconds as hours and minutes', () => {
    assert.deepEqual(hoursMinutes(3 * 3600 + 5 * 60 + 20), { hours: 3, minutes: 5, negative: false });
    assert.deepEqual(hoursMinutes(-600), { hours: 0, minutes: 10, negative: true });
  });

  it('checks the manual entry: minutes bounded, a negative one names what it corrects', () => {
    const draft = { minutes: '30', date: '2026-11-23', comment: 'Relecture poste 2', correctsEntryId: '' };
    assert.deepEqual(manualBody(draft), { body: { minutes: 30, date: '2026-11-23', comment: 'Relecture poste 2' } });
    assert.deepEqual(manualBody({ ...draft, minutes: '0' }), { problem: 'minutes' });
    assert.deepEqual(manualBody({ ...draft, minutes: '601' }), { problem: 'minutes' });
    assert.deepEqual(manualBody({ ...draft, minutes: '-10' }), { problem: 'corrects' });
    assert.deepEqual(manualBody({ ...draft, minutes: '-10', correctsEntryId: 'e1' }), {
      body: { minutes: -10, date: '2026-11-23', comment: 'Relecture poste 2', correctsEntryId: 'e1' },
    });
    assert.deepEqual(manualBody({ ...draft, comment: ' a ' }), { problem: 'comment' });
  });

  it('turns the handover form into the API body, Paris time to UTC', () => {
    const draft = {
      medium: 'usb_key' as const,
      recipientName: 'Karim Benali',
      recipientRank: 'Lieutenant',
      recipientUnit: 'Commissariat central',
      handedAt: '2026-11-23T11:05',
      packageId: '',
      comment: '',
    };
    assert.deepEqual(handoverBody(draft), {
      body: {
        medium: 'usb_key',
        recipientName: 'Karim Benali',
        recipientRank: 'Lieutenant',
        recipientUnit: 'Commissariat central',
        handedAt: '2026-11-23T10:05:00.000Z',
      },
    });
    assert.deepEqual(handoverBody({ ...draft, recipientName: ' ' }), { problem: 'required' });
    assert.deepEqual(handoverBody({ ...draft, packageId: '../x' }), { problem: 'package' });
  });

  it('offers the console acknowledgement to police users, the scan to those who record handovers', () => {
    assert.equal(acknowledgementMode('police', ['requisition.read', 'requisition.file']), 'console');
    assert.equal(acknowledgementMode('operator', ['requisition.read', 'requisition.handover']), 'scan');
    assert.equal(acknowledgementMode('auditor', ['requisition.read']), null);
  });
});
