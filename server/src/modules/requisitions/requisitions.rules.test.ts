import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { destructionOf, documentTypeOf, dueAt, dueCountdown, isEditable, mayTransition, transitions } from './requisitions.rules.ts';
import { requisitionStates } from './requisitions.schemas.ts';

describe('requisition rules', () => {
  it('follows the state machine of issue 13 and nothing else', () => {
    const allowed = requisitionStates.flatMap((from) => requisitionStates.filter((to) => mayTransition(from, to)).map((to) => `${from}>${to}`));
    assert.deepEqual(allowed, [
      'received>in_review',
      'received>cancelled',
      'in_review>positive',
      'in_review>negative',
      'in_review>live_viewing_only',
      'in_review>cancelled',
      'positive>exported',
      'negative>closed',
      'live_viewing_only>closed',
      'cancelled>closed',
      'exported>delivered',
      'delivered>closed',
    ]);
    assert.deepEqual(transitions.closed, []);
    assert.deepEqual(
      requisitionStates.filter((state) => isEditable(state)),
      ['received', 'in_review'],
    );
  });

  it('is due 48 h after receipt by default, late after, the clock stopping at the first result', () => {
    const due = dueAt('2026-11-23T10:00:00.000Z', 48);
    assert.equal(due, '2026-11-25T10:00:00.000Z');
    assert.deepEqual(dueCountdown(due, null, new Date('2026-11-25T09:00:00.000Z')), { remainingMs: 3_600_000, overdue: false });
    assert.deepEqual(dueCountdown(due, null, new Date('2026-11-25T11:00:00.000Z')), { remainingMs: -3_600_000, overdue: true });
    assert.deepEqual(dueCountdown(due, '2026-11-24T10:00:00.000Z', new Date('2026-12-01T00:00:00.000Z')), { remainingMs: 86_400_000, overdue: false });
  });

  it('flags held footage within a day of its retention while the requisition is open', () => {
    const now = new Date('2026-11-23T10:00:00.000Z');
    const heldFromMs = Date.parse('2026-11-09T12:00:00.000Z'); // 14 days of retention: destroyed on the 23rd at 12:00
    assert.deepEqual(destructionOf({ heldFromMs }, 14, true, now), { destructionAt: '2026-11-23T12:00:00.000Z', nearDestruction: true });
    assert.equal(destructionOf({ heldFromMs }, 20, true, now).nearDestruction, false);
    assert.equal(destructionOf({ heldFromMs }, 14, false, now).nearDestruction, false, 'a closed requisition flags nothing');
    assert.deepEqual(destructionOf({ heldFromMs: null }, 14, true, now), { destructionAt: null, nearDestruction: false });
  });

  it('recognises PDF, PNG and JPEG by their first bytes only', () => {
    assert.equal(documentTypeOf(Buffer.from('%PDF-1.7\n')), 'application/pdf');
    assert.equal(documentTypeOf(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0])), 'image/png');
    assert.equal(documentTypeOf(Buffer.from([0xff, 0xd8, 0xff, 0xe0])), 'image/jpeg');
    assert.equal(documentTypeOf(Buffer.from('<html>%PDF-')), null);
    assert.equal(documentTypeOf(Buffer.from('MZ\x90\x00')), null);
    assert.equal(documentTypeOf(new Uint8Array()), null);
  });
});
