// The marker file of a storage volume (issue 11 item 8). A disk that is not mounted leaves an
// empty mount point behind: every segment file then looks "already missing", which a purge
// would count as destroyed (index rows removed, `destroyed` in the register) while the real
// files come back, unindexed, when the disk is remounted. The marker, written at the volume's
// root when the volume is created, proves the disk holding its footage is the one mounted
// there: no marker, no purge and no early destruction on that volume.
import { randomUUID } from 'node:crypto';
import { access, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../platform/clock.ts';
import { systemActor, type AuditApi } from '../audit/index.ts';
import type { StorageRepository } from './storage.repository.ts';
import type { StorageFootage, StorageVolume } from './storage.types.ts';

export const VOLUME_MARKER_FILE = '.vigie-volume';
const MARKER_KIND = 'vigie-storage-volume';

export type MarkerCheck = { present: true } | { present: false; reason: 'missing' | 'unreadable' | 'other_volume'; message: string };

/** Whether a volume's marker is in place (its disk is mounted) before footage on it is destroyed. */
export interface VolumeMarkers {
  check(volume: StorageVolume): Promise<MarkerCheck>;
}

export function volumeMarkerPath(root: string): string {
  return join(root, VOLUME_MARKER_FILE);
}

/** Writes the marker (under a temporary name, then renamed: never half a marker). */
export async function writeVolumeMarker(volume: StorageVolume, at: string): Promise<void> {
  const file = volumeMarkerPath(volume.root);
  const temporary = `${file}.${randomUUID()}.tmp`;
  await writeFile(temporary, `${JSON.stringify({ kind: MARKER_KIND, volume: volume.name, createdAt: at })}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

/** Reads the marker: it must be there and name this volume (a disk of another volume mounted at its root is refused too). */
export async function readVolumeMarker(volume: StorageVolume): Promise<MarkerCheck> {
  const file = volumeMarkerPath(volume.root);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      return { present: false, reason: 'missing', message: `marker ${file} missing: is the disk of volume ${volume.name} mounted?` };
    return { present: false, reason: 'unreadable', message: `marker ${file} unreadable: ${(error as Error).message}` };
  }
  let marker: { kind?: unknown; volume?: unknown };
  try {
    marker = JSON.parse(text) as typeof marker;
  } catch {
    return { present: false, reason: 'unreadable', message: `marker ${file} is not a Vigie volume marker` };
  }
  if (marker.kind !== MARKER_KIND) return { present: false, reason: 'unreadable', message: `marker ${file} is not a Vigie volume marker` };
  if (marker.volume !== volume.name)
    return {
      present: false,
      reason: 'other_volume',
      message: `marker ${file} names volume ${String(marker.volume)}, not ${volume.name}: another disk is mounted there`,
    };
  return { present: true };
}

/** The plain check (tests, tools): the marker must be there; nothing is ever written. */
export const fileVolumeMarkers: VolumeMarkers = { check: readVolumeMarker };

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/**
 * The check the purge uses in a running centre. A volume created before markers existed
 * (`marked_at` null) gets its marker at its first check, but only with proof that its disk is
 * there: its oldest indexed segment file is present (an unmounted disk hides it), or nothing is
 * indexed on it yet (nothing a purge could wrongly register). Once a volume has been marked, a
 * missing marker always means "not mounted": it is never written again automatically.
 */
export class VolumeMarkerGuard implements VolumeMarkers {
  constructor(private readonly deps: { repository: StorageRepository; footage: Pick<StorageFootage, 'oldestSegmentPath'>; audit: AuditApi; clock: Clock }) {}

  async check(volume: StorageVolume): Promise<MarkerCheck> {
    const found = await readVolumeMarker(volume);
    if (found.present || found.reason !== 'missing') return found;
    const row = (await this.deps.repository.volumes()).find((candidate) => candidate.name === volume.name);
    if (!row || row.markedAt !== null) return found;
    const oldest = await this.deps.footage.oldestSegmentPath(volume.name);
    if (oldest !== null && !(await exists(join(volume.root, oldest)))) {
      return { present: false, reason: 'missing', message: `${found.message} (its oldest indexed segment ${oldest} is not there either)` };
    }
    const at = this.deps.clock.now().toISOString();
    await writeVolumeMarker(volume, at);
    await this.deps.repository.transaction(async (trx) => {
      await this.deps.repository.setMarkedAt(trx, volume.name, at);
      await this.deps.audit.record(trx, systemActor, {
        action: 'storage.volume_marked',
        targetType: 'storage_volume',
        targetId: volume.name,
        details: { root: volume.root, proof: oldest === null ? 'no footage indexed on the volume' : `oldest indexed segment present: ${oldest}` },
      });
    });
    return { present: true };
  }
}
