// What a test run must have: PostgreSQL for the itests, an MQTT broker for the alarm intake's, Debian's Chromium for the e2e tests.
// One rule for both: missing locally, the suites are skipped with the reason shown by the test
// runner; missing where the run declares them required (VIGIE_TEST_POSTGRES_REQUIRED=1, set by
// .ci/run; for the browser also CI), the test file fails instead of passing by skipping.

export interface TestRequirement {
  /** Whether this run must have it. */
  required: boolean;
  /** Why it is required, for the failure message ("VIGIE_TEST_POSTGRES_REQUIRED=1"). */
  because: string;
}

const environmentRequires = (environment: NodeJS.ProcessEnv): string | null => {
  if (environment.VIGIE_TEST_POSTGRES_REQUIRED === '1') return 'VIGIE_TEST_POSTGRES_REQUIRED=1';
  const ci = environment.CI;
  if (ci !== undefined && ci !== '' && ci !== '0' && ci !== 'false') return `CI=${ci}`;
  return null;
};

/** PostgreSQL: required when VIGIE_TEST_POSTGRES_REQUIRED=1. */
export function postgresRequirement(environment: NodeJS.ProcessEnv = process.env): TestRequirement {
  const required = environment.VIGIE_TEST_POSTGRES_REQUIRED === '1';
  return { required, because: 'VIGIE_TEST_POSTGRES_REQUIRED=1' };
}

/** The MQTT broker (Mosquitto on 127.0.0.1:1883) for the alarm intake tests: required when VIGIE_TEST_MQTT_REQUIRED=1. */
export function mqttRequirement(environment: NodeJS.ProcessEnv = process.env): TestRequirement {
  return { required: environment.VIGIE_TEST_MQTT_REQUIRED === '1', because: 'VIGIE_TEST_MQTT_REQUIRED=1' };
}

/** Chromium for the e2e tests: required when VIGIE_TEST_POSTGRES_REQUIRED=1 or CI is set. */
export function browserRequirement(environment: NodeJS.ProcessEnv = process.env): TestRequirement {
  const because = environmentRequires(environment);
  return { required: because !== null, because: because ?? 'VIGIE_TEST_POSTGRES_REQUIRED=1 or CI' };
}

/**
 * The `skip` option of a suite needing something: false when it is there (`missing` null), the
 * reason to skip when it is missing locally; throws when it is missing and required.
 */
export function skipUnlessRequired(what: string, requirement: TestRequirement, missing: { problem: string; skipReason: string } | null): string | false {
  if (missing === null) return false;
  if (requirement.required) throw new Error(`${what} is required (${requirement.because}) but ${missing.problem}`);
  return missing.skipReason;
}
