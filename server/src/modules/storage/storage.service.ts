// Storage volumes (issue 4 item 6): where segment files live, how much room each has, and the
// volume of each camera. A volume has a root folder, an optional capacity (a quota smaller
// than its filesystem, e.g. a share of a NAS) and a low-space threshold in percent of free
// space. A camera is placed once on the enabled volume with the most free space, then stays
// there (its footage is not moved); an administrator may move it (new footage only).
// Configuration changes are audited in their transaction.
import { constants } from 'node:fs';
import { access, mkdir, statfs } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { z } from 'zod';
import { parisDate, type Clock } from '../../platform/clock.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import { assertAllowed, type Principal } from '../access/index.ts';
import { unrestrictedRoots, volumeRootProblem, type VolumeRootPolicy } from './storage.roots.ts';
import { systemActor, type Actor, type AuditApi } from '../audit/index.ts';
import type { StorageCameras, StorageFootage, StorageVolume } from './storage.types.ts';
import { readVolumeMarker, writeVolumeMarker } from './storage.marker.ts';
import type { CameraRecordingSettings, StorageRepository, VolumeRow } from './storage.repository.ts';

export type Acting = { actor: Actor; principal: Principal | null };

export const MIN_CAPACITY_BYTES = 1024 * 1024;
export const DEFAULT_LOW_SPACE_PERCENT = 10;

const volumeName = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'lowercase letters, digits, - and _ (1-40)');
export const volumeCreateSchema = z.object({
  name: volumeName,
  root: z.string().trim().min(1).max(1000),
  capacityBytes: z.number().int().min(MIN_CAPACITY_BYTES).nullable().default(null),
  lowSpacePercent: z.number().int().min(1).max(50).default(DEFAULT_LOW_SPACE_PERCENT),
  enabled: z.boolean().default(true),
});
export const volumeUpdateSchema = z
  .object({
    capacityBytes: z.number().int().min(MIN_CAPACITY_BYTES).nullable().optional(),
    lowSpacePercent: z.number().int().min(1).max(50).optional(),
    enabled: z.boolean().optional(),
  })
  .strict();
export const cameraSettingsSchema = z
  .object({
    volumeName: volumeName.nullable().optional(),
    busyPedestrianPlace: z.boolean().nullable().optional(),
  })
  .strict();
export type VolumeCreate = z.input<typeof volumeCreateSchema>;
export type VolumeUpdate = z.input<typeof volumeUpdateSchema>;
export type CameraSettingsUpdate = z.input<typeof cameraSettingsSchema>;

export interface VolumeUsage {
  /** False when the root cannot be read (unmounted disk, removed folder). */
  available: boolean;
  error: string | null;
  totalBytes: number;
  freeBytes: number;
  freePercent: number;
  /** Bytes of indexed segments on the volume. */
  recordingsBytes: number;
  low: boolean;
}

export type VolumeView = VolumeRow & { usage: VolumeUsage };

const invalid = (fr: string, en: string, details?: unknown) => new DomainError('storage_volume_invalid', { fr, en, details });
const volumeNotFound = () => notFound({ fr: 'Volume de stockage', en: 'Storage volume' });

/** Free space as the monitor and the API see it: the filesystem's, capped by the configured capacity. */
export function computeUsage(
  volume: Pick<VolumeRow, 'capacityBytes' | 'lowSpacePercent'>,
  fs: { totalBytes: number; freeBytes: number },
  recordingsBytes: number,
): Omit<VolumeUsage, 'available' | 'error'> {
  const totalBytes = volume.capacityBytes === null ? fs.totalBytes : Math.min(volume.capacityBytes, fs.totalBytes);
  const freeBytes = Math.max(0, volume.capacityBytes === null ? fs.freeBytes : Math.min(fs.freeBytes, volume.capacityBytes - recordingsBytes));
  const freePercent = totalBytes > 0 ? Math.round((freeBytes / totalBytes) * 10_000) / 100 : 0;
  return { totalBytes, freeBytes, freePercent, recordingsBytes, low: freePercent < volume.lowSpacePercent };
}

export class StorageService {
  /** Indexed bytes per volume, refreshed by one aggregate at most every `usageTtlMs`, moved by deltas in between. */
  private readonly indexedBytes = new Map<string, { bytes: number; syncedAtMs: number }>();
  private readonly usageTtlMs = 5 * 60_000;

  constructor(
    private readonly repository: StorageRepository,
    private readonly audit: AuditApi,
    private readonly clock: Clock,
    private readonly inventory: StorageCameras,
    private readonly footage: Pick<StorageFootage, 'indexedBytes'>,
    private readonly rootPolicy: VolumeRootPolicy = unrestrictedRoots,
  ) {}

  /** Volumes are the whole centre's: a commune-scoped administrator cannot add, move or disable them. */
  private assertCentreWide(acting: Acting): void {
    if (acting.principal) assertAllowed(acting.principal, 'storage.write', null, this.today());
    if (acting.principal && !acting.principal.allCommunes) {
      throw new DomainError('commune_out_of_scope', {
        fr: 'Les volumes de stockage sont réservés à un administrateur de tout le centre.',
        en: 'Storage volumes are for a centre-wide administrator only.',
      });
    }
  }

  private today(): string {
    return parisDate(this.clock.now());
  }

  /** The enabled and disabled volumes, as the recorder, the purge and verify need them (footage stays readable on a disabled volume). */
  async storageVolumes(): Promise<StorageVolume[]> {
    return (await this.repository.volumes()).map((volume) => ({ name: volume.name, root: volume.root }));
  }

  async volumes(): Promise<VolumeRow[]> {
    return this.repository.volumes();
  }

  /** Creates the default volume (`local`, the configured recordings folder) when none exists. */
  async ensureDefaultVolume(root: string): Promise<void> {
    if ((await this.repository.volumes()).length > 0) return;
    await this.create({ name: 'local', root }, { actor: systemActor, principal: null });
  }

  async list(principal: Principal | null): Promise<VolumeView[]> {
    if (principal) assertAllowed(principal, 'storage.read', null, this.today());
    const volumes = await this.repository.volumes();
    return Promise.all(volumes.map(async (volume) => ({ ...volume, usage: await this.usage(volume) })));
  }

  async usage(volume: VolumeRow): Promise<VolumeUsage> {
    const recordingsBytes = await this.recordingsBytes(volume.name);
    try {
      const fs = await statfs(volume.root);
      return { available: true, error: null, ...computeUsage(volume, { totalBytes: fs.blocks * fs.bsize, freeBytes: fs.bavail * fs.bsize }, recordingsBytes) };
    } catch (error) {
      return {
        available: false,
        error: error instanceof Error ? error.message : String(error),
        totalBytes: 0,
        freeBytes: 0,
        freePercent: 0,
        recordingsBytes,
        low: true,
      };
    }
  }

  /** Deltas from the recorder (a segment indexed) and the purge (footage destroyed). */
  noteBytes(volume: string, delta: number): void {
    const cached = this.indexedBytes.get(volume);
    if (cached) cached.bytes = Math.max(0, cached.bytes + delta);
  }

  /** After a purge: the next usage reads the index again. */
  forgetUsage(): void {
    this.indexedBytes.clear();
  }

  private async recordingsBytes(volume: string): Promise<number> {
    const nowMs = this.clock.now().getTime();
    const cached = this.indexedBytes.get(volume);
    if (cached && nowMs - cached.syncedAtMs < this.usageTtlMs) return cached.bytes;
    const bytes = await this.footage.indexedBytes(volume);
    this.indexedBytes.set(volume, { bytes, syncedAtMs: nowMs });
    return bytes;
  }

  async create(input: VolumeCreate, acting: Acting): Promise<VolumeView> {
    this.assertCentreWide(acting);
    const data = volumeCreateSchema.parse(input);
    if (!isAbsolute(data.root))
      throw invalid('Le dossier d’un volume doit être un chemin absolu.', 'A volume root must be an absolute path.', { root: data.root });
    const rootProblem = volumeRootProblem(data.root, this.rootPolicy);
    if (rootProblem) throw invalid(`Dossier refusé : ${rootProblem.fr}`, `Folder refused: ${rootProblem.en}`, { root: data.root });
    const root = resolve(data.root);
    const existing = await this.repository.volumes();
    if (existing.some((volume) => volume.name === data.name)) throw invalid(`Le volume ${data.name} existe déjà.`, `Volume ${data.name} already exists.`);
    const nested = existing.find((volume) => !relative(volume.root, root).startsWith('..') || !relative(root, volume.root).startsWith('..'));
    if (nested)
      throw invalid(
        `Le dossier ${root} chevauche celui du volume ${nested.name} (${nested.root}).`,
        `Folder ${root} overlaps volume ${nested.name} (${nested.root}).`,
      );
    const at = this.clock.now().toISOString();
    try {
      await mkdir(root, { recursive: true });
      await access(root, constants.W_OK);
    } catch (error) {
      throw invalid(`Dossier ${root} inutilisable : ${(error as Error).message}.`, `Folder ${root} unusable: ${(error as Error).message}.`);
    }
    // The marker proves, before any purge, that this disk is the one mounted here (issue 11): a folder holding another volume's marker is that volume's disk.
    const marker = await readVolumeMarker({ name: data.name, root });
    if (!marker.present && marker.reason !== 'missing')
      throw invalid(`Dossier ${root} refusé : ${marker.message}.`, `Folder ${root} refused: ${marker.message}.`);
    try {
      await writeVolumeMarker({ name: data.name, root }, at);
    } catch (error) {
      throw invalid(
        `Marqueur du volume non écrit dans ${root} : ${(error as Error).message}.`,
        `Volume marker not written in ${root}: ${(error as Error).message}.`,
      );
    }
    const row: VolumeRow = { ...data, root, createdAt: at, updatedAt: at, updatedBy: acting.actor.login ?? acting.actor.type, markedAt: at };
    await this.repository.transaction(async (trx) => {
      await this.repository.insertVolume(trx, row);
      await this.audit.record(trx, acting.actor, {
        action: 'storage.volume_created',
        targetType: 'storage_volume',
        targetId: row.name,
        details: { after: { ...data, root } },
      });
    });
    return { ...row, usage: await this.usage(row) };
  }

  async update(name: string, input: VolumeUpdate, acting: Acting): Promise<VolumeView> {
    this.assertCentreWide(acting);
    const data = volumeUpdateSchema.parse(input);
    const current = (await this.repository.volumes()).find((volume) => volume.name === name);
    if (!current) throw volumeNotFound();
    const next: VolumeRow = {
      ...current,
      capacityBytes: data.capacityBytes === undefined ? current.capacityBytes : data.capacityBytes,
      lowSpacePercent: data.lowSpacePercent ?? current.lowSpacePercent,
      enabled: data.enabled ?? current.enabled,
      updatedAt: this.clock.now().toISOString(),
      updatedBy: acting.actor.login ?? acting.actor.type,
    };
    await this.repository.transaction(async (trx) => {
      await this.repository.updateVolume(trx, next);
      const pick = (volume: VolumeRow) => ({ capacityBytes: volume.capacityBytes, lowSpacePercent: volume.lowSpacePercent, enabled: volume.enabled });
      await this.audit.record(trx, acting.actor, {
        action: 'storage.volume_updated',
        targetType: 'storage_volume',
        targetId: name,
        details: { before: pick(current), after: pick(next) },
      });
    });
    return { ...next, usage: await this.usage(next) };
  }

  /**
   * The volume a camera records to: its assigned one while enabled, else the enabled volume
   * with the most free space, remembered (audited as a system change). None enabled: throws.
   */
  async volumeForCamera(cameraId: string): Promise<StorageVolume> {
    const volumes = (await this.repository.volumes()).filter((volume) => volume.enabled);
    const settings = await this.repository.cameraSettings(cameraId);
    const assigned = volumes.find((volume) => volume.name === settings?.volumeName);
    if (assigned) return { name: assigned.name, root: assigned.root };
    if (volumes.length === 0) throw new DomainError('storage_volume_invalid', { fr: 'Aucun volume de stockage actif.', en: 'No enabled storage volume.' });
    const usages = await Promise.all(volumes.map(async (volume) => ({ volume, usage: await this.usage(volume) })));
    const best = usages.filter((entry) => entry.usage.available).sort((a, b) => b.usage.freeBytes - a.usage.freeBytes)[0] ?? usages[0]!;
    const at = this.clock.now().toISOString();
    await this.repository.transaction(async (trx) => {
      await this.repository.upsertCameraSettings(
        trx,
        { cameraId, volumeName: best.volume.name, busyPedestrianPlace: settings?.busyPedestrianPlace ?? null },
        at,
        'system',
      );
      await this.audit.record(trx, systemActor, {
        action: 'recording.volume_assigned',
        targetType: 'camera',
        targetId: cameraId,
        details: { before: settings?.volumeName ?? null, after: best.volume.name, freeBytes: best.usage.freeBytes },
      });
    });
    return { name: best.volume.name, root: best.volume.root };
  }

  async cameraSettings(cameraId: string): Promise<CameraRecordingSettings> {
    return (await this.repository.cameraSettings(cameraId)) ?? { cameraId, volumeName: null, busyPedestrianPlace: null };
  }

  async allCameraSettings(): Promise<Map<string, CameraRecordingSettings>> {
    return this.repository.allCameraSettings();
  }

  /** A camera's settings as its commune's staff may read them (a camera out of scope is not found). */
  async cameraSettingsFor(cameraId: string, principal: Principal | null): Promise<CameraRecordingSettings> {
    const commune = await this.communeInScope(cameraId, principal);
    if (principal) assertAllowed(principal, 'storage.read', commune, this.today());
    return this.cameraSettings(cameraId);
  }

  private async communeInScope(cameraId: string, principal: Principal | null): Promise<string> {
    const commune = (await this.inventory.communesOfCameras([cameraId])).get(cameraId);
    if (!commune || (principal && !principal.allCommunes && !principal.communes.includes(commune))) throw notFound({ fr: 'Caméra', en: 'Camera' });
    return commune;
  }

  /** Moves a camera's new footage to another volume, or sets its busy-place flag (LEGAL 14); audited. Absent fields are kept. */
  async setCameraSettings(cameraId: string, input: CameraSettingsUpdate, acting: Acting): Promise<CameraRecordingSettings> {
    const data = cameraSettingsSchema.parse(input);
    const principal = acting.principal;
    const commune = await this.communeInScope(cameraId, principal);
    if (principal) assertAllowed(principal, 'storage.write', commune, this.today());
    if (data.volumeName && !(await this.repository.volumes()).some((volume) => volume.name === data.volumeName && volume.enabled)) {
      throw invalid(`Volume ${data.volumeName} inconnu ou désactivé.`, `Volume ${data.volumeName} unknown or disabled.`);
    }
    const current = await this.cameraSettings(cameraId);
    const next: CameraRecordingSettings = {
      cameraId,
      volumeName: data.volumeName === undefined ? current.volumeName : data.volumeName,
      busyPedestrianPlace: data.busyPedestrianPlace === undefined ? current.busyPedestrianPlace : data.busyPedestrianPlace,
    };
    await this.repository.transaction(async (trx) => {
      await this.repository.upsertCameraSettings(trx, next, this.clock.now().toISOString(), acting.actor.login ?? acting.actor.type);
      await this.audit.record(trx, acting.actor, {
        action: 'recording.camera_settings_updated',
        communeInsee: commune,
        targetType: 'camera',
        targetId: cameraId,
        details: {
          before: { volumeName: current.volumeName, busyPedestrianPlace: current.busyPedestrianPlace },
          after: { volumeName: next.volumeName, busyPedestrianPlace: next.busyPedestrianPlace },
        },
      });
    });
    return next;
  }
}
