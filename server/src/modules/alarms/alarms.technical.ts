// Technical events become technical alarms (docs/alarms.md "Technical events"): the alarms
// module subscribes to the technical-events module and maps each code of its table to an alarm
// of the built-in `technical` source. A condition raised again while its alarm is open folds
// into it (one alarm, a count), whatever the time between; a recovery code restores it. Codes
// outside the table (motion, inputs, job failures...) raise no alarm.
import { randomUUID } from 'node:crypto';
import { silentLog, type ProcessLog } from '../../platform/processes.ts';
import type { TechnicalEvent } from '../technical-events/index.ts';
import { technicalEventAlarms } from './alarms.catalogue.ts';
import type { AlarmIntake } from './alarms.intake.ts';
import type { AlarmsRepository } from './alarms.repository.ts';
import type { AlarmPayload, IntakeResult } from './alarms.schemas.ts';

export const technicalSourceId = 'technical';
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are replaced in titles.
const controlCharacters = /[\u0000-\u001f\u007f]/g;

/** The technical events a stored event carries (its id, 0 when it could not be stored). */
export type StoredEvent = TechnicalEvent & { id: number; at: string };

export class TechnicalAlarms {
  /** Events are turned into alarms one at a time, in the order raised: a recovery never overtakes its failure, a repeat always folds. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly intake: AlarmIntake,
    private readonly repository: AlarmsRepository,
    private readonly log: ProcessLog = silentLog,
  ) {}

  /** The listener given to the technical-events module: never throws, never waits. */
  readonly listener = (event: StoredEvent): void => {
    this.queue = this.queue.then(() =>
      this.handle(event).catch((error: unknown) => {
        this.intake.rejected('technical', technicalSourceId, error);
        this.log.warn({ code: event.code, error: error instanceof Error ? error.message : String(error) }, 'technical alarm NOT STORED');
      }),
    );
  };

  /** Resolves once every event raised so far is stored as an alarm (or has failed). */
  async settled(): Promise<void> {
    let current: Promise<unknown>;
    do {
      current = this.queue;
      await current;
    } while (current !== this.queue);
  }

  async handle(event: StoredEvent): Promise<IntakeResult | null> {
    const mapping = technicalEventAlarms[event.code];
    if (!mapping) return null;
    const source = await this.repository.source(technicalSourceId);
    if (source?.enabled !== 1) return null;
    const zone = event.cameraId ? `camera:${event.cameraId}` : event.volume ? `volume:${event.volume}` : null;
    const payload: AlarmPayload = {
      eventId: `technical-event:${event.id > 0 ? event.id : randomUUID()}`,
      event: mapping.event,
      type: mapping.type,
      occurredAt: event.at,
      ...(zone ? { zone: zone.slice(0, 100) } : {}),
      title: event.message.replace(controlCharacters, ' ').trim().slice(0, 200) || mapping.type,
      ...(event.cameraId ? { cameraIds: [event.cameraId.slice(0, 100)] } : {}),
      ...(event.severity === 'critical' && mapping.event === 'alarm' ? { priority: 'critical' as const } : {}),
    };
    const raw = JSON.stringify({ technicalEvent: { id: event.id, code: event.code, severity: event.severity, details: event.details ?? {} } }).slice(0, 8000);
    return this.intake.receive(source, { channel: 'technical', payload, raw, communeInsee: event.communeInsee, foldForever: true });
  }
}
