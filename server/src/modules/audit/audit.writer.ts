// Child process for the concurrency test: appends N audit rows through its own connection.
// Usage: node --import tsx audit.writer.ts '<database config json>' <count> <label> [<folder of chain.key and signing.key>]
import { join } from 'node:path';
import { systemClock } from '../../platform/clock.ts';
import { loadOrCreateChainKeys } from '../../platform/chain-keys.ts';
import { openDatabase } from '../../platform/db/database.ts';
import { auditServiceOn } from './audit.fixtures.ts';

const [configJson, countText, label, keysFolder] = process.argv.slice(2);
const database = openDatabase(JSON.parse(configJson!), { poolSize: 4 });
// The same keys as the test's own writer: the rows of every process form one keyed chain.
const keys = keysFolder
  ? await loadOrCreateChainKeys({ chainKeyFile: join(keysFolder, 'chain.key'), signingKeyFile: join(keysFolder, 'signing.key') }, async () => ({
      auditThroughSeq: 0,
      segmentsThroughId: 0,
    }))
  : null;
const audit = auditServiceOn(database.db, database.dialect, systemClock, { key: keys?.audit });
const count = Number(countText);
await Promise.all(
  Array.from({ length: count }, (_, index) =>
    audit.recordAlone({ type: 'system', id: null, login: label ?? 'writer' }, { action: 'test.concurrent', details: { index } }),
  ),
);
await database.close();
