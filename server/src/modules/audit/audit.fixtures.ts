// Test helper of the audit module: its service over a test database, keyed or not, with or
// without signed checkpoints (the module constructor always gives it both in a running Vigie).
import type { ChainMac } from '../../platform/chain-keys.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db, Dialect } from '../../platform/db/database.ts';
import type { AuditSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';
import { AuditRepository } from './audit.repository.ts';
import { AuditService } from './audit.service.ts';
import type { CheckpointStore } from './checkpoints.ts';

export function auditServiceOn(db: Db, dialect: Dialect, clock: Clock, chain: { key?: ChainMac; checkpoints?: CheckpointStore } = {}): AuditService {
  return new AuditService(new AuditRepository(tablesOf<AuditSchema>(db), dialect, chain.key), clock, chain);
}
