// The alarm catalogue without IO: the workflow allows each action from one state only, every
// technical event code of the mapping table exists, and senders cannot raise technical types.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { technicalEventCodes } from '../technical-events/index.ts';
import { alarmStates, alarmTypes, senderTypeCodes, technicalEventAlarms, transitionAllowed, transitions, type AlarmAction } from './alarms.catalogue.ts';
import { parsePayload } from './alarms.intake.ts';

describe('alarm catalogue', () => {
  it('allows new -> taken -> acknowledged -> in_progress -> closed and nothing else', () => {
    const allowed = (Object.keys(transitions) as AlarmAction[]).flatMap((action) =>
      alarmStates.filter((state) => transitionAllowed(action, state)).map((state) => `${action}:${state}`),
    );
    assert.deepEqual(allowed, ['take:new', 'acknowledge:taken', 'start:acknowledged', 'close:in_progress']);
  });

  it('maps only technical event codes that exist, to technical alarm types or supervision lost', () => {
    for (const [code, mapping] of Object.entries(technicalEventAlarms)) {
      assert.ok((technicalEventCodes as readonly string[]).includes(code), code);
      assert.ok(alarmTypes[mapping.type].technical || mapping.type === 'supervision_lost', code);
    }
  });

  it('refuses technical types, unknown fields and oversized payloads from senders', () => {
    assert.ok(!senderTypeCodes.some((type) => alarmTypes[type].technical));
    assert.equal(parsePayload('{"eventId":"a","type":"fire"}').type, 'fire');
    for (const bad of [
      '{"eventId":"a","type":"storage_low"}',
      '{"eventId":"a","type":"fire","x":1}',
      'not json',
      JSON.stringify({ eventId: 'a', type: 'fire', title: 'x'.repeat(20_000) }),
    ]) {
      assert.throws(() => parsePayload(bad), { code: 'alarm_payload_invalid' });
    }
  });
});
