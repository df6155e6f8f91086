// The demo's procedures on both databases: declared once (a second start leaves them), valid
// against the procedures' own rules, and copied onto a demo PTI alarm.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestContext, testCli, type TestContext } from '../testing/context.ts';
import { dialectsUnderTest } from '../testing/databases.ts';
import { communeA, createCommunesAndSites } from '../testing/inventory.fixtures.ts';
import { ensureDemoProcedures } from './demo-procedures.ts';

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`demo procedures [${dialect}]`, { skip }, () => {
    let context: TestContext;
    before(async () => {
      context = await createTestContext(dialect);
      await createCommunesAndSites(context);
    });
    after(async () => context?.close());

    it('are declared once, and a PTI SOS alarm gets its checklist', async () => {
      await ensureDemoProcedures(context.services);
      await ensureDemoProcedures(context.services);
      const procedures = await context.services.alarms.procedures.service.list(null);
      assert.deepEqual(
        procedures.map((procedure) => [procedure.alarmType, procedure.version]).sort(),
        [
          ['pti_sos', 1],
          ['ppms_intrusion_attack', 1],
        ].sort(),
      );
      const source = await context.services.alarms.service.createSource({ id: 'demo-pti-test', kind: 'webhook', communeInsee: communeA, name: 'PTI' }, testCli);
      const received = await context.services.alarms.intake.receive(
        { ...(await context.services.alarms.intake.authenticate(source.id, `Bearer ${source.token}`)) },
        { channel: 'webhook', payload: { eventId: 'sos-1', type: 'pti_sos' }, raw: '{}' },
      );
      const steps = await context.services.alarms.procedures.service.steps(received.alarmId ?? '', null);
      assert.equal(steps.steps[0]?.deadlineSeconds, 30);
      assert.equal(steps.steps.length, 4);
    });
  });
}
