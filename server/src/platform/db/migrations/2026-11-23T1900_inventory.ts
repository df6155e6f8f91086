// Inventory positions in double precision. The foundation declared them `real`, which
// PostgreSQL stores on 4 bytes (45.188529 reads back 45.18853: about half a metre lost, and a
// re-imported CSV would never compare equal). SQLite's REAL is already 8 bytes, so only
// columns introspected as float4 are widened.
import type { Kysely } from 'kysely';

const positionColumns: Record<string, string[]> = {
  sites: ['latitude', 'longitude'],
  cameras: ['latitude', 'longitude', 'heading_deg'],
  camera_positions: ['latitude', 'longitude', 'heading_deg'],
};

async function setPositionType(db: Kysely<unknown>, from: string, to: 'double precision' | 'real'): Promise<void> {
  const tables = await db.introspection.getTables();
  for (const [table, columns] of Object.entries(positionColumns)) {
    const metadata = tables.find((candidate) => candidate.name === table);
    for (const column of columns) {
      const found = metadata?.columns.find((candidate) => candidate.name === column);
      if (found?.dataType.toLowerCase() !== from) continue;
      await db.schema
        .alterTable(table)
        .alterColumn(column, (alter) => alter.setDataType(to))
        .execute();
    }
  }
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await setPositionType(db, 'float4', 'double precision');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await setPositionType(db, 'float8', 'real');
}
