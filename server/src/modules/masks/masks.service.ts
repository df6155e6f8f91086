// Privacy masks (LEGAL 4): polygons per camera, optionally per PTZ preset, and per camera the
// way they are enforced (`in_camera`: the camera masks and Vigie checks; `server`: Vigie burns
// them in before recording and live). Reading needs `mask.read`, every change `mask.write`
// on the camera's commune; a camera outside the actor's scope is reported as unknown. Every
// change is audited in its transaction with what it was before and after, and kept in the
// mask history (each revision with its validity interval) in that same transaction: playback
// masks stored footage with every revision in force since it was recorded.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import { parisDate } from '../../platform/clock.ts';
import type { AnyHandle } from '../../platform/db/tables.ts';
import { notFound } from '../../platform/errors.ts';
import type { MaskPolygon } from '../../platform/media/mask-image.ts';
import { assertAllowed, inScope, type Action, type Principal } from '../access/index.ts';
import type { Actor, AuditApi } from '../audit/index.ts';
import { recorderMasking, type FleetMask, type MaskRevision, type RecorderMasking } from './masks.coverage.ts';
import type { CameraMaskMode, MasksRepository } from './masks.repository.ts';
import {
  DEFAULT_MASK_MODE,
  maskCreateSchema,
  maskUpdateSchema,
  maskVersion,
  parseMaskInput,
  parseMaskMode,
  polygonsInForce,
  validatePolygons,
  type MaskCreateInput,
  type MaskMode,
  type MaskUpdateInput,
  type PrivacyMask,
} from './masks.rules.ts';

export type Acting = { actor: Actor; principal: Principal | null };

/** What masks read of the inventory (the cameras module): the commune of each known camera, in the caller's transaction if given. */
export interface MaskCameras {
  communesOfCameras(cameraIds: readonly string[], handle?: AnyHandle): Promise<Map<string, string>>;
}

/** The PTZ preset each camera is at (the ptz module's positions; null: none known, camera-wide masks only). */
export interface MaskPositions {
  presetOf(cameraId: string): string | null;
}

export interface CameraMasks {
  cameraId: string;
  communeInsee: string;
  mode: MaskMode;
  /** False while the default mode applies (no mode chosen yet). */
  modeChosen: boolean;
  masks: PrivacyMask[];
}

export interface EffectiveMask {
  cameraId: string;
  communeInsee: string;
  mode: MaskMode;
  presetToken: string | null;
  /** Camera-wide polygons plus those of the preset. */
  polygons: MaskPolygon[];
  /** What the recorder burns in, versioned; null when it burns nothing (no polygon, or `in_camera`). */
  version: string | null;
}

/** What the recorder of a camera runs with, or why its masks cannot be known (the camera is then not recorded). */
export type CameraRecorderMasking = { masking: RecorderMasking; burn: FleetMask | null } | { unreadable: string };

const cameraNotFound = () => notFound({ fr: 'Caméra', en: 'Camera' });
const maskNotFound = () => notFound({ fr: 'Masque de vie privée', en: 'Privacy mask' });
const auditView = (mask: PrivacyMask) => ({ cameraId: mask.cameraId, presetToken: mask.presetToken, name: mask.name, polygons: mask.polygons });

export class MasksService {
  constructor(
    private readonly repository: MasksRepository,
    private readonly audit: AuditApi,
    private readonly clock: Clock,
    private readonly inventory: MaskCameras,
  ) {}

  /** The camera's masks and mode (`mask.read`). */
  async list(cameraId: string, principal: Principal | null): Promise<CameraMasks> {
    const communeInsee = await this.authorisedCommune(cameraId, principal, 'mask.read');
    const [masks, mode] = await Promise.all([this.repository.masksOfCamera(cameraId), this.repository.modeOf(cameraId)]);
    return { cameraId, communeInsee, mode: mode?.mode ?? DEFAULT_MASK_MODE, modeChosen: mode !== undefined, masks };
  }

  async create(input: MaskCreateInput, acting: Acting): Promise<PrivacyMask> {
    const data = parseMaskInput(maskCreateSchema, input);
    const polygons = validatePolygons(data.polygons);
    return this.repository.transaction(async (trx) => {
      const communeInsee = await this.authorisedCommune(data.cameraId, acting.principal, 'mask.write', trx);
      const at = this.clock.now().toISOString();
      const by = actorName(acting.actor);
      const mask: PrivacyMask = {
        id: randomUUID(),
        cameraId: data.cameraId,
        communeInsee,
        presetToken: data.presetToken ?? null,
        name: data.name,
        polygons,
        createdAt: at,
        createdBy: by,
        updatedAt: at,
        updatedBy: by,
        revision: randomUUID(),
      };
      await this.repository.insertMask(trx, mask);
      await this.repository.openRevision(trx, mask, at, by);
      await this.audit.record(trx, acting.actor, {
        action: 'recording.mask_created',
        communeInsee,
        targetType: 'privacy_mask',
        targetId: mask.id,
        details: { before: null, after: auditView(mask) },
      });
      return mask;
    });
  }

  /** Changes a mask's name, preset (null: every position) or polygons; absent fields stay as they are. */
  async update(id: string, input: MaskUpdateInput, acting: Acting): Promise<PrivacyMask> {
    const data = parseMaskInput(maskUpdateSchema, input);
    const polygons = data.polygons === undefined ? undefined : validatePolygons(data.polygons);
    return this.repository.transaction(async (trx) => {
      const before = await this.repository.findMask(id, trx, true);
      if (!before) throw maskNotFound();
      await this.authorisedCommune(before.cameraId, acting.principal, 'mask.write', trx, maskNotFound);
      const after: PrivacyMask = {
        ...before,
        name: data.name ?? before.name,
        presetToken: data.presetToken === undefined ? before.presetToken : data.presetToken,
        polygons: polygons ?? before.polygons,
        updatedAt: this.clock.now().toISOString(),
        updatedBy: actorName(acting.actor),
      };
      // A new picture area (polygons or preset) is a new revision; the old one stays in the history. A new name alone is not.
      if (after.presetToken !== before.presetToken || JSON.stringify(after.polygons) !== JSON.stringify(before.polygons)) {
        after.revision = randomUUID();
        await this.repository.closeRevision(trx, before.revision, after.updatedAt, after.updatedBy);
        await this.repository.openRevision(trx, after, after.updatedAt, after.updatedBy);
      }
      await this.repository.updateMask(trx, after);
      await this.audit.record(trx, acting.actor, {
        action: 'recording.mask_updated',
        communeInsee: before.communeInsee,
        targetType: 'privacy_mask',
        targetId: id,
        details: { before: auditView(before), after: auditView(after) },
      });
      return after;
    });
  }

  async remove(id: string, acting: Acting): Promise<void> {
    await this.repository.transaction(async (trx) => {
      const before = await this.repository.findMask(id, trx, true);
      if (!before) throw maskNotFound();
      await this.authorisedCommune(before.cameraId, acting.principal, 'mask.write', trx, maskNotFound);
      await this.repository.deleteMask(trx, id);
      await this.repository.closeRevision(trx, before.revision, this.clock.now().toISOString(), actorName(acting.actor));
      await this.audit.record(trx, acting.actor, {
        action: 'recording.mask_deleted',
        communeInsee: before.communeInsee,
        targetType: 'privacy_mask',
        targetId: id,
        details: { before: auditView(before), after: null },
      });
    });
  }

  /** Chooses who masks the camera: `in_camera` (checked by Vigie) or `server` (burnt in by Vigie). */
  async setMode(cameraId: string, mode: MaskMode, acting: Acting): Promise<CameraMaskMode> {
    const chosen = parseMaskMode(mode);
    return this.repository.transaction(async (trx) => {
      const communeInsee = await this.authorisedCommune(cameraId, acting.principal, 'mask.write', trx);
      const previous = await this.repository.modeOf(cameraId, trx);
      const row = { cameraId, communeInsee, mode: chosen, updatedAt: this.clock.now().toISOString(), updatedBy: actorName(acting.actor) };
      await this.repository.setMode(trx, row);
      await this.audit.record(trx, acting.actor, {
        action: 'recording.mask_mode_set',
        communeInsee,
        targetType: 'camera',
        targetId: cameraId,
        details: { before: previous?.mode ?? null, after: chosen, defaultBefore: previous === undefined ? DEFAULT_MASK_MODE : null },
      });
      return row;
    });
  }

  /**
   * The polygons in force for the camera at a PTZ position (null: no preset known, camera-wide
   * masks only), with its mode and the version the recorder burns in. For the recorder, live,
   * playback and exports: no principal, the caller has already authorised the viewer.
   */
  async effectiveMask(cameraId: string, presetToken: string | null): Promise<EffectiveMask> {
    const communeInsee = (await this.inventory.communesOfCameras([cameraId])).get(cameraId);
    if (communeInsee === undefined) throw cameraNotFound();
    const [masks, mode] = await Promise.all([this.repository.masksOfCamera(cameraId), this.repository.modeOf(cameraId)]);
    const effectiveMode = mode?.mode ?? DEFAULT_MASK_MODE;
    const polygons = polygonsInForce(masks, presetToken);
    return { cameraId, communeInsee, mode: effectiveMode, presetToken, polygons, version: maskVersion(effectiveMode, polygons) };
  }

  /** The version of what the recorder must burn in for the camera (null: nothing), for fingerprints. */
  async maskVersion(cameraId: string, presetToken: string | null = null): Promise<string | null> {
    return (await this.effectiveMask(cameraId, presetToken)).version;
  }

  /**
   * What the recorder fleet (and live sub-streams) must burn in, for many cameras in two
   * queries, for cameras in `server` mode (or with no mode chosen): the camera-wide masks plus
   * those of the PTZ preset each camera is at (`positions`; none known: camera-wide only). The
   * version changes with the polygons in force, so reaching or leaving a preset that has masks
   * restarts the camera's recorder, and one that has none changes nothing. Cameras absent need
   * no burn-in.
   */
  async recorderMasks(cameraIds: readonly string[], positions?: MaskPositions): Promise<Map<string, FleetMask>> {
    const [masks, modes] = await Promise.all([this.repository.masksOfCameras(cameraIds), this.repository.modesOf(cameraIds)]);
    const result = new Map<string, FleetMask>();
    for (const [cameraId, cameraMasks] of masks) {
      const polygons = polygonsInForce(cameraMasks, positions?.presetOf(cameraId) ?? null);
      const version = maskVersion(modes.get(cameraId) ?? DEFAULT_MASK_MODE, polygons);
      if (version !== null) result.set(cameraId, { version, polygons });
    }
    return result;
  }

  /**
   * What each camera's recorder runs with (the recorder fleet): the polygons it burns in, as
   * `recorderMasks` gives them (`burn`, null when nothing is burnt in), and the masking written
   * on its segments: the mode and every mask revision of the camera now, all read at once so
   * that what is burnt in and what is accounted for agree. Cameras absent have no mask (their
   * segments account for none). A camera whose masks cannot be read is `unreadable`: it must
   * not be recorded. Modes that cannot be read fail the whole call.
   */
  async recorderMasking(cameraIds: readonly string[], positions?: MaskPositions): Promise<Map<string, CameraRecorderMasking>> {
    const [{ masks, unreadable }, modes] = await Promise.all([this.repository.masksOfCamerasByCamera(cameraIds), this.repository.modesOf(cameraIds)]);
    const result = new Map<string, CameraRecorderMasking>();
    for (const [cameraId, why] of unreadable) result.set(cameraId, { unreadable: why });
    for (const [cameraId, cameraMasks] of masks) {
      const mode = modes.get(cameraId) ?? DEFAULT_MASK_MODE;
      const polygons = polygonsInForce(cameraMasks, positions?.presetOf(cameraId) ?? null);
      const version = maskVersion(mode, polygons);
      result.set(cameraId, { masking: recorderMasking(mode, cameraMasks, polygons), burn: version === null ? null : { version, polygons } });
    }
    return result;
  }

  /**
   * Of `cameraIds`, those whose burnt-in masks depend on the PTZ position: at least one mask
   * of a preset, in `server` mode (or no mode chosen). Only these are worth reading the
   * position of (the PTZ position watcher); the others burn in the same polygons everywhere.
   */
  async presetMaskedCameras(cameraIds: readonly string[]): Promise<Set<string>> {
    const [masks, modes] = await Promise.all([this.repository.masksOfCameras(cameraIds), this.repository.modesOf(cameraIds)]);
    const result = new Set<string>();
    for (const [cameraId, cameraMasks] of masks) {
      if ((modes.get(cameraId) ?? DEFAULT_MASK_MODE) === 'server' && cameraMasks.some((mask) => mask.presetToken !== null)) result.add(cameraId);
    }
    return result;
  }

  /** Every revision of the camera's masks in force at some time since `sinceMs` (playback: what stored footage must be masked with). */
  historySince(cameraId: string, sinceMs: number): Promise<MaskRevision[]> {
    return this.repository.historySince(cameraId, sinceMs);
  }

  /** The camera's commune, after checking the principal may do `action` there; unknown or out of scope: not found. */
  private async authorisedCommune(
    cameraId: string,
    principal: Principal | null,
    action: Action,
    handle?: AnyHandle,
    missing = cameraNotFound,
  ): Promise<string> {
    const communeInsee = (await this.inventory.communesOfCameras([cameraId], handle)).get(cameraId);
    if (communeInsee === undefined || (principal !== null && !inScope(principal, communeInsee))) throw missing();
    if (principal) assertAllowed(principal, action, communeInsee, parisDate(this.clock.now()));
    return communeInsee;
  }
}

function actorName(actor: Actor): string {
  return actor.login ?? actor.type;
}
