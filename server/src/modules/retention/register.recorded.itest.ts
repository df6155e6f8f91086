// The register's "recordings made" rows on both databases: one row per camera and finished
// Paris day, with its audit row; never twice; today is not registered before it is over.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parisMidnightMs } from '../../platform/clock.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import type { RetentionSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';
import { RecordedDaysJob } from './register.recorded.ts';
import { RetentionRepository } from './retention.repository.ts';
import { createRetentionFixture, type RetentionFixture } from '../../testing/retention.fixtures.ts';

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`register of recordings made [${dialect}]`, { skip }, () => {
    let fixture: RetentionFixture;
    before(async () => {
      fixture = await createRetentionFixture(dialect);
      await fixture.addCommune('38999', 14);
      await fixture.addCamera('cam-a', '38999');
      await fixture.addCamera('cam-b', '38999');
    });
    after(async () => fixture?.close());

    it('writes one row per camera and finished Paris day, once', async () => {
      const dayStart = parisMidnightMs('2026-11-21'); // 2026-11-20T23:00Z
      await fixture.addSegments('cam-a', '38999', dayStart - 2 * 60_000, 4); // two minutes of the 20th, two of the 21st
      await fixture.addSegments('cam-b', '38999', dayStart + 3_600_000, 3);
      const job = new RecordedDaysJob(
        new RetentionRepository(tablesOf<RetentionSchema>(fixture.database.handle.db)),
        fixture.repository,
        fixture.audit,
        fixture.clock,
      );
      fixture.clock.set('2026-11-22T08:00:00.000Z');
      assert.equal(await job.run(), 3, 'cam-a on the 20th and the 21st, cam-b on the 21st');
      const rows = await fixture.register.list({ kind: 'recorded' }, null);
      assert.deepEqual(rows.map((row) => [row.cameraId, row.details.day, row.segments]).sort(), [
        ['cam-a', '2026-11-20', 2],
        ['cam-a', '2026-11-21', 2],
        ['cam-b', '2026-11-21', 3],
      ]);
      const the21st = rows.find((row) => row.cameraId === 'cam-a' && row.details.day === '2026-11-21')!;
      assert.equal(the21st.fromMs, dayStart);
      assert.equal(the21st.details.frames, 1200, 'the frames recorded that day (600 per segment here), beside segments and bytes');
      assert.equal(await job.run(), 0, 'never twice');
      await fixture.addSegments('cam-b', '38999', Date.parse('2026-11-22T07:00:00.000Z'), 1);
      assert.equal(await job.run(), 0, 'today is registered once it is over');
      const audited = await fixture.audit.search({ action: 'recording.register_recorded' }, { allCommunes: true, communes: [] });
      assert.equal(audited.total, 2);
    });
  });
}
