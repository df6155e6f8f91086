// SQL of the console's own tables; nothing else touches live_layouts and video_walls.
import type { Selectable } from 'kysely';
import { PostgresAdapter } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import { inTransaction } from '../../platform/db/database.ts';
import type { ConsoleSchema, LiveLayoutsTable, VideoWallsTable } from '../../platform/db/schema.ts';

/** The console's own tables (saved layouts, video walls), or a transaction on them. */
export type ConsoleDb = Kysely<ConsoleSchema>;
import type { Grid, Tiles, WallTour } from './console.rules.ts';

export interface LiveLayout {
  id: string;
  ownerId: string;
  ownerLogin: string;
  name: string;
  grid: Grid;
  tiles: Tiles;
  shared: boolean;
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
}

export interface VideoWall {
  id: string;
  name: string;
  grid: Grid;
  tiles: Tiles;
  tour: WallTour | null;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

function toLayout(row: Selectable<LiveLayoutsTable>): LiveLayout {
  return {
    id: row.id,
    ownerId: row.owner_id,
    ownerLogin: row.owner_login,
    name: row.name,
    grid: Number(row.grid) as Grid,
    tiles: JSON.parse(row.tiles) as Tiles,
    shared: Number(row.shared) === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

function toWall(row: Selectable<VideoWallsTable>): VideoWall {
  return {
    id: row.id,
    name: row.name,
    grid: Number(row.grid) as Grid,
    tiles: JSON.parse(row.tiles) as Tiles,
    tour: row.tour ? (JSON.parse(row.tour) as WallTour) : null,
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

export class ConsoleRepository {
  private readonly postgres: boolean;

  constructor(private readonly db: ConsoleDb) {
    this.postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  }

  /** A change and its audit row, together (retried on contention). */
  transaction<T>(work: (trx: Transaction<ConsoleSchema>) => Promise<T>): Promise<T> {
    return inTransaction(this.db, work);
  }

  /** The user's own layouts and every shared one, by name. */
  async layoutsVisibleTo(userId: string, db: ConsoleDb = this.db): Promise<LiveLayout[]> {
    const rows = await db
      .selectFrom('live_layouts')
      .selectAll()
      .where((eb) => eb.or([eb('owner_id', '=', userId), eb('shared', '=', 1)]))
      .orderBy('name')
      .orderBy('id')
      .execute();
    return rows.map(toLayout);
  }

  async findLayout(id: string, db: ConsoleDb = this.db, forUpdate = false): Promise<LiveLayout | undefined> {
    let query = db.selectFrom('live_layouts').selectAll().where('id', '=', id);
    if (forUpdate && this.postgres) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? toLayout(row) : undefined;
  }

  async insertLayout(trx: ConsoleDb, layout: LiveLayout): Promise<void> {
    await trx
      .insertInto('live_layouts')
      .values({
        id: layout.id,
        owner_id: layout.ownerId,
        owner_login: layout.ownerLogin,
        name: layout.name,
        grid: layout.grid,
        tiles: JSON.stringify(layout.tiles),
        shared: layout.shared ? 1 : 0,
        created_at: layout.createdAt,
        updated_at: layout.updatedAt,
        updated_by: layout.updatedBy,
      })
      .execute();
  }

  async updateLayout(trx: ConsoleDb, layout: LiveLayout): Promise<void> {
    await trx
      .updateTable('live_layouts')
      .set({
        name: layout.name,
        grid: layout.grid,
        tiles: JSON.stringify(layout.tiles),
        shared: layout.shared ? 1 : 0,
        updated_at: layout.updatedAt,
        updated_by: layout.updatedBy,
      })
      .where('id', '=', layout.id)
      .execute();
  }

  async deleteLayout(trx: ConsoleDb, id: string): Promise<void> {
    await trx.deleteFrom('live_layouts').where('id', '=', id).execute();
  }

  async walls(db: ConsoleDb = this.db): Promise<VideoWall[]> {
    const rows = await db.selectFrom('video_walls').selectAll().orderBy('name').orderBy('id').execute();
    return rows.map(toWall);
  }

  async findWall(id: string, db: ConsoleDb = this.db, forUpdate = false): Promise<VideoWall | undefined> {
    let query = db.selectFrom('video_walls').selectAll().where('id', '=', id);
    if (forUpdate && this.postgres) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? toWall(row) : undefined;
  }

  async wallNamed(name: string, db: ConsoleDb = this.db): Promise<VideoWall | undefined> {
    const row = await db.selectFrom('video_walls').selectAll().where('name', '=', name).executeTakeFirst();
    return row ? toWall(row) : undefined;
  }

  async insertWall(trx: ConsoleDb, wall: VideoWall): Promise<void> {
    await trx
      .insertInto('video_walls')
      .values({
        id: wall.id,
        name: wall.name,
        grid: wall.grid,
        tiles: JSON.stringify(wall.tiles),
        tour: wall.tour ? JSON.stringify(wall.tour) : null,
        created_at: wall.createdAt,
        created_by: wall.createdBy,
        updated_at: wall.updatedAt,
        updated_by: wall.updatedBy,
      })
      .execute();
  }

  async updateWallLayout(trx: ConsoleDb, wall: VideoWall): Promise<void> {
    await trx
      .updateTable('video_walls')
      .set({
        grid: wall.grid,
        tiles: JSON.stringify(wall.tiles),
        tour: wall.tour ? JSON.stringify(wall.tour) : null,
        updated_at: wall.updatedAt,
        updated_by: wall.updatedBy,
      })
      .where('id', '=', wall.id)
      .execute();
  }

  async deleteWall(trx: ConsoleDb, id: string): Promise<void> {
    await trx.deleteFrom('video_walls').where('id', '=', id).execute();
  }
}
