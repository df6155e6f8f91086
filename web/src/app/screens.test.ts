import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allowedScreens, screenForPath } from './screens.ts';

describe('console screens by role', () => {
  it('shows only what the actions allow', () => {
    const operator = allowedScreens(['commune.read', 'site.read', 'camera.read', 'image.live']);
    assert.deepEqual(
      operator.map((entry) => entry.screen),
      ['live', 'walls', 'cameras', 'map'],
    );
    const auditor = allowedScreens(['camera.read', 'authorisation.read', 'user.read', 'audit.read', 'audit.export', 'audit.verify']);
    assert.deepEqual(
      auditor.map((entry) => entry.screen),
      ['cameras', 'map', 'authorisations', 'users', 'audit'],
    );
    const technician = allowedScreens(['camera.read', 'camera.export']);
    assert.deepEqual(
      technician.map((entry) => entry.screen),
      ['cameras', 'map', 'inventory'],
    );
    assert.deepEqual(allowedScreens([]), []);
  });

  it('falls back to the first allowed screen for an unknown or forbidden address', () => {
    const operator = allowedScreens(['camera.read']);
    assert.equal(screenForPath('/audit', operator)?.screen, 'cameras');
    assert.equal(screenForPath('/', operator)?.screen, 'cameras');
    const admin = allowedScreens(['camera.read', 'audit.read']);
    assert.equal(screenForPath('/audit/anything', admin)?.screen, 'audit');
    assert.equal(screenForPath('/cameras', []), null);
  });

  it('opens the statistics to their readers and to those who record offences', () => {
    assert.ok(allowedScreens(['statistics.read']).some((entry) => entry.screen === 'statistics'));
    assert.ok(allowedScreens(['offence.record']).some((entry) => entry.screen === 'statistics'));
    assert.ok(!allowedScreens(['offence.read']).some((entry) => entry.screen === 'statistics'));
  });
});
