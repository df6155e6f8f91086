// The job registry as a process shows it (issue 10): every module's jobs, each run's outcome,
// a failure raised as a technical event, and who may see it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext } from '../../testing/context.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { type SignedIn, signIn } from '../../testing/http.ts';

/** Every periodic job of the modules, with the role whose processes run it. */
const expectedJobs = {
  'alarms.cap-poll': 'worker',
  'alarms.dc09-listener': 'worker',
  'alarms.dc09-supervision': 'worker',
  'alarms.escalation': 'api',
  'alarms.mqtt-intake': 'worker',
  'alarms.procedure-escalation': 'api',
  'audit.checkpoint': 'worker',
  'audit.purge': 'worker',
  'auth.session-purge': 'worker',
  'camera-health.picture-checks': 'recorder',
  'devices.facts': 'worker',
  'exports.build': 'worker',
  'exports.purge': 'worker',
  'masks.check': 'worker',
  'oncall.dispatch': 'worker',
  'oncall.escalation': 'worker',
  'onvif-events.pull': 'worker',
  'playback.close-idle': 'worker',
  'ptz.patrol': 'api',
  'ptz.position-watch': 'recorder',
  'recording.reconcile': 'recorder',
  'retention.hold-review': 'worker',
  'retention.purge': 'recorder',
  'retention.register-recorded': 'worker',
  'storage.space-check': 'recorder',
};

interface JobView {
  name: string;
  role: string;
  runs: number;
  failures: number;
  running: boolean;
  lastStartedAt: string | null;
  lastDurationMs: number | null;
  lastError: string | null;
  lastErrorAt: string | null;
}

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`job registry in /api/health/jobs [${dialect}]`, { skip }, () => {
    let context: TestContext;
    let admin: SignedIn;

    const jobs = async (): Promise<JobView[]> => {
      const response = await admin.request({ method: 'GET', url: '/api/health/jobs' });
      assert.equal(response.statusCode, 200);
      return response.json().jobs;
    };

    before(async () => {
      context = await createTestContext(dialect);
      admin = await signIn(context, 'administrator', 'all');
    });
    after(async () => context?.close());

    it('lists every module job with its role, none run yet in a process that has not started them', async () => {
      const listed = await jobs();
      assert.deepEqual(Object.fromEntries(listed.map((job) => [job.name, job.role])), expectedJobs);
      for (const job of listed) {
        assert.equal(job.runs, 0, job.name);
        assert.equal(job.lastStartedAt, null, job.name);
      }
    });

    it('shows a run: its start, its duration, no error', async () => {
      context.clock.advance(60_000);
      const at = context.clock.now().toISOString();
      await context.services.jobs.runNow('playback.close-idle');
      const job = (await jobs()).find((entry) => entry.name === 'playback.close-idle');
      assert.equal(job?.runs, 1);
      assert.equal(job?.failures, 0);
      assert.equal(job?.lastStartedAt, at);
      assert.equal(typeof job?.lastDurationMs, 'number');
      assert.equal(job?.lastError, null);
    });

    it('keeps a failure with its time and raises it as a job_failed technical event', async () => {
      context.services.jobs.add([
        {
          name: 'test.failing',
          role: 'worker',
          intervalMs: 60_000,
          run: async () => {
            throw new Error('volume unreachable');
          },
        },
      ]);
      context.clock.advance(60_000);
      const at = context.clock.now().toISOString();
      await context.services.jobs.runNow('test.failing');
      const job = (await jobs()).find((entry) => entry.name === 'test.failing');
      assert.equal(job?.failures, 1);
      assert.equal(job?.lastError, 'volume unreachable');
      assert.equal(job?.lastErrorAt, at);
      const events = await context.services.technicalEvents.list({ code: 'job_failed' }, null);
      assert.equal(events.length, 1);
      assert.equal(events[0]?.severity, 'warning');
      assert.equal(events[0]?.message, 'test.failing: volume unreachable');
      assert.deepEqual(events[0]?.details, { job: 'test.failing' });
    });

    it('is for administrators: an operator is refused, an anonymous caller must sign in; /api/health stays public', async () => {
      const operator = await signIn(context, 'operator', 'all');
      const refused = await operator.request({ method: 'GET', url: '/api/health/jobs' });
      assert.equal(refused.statusCode, 403);
      assert.equal(refused.json().code, 'forbidden');
      const anonymous = await context.app.inject({ method: 'GET', url: '/api/health/jobs' });
      assert.equal(anonymous.statusCode, 401);
      assert.equal(anonymous.json().code, 'unauthenticated');
      const health = await context.app.inject({ method: 'GET', url: '/api/health' });
      assert.equal(health.statusCode, 200);
      assert.equal(health.json().status, 'ok');
    });
  });
}
