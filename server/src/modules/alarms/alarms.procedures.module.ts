// The procedures part of the alarms module (fiches réflexes, issue 14 item 4), built once by
// index.ts: the procedures and the steps each alarm runs, their routes and the job that escalates
// mandatory steps missed past their deadline (api role: its announcements reach the live queue of
// the same process).
import type { Clock } from '../../platform/clock.ts';
import type { DatabaseHandle } from '../../platform/db/database.ts';
import type { AlarmsProceduresSchema, AlarmsSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';
import type { EventBus } from '../../platform/events.ts';
import type { Job } from '../../platform/jobs.ts';
import { routesOf } from '../../platform/modules.ts';
import type { ProcessLog } from '../../platform/processes.ts';
import type { AuditApi } from '../audit/index.ts';
import type { AlarmSites } from './alarms.intake.ts';
import { StepEscalation } from './alarms.procedures.escalation.ts';
import { ProceduresRepository } from './alarms.procedures.repository.ts';
import { proceduresRoutes } from './alarms.procedures.routes.ts';
import { type OnCallPort, ProceduresService } from './alarms.procedures.service.ts';
import type { AlarmsRepository } from './alarms.repository.ts';

export interface ProceduresApi {
  service: ProceduresService;
  escalation: StepEscalation;
}

/** Until the on-call module is wired (services.ts), notifications go nowhere. */
export const noOnCall: OnCallPort = { notify: async () => undefined };

export function createProcedures(deps: {
  database: DatabaseHandle;
  alarms: AlarmsRepository;
  audit: AuditApi;
  clock: Clock;
  events: EventBus;
  sites: AlarmSites;
  onCall?: OnCallPort;
  log?: ProcessLog;
}) {
  const repository = new ProceduresRepository(tablesOf<AlarmsProceduresSchema & Pick<AlarmsSchema, 'alarms'>>(deps.database.db));
  const service = new ProceduresService(repository, deps.alarms, { ...deps, onCall: deps.onCall ?? noOnCall });
  const escalation = new StepEscalation(repository, deps.alarms, service, deps);
  const jobs: Job[] = [{ name: 'alarms.procedure-escalation', role: 'api', intervalMs: 1000, run: () => escalation.run() }];
  return { api: { service, escalation } satisfies ProceduresApi, jobs, plugin: routesOf(proceduresRoutes, { service }) };
}
