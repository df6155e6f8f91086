// Technical events: what the recorder, the retention purge and the monitors raise (purge
// failure, low space, footage destroyed early, quality below the legal floor, mask not in
// force, recorder failed), and what ONVIF cameras report (possibly swapped, motion, tamper,
// inputs, video loss, events lost). Kept in a table so that none is lost and the console and the
// prefecture's questions can be answered; the alarms module (to come) turns the critical ones
// into alarms with acknowledgement. Listing is scoped by commune; centre-wide events (a volume)
// are shown to users with every commune.
import type { Clock } from '../../platform/clock.ts';
import type { AnyHandle } from '../../platform/db/tables.ts';
import { silentLog, type ProcessLog } from '../../platform/processes.ts';
import { communeFilter, type Principal } from '../access/index.ts';
import type { TechnicalEventsRepository } from './technical-events.repository.ts';

export type TechnicalSeverity = 'critical' | 'warning' | 'info';

export const technicalEventCodes = [
  'purge_failed',
  'retention_clamped',
  'storage_low',
  'storage_destroyed_early',
  'storage_exhausted',
  'storage_unavailable',
  'resolution_below_floor',
  'fps_below_floor',
  'quality_restored',
  'mask_not_in_force',
  'mask_check_failed',
  'recorder_failed',
  'recorder_recovered',
  'recorder_config_unreadable',
  'checkpoint_failed',
  'checkpoint_push_failed',
  'volume_marker_missing',
  'legal_hold_review_due',
  'job_failed',
  // ONVIF (devices, onvif-events; docs/onvif.md)
  'camera_possibly_swapped',
  'camera_motion',
  'camera_tamper',
  'camera_tamper_cleared',
  'camera_input',
  'camera_video_loss',
  'camera_video_restored',
  'onvif_events_lost',
  'onvif_events_restored',
  // Picture checks (camera-health; docs/health.md)
  'picture_covered',
  'picture_blurred',
  'camera_moved',
  'picture_obstructed',
  'picture_frozen',
  'picture_tamper_cleared',
  'picture_fault_cleared',
] as const;
export type TechnicalEventCode = (typeof technicalEventCodes)[number];

export interface TechnicalEvent {
  severity: TechnicalSeverity;
  code: TechnicalEventCode | (string & {});
  cameraId: string | null;
  communeInsee: string | null;
  message: string;
  /** ISO instant; the recording time if absent. */
  at?: string;
  volume?: string | null;
  details?: Record<string, unknown>;
}

export interface StoredTechnicalEvent extends Required<Omit<TechnicalEvent, 'details'>> {
  id: number;
  details: Record<string, unknown>;
}

export interface TechnicalEventFilter {
  communeInsee?: string;
  cameraId?: string;
  severity?: TechnicalSeverity;
  code?: string;
  from?: string;
  to?: string;
  limit?: number;
}

export class TechnicalEventsService {
  private readonly listeners = new Set<(event: StoredTechnicalEvent) => void>();

  constructor(
    private readonly repository: TechnicalEventsRepository,
    private readonly clock: Clock,
    private readonly log: ProcessLog = silentLog,
  ) {}

  /** Subscribes to every recorded event (alarms, the console's live feed). */
  subscribe(listener: (event: StoredTechnicalEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Stores an event; never throws (an event is raised from failure paths): if the row cannot
   * be written, the event is logged at error level and still passed to the listeners.
   */
  async raise(event: TechnicalEvent, handle?: AnyHandle): Promise<StoredTechnicalEvent> {
    const stored: StoredTechnicalEvent = {
      id: 0,
      severity: event.severity,
      code: event.code,
      cameraId: event.cameraId,
      communeInsee: event.communeInsee,
      message: event.message,
      at: event.at ?? this.clock.now().toISOString(),
      volume: event.volume ?? null,
      details: event.details ?? {},
    };
    try {
      stored.id = await this.repository.insert(
        {
          at: stored.at,
          severity: stored.severity,
          code: stored.code,
          commune_insee: stored.communeInsee,
          camera_id: stored.cameraId,
          volume: stored.volume,
          message: stored.message,
          details: JSON.stringify(stored.details),
        },
        handle,
      );
    } catch (error) {
      this.log.warn({ event: stored, error: error instanceof Error ? error.message : String(error) }, 'technical event NOT STORED');
    }
    this.log.warn({ severity: stored.severity, code: stored.code, cameraId: stored.cameraId, volume: stored.volume }, stored.message);
    for (const listener of this.listeners) {
      try {
        listener(stored);
      } catch (error) {
        this.log.warn({ error: error instanceof Error ? error.message : String(error) }, 'technical event listener failed');
      }
    }
    return stored;
  }

  /** Newest first, within the principal's communes (centre-wide events need every commune). */
  async list(filter: TechnicalEventFilter, principal: Principal | null): Promise<StoredTechnicalEvent[]> {
    const communes = principal ? communeFilter(principal) : null;
    const rows = await this.repository.list({ ...filter, communes, limit: Math.min(filter.limit ?? 200, 1000) });
    return rows.map((row) => ({
      id: Number(row.id),
      at: row.at,
      severity: row.severity as TechnicalSeverity,
      code: row.code,
      communeInsee: row.commune_insee,
      cameraId: row.camera_id,
      volume: row.volume,
      message: row.message,
      details: JSON.parse(row.details) as Record<string, unknown>,
    }));
  }
}
