// The CAP 1.2 part of the alarms module, built once by index.ts: the intake (push and feed), the
// sources' Atom feeds, their routes and the polling job (worker role).
import type { Clock } from '../../platform/clock.ts';
import type { DatabaseHandle } from '../../platform/db/database.ts';
import type { AlarmsCapSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';
import type { EventBus } from '../../platform/events.ts';
import type { Job } from '../../platform/jobs.ts';
import { routesOf } from '../../platform/modules.ts';
import type { ProcessLog } from '../../platform/processes.ts';
import type { AuditApi } from '../audit/index.ts';
import { CapFeeds } from './alarms.cap.feed.ts';
import { type CapCentre, CapIntake } from './alarms.cap.intake.ts';
import { CapRepository } from './alarms.cap.repository.ts';
import { capRoutes } from './alarms.cap.routes.ts';
import type { AlarmIntake } from './alarms.intake.ts';
import type { AlarmsRepository } from './alarms.repository.ts';

export interface CapConfig {
  pollIntervalMs: number;
  fetchTimeoutMs: number;
}

export interface CapApi {
  intake: CapIntake;
  feeds: CapFeeds;
}

export function createCap(deps: {
  database: DatabaseHandle;
  intake: AlarmIntake;
  alarms: AlarmsRepository;
  audit: AuditApi;
  clock: Clock;
  events: EventBus;
  centre: CapCentre;
  log?: ProcessLog;
  perSourcePerMinute: number;
  config: CapConfig;
}) {
  const repository = new CapRepository(tablesOf<AlarmsCapSchema>(deps.database.db));
  const intake = new CapIntake(deps.alarms, repository, deps.intake, deps);
  const feeds = new CapFeeds(deps.alarms, repository, intake, { ...deps, fetchTimeoutMs: deps.config.fetchTimeoutMs });
  const jobs: Job[] = [{ name: 'alarms.cap-poll', role: 'worker', intervalMs: deps.config.pollIntervalMs, run: () => feeds.pollAll() }];
  const plugin = routesOf(capRoutes, { intake: deps.intake, cap: intake, feeds, perSourcePerMinute: deps.perSourcePerMinute });
  return { api: { intake, feeds } satisfies CapApi, jobs, plugin };
}
