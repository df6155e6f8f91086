// The "recordings made" side of the statutory register (LEGAL 7, R252-11): once a Paris
// calendar day is over, one `recorded` row per camera that recorded that day (first start,
// last end, segments, bytes, frames), written with its audit row in one transaction. A day already
// registered is never written twice (its rows carry `details.day`); days are looked back over
// a week, so a server down for a night catches up when it returns.
import { addDays, parisDate, parisMidnightMs, type Clock } from '../../platform/clock.ts';
import { systemActor, type AuditApi } from '../audit/index.ts';
import type { RetentionRepository } from './retention.repository.ts';
import type { RetentionFootage } from './retention.types.ts';

export const RECORDED_LOOKBACK_DAYS = 7;

export class RecordedDaysJob {
  constructor(
    private readonly repository: RetentionRepository,
    private readonly footage: Pick<RetentionFootage, 'recordedOn'>,
    private readonly audit: AuditApi,
    private readonly clock: Clock,
  ) {}

  /** Registers every finished day of the look-back window not yet registered; returns the rows written. */
  async run(now: Date = this.clock.now()): Promise<number> {
    const today = parisDate(now);
    const done = await this.repository.registeredRecordedDays(parisMidnightMs(addDays(today, -RECORDED_LOOKBACK_DAYS - 1)));
    let written = 0;
    for (let back = RECORDED_LOOKBACK_DAYS; back >= 1; back--) {
      const day = addDays(today, -back);
      if (done.has(day)) continue;
      const fromMs = parisMidnightMs(day);
      const toMs = parisMidnightMs(addDays(day, 1));
      const cameras = await this.footage.recordedOn(fromMs, toMs);
      if (cameras.length === 0) continue;
      await this.repository.transaction(async (trx) => {
        const at = now.toISOString();
        const ids = await this.repository.insertRegisterEntries(
          trx,
          cameras.map((camera) => ({
            at,
            communeInsee: camera.communeInsee,
            cameraId: camera.cameraId,
            kind: 'recorded' as const,
            fromMs: camera.fromMs,
            toMs: camera.toMs,
            segments: camera.segments,
            bytes: camera.bytes,
            reference: null,
            // Frames recorded that day (the segments' frame counts): the register says what was recorded, not only how much.
            details: { day, frames: camera.frames },
          })),
        );
        await this.audit.record(trx, systemActor, {
          action: 'recording.register_recorded',
          details: { day, cameras: cameras.length, registerIds: [ids[0], ids.at(-1)] },
        });
      });
      written += cameras.length;
    }
    return written;
  }
}
