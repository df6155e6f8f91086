// Test fixtures of retention and holds: a migrated database, communes and cameras inserted
// directly, a temporary volume, and synthetic segments indexed by the real SegmentIndexer
// (files written, moved into the layout, made read-only, chained) with a fake probe: no ffmpeg.
// The volume carries its marker file, as a volume created by StorageService does.
import { mkdtempSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../platform/clock.ts';
import type { Dialect } from '../../platform/db/database.ts';
import { createTestDatabase, type TestDatabase } from '../../testing/databases.ts';
import { AuditService } from '../audit/audit.service.ts';
import { LegalHoldsService } from './holds.ts';
import { databaseInventory } from './recording.inventory.ts';
import { RecordingRepository } from './recording.repository.ts';
import type { IndexedSegment, StorageVolume } from './recording.types.ts';
import { StatutoryRegister } from './register.ts';
import { RetentionRepository } from './retention.repository.ts';
import { RetentionPurge, type PurgeFileSystem, type TechnicalEvent } from './retention.ts';
import { SegmentIndexer } from './segment-indexer.ts';
import { fileVolumeMarkers, writeVolumeMarker } from './storage.marker.ts';

export const NOW = '2026-11-23T10:00:00.000Z';
export const DAY = 86_400_000;
export const MINUTE = 60_000;

export interface RetentionFixture {
  database: TestDatabase;
  clock: ManualClock;
  audit: AuditService;
  volume: StorageVolume;
  repository: RecordingRepository;
  retentionRepository: RetentionRepository;
  holds: LegalHoldsService;
  register: StatutoryRegister;
  events: TechnicalEvent[];
  purge(fileSystem?: PurgeFileSystem, repository?: RetentionRepository): RetentionPurge;
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
  const audit = new AuditService(db, dialect, clock);
  const volume = { name: 'vol1', root: mkdtempSync(join(tmpdir(), 'vigie-retention-')) };
  // As StorageService.create does: the purge destroys nothing on a volume without its marker.
  await writeVolumeMarker(volume, NOW);
  const repository = new RecordingRepository(db, dialect);
  const retentionRepository = new RetentionRepository(db);
  const inventory = databaseInventory(db);
  const probe = async () => ({ codec: 'h264', width: 704, height: 576, frameCount: 600, durationMs: MINUTE, measuredFps: 10 });
  const indexer = new SegmentIndexer(db, repository, clock, { probe });
  const events: TechnicalEvent[] = [];
  const stamp = '2026-01-01T00:00:00.000Z';
  let siteCount = 0;

  return {
    database, clock, audit, volume, repository, retentionRepository, events,
    holds: new LegalHoldsService(db, retentionRepository, audit, clock, inventory),
    register: new StatutoryRegister(retentionRepository, clock),
    purge: (fileSystem, repository = retentionRepository) => new RetentionPurge({
      db, repository, audit, clock, inventory, volumes: [volume], markers: fileVolumeMarkers, fileSystem, onTechnicalEvent: (event) => events.push(event),
    }),
    async addCommune(insee, retentionDays) {
      await db.insertInto('communes').values({ insee, name: `Commune ${insee}`, retention_days: retentionDays, time_zone: 'Europe/Paris', created_at: stamp, updated_at: stamp }).execute();
      await db.insertInto('sites').values({ id: `site-${insee}`, commune_insee: insee, name: `Site ${++siteCount}`, kind: 'public_building', address: null, latitude: null, longitude: null, created_at: stamp, updated_at: stamp }).execute();
    },
    async addCamera(id, communeInsee, retentionDays = null) {
      await db.insertInto('cameras').values({
        id, commune_insee: communeInsee, site_id: `site-${communeInsee}`, name: id.toUpperCase(), kind: 'fixed', field_class: 'wide', latitude: null, longitude: null,
        heading_deg: null, model: null, ip_address: null, mac_address: null, main_stream_url: `rtsp://10.0.0.1/${id}`, sub_stream_url: null, onvif_url: null,
        credentials_sealed: null, purposes: '["people_property_safety"]', commissioning_date: null, enabled: 1, operational_state: 'unknown', retention_days: retentionDays,
        created_at: stamp, updated_at: stamp,
      }).execute();
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
