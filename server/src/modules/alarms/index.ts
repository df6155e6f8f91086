// The alarms module (issue 14, items 1-2; docs/alarms.md): intake sources, alarms and their
// receipts; the webhook and MQTT intake, technical events turned into alarms, the operators'
// queue. Other modules import only from here.
import type { Clock } from '../../platform/clock.ts';
import type { DatabaseHandle } from '../../platform/db/database.ts';
import type { AlarmsSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';
import type { EventBus } from '../../platform/events.ts';
import type { Job } from '../../platform/jobs.ts';
import { routesOf, type VigieModule } from '../../platform/modules.ts';
import type { ProcessLog } from '../../platform/processes.ts';
import type { AuditApi } from '../audit/index.ts';
import { AlarmIntake, type AlarmSites } from './alarms.intake.ts';
import { alarmIntakeRoutes } from './alarms.intake.routes.ts';
import { MqttIntake, type MqttIntakeConfig } from './alarms.mqtt.ts';
import { AlarmsRepository } from './alarms.repository.ts';
import { alarmsRoutes } from './alarms.routes.ts';
import { AlarmsService } from './alarms.service.ts';
import { TechnicalAlarms, type StoredEvent } from './alarms.technical.ts';

export type { MqttIntakeConfig } from './alarms.mqtt.ts';

export interface AlarmsModuleDeps {
  database: DatabaseHandle;
  audit: AuditApi;
  clock: Clock;
  events: EventBus;
  sites: AlarmSites;
  /** The technical-events module's subscription: its events become technical alarms. */
  technicalEvents: { subscribe(listener: (event: StoredEvent) => void): () => void };
  log?: ProcessLog;
  config: { foldWindowMs: number; webhookPerSourcePerMinute: number; mqtt: MqttIntakeConfig | null };
}

export interface AlarmsApi {
  service: AlarmsService;
  intake: AlarmIntake;
  mqtt: MqttIntake;
  technical: TechnicalAlarms;
}

export function createAlarmsModule(deps: AlarmsModuleDeps): VigieModule<AlarmsApi> {
  const repository = new AlarmsRepository(tablesOf<AlarmsSchema>(deps.database.db));
  const intake = new AlarmIntake(repository, deps, { foldWindowMs: deps.config.foldWindowMs });
  const service = new AlarmsService(repository, { ...deps, counters: intake.counters });
  const mqtt = new MqttIntake(intake, repository, deps.config.mqtt, deps.log);
  const technical = new TechnicalAlarms(intake, repository, deps.log);
  deps.technicalEvents.subscribe(technical.listener);
  const jobs: Job[] = [
    // The broker connection lives from start to stop (mqtt.js reconnects by itself); each run only reports its state.
    {
      name: 'alarms.mqtt-intake',
      role: 'worker',
      intervalMs: 30_000,
      start: () => void mqtt.start(),
      run: async () => {
        const status = mqtt.status();
        if (status.configured && !status.connected) throw new Error(`MQTT broker not connected: ${status.lastError ?? 'connecting'}`);
      },
      stop: () => mqtt.stop(),
    },
  ];
  const plugins = [
    routesOf(alarmsRoutes, { service, mqttStatus: () => mqtt.status() }),
    routesOf(alarmIntakeRoutes, { intake, perSourcePerMinute: deps.config.webhookPerSourcePerMinute }),
  ];
  return {
    name: 'alarms',
    api: { service, intake, mqtt, technical },
    routes: {
      register: async (app) => {
        for (const plugin of plugins) await plugin.register(app);
      },
    },
    jobs,
  };
}
