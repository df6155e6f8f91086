// Test fixtures of retention, holds, storage and masks: a migrated database, communes and
// cameras inserted directly (read back by a small inventory of their own), a temporary volume,
// and synthetic segments indexed by the real SegmentIndexer (files written, moved into the
// layout, made read-only, chained) with a fake probe: no ffmpeg. The volume carries its marker
// file, as a volume created by the storage module does. Shared by the tests of several modules,
// hence here; the retention module is built by its constructor, as services.ts does.
import { mkdtempSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../platform/clock.ts';
import type { Db, Dialect } from '../platform/db/database.ts';
import type { RecordingSchema } from '../platform/db/schema.ts';
import { tablesOf, type AnyHandle } from '../platform/db/tables.ts';
import { createTestDatabase, type TestDatabase } from './databases.ts';
import { createAuditModule, type AuditApi } from '../modules/audit/index.ts';
import { RecordingRepository, SegmentIndexer, type IndexedSegment, type StorageVolume } from '../modules/recording/index.ts';
import {
  createRetentionModule,
  defaultHoldBounds,
  type LegalHoldsService,
  type PurgeFileSystem,
  type RecordingInventory,
  type RequisitionHolds,
  type RetentionPurge,
  type StatutoryRegister,
} from '../modules/retention/index.ts';
import { fileVolumeMarkers, writeVolumeMarker } from '../modules/storage/index.ts';
import type { TechnicalEvent } from '../modules/technical-events/index.ts';

export const NOW = '2026-11-23T10:00:00.000Z';
export const DAY = 86_400_000;
export const MINUTE = 60_000;

export interface RetentionFixture {
  database: TestDatabase;
  clock: ManualClock;
  audit: AuditApi;
  volume: StorageVolume;
  repository: RecordingRepository;
  /** Each camera's commune and retention, read from the tables the fixture fills (the cameras module's api in a process). */
  inventory: RecordingInventory;
  holds: LegalHoldsService;
  /** The holds requisitions place and release (the requisitions module's port). */
  requisitionHolds: RequisitionHolds;
  register: StatutoryRegister;
  events: TechnicalEvent[];
  /** A new purge (its own alert memory) over the fixture's volume; `fileSystem` makes file operations fail. */
  purge(fileSystem?: PurgeFileSystem): RetentionPurge;
  addCommune(insee: string, retentionDays: number): Promise<void>;
  addCamera(id: string, communeInsee: string, retentionDays?: number | null): Promise<void>;
  /** `count` one-minute segments of the camera starting at `startMs`, indexed in order (files of `bytes` bytes if given). */
  addSegments(cameraId: string, communeInsee: string, startMs: number, count: number, bytes?: number): Promise<IndexedSegment[]>;
  close(): Promise<void>;
}

export async function createRetentionFixture(dialect: Dialect): Promise<RetentionFixture> {
  const database = await createTestDatabase(dialect);
  const db = database.handle.db;
  const clock = new ManualClock(NOW);
  const audit = createAuditModule({ database: database.handle, clock }).api;
  const volume = { name: 'vol1', root: mkdtempSync(join(tmpdir(), 'vigie-retention-')) };
  // As StorageService.create does: the purge destroys nothing on a volume without its marker.
  await writeVolumeMarker(volume, NOW);
  const repository = new RecordingRepository(tablesOf<RecordingSchema>(db), dialect);
  const inventory = fixtureInventory(db);
  const probe = async () => ({ codec: 'h264', width: 704, height: 576, frameCount: 600, durationMs: MINUTE, measuredFps: 10 });
  const indexer = new SegmentIndexer(repository, clock, { probe });
  const events: TechnicalEvent[] = [];
  // The retention module as services.ts builds it, over the fixture's tables, volume (with its marker) and events.
  const retention = (fileSystem?: PurgeFileSystem) =>
    createRetentionModule({
      database: database.handle,
      clock,
      audit,
      footage: repository,
      inventory,
      fileSystem,
      storage: { storageVolumes: async () => [volume], forgetUsage: () => undefined },
      markers: fileVolumeMarkers,
      raise: async (event) => events.push(event),
      config: { holds: defaultHoldBounds, purgeIntervalMs: 30_000 },
    }).api;
  const { holds, register, requisitionHolds } = retention();
  const stamp = '2026-01-01T00:00:00.000Z';
  let siteCount = 0;

  return {
    database,
    clock,
    audit,
    volume,
    repository,
    inventory,
    events,
    holds,
    requisitionHolds,
    register,
    purge: (fileSystem) => retention(fileSystem).purge,
    async addCommune(insee, retentionDays) {
      await db
        .insertInto('communes')
        .values({ insee, name: `Commune ${insee}`, retention_days: retentionDays, time_zone: 'Europe/Paris', created_at: stamp, updated_at: stamp })
        .execute();
      await db
        .insertInto('sites')
        .values({
          id: `site-${insee}`,
          commune_insee: insee,
          name: `Site ${++siteCount}`,
          kind: 'public_building',
          address: null,
          latitude: null,
          longitude: null,
          created_at: stamp,
          updated_at: stamp,
        })
        .execute();
    },
    async addCamera(id, communeInsee, retentionDays = null) {
      await db
        .insertInto('cameras')
        .values({
          id,
          commune_insee: communeInsee,
          site_id: `site-${communeInsee}`,
          name: id.toUpperCase(),
          kind: 'fixed',
          field_class: 'wide',
          latitude: null,
          longitude: null,
          heading_deg: null,
          model: null,
          ip_address: null,
          mac_address: null,
          main_stream_url: `rtsp://10.0.0.1/${id}`,
          sub_stream_url: null,
          onvif_url: null,
          credentials_sealed: null,
          purposes: '["people_property_safety"]',
          commissioning_date: null,
          enabled: 1,
          operational_state: 'unknown',
          retention_days: retentionDays,
          created_at: stamp,
          updated_at: stamp,
        })
        .execute();
    },
    async addSegments(cameraId, communeInsee, startMs, count, bytes) {
      const incoming = join(volume.root, communeInsee, cameraId, '.incoming');
      await mkdir(incoming, { recursive: true });
      const indexed: IndexedSegment[] = [];
      for (let index = 0; index < count; index++) {
        const file = join(incoming, `segment-${startMs + index * MINUTE}.mp4`);
        const text = `synthetic footage ${cameraId} ${index} `;
        await writeFile(file, bytes === undefined ? text : Buffer.alloc(bytes, text));
        const segment = await indexer.index({ cameraId, communeInsee, volume, file, startMs: startMs + index * MINUTE, durationMs: MINUTE, status: 'closed' });
        indexed.push(segment!);
      }
      return indexed;
    },
    async close() {
      await database.drop();
      await rm(volume.root, { recursive: true, force: true });
    },
  };
}

/** The cameras and communes tables the fixture fills, read as the cameras module's api reads them (retention settings, communes of cameras). */
function fixtureInventory(defaultDb: Db): RecordingInventory {
  const tables = (handle?: AnyHandle) => (handle ?? defaultDb) as Db;
  return {
    async retentionSettings(handle) {
      const rows = await tables(handle)
        .selectFrom('cameras')
        .innerJoin('communes', 'communes.insee', 'cameras.commune_insee')
        .select(['cameras.id', 'cameras.commune_insee', 'cameras.retention_days as camera_days', 'communes.retention_days as commune_days'])
        .execute();
      return rows.map((row) => ({
        cameraId: row.id,
        communeInsee: row.commune_insee,
        cameraRetentionDays: row.camera_days === null ? null : Number(row.camera_days),
        communeRetentionDays: row.commune_days === null ? null : Number(row.commune_days),
      }));
    },
    async communesOfCameras(cameraIds, handle) {
      if (cameraIds.length === 0) return new Map();
      const rows = await tables(handle)
        .selectFrom('cameras')
        .select(['id', 'commune_insee'])
        .where('id', 'in', [...cameraIds])
        .execute();
      return new Map(rows.map((row) => [row.id, row.commune_insee]));
    },
  };
}
