// The one rule of test dependencies: skipped with a reason locally, a failure where required.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { browserRequirement, mqttRequirement, postgresRequirement, skipUnlessRequired } from './requirements.ts';

const missing = { problem: 'there is no browser at /usr/bin/chromium', skipReason: 'no browser at /usr/bin/chromium' };

describe('test requirements', () => {
  it('runs when present, skips with the reason locally, fails when required', () => {
    assert.equal(skipUnlessRequired('Chromium', browserRequirement({}), null), false);
    assert.equal(skipUnlessRequired('Chromium', browserRequirement({}), missing), 'no browser at /usr/bin/chromium');
    assert.throws(() => skipUnlessRequired('Chromium', browserRequirement({ CI: 'true' }), missing), {
      message: 'Chromium is required (CI=true) but there is no browser at /usr/bin/chromium',
    });
    assert.throws(() => skipUnlessRequired('Chromium', browserRequirement({ VIGIE_TEST_POSTGRES_REQUIRED: '1' }), missing), {
      message: 'Chromium is required (VIGIE_TEST_POSTGRES_REQUIRED=1) but there is no browser at /usr/bin/chromium',
    });
  });

  it('the browser is required in CI or with VIGIE_TEST_POSTGRES_REQUIRED=1; PostgreSQL with the latter only, as before', () => {
    assert.deepEqual(
      [
        {},
        { CI: '' },
        { CI: 'false' },
        { CI: '0' },
        { CI: '1' },
        { CI: 'true' },
        { VIGIE_TEST_POSTGRES_REQUIRED: '1' },
        { VIGIE_TEST_POSTGRES_REQUIRED: '0' },
      ].map((environment) => browserRequirement(environment).required),
      [false, false, false, false, true, true, true, false],
    );
    assert.deepEqual(
      [{}, { CI: 'true' }, { VIGIE_TEST_POSTGRES_REQUIRED: '1' }].map((environment) => postgresRequirement(environment).required),
      [false, false, true],
    );
    assert.throws(
      () =>
        skipUnlessRequired('PostgreSQL', postgresRequirement({ VIGIE_TEST_POSTGRES_REQUIRED: '1' }), {
          problem: 'unreachable at postgres://x: ECONNREFUSED',
          skipReason: 'x',
        }),
      { message: 'PostgreSQL is required (VIGIE_TEST_POSTGRES_REQUIRED=1) but unreachable at postgres://x: ECONNREFUSED' },
    );
  });

  it('the MQTT broker is required with VIGIE_TEST_MQTT_REQUIRED=1 only (.ci/run sets it)', () => {
    assert.deepEqual(
      [{}, { CI: 'true' }, { VIGIE_TEST_POSTGRES_REQUIRED: '1' }, { VIGIE_TEST_MQTT_REQUIRED: '1' }].map(
        (environment) => mqttRequirement(environment).required,
      ),
      [false, false, false, true],
    );
    assert.equal(skipUnlessRequired('MQTT broker', mqttRequirement({}), { problem: 'unreachable', skipReason: 'no broker' }), 'no broker');
    assert.throws(() => skipUnlessRequired('MQTT broker', mqttRequirement({ VIGIE_TEST_MQTT_REQUIRED: '1' }), { problem: 'unreachable', skipReason: 'x' }), {
      message: 'MQTT broker is required (VIGIE_TEST_MQTT_REQUIRED=1) but unreachable',
    });
  });
});
