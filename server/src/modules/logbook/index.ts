// The logbook module (main courante, issue 14 items 6 and 7; docs/alarms.md "Logbook" and
// "Figures"): manual and automatic entries, chained; the search, CSV and PDF; the incident report
// of an alarm; the chief's figures. Other modules import only this file.
import type { ChainMac } from '../../platform/chain-keys.ts';
import type { Clock } from '../../platform/clock.ts';
import type { DatabaseHandle } from '../../platform/db/database.ts';
import type { LogbookSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';
import type { EventBus } from '../../platform/events.ts';
import { routesOf, type VigieModule } from '../../platform/modules.ts';
import type { ProcessLog } from '../../platform/processes.ts';
import type { AlarmFacts } from '../alarms/index.ts';
import type { AuditApi } from '../audit/index.ts';
import { parseShifts } from './logbook.figures.ts';
import { IncidentReports } from './logbook.incidents.ts';
import { LogbookRepository } from './logbook.repository.ts';
import { logbookRoutes } from './logbook.routes.ts';
import { LogbookService, type LogbookPorts } from './logbook.service.ts';

export interface LogbookModuleDeps {
  database: DatabaseHandle;
  audit: AuditApi;
  clock: Clock;
  /** The alarms module's `alarm.changed` events become automatic entries. */
  events: EventBus;
  alarms: AlarmFacts;
  /** The logbook subkey of the chain key (chain-keys.ts). */
  chainKey: ChainMac;
  ports: LogbookPorts;
  log?: ProcessLog;
  /** VIGIE_ALARM_SHIFTS: "07:00-19:00,19:00-07:00" (Paris time). */
  shifts: string;
}

export interface LogbookApi {
  logbook: LogbookService;
  incidents: IncidentReports;
}

export function createLogbookModule(deps: LogbookModuleDeps): VigieModule<LogbookApi> {
  const repository = new LogbookRepository(tablesOf<LogbookSchema>(deps.database.db), deps.chainKey);
  const logbook = new LogbookService(repository, deps);
  const incidents = new IncidentReports({ ...deps, logbook, shifts: parseShifts(deps.shifts) });
  // After the alarm's commit; a failure is logged by the bus (the alarm itself is not affected).
  deps.events.on('alarm.changed', (event) => logbook.recordAlarmChange(event).then(() => undefined));
  return { name: 'logbook', api: { logbook, incidents }, routes: routesOf(logbookRoutes, { logbook, incidents }), jobs: [] };
}
