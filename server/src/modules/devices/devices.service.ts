// The devices use cases: a camera's ONVIF device facts (read when a camera is new or its ONVIF
// URL or account changed, then every few hours, and on an administrator's demand), compared
// with the inventory (a mismatched model or MAC: possibly a swapped camera, raised once as a
// technical event); and its quirk record, learnt by the ONVIF client and overridable by an
// administrator (audited in the same transaction). Camera traffic never happens in a transaction.
import type { Clock } from '../../platform/clock.ts';
import { parisDate } from '../../platform/clock.ts';
import { DomainError } from '../../platform/errors.ts';
import {
  compactQuirks,
  effectiveQuirks,
  OnvifError,
  readDeviceFacts,
  type DeviceFacts,
  type OnvifClient,
  type OnvifQuirks,
  type OnvifQuirkStore,
} from '../../platform/onvif/index.ts';
import type { ProcessLog } from '../../platform/processes.ts';
import { assertAllowed, type Principal } from '../access/index.ts';
import type { Actor, AuditApi } from '../audit/index.ts';
import type { CameraView, StreamCredentials } from '../cameras/index.ts';
import type { TechnicalEvent } from '../technical-events/index.ts';
import type { DeviceRow, DevicesRepository } from './devices.repository.ts';
import { dueCameras, macMismatch, modelMismatch, parseQuirks, readSource } from './devices.rules.ts';
import { quirksUpdateSchema, type DeviceView } from './devices.schemas.ts';

export interface DevicesCameras {
  get(id: string, principal: null): Promise<CameraView>;
  list(principal: null): Promise<CameraView[]>;
  streamCredentials(id: string): Promise<StreamCredentials | null>;
}

export interface DevicesServiceDeps {
  repository: DevicesRepository;
  audit: AuditApi;
  clock: Clock;
  cameras: DevicesCameras;
  client: OnvifClient;
  raise: (event: TechnicalEvent) => Promise<unknown>;
  log?: ProcessLog;
  /** Facts are read again this long after the last attempt (default 6 h). */
  refreshMs?: number;
}

type Acting = { actor: Actor; principal: Principal };

const DEFAULT_REFRESH_MS = 6 * 3600_000;
/** Cameras read per job run, and at once. */
const READS_PER_RUN = 20;
const PARALLEL_READS = 4;

/** The ONVIF client's store over the module's table: the override it must follow, and where what it learns is kept. */
export function quirkStoreOver(repository: DevicesRepository, clock: Clock, log?: ProcessLog): OnvifQuirkStore {
  return {
    overrides: async (cameraId) => parseQuirks((await repository.find(cameraId))?.quirks_override),
    learned: (cameraId, quirks) => {
      repository
        .upsert(cameraId, { quirks_learned: JSON.stringify(compactQuirks(quirks)) }, clock.now().toISOString())
        .catch((error: unknown) => log?.warn({ cameraId, error: String(error) }, 'ONVIF quirks not kept'));
    },
  };
}

export class DevicesService {
  private readonly refreshMs: number;

  constructor(private readonly deps: DevicesServiceDeps) {
    this.refreshMs = deps.refreshMs ?? DEFAULT_REFRESH_MS;
  }

  async view(cameraId: string, principal: Principal | null): Promise<DeviceView> {
    const camera = await this.authorised(cameraId, principal, 'camera.read');
    return toView(camera, await this.deps.repository.find(cameraId));
  }

  /** Reads the facts now (an administrator's demand); a camera that does not answer keeps its last facts, with the error. */
  async refresh(cameraId: string, principal: Principal | null): Promise<DeviceView> {
    const camera = await this.authorised(cameraId, principal, 'camera.write');
    if (!camera.onvifUrl) {
      throw new DomainError('validation_failed', {
        fr: 'Cette caméra n’a pas d’adresse ONVIF.',
        en: 'This camera has no ONVIF address.',
        details: [{ field: 'onvifUrl', problem: 'missing' }],
      });
    }
    await this.read(camera);
    return toView(camera, await this.deps.repository.find(cameraId));
  }

  /** Replaces the administrator's override of the quirk record, audited with before and after. */
  async setQuirks(cameraId: string, input: unknown, acting: Acting): Promise<DeviceView> {
    const parsed = quirksUpdateSchema.safeParse(input);
    if (!parsed.success) {
      throw new DomainError('validation_failed', {
        details: parsed.error.issues.slice(0, 20).map((issue) => ({ field: issue.path.join('.') || 'override', problem: issue.message })),
      });
    }
    const camera = await this.authorised(cameraId, acting.principal, 'camera.write');
    const override = compactQuirks(parsed.data.override);
    const now = this.deps.clock.now().toISOString();
    await this.deps.repository.transaction(async (trx) => {
      const before = parseQuirks((await this.deps.repository.find(cameraId, trx))?.quirks_override);
      await this.deps.repository.upsert(cameraId, { quirks_override: JSON.stringify(override) }, now, trx);
      await this.deps.audit.record(trx, acting.actor, {
        action: 'camera.onvif_quirks.updated',
        communeInsee: camera.communeInsee,
        targetType: 'camera',
        targetId: cameraId,
        reason: parsed.data.reason ?? null,
        details: { before, after: override },
      });
    });
    this.deps.client.forget(cameraId); // the next command follows the new record
    return toView(camera, await this.deps.repository.find(cameraId));
  }

  /** The periodic job: reads the cameras that are due (new, ONVIF settings changed, or stale), a few at a time. */
  async readDue(limit = READS_PER_RUN): Promise<number> {
    const rows = new Map((await this.deps.repository.all()).map((row) => [row.camera_id, row]));
    const cameras = (await this.deps.cameras.list(null)).filter((camera) => camera.onvifUrl && camera.state !== 'disabled');
    const candidates = await Promise.all(
      cameras.map(async (camera) => ({
        cameraId: camera.id,
        source: readSource(camera.onvifUrl!, (await this.deps.cameras.streamCredentials(camera.id))?.username ?? null),
        readSource: rows.get(camera.id)?.read_source ?? null,
        attemptedAt: rows.get(camera.id)?.attempted_at ?? null,
      })),
    );
    const due = dueCameras(candidates, this.deps.clock.now().getTime(), this.refreshMs, limit);
    const byId = new Map(cameras.map((camera) => [camera.id, camera]));
    for (let index = 0; index < due.length; index += PARALLEL_READS) {
      await Promise.all(due.slice(index, index + PARALLEL_READS).map((id) => this.read(byId.get(id)!)));
    }
    return due.length;
  }

  private async read(camera: CameraView): Promise<void> {
    const credentials = await this.deps.cameras.streamCredentials(camera.id);
    const source = readSource(camera.onvifUrl!, credentials?.username ?? null);
    const target = { cameraId: camera.id, deviceUrl: camera.onvifUrl!, credentials };
    const now = this.deps.clock.now().toISOString();
    const previous = await this.deps.repository.find(camera.id);
    if (previous && previous.read_source !== null && previous.read_source !== source) this.deps.client.forget(camera.id);
    let facts: DeviceFacts;
    try {
      facts = await readDeviceFacts(this.deps.client, target);
    } catch (error) {
      if (!(error instanceof OnvifError)) throw error;
      await this.deps.repository.upsert(camera.id, { attempted_at: now, read_source: source, read_error: error.reason.slice(0, 500) }, now);
      return;
    }
    const model = modelMismatch(camera.model, facts.model);
    const mac = macMismatch(camera.macAddress, facts.macAddresses);
    await this.deps.repository.upsert(
      camera.id,
      {
        manufacturer: facts.manufacturer,
        model: facts.model,
        firmware_version: facts.firmwareVersion,
        serial_number: facts.serialNumber,
        hardware_id: facts.hardwareId,
        mac_addresses: JSON.stringify(facts.macAddresses),
        clock_offset_ms: facts.clockOffsetMs,
        auth_mode: facts.auth,
        read_at: now,
        read_source: source,
        attempted_at: now,
        read_error: null,
        model_mismatch: model ? 1 : 0,
        mac_mismatch: mac ? 1 : 0,
      },
      now,
    );
    const wasFlagged = previous ? Number(previous.model_mismatch) === 1 || Number(previous.mac_mismatch) === 1 : false;
    if ((model || mac) && !wasFlagged) {
      await this.deps.raise({
        severity: 'warning',
        code: 'camera_possibly_swapped',
        cameraId: camera.id,
        communeInsee: camera.communeInsee,
        message: `Camera ${camera.name} reports ${[model ? `model ${facts.model}` : '', mac ? `MAC ${facts.macAddresses.join(', ')}` : ''].filter(Boolean).join(' and ')}, not what the inventory holds: possibly swapped`,
        details: {
          inventory: { model: camera.model, macAddress: camera.macAddress },
          reported: { model: facts.model, macAddresses: facts.macAddresses, serialNumber: facts.serialNumber },
        },
      });
    }
  }

  private async authorised(cameraId: string, principal: Principal | null, action: 'camera.read' | 'camera.write'): Promise<CameraView> {
    const camera = await this.deps.cameras.get(cameraId, null);
    if (principal) assertAllowed(principal, action, camera.communeInsee, parisDate(this.deps.clock.now()));
    return camera;
  }
}

function toView(camera: CameraView, row: DeviceRow | undefined): DeviceView {
  const learned: OnvifQuirks = parseQuirks(row?.quirks_learned);
  const override: OnvifQuirks = parseQuirks(row?.quirks_override);
  const model = Number(row?.model_mismatch ?? 0) === 1;
  const mac = Number(row?.mac_mismatch ?? 0) === 1;
  let macAddresses: string[] = [];
  try {
    macAddresses = (JSON.parse(row?.mac_addresses ?? '[]') as unknown[]).filter((item): item is string => typeof item === 'string').slice(0, 8);
  } catch {
    macAddresses = [];
  }
  const authMode = row?.auth_mode === 'digest' || row?.auth_mode === 'ws-security' ? row.auth_mode : null;
  return {
    cameraId: camera.id,
    onvif: camera.onvifUrl !== null,
    manufacturer: row?.manufacturer ?? null,
    model: row?.model ?? null,
    firmwareVersion: row?.firmware_version ?? null,
    serialNumber: row?.serial_number ?? null,
    macAddresses,
    clockOffsetMs: row?.clock_offset_ms === null || row?.clock_offset_ms === undefined ? null : Number(row.clock_offset_ms),
    authMode,
    readAt: row?.read_at ?? null,
    attemptedAt: row?.attempted_at ?? null,
    readError: row?.read_error ?? null,
    inventory: { model: camera.model, macAddress: camera.macAddress },
    mismatch: { model, mac, possiblySwapped: model || mac },
    quirks: { learned, override, effective: effectiveQuirks(learned, override) },
  };
}
