// The devices module's pure rules: inventory comparison, which cameras are due a read, and
// stored quirk records read back field by field.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dueCameras, macMismatch, modelMismatch, parseQuirks, readSource } from './devices.rules.ts';

describe('device facts against the inventory', () => {
  it('flags a model that is neither the reported one nor a part of it', () => {
    assert.equal(modelMismatch('VS-P4232 Dome PTZ', 'VS-P4232 Dome PTZ'), false);
    assert.equal(modelMismatch('p4232', 'VS-P4232 Dome PTZ'), false, 'a short reference of the same model');
    assert.equal(modelMismatch('VS P4232 dome ptz', 'VS-P4232 Dome PTZ'), false, 'case and punctuation aside');
    assert.equal(modelMismatch('VS-F2130 Bullet', 'VS-P4232 Dome PTZ'), true);
    assert.equal(modelMismatch(null, 'VS-P4232'), false, 'nothing in the inventory: nothing to compare');
    assert.equal(modelMismatch('VS-P4232', null), false);
  });

  it('flags a MAC the camera does not report, whatever its notation', () => {
    assert.equal(macMismatch('00-11-22-AA-BB-CC', ['00:11:22:aa:bb:cc']), false);
    assert.equal(macMismatch('0011.22aa.bbcc', ['00:11:22:aa:bb:cc', '00:11:22:aa:bb:cd']), false);
    assert.equal(macMismatch('00:11:22:aa:bb:cc', ['00:11:22:aa:bb:cd']), true);
    assert.equal(macMismatch(null, ['00:11:22:aa:bb:cd']), false);
    assert.equal(macMismatch('00:11:22:aa:bb:cc', []), false, 'the camera did not say');
    assert.equal(macMismatch('not a mac', ['00:11:22:aa:bb:cd']), false);
  });
});

describe('cameras due a read', () => {
  const now = Date.parse('2026-12-03T12:00:00Z');
  const hour = 3600_000;
  const source = readSource('http://127.0.0.1/onvif/device_service', 'admin');

  it('reads new cameras and changed ONVIF settings at once, the others after the refresh time, oldest first, at most the limit', () => {
    const candidates = [
      { cameraId: 'fresh', source, readSource: source, attemptedAt: new Date(now - hour).toISOString() },
      { cameraId: 'stale', source, readSource: source, attemptedAt: new Date(now - 7 * hour).toISOString() },
      { cameraId: 'new', source, readSource: null, attemptedAt: null },
      {
        cameraId: 'moved',
        source: readSource('http://127.0.0.2/onvif/device_service', 'admin'),
        readSource: source,
        attemptedAt: new Date(now - hour).toISOString(),
      },
      {
        cameraId: 'account',
        source: readSource('http://127.0.0.1/onvif/device_service', 'other'),
        readSource: source,
        attemptedAt: new Date(now - 2 * hour).toISOString(),
      },
    ];
    assert.deepEqual(dueCameras(candidates, now, 6 * hour, 10), ['new', 'stale', 'account', 'moved']);
    assert.deepEqual(dueCameras(candidates, now, 6 * hour, 2), ['new', 'stale']);
    assert.deepEqual(dueCameras(candidates, now, Number.POSITIVE_INFINITY, 10), ['new', 'account', 'moved'], 'no periodic re-read');
  });
});

describe('stored quirk records', () => {
  it('keeps the valid fields and drops the others', () => {
    assert.deepEqual(parseQuirks('{"zoom":false,"moveTimeout":"omit","maxPresets":0,"auth":"basic","extra":1}'), { zoom: false, moveTimeout: 'omit' });
    assert.deepEqual(parseQuirks('not json'), {});
    assert.deepEqual(parseQuirks(null), {});
    assert.deepEqual(parseQuirks('[1]'), {});
  });
});
