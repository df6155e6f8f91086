// Use cases of the camera picture health (docs/health.md): capture the reference picture of a
// camera (per PTZ preset), read each camera's health state and history, override thresholds per
// camera (only the fields sent), and show the reference and the stills of the history (image
// accesses, audited). Every change is audited in its own transaction.
import { DomainError, notFound } from '../../platform/errors.ts';
import type { AuditApi } from '../audit/index.ts';
import type { Principal } from '../access/index.ts';
import type { CameraView } from '../cameras/index.ts';
import type { CameraHealthRepository, ReferenceRow } from './camera-health.repository.ts';
import { type PictureCheckRunner, thresholdsOf } from './camera-health.runner.ts';
import type { ThresholdsPatch } from './camera-health.schemas.ts';
import type { FrameDecoder, GopOfCamera } from './frame-grabber.ts';
import { type LearntScene, pictureChecks, type PictureCheck, type Thresholds } from './picture-checks.ts';
import type { Clock } from '../../platform/clock.ts';
import type { HealthRecorder } from './camera-health.runner.ts';

type Actor = Parameters<AuditApi['record']>[1];
export interface Acting {
  actor: Actor;
  principal: Principal;
}

export interface CameraHealthServiceDeps {
  repository: CameraHealthRepository;
  runner: PictureCheckRunner;
  audit: Pick<AuditApi, 'record' | 'recordImageAccess'>;
  clock: Clock;
  cameras: { get(id: string, principal: Principal | null): Promise<CameraView> };
  recorder(): HealthRecorder | null;
  presetOf(cameraId: string): string | null;
  decode: FrameDecoder;
  still(gop: GopOfCamera): Promise<Buffer | null>;
}

function unavailable(): DomainError {
  // A state of the camera (not received yet, or not by this process), not a fault of the server: 409.
  return new DomainError('camera_health_no_picture', {
    fr: 'Aucune image reçue de la caméra pour l’instant : la référence ne peut pas être prise.',
    en: 'No picture received from the camera yet: the reference cannot be captured.',
  });
}

export class CameraHealthService {
  constructor(private readonly deps: CameraHealthServiceDeps) {}

  /** Captures the picture the camera shows now as its reference (for a preset: the camera must be at it). */
  async captureReference(cameraId: string, body: { presetToken?: string | null | undefined; reason?: string | undefined }, acting: Acting) {
    const camera = await this.deps.cameras.get(cameraId, acting.principal);
    const recorder = this.deps.recorder();
    if (!recorder?.fleet.cameraIds.includes(cameraId)) throw unavailable();
    const presetToken = body.presetToken ?? this.deps.presetOf(cameraId) ?? '';
    const at = this.deps.clock.now().toISOString();
    const snapshot = await recorder.live.snapshot(cameraId, 5000);
    if (!snapshot) throw unavailable();
    const gop: GopOfCamera = { cameraId, gop: snapshot, format: recorder.live.formatOf?.(cameraId) ?? 'mpegts' };
    const frame = (await this.deps.decode([gop])).get(cameraId);
    if (!frame) throw unavailable();
    const jpeg = await this.deps.still(gop).catch(() => null);
    const row: ReferenceRow = {
      camera_id: cameraId,
      preset_token: presetToken,
      captured_at: at,
      captured_by: acting.actor.login ?? acting.actor.type,
      width: frame.width,
      height: frame.height,
      gray: Buffer.from(frame.data).toString('base64'),
      jpeg: jpeg ? jpeg.toString('base64') : null,
      learnt: null,
    };
    await this.deps.repository.transaction(async (trx) => {
      await this.deps.repository.saveReference(trx, row);
      await this.deps.audit.record(trx, acting.actor, {
        action: 'camera_health.reference_captured',
        communeInsee: camera.communeInsee,
        targetType: 'camera',
        targetId: cameraId,
        reason: body.reason ?? null,
        details: { presetToken: presetToken || null, width: frame.width, height: frame.height, still: jpeg !== null },
      });
    });
    this.deps.runner.forgetReference(cameraId, presetToken);
    return this.referenceView(row, thresholdsOf((await this.deps.repository.settings(cameraId))[0]?.thresholds));
  }

  async state(cameraId: string, principal: Principal) {
    const camera = await this.deps.cameras.get(cameraId, principal);
    const [stored, references, settings] = await Promise.all([
      this.deps.repository.states(cameraId),
      this.deps.repository.references(cameraId),
      this.deps.repository.settings(cameraId),
    ]);
    const thresholds = thresholdsOf(settings[0]?.thresholds);
    const runtime = this.deps.runner.cameras.get(cameraId);
    const storedByCheck = new Map(stored.map((row) => [row.check_name, row]));
    return {
      cameraId,
      communeInsee: camera.communeInsee,
      checkedAt: runtime?.checkedAt ?? null,
      presetToken: runtime?.presetToken ?? null,
      measures: runtime?.measures ?? null,
      checks: pictureChecks.map((check: PictureCheck) => {
        const live = runtime?.states.get(check);
        const row = storedByCheck.get(check);
        return {
          check,
          raised: live?.raised ?? row?.raised === 1,
          since: live?.since ?? row?.since ?? null,
          judged: runtime?.verdicts ? runtime.verdicts[check] !== null : false,
        };
      }),
      references: references.map((reference) => this.referenceView(reference, thresholds)),
    };
  }

  async history(cameraId: string, query: { from?: string | undefined; to?: string | undefined; limit: number }, principal: Principal) {
    await this.deps.cameras.get(cameraId, principal);
    const rows = await this.deps.repository.events({ cameraId, from: query.from, to: query.to, limit: query.limit });
    return rows.map((row) => ({
      id: row.id,
      cameraId: row.camera_id,
      check: row.check_name as PictureCheck,
      transition: row.transition as 'raised' | 'cleared',
      at: row.at,
      presetToken: row.preset_token || null,
      measures: JSON.parse(row.measures),
      hasStill: row.jpeg !== null,
    }));
  }

  async thresholds(cameraId: string, principal: Principal) {
    await this.deps.cameras.get(cameraId, principal);
    return this.thresholdsView(cameraId, (await this.deps.repository.settings(cameraId))[0]);
  }

  /** PATCH: only the fields sent change; null puts a threshold back to its default. */
  async updateThresholds(cameraId: string, patch: ThresholdsPatch, acting: Acting) {
    const camera = await this.deps.cameras.get(cameraId, acting.principal);
    return this.deps.repository.transaction(async (trx) => {
      const existing = (await this.deps.repository.settings(cameraId, trx))[0];
      const overrides: Record<string, number> = existing ? JSON.parse(existing.thresholds) : {};
      const before = { ...overrides };
      for (const [key, value] of Object.entries(patch)) {
        if (value === null) delete overrides[key];
        else if (value !== undefined) overrides[key] = value;
      }
      const row = {
        camera_id: cameraId,
        thresholds: JSON.stringify(overrides),
        updated_at: this.deps.clock.now().toISOString(),
        updated_by: acting.actor.login ?? acting.actor.type,
      };
      await this.deps.repository.saveSettings(trx, row);
      await this.deps.audit.record(trx, acting.actor, {
        action: 'camera_health.thresholds_updated',
        communeInsee: camera.communeInsee,
        targetType: 'camera',
        targetId: cameraId,
        details: { before, after: overrides },
      });
      return this.thresholdsView(cameraId, row);
    });
  }

  /** The reference picture (JPEG) of a camera and preset: an image access, audited. */
  async referencePicture(cameraId: string, presetToken: string | undefined, acting: Acting): Promise<Buffer> {
    const camera = await this.deps.cameras.get(cameraId, acting.principal);
    const row = await this.deps.repository.reference(cameraId, presetToken ?? '');
    if (!row?.jpeg) throw notFound({ fr: 'Image de référence', en: 'Reference picture' });
    await this.deps.audit.recordImageAccess(acting.actor, {
      kind: 'snapshot',
      cameraId,
      communeInsee: camera.communeInsee,
      details: { purpose: 'camera health reference', presetToken: presetToken ?? null, capturedAt: row.captured_at },
    });
    return Buffer.from(row.jpeg, 'base64');
  }

  /** The still of a raised fault (JPEG): an image access, audited. */
  async eventStill(eventId: string, acting: Acting): Promise<Buffer> {
    const row = await this.deps.repository.event(eventId);
    if (!row) throw notFound({ fr: 'Événement de santé', en: 'Health event' });
    const camera = await this.deps.cameras.get(row.camera_id, acting.principal);
    if (!row.jpeg) throw notFound({ fr: 'Image de l’événement', en: 'Event picture' });
    await this.deps.audit.recordImageAccess(acting.actor, {
      kind: 'snapshot',
      cameraId: row.camera_id,
      communeInsee: camera.communeInsee,
      details: { purpose: 'camera health fault', healthEventId: eventId, check: row.check_name, at: row.at },
    });
    return Buffer.from(row.jpeg, 'base64');
  }

  private referenceView(row: ReferenceRow, thresholds: Thresholds) {
    const learnt = row.learnt ? (JSON.parse(row.learnt) as LearntScene) : null;
    return {
      cameraId: row.camera_id,
      presetToken: row.preset_token || null,
      capturedAt: row.captured_at,
      capturedBy: row.captured_by,
      learning: (learnt?.checks ?? 0) < thresholds.learningChecks,
      learnt: learnt ? { ...learnt, minSharpnessRatio: Number.isFinite(learnt.minSharpnessRatio) ? learnt.minSharpnessRatio : 1 } : null,
    };
  }

  private thresholdsView(cameraId: string, row: { thresholds: string; updated_at: string; updated_by: string } | undefined) {
    return {
      cameraId,
      ...thresholdsOf(row?.thresholds),
      overridden: row ? Object.keys(JSON.parse(row.thresholds)).sort() : [],
      updatedAt: row?.updated_at ?? null,
      updatedBy: row?.updated_by ?? null,
    };
  }
}
