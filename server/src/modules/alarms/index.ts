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
import type { SecretBox } from '../../platform/secrets.ts';
import type { AuditApi } from '../audit/index.ts';
import type { CapCentre } from './alarms.cap.intake.ts';
import { type CapApi, type CapConfig, createCap } from './alarms.cap.module.ts';
import { createDc09, type Dc09Api, type Dc09Config } from './alarms.dc09.module.ts';
import { AlarmEscalation } from './alarms.escalation.ts';
import { AlarmFacts } from './alarms.facts.ts';
import { AlarmIntake, type AlarmSites } from './alarms.intake.ts';
import { alarmIntakeRoutes } from './alarms.intake.routes.ts';
import { AlarmsLive, type AlarmsLiveOptions } from './alarms.live.ts';
import { type AlarmSessions, alarmsLiveRoutes } from './alarms.live.routes.ts';
import { MqttIntake, type MqttIntakeConfig } from './alarms.mqtt.ts';
import { createProcedures, type ProceduresApi } from './alarms.procedures.module.ts';
import type { OnCallPort } from './alarms.procedures.service.ts';
import { AlarmsRepository } from './alarms.repository.ts';
import { alarmsRoutes } from './alarms.routes.ts';
import { AlarmsService } from './alarms.service.ts';
import { TechnicalAlarms, type StoredEvent } from './alarms.technical.ts';

export type { MqttIntakeConfig } from './alarms.mqtt.ts';
export type { Dc09Config } from './alarms.dc09.module.ts';
export type { CapCentre } from './alarms.cap.intake.ts';
export type { OnCallPort } from './alarms.procedures.service.ts';
export type { AlarmFacts, AlarmRow, ReceiptRow } from './alarms.facts.ts';
export type { AlarmChanged } from './alarms.events.ts';

export interface AlarmsModuleDeps {
  database: DatabaseHandle;
  audit: AuditApi;
  clock: Clock;
  events: EventBus;
  sites: AlarmSites;
  /** The technical-events module's subscription: its events become technical alarms. */
  technicalEvents: { subscribe(listener: (event: StoredEvent) => void): () => void };
  log?: ProcessLog;
  /** The auth module's session resolver: the live queue checks its readers' sessions again at each heartbeat. */
  sessions: AlarmSessions;
  /** Seals the DC-09 accounts' AES keys at rest. */
  secrets: SecretBox;
  /** CAP areas are matched to the centre's communes and sites. */
  capCentre: CapCentre;
  /** The on-call chain that procedures notify (a missed step at level 2, a `notify_oncall` step done); none: nobody is told. */
  onCall?: OnCallPort;
  config: {
    foldWindowMs: number;
    escalationMs: readonly [number, number, number, number];
    live: AlarmsLiveOptions;
    webhookPerSourcePerMinute: number;
    mqtt: MqttIntakeConfig | null;
    dc09: Dc09Config;
    cap: CapConfig;
  };
}

export interface AlarmsApi {
  service: AlarmsService;
  intake: AlarmIntake;
  mqtt: MqttIntake;
  technical: TechnicalAlarms;
  live: AlarmsLive;
  /** The escalation of unseen alarms; `onEscalated` is the seam for procedures and the on-call chain. */
  escalation: AlarmEscalation;
  /** SIA DC-09: the panels' intake, their accounts, the receiver's sockets. */
  dc09: Dc09Api;
  /** Read-only facts for the logbook, the incident report and the figures. */
  facts: AlarmFacts;
  /** CAP 1.2: pushed and polled prefecture and weather alerts. */
  cap: CapApi;
  /** Procedures (fiches réflexes): edited per type and site, copied onto each new alarm, ticked, escalated when missed. */
  procedures: ProceduresApi;
}

export function createAlarmsModule(deps: AlarmsModuleDeps): VigieModule<AlarmsApi> {
  // Every new alarm, whatever its channel, gets its procedure's steps in the transaction that stores it.
  const repository = new AlarmsRepository(tablesOf<AlarmsSchema>(deps.database.db), (trx, row) =>
    procedures.api.service.snapshot(trx, { id: row.id, type: row.type, site_id: row.site_id ?? null, first_received_at: row.first_received_at }),
  );
  const procedures = createProcedures({ ...deps, alarms: repository });
  const intake = new AlarmIntake(repository, deps, { foldWindowMs: deps.config.foldWindowMs });
  const service = new AlarmsService(repository, {
    ...deps,
    counters: intake.counters,
    closeCheck: (trx, alarmId, overrideReason, principal) => procedures.api.service.closeCheck(trx, alarmId, overrideReason, principal),
  });
  const mqtt = new MqttIntake(intake, repository, deps.config.mqtt, deps.log);
  const technical = new TechnicalAlarms(intake, repository, deps.log);
  deps.technicalEvents.subscribe(technical.listener);
  const live = new AlarmsLive({ service, repository, events: deps.events, clock: deps.clock, log: deps.log }, deps.config.live);
  const escalation = new AlarmEscalation(repository, deps, deps.config.escalationMs);
  const dc09 = createDc09({ ...deps, intake, alarms: repository, config: deps.config.dc09 });
  const cap = createCap({
    ...deps,
    intake,
    alarms: repository,
    centre: deps.capCentre,
    perSourcePerMinute: deps.config.webhookPerSourcePerMinute,
    config: deps.config.cap,
  });
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
    // In the API role: its `alarm.changed` reaches the live queue's sockets of the same process.
    { name: 'alarms.escalation', role: 'api', intervalMs: 1000, run: () => escalation.run() },
    ...dc09.jobs,
    ...cap.jobs,
    ...procedures.jobs,
  ];
  const plugins = [
    routesOf(alarmsRoutes, { service, mqttStatus: () => mqtt.status() }),
    routesOf(alarmIntakeRoutes, { intake, perSourcePerMinute: deps.config.webhookPerSourcePerMinute }),
    routesOf(alarmsLiveRoutes, { live, sessions: deps.sessions }),
    dc09.plugin,
    cap.plugin,
    procedures.plugin,
  ];
  return {
    name: 'alarms',
    api: {
      service,
      intake,
      mqtt,
      technical,
      live,
      escalation,
      dc09: dc09.api,
      cap: cap.api,
      procedures: procedures.api,
      facts: new AlarmFacts(tablesOf<AlarmsSchema>(deps.database.db)),
    },
    routes: {
      register: async (app) => {
        for (const plugin of plugins) await plugin.register(app);
      },
    },
    jobs,
  };
}
