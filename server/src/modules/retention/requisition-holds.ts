// Holds that follow requisitions (issue 13 item 2): receiving a requisition places one hold per
// range asked for, in the requisition's own transaction, before any purge can run between the
// two. A requisition is a procedure reference, so its holds are confirmed at once (they keep
// their footage past retention, reviewed like any confirmed hold); the operator bounds (window,
// provisional lapse) are for manual holds and do not apply: the requisitions module bounds its
// ranges itself (31 days each at most, ending by now). A range whose footage no longer exists
// is reported, not refused (the requisition is still received); a range whose start no longer
// exists is held from the oldest footage kept. Only closing the requisition releases its holds
// (holds.ts refuses to change or release them one by one). Every hold created or released is
// audited in the caller's transaction.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import type { RetentionSchema } from '../../platform/db/schema.ts';
import { tablesOf, type AnyHandle } from '../../platform/db/tables.ts';
import type { Actor, AuditApi } from '../audit/index.ts';
import { holdStatus } from './holds.ts';
import type { RecordingInventory } from './retention.inventory.ts';
import type { LegalHold, RetentionRepository } from './retention.repository.ts';
import { effectiveRetention } from './retention.rules.ts';
import type { RetentionFootage } from './retention.types.ts';

export interface RequisitionRangeAsked {
  cameraId: string;
  fromMs: number;
  toMs: number;
}

/** What became of one range at intake. */
export interface RequisitionRangePlaced {
  footage: 'held' | 'partial' | 'missing';
  /** Where the hold starts (the range's start, or the oldest footage kept); null when nothing is held. */
  heldFromMs: number | null;
  holdId: string | null;
}

export interface RequisitionHoldView {
  id: string;
  cameraIds: string[];
  fromMs: number;
  toMs: number;
  status: 'provisional' | 'confirmed' | 'lapsed' | 'released';
  procedureReference: string | null;
  createdAt: string;
  releasedAt: string | null;
  releasedBy: string | null;
  releaseReason: string | null;
}

export class RequisitionHolds {
  constructor(
    private readonly repository: RetentionRepository,
    private readonly footage: Pick<RetentionFootage, 'oldestFootageOf'>,
    private readonly audit: AuditApi,
    private readonly clock: Clock,
    private readonly inventory: Pick<RecordingInventory, 'retentionSettings'>,
  ) {}

  /** One confirmed hold per range that still has footage, in the caller's transaction; the ranges' fate in their order. */
  async place(
    handle: AnyHandle,
    request: { requisitionId: string; communeInsee: string; procedureReference: string; reason: string; ranges: readonly RequisitionRangeAsked[] },
    actor: Actor,
  ): Promise<RequisitionRangePlaced[]> {
    const trx = tablesOf<RetentionSchema>(handle);
    const oldest = await this.footage.oldestFootageOf([...new Set(request.ranges.map((range) => range.cameraId))], handle);
    const at = this.clock.now().toISOString();
    const by = actor.login ?? actor.type;
    const placed: RequisitionRangePlaced[] = [];
    for (const range of request.ranges) {
      const oldestMs = oldest.get(range.cameraId);
      if (oldestMs === undefined || range.toMs <= oldestMs) {
        placed.push({ footage: 'missing', heldFromMs: null, holdId: null });
        continue;
      }
      const fromMs = Math.max(range.fromMs, oldestMs);
      const hold: LegalHold = {
        id: randomUUID(),
        communeInsee: request.communeInsee,
        cameraIds: [range.cameraId],
        fromMs,
        toMs: range.toMs,
        reason: request.reason,
        procedureReference: request.procedureReference,
        createdBy: by,
        createdAt: at,
        releasedAt: null,
        releasedBy: null,
        releaseReason: null,
        confirmedAt: at,
        confirmedBy: by,
        lapsesAt: null,
        reviewedAt: at,
        requisitionId: request.requisitionId,
      };
      await this.repository.insertHold(trx, hold);
      await this.audit.record(handle, actor, {
        action: 'recording.hold_created',
        communeInsee: request.communeInsee,
        targetType: 'legal_hold',
        targetId: hold.id,
        reason: request.reason,
        details: {
          cameraIds: hold.cameraIds,
          from: new Date(fromMs).toISOString(),
          to: new Date(range.toMs).toISOString(),
          procedureReference: request.procedureReference,
          status: 'confirmed',
          requisitionId: request.requisitionId,
        },
      });
      placed.push({ footage: fromMs > range.fromMs ? 'partial' : 'held', heldFromMs: fromMs, holdId: hold.id });
    }
    return placed;
  }

  /** Releases the requisition's unreleased holds in the caller's transaction (its closing); how many were released. */
  async release(handle: AnyHandle, requisitionId: string, reason: string, actor: Actor): Promise<number> {
    const trx = tablesOf<RetentionSchema>(handle);
    const holds = await this.repository.holds({ communes: null, activeOnly: true, requisitionId }, trx);
    const releasedAt = this.clock.now().toISOString();
    const releasedBy = actor.login ?? actor.type;
    for (const hold of holds) {
      await this.repository.updateHold(trx, hold.id, { released_at: releasedAt, released_by: releasedBy, release_reason: reason });
      await this.audit.record(handle, actor, {
        action: 'recording.hold_released',
        communeInsee: hold.communeInsee,
        targetType: 'legal_hold',
        targetId: hold.id,
        reason,
        details: {
          cameraIds: hold.cameraIds,
          from: new Date(hold.fromMs).toISOString(),
          to: new Date(hold.toMs).toISOString(),
          procedureReference: hold.procedureReference,
          requisitionId,
        },
      });
    }
    return holds.length;
  }

  /** A corrected procedure number follows to the requisition's unreleased holds (audited each); how many changed. */
  async setReference(handle: AnyHandle, requisitionId: string, procedureReference: string, actor: Actor): Promise<number> {
    const trx = tablesOf<RetentionSchema>(handle);
    const holds = await this.repository.holds({ communes: null, activeOnly: true, requisitionId }, trx);
    for (const hold of holds) {
      await this.repository.updateHold(trx, hold.id, { procedure_reference: procedureReference });
      await this.audit.record(handle, actor, {
        action: 'recording.hold_reference_set',
        communeInsee: hold.communeInsee,
        targetType: 'legal_hold',
        targetId: hold.id,
        details: { before: hold.procedureReference, after: procedureReference, requisitionId },
      });
    }
    return holds.length;
  }

  /** Every hold the requisition placed, released ones included. */
  async holdsOf(requisitionId: string): Promise<RequisitionHoldView[]> {
    const now = this.clock.now();
    return (await this.repository.holds({ communes: null, activeOnly: false, requisitionId })).map((hold) => ({
      id: hold.id,
      cameraIds: hold.cameraIds,
      fromMs: hold.fromMs,
      toMs: hold.toMs,
      status: holdStatus(hold, now),
      procedureReference: hold.procedureReference,
      createdAt: hold.createdAt,
      releasedAt: hold.releasedAt,
      releasedBy: hold.releasedBy,
      releaseReason: hold.releaseReason,
    }));
  }

  /** Each camera's effective retention in days (camera, else commune, at most 30): when its footage would be destroyed without a hold. */
  async retentionDaysOf(cameraIds: readonly string[]): Promise<Map<string, number>> {
    const wanted = new Set(cameraIds);
    const settings = await this.inventory.retentionSettings();
    return new Map(settings.filter((camera) => wanted.has(camera.cameraId)).map((camera) => [camera.cameraId, effectiveRetention(camera).days]));
  }
}
