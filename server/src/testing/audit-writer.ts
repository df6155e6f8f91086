// Child process for the concurrency test: appends N audit rows through its own connection.
// Usage: node --import tsx audit-writer.ts '<database config json>' <count> <label>
import { systemClock } from '../platform/clock.ts';
import { openDatabase } from '../platform/db/database.ts';
import { AuditService } from '../modules/audit/audit.service.ts';

const [configJson, countText, label] = process.argv.slice(2);
const database = openDatabase(JSON.parse(configJson!), { poolSize: 4 });
const audit = new AuditService(database.db, database.dialect, systemClock);
const count = Number(countText);
await Promise.all(
  Array.from({ length: count }, (_, index) =>
    audit.recordAlone({ type: 'system', id: null, login: label ?? 'writer' }, { action: 'test.concurrent', details: { index } }),
  ),
);
await database.close();
