// SQL of privacy masks; nothing else touches privacy_masks, privacy_mask_history and camera_mask_modes.
import { PostgresAdapter, type Kysely, type Selectable, type Transaction } from 'kysely';
import { inTransaction, type Dialect } from '../../platform/db/database.ts';
import type { MasksSchema, PrivacyMaskHistoryTable, PrivacyMasksTable } from '../../platform/db/schema.ts';
import type { MaskPolygon } from '../../platform/media/mask-image.ts';
import type { MaskRevision } from './masks.coverage.ts';
import type { MaskMode, PrivacyMask } from './masks.rules.ts';

export interface CameraMaskMode {
  cameraId: string;
  communeInsee: string;
  mode: MaskMode;
  /** Null when no mode was ever chosen (the default applies). */
  updatedAt: string | null;
  updatedBy: string | null;
}

function toMask(row: Selectable<PrivacyMasksTable>): PrivacyMask {
  return {
    id: row.id,
    cameraId: row.camera_id,
    communeInsee: row.commune_insee,
    presetToken: row.preset_token,
    name: row.name,
    polygons: JSON.parse(row.polygons) as MaskPolygon[],
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
    revision: row.revision,
  };
}

function toRevision(row: Selectable<PrivacyMaskHistoryTable>): MaskRevision {
  return {
    revision: row.revision,
    maskId: row.mask_id,
    presetToken: row.preset_token,
    polygons: JSON.parse(row.polygons) as MaskPolygon[],
    validFromMs: Date.parse(row.valid_from),
    validToMs: row.valid_to === null ? null : Date.parse(row.valid_to),
  };
}

/** Masks of many cameras, by camera; a camera with a row that cannot be read is named apart, with why. */
export interface MasksByCamera {
  masks: Map<string, PrivacyMask[]>;
  unreadable: Map<string, string>;
}

type Handle = Kysely<MasksSchema>;

export class MasksRepository {
  private readonly postgres: boolean;

  /** The dialect, when not given, is read from the Kysely adapter. */
  constructor(
    private readonly db: Handle,
    dialect?: Dialect,
  ) {
    this.postgres = dialect ? dialect === 'postgres' : db.getExecutor().adapter instanceof PostgresAdapter;
  }

  /** Runs `work` in one transaction on the masks tables (retried on contention); other modules' reads and writes (inventory, audit) join it. */
  transaction<T>(work: (trx: Transaction<MasksSchema>) => Promise<T>): Promise<T> {
    return inTransaction(this.db, work);
  }

  async masksOfCamera(cameraId: string, db: Handle = this.db): Promise<PrivacyMask[]> {
    const rows = await db.selectFrom('privacy_masks').selectAll().where('camera_id', '=', cameraId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toMask);
  }

  /** Masks of many cameras at once (the fleet's reconcile), by camera. */
  async masksOfCameras(cameraIds: readonly string[], db: Handle = this.db): Promise<Map<string, PrivacyMask[]>> {
    const result = new Map<string, PrivacyMask[]>();
    for (let start = 0; start < cameraIds.length; start += 500) {
      const rows = await db
        .selectFrom('privacy_masks')
        .selectAll()
        .where('camera_id', 'in', cameraIds.slice(start, start + 500))
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      for (const row of rows) result.set(row.camera_id, [...(result.get(row.camera_id) ?? []), toMask(row)]);
    }
    return result;
  }

  /** Like masksOfCameras, but a row that cannot be read fails its camera only (the recorder fleet). */
  async masksOfCamerasByCamera(cameraIds: readonly string[], db: Handle = this.db): Promise<MasksByCamera> {
    const result: MasksByCamera = { masks: new Map(), unreadable: new Map() };
    for (let start = 0; start < cameraIds.length; start += 500) {
      const rows = await db
        .selectFrom('privacy_masks')
        .selectAll()
        .where('camera_id', 'in', cameraIds.slice(start, start + 500))
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      for (const row of rows) {
        if (result.unreadable.has(row.camera_id)) continue;
        try {
          const mask = toMask(row);
          if (!mask.revision) throw new Error('no revision');
          result.masks.set(row.camera_id, [...(result.masks.get(row.camera_id) ?? []), mask]);
        } catch (error) {
          result.masks.delete(row.camera_id);
          result.unreadable.set(row.camera_id, `privacy mask ${row.id} unreadable: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
    return result;
  }

  /** The mask, locked on PostgreSQL when read inside a transaction that changes it. */
  async findMask(id: string, db: Handle = this.db, forUpdate = false): Promise<PrivacyMask | undefined> {
    let query = db.selectFrom('privacy_masks').selectAll().where('id', '=', id);
    if (forUpdate && this.postgres) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? toMask(row) : undefined;
  }

  async insertMask(trx: Handle, mask: PrivacyMask): Promise<void> {
    await trx
      .insertInto('privacy_masks')
      .values({
        id: mask.id,
        camera_id: mask.cameraId,
        commune_insee: mask.communeInsee,
        preset_token: mask.presetToken,
        name: mask.name,
        polygons: JSON.stringify(mask.polygons),
        created_at: mask.createdAt,
        created_by: mask.createdBy,
        updated_at: mask.updatedAt,
        updated_by: mask.updatedBy,
        revision: mask.revision,
      })
      .execute();
  }

  async updateMask(trx: Handle, mask: PrivacyMask): Promise<void> {
    await trx
      .updateTable('privacy_masks')
      .set({
        preset_token: mask.presetToken,
        name: mask.name,
        polygons: JSON.stringify(mask.polygons),
        updated_at: mask.updatedAt,
        updated_by: mask.updatedBy,
        revision: mask.revision,
      })
      .where('id', '=', mask.id)
      .execute();
  }

  /** Starts the mask's current revision in the history (its polygons and preset from `at`). */
  async openRevision(trx: Handle, mask: PrivacyMask, at: string, by: string): Promise<void> {
    await trx
      .insertInto('privacy_mask_history')
      .values({
        revision: mask.revision,
        mask_id: mask.id,
        camera_id: mask.cameraId,
        commune_insee: mask.communeInsee,
        preset_token: mask.presetToken,
        polygons: JSON.stringify(mask.polygons),
        valid_from: at,
        valid_to: null,
        opened_by: by,
        closed_by: null,
      })
      .execute();
  }

  /** Ends a revision (the mask edited or deleted); it stays in the history. */
  async closeRevision(trx: Handle, revision: string, at: string, by: string): Promise<void> {
    await trx.updateTable('privacy_mask_history').set({ valid_to: at, closed_by: by }).where('revision', '=', revision).where('valid_to', 'is', null).execute();
  }

  /** Every revision of the camera's masks in force at `sinceMs` or later (deleted and edited ones included), oldest first. */
  async historySince(cameraId: string, sinceMs: number, db: Handle = this.db): Promise<MaskRevision[]> {
    const since = new Date(sinceMs).toISOString();
    const rows = await db
      .selectFrom('privacy_mask_history')
      .selectAll()
      .where('camera_id', '=', cameraId)
      .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', since)]))
      .orderBy('valid_from')
      .orderBy('revision')
      .execute();
    return rows.map(toRevision);
  }

  async deleteMask(trx: Handle, id: string): Promise<void> {
    await trx.deleteFrom('privacy_masks').where('id', '=', id).execute();
  }

  /** The camera's chosen mode, or undefined when none was chosen. */
  async modeOf(cameraId: string, db: Handle = this.db): Promise<CameraMaskMode | undefined> {
    const row = await db.selectFrom('camera_mask_modes').selectAll().where('camera_id', '=', cameraId).executeTakeFirst();
    return row
      ? { cameraId: row.camera_id, communeInsee: row.commune_insee, mode: row.mode as MaskMode, updatedAt: row.updated_at, updatedBy: row.updated_by }
      : undefined;
  }

  async modesOf(cameraIds: readonly string[], db: Handle = this.db): Promise<Map<string, MaskMode>> {
    const result = new Map<string, MaskMode>();
    for (let start = 0; start < cameraIds.length; start += 500) {
      const rows = await db
        .selectFrom('camera_mask_modes')
        .select(['camera_id', 'mode'])
        .where('camera_id', 'in', cameraIds.slice(start, start + 500))
        .execute();
      for (const row of rows) result.set(row.camera_id, row.mode as MaskMode);
    }
    return result;
  }

  async setMode(trx: Handle, mode: CameraMaskMode & { updatedAt: string; updatedBy: string }): Promise<void> {
    await trx
      .insertInto('camera_mask_modes')
      .values({ camera_id: mode.cameraId, commune_insee: mode.communeInsee, mode: mode.mode, updated_at: mode.updatedAt, updated_by: mode.updatedBy })
      .onConflict((conflict) =>
        conflict.column('camera_id').doUpdateSet({ commune_insee: mode.communeInsee, mode: mode.mode, updated_at: mode.updatedAt, updated_by: mode.updatedBy }),
      )
      .execute();
  }

  /** Cameras with at least one mask, with their commune. */
  async maskedCameras(db: Handle = this.db): Promise<Array<{ cameraId: string; communeInsee: string }>> {
    const rows = await db.selectFrom('privacy_masks').select(['camera_id', 'commune_insee']).distinct().orderBy('camera_id').execute();
    return rows.map((row) => ({ cameraId: row.camera_id, communeInsee: row.commune_insee }));
  }
}
