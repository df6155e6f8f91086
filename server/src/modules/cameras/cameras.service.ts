// PLACEHOLDER: replaced by the cameras module implementation.
import type { Clock } from '../../platform/clock.ts';
import type { Db, DbOrTx } from '../../platform/db/database.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { AuthorisationsService } from '../authorisations/authorisations.service.ts';

export class CamerasService {
  constructor(readonly db: Db, readonly audit: AuditService, readonly clock: Clock, readonly secrets: SecretBox, readonly authorisations: AuthorisationsService) {}

  /** For the authorisations module: commune, retention override and name of each camera. */
  async inventoryFacts(db: DbOrTx, cameraIds: readonly string[]): Promise<Map<string, { communeInsee: string; retentionDays: number | null; name: string }>> {
    const facts = new Map<string, { communeInsee: string; retentionDays: number | null; name: string }>();
    for (let start = 0; start < cameraIds.length; start += 500) {
      const rows = await db.selectFrom('cameras').select(['id', 'commune_insee', 'retention_days', 'name']).where('id', 'in', cameraIds.slice(start, start + 500)).execute();
      for (const row of rows) facts.set(row.id, { communeInsee: row.commune_insee, retentionDays: row.retention_days, name: row.name });
    }
    return facts;
  }
}
