// SQL of the exports module; nothing else touches its tables. Bigint columns come back as
// strings from PostgreSQL: read through Number() here.
import type { Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';
import { inTransaction } from '../../platform/db/database.ts';
import type { EvidencePackagesTable, ExportsSchema } from '../../platform/db/schema.ts';

type Handle = Kysely<ExportsSchema>;

export type PackageRow = Omit<Selectable<EvidencePackagesTable>, 'zip_bytes'> & { zip_bytes: number | null };

export interface PackageItem {
  cameraId: string;
  fromMs: number;
  toMs: number;
}

const toRow = (row: Selectable<EvidencePackagesTable>): PackageRow => ({ ...row, zip_bytes: row.zip_bytes === null ? null : Number(row.zip_bytes) });

export class ExportsRepository {
  constructor(private readonly db: Handle) {}

  transaction<T>(work: (trx: Transaction<ExportsSchema>) => Promise<T>): Promise<T> {
    return inTransaction(this.db, work);
  }

  async insert(trx: Handle, row: Insertable<EvidencePackagesTable>, items: readonly PackageItem[]): Promise<void> {
    await trx.insertInto('evidence_packages').values(row).execute();
    await trx
      .insertInto('evidence_package_items')
      .values(items.map((item, position) => ({ package_id: row.id, position, camera_id: item.cameraId, from_ms: item.fromMs, to_ms: item.toMs })))
      .execute();
  }

  async find(id: string, db: Handle = this.db): Promise<PackageRow | undefined> {
    const row = await db.selectFrom('evidence_packages').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRow(row) : undefined;
  }

  async listOf(requisitionId: string): Promise<PackageRow[]> {
    const rows = await this.db
      .selectFrom('evidence_packages')
      .selectAll()
      .where('requisition_id', '=', requisitionId)
      .orderBy('created_at')
      .limit(500)
      .execute();
    return rows.map(toRow);
  }

  async itemsOf(ids: readonly string[]): Promise<Map<string, PackageItem[]>> {
    const result = new Map<string, PackageItem[]>(ids.map((id) => [id, []]));
    if (ids.length === 0) return result;
    const rows = await this.db
      .selectFrom('evidence_package_items')
      .selectAll()
      .where('package_id', 'in', ids)
      .orderBy('package_id')
      .orderBy('position')
      .execute();
    for (const row of rows) result.get(row.package_id)?.push({ cameraId: row.camera_id, fromMs: Number(row.from_ms), toMs: Number(row.to_ms) });
    return result;
  }

  /** The oldest queued package, moved to `building` in the same statement's transaction; undefined when none waits. */
  async claimNext(at: string): Promise<PackageRow | undefined> {
    return this.transaction(async (trx) => {
      const next = await trx
        .selectFrom('evidence_packages')
        .select('id')
        .where('state', '=', 'queued')
        .orderBy('created_at')
        .orderBy('id')
        .limit(1)
        .executeTakeFirst();
      if (!next) return undefined;
      const claimed = await trx
        .updateTable('evidence_packages')
        .set({ state: 'building', started_at: at, progress: 0, progress_message: 'Démarrage / starting' })
        .where('id', '=', next.id)
        .where('state', '=', 'queued')
        .executeTakeFirst();
      return Number(claimed.numUpdatedRows) === 1 ? this.find(next.id, trx) : undefined;
    });
  }

  /** Live progress of a build (outside any transaction: GET reads it while the build runs). */
  async progress(id: string, fraction: number, message: string): Promise<void> {
    await this.db.updateTable('evidence_packages').set({ progress: fraction, progress_message: message }).where('id', '=', id).execute();
  }

  async update(db: Handle, id: string, changes: Updateable<EvidencePackagesTable>): Promise<void> {
    await db.updateTable('evidence_packages').set(changes).where('id', '=', id).execute();
  }

  /** Packages left `building` by a process that stopped mid-build. */
  async building(): Promise<PackageRow[]> {
    return (await this.db.selectFrom('evidence_packages').selectAll().where('state', '=', 'building').limit(1000).execute()).map(toRow);
  }

  /** Ready packages, oldest first (the purge reads their requisitions' states). */
  async ready(limit: number): Promise<PackageRow[]> {
    return (await this.db.selectFrom('evidence_packages').selectAll().where('state', '=', 'ready').orderBy('finished_at').limit(limit).execute()).map(toRow);
  }
}
