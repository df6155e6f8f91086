// Quality floors in operation (LEGAL 13-14): every indexed segment is compared with its
// camera's floor; a camera going below raises one technical event per problem (not one per
// segment), and one `quality_restored` when every floor holds again. A very short segment
// (under 2 s, e.g. cut by a stop) is not judged: its measured rate is not meaningful.
import type { TechnicalEvent } from '../technical-events/index.ts';
import { qualityFloor, qualityProblems, type FieldClass, type QualityFloor } from './quality.rules.ts';
import type { IndexedSegment } from './recording.types.ts';

export interface QualityFacts {
  fieldClass: FieldClass;
  busyPedestrianPlace: boolean;
}

export interface QualityMonitorDeps {
  /** The camera's field class and busy-place flag; undefined when unknown (not judged). */
  facts(cameraId: string): Promise<QualityFacts | undefined>;
  raise(event: TechnicalEvent): Promise<unknown>;
}

export const MIN_JUDGED_SEGMENT_MS = 2000;

export interface CameraQuality {
  cameraId: string;
  floor: QualityFloor;
  measured: { width: number; height: number; fps: number; atMs: number };
  problems: string[];
}

export class QualityMonitor {
  private readonly current = new Map<string, CameraQuality>();

  constructor(private readonly deps: QualityMonitorDeps) {}

  /** The latest judgement of each camera, for the recording status API. */
  of(cameraId: string): CameraQuality | undefined {
    return this.current.get(cameraId);
  }

  async onSegment(segment: IndexedSegment): Promise<void> {
    if (segment.durationMs < MIN_JUDGED_SEGMENT_MS) return;
    const facts = await this.deps.facts(segment.cameraId);
    if (!facts) return;
    const floor = qualityFloor(facts.fieldClass, facts.busyPedestrianPlace);
    const measured = { width: segment.width, height: segment.height, fps: segment.fps };
    const problems = qualityProblems(measured, floor);
    const previous = this.current.get(segment.cameraId)?.problems ?? [];
    this.current.set(segment.cameraId, { cameraId: segment.cameraId, floor, measured: { ...measured, atMs: segment.endMs }, problems });
    const base = { cameraId: segment.cameraId, communeInsee: segment.communeInsee, at: new Date(segment.endMs).toISOString() };
    const details = { segmentId: segment.id, measured, floor, fieldClass: facts.fieldClass, busyPedestrianPlace: facts.busyPedestrianPlace };
    for (const problem of problems.filter((code) => !previous.includes(code))) {
      const message =
        problem === 'resolution_below_floor'
          ? `recorded ${measured.width}x${measured.height}, below the ${floor.minWidth}x${floor.minHeight} floor of a ${facts.fieldClass}-field camera`
          : `recorded ${measured.fps} frames/s, below the ${floor.minFps} frames/s floor`;
      await this.deps.raise({ ...base, severity: 'warning', code: problem, message, details });
    }
    if (previous.length > 0 && problems.length === 0) {
      await this.deps.raise({
        ...base,
        severity: 'info',
        code: 'quality_restored',
        message: `recorded ${measured.width}x${measured.height} at ${measured.fps} frames/s: floors hold again`,
        details,
      });
    }
  }
}
