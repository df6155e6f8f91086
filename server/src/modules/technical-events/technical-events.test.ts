// The console names every technical event code the server lists, and no other: the two lists
// (technicalEventCodes here, TECHNICAL_EVENT_CODES in the console, which reads no server file)
// must agree, so that a new code is named in French and English where events are shown.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TECHNICAL_EVENT_CODES } from '../../../../web/src/features/technical-events/technical-events.ts';
import { technicalEventCodes } from './technical-events.ts';

describe('technical event codes', () => {
  it('are each listed once, and are the ones the console names', () => {
    assert.equal(new Set(technicalEventCodes).size, technicalEventCodes.length);
    assert.deepEqual([...technicalEventCodes].sort(), [...TECHNICAL_EVENT_CODES].sort());
  });

  it('include what the ONVIF modules raise', () => {
    for (const code of [
      'camera_possibly_swapped',
      'camera_motion',
      'camera_tamper',
      'camera_tamper_cleared',
      'camera_input',
      'camera_video_loss',
      'camera_video_restored',
      'onvif_events_lost',
      'onvif_events_restored',
    ]) {
      assert.ok((technicalEventCodes as readonly string[]).includes(code), code);
    }
  });
});
