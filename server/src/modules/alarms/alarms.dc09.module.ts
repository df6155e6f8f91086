// The DC-09 part of the alarms module, built once by index.ts: the intake, the accounts, the
// receiver's sockets, their routes and two jobs (the listener, held by the worker role from
// start to stop; the supervision check).
import type { Clock } from '../../platform/clock.ts';
import type { DatabaseHandle } from '../../platform/db/database.ts';
import type { AlarmsDc09Schema, AlarmsSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';
import type { Job } from '../../platform/jobs.ts';
import { routesOf } from '../../platform/modules.ts';
import type { ProcessLog } from '../../platform/processes.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import type { AuditApi } from '../audit/index.ts';
import { Dc09Accounts } from './alarms.dc09.accounts.ts';
import { Dc09Listener, type Dc09ListenerConfig } from './alarms.dc09.listener.ts';
import { Dc09Repository } from './alarms.dc09.repository.ts';
import { dc09Routes } from './alarms.dc09.routes.ts';
import { Dc09Intake } from './alarms.dc09.ts';
import type { AlarmIntake, AlarmSites } from './alarms.intake.ts';
import type { AlarmsRepository } from './alarms.repository.ts';

export interface Dc09Config {
  /** Null: no listener (accounts can still be declared). */
  listener: Dc09ListenerConfig | null;
  supervisionGraceMs: number;
  supervisionCheckMs: number;
}

export interface Dc09Api {
  intake: Dc09Intake;
  accounts: Dc09Accounts;
  listener: Dc09Listener;
}

export function createDc09(deps: {
  database: DatabaseHandle;
  intake: AlarmIntake;
  alarms: AlarmsRepository;
  audit: AuditApi;
  clock: Clock;
  secrets: SecretBox;
  sites: AlarmSites;
  log?: ProcessLog;
  config: Dc09Config;
}) {
  const repository = new Dc09Repository(tablesOf<AlarmsSchema & AlarmsDc09Schema>(deps.database.db));
  const intake = new Dc09Intake(deps.intake, deps.alarms, repository, { ...deps, supervisionGraceMs: deps.config.supervisionGraceMs });
  const accounts = new Dc09Accounts(deps.alarms, repository, deps);
  const listener = new Dc09Listener(intake, deps.config.listener, deps.log);
  const jobs: Job[] = [
    {
      name: 'alarms.dc09-listener',
      role: 'worker',
      intervalMs: 30_000,
      start: () => {
        listener.start().catch((error: unknown) => {
          listener.lastError = error instanceof Error ? error.message : String(error);
        });
      },
      run: async () => {
        if (deps.config.listener && !listener.status().listening) throw new Error(`DC-09 receiver not listening: ${listener.lastError ?? 'starting'}`);
      },
      stop: () => listener.stop(),
    },
    { name: 'alarms.dc09-supervision', role: 'worker', intervalMs: deps.config.supervisionCheckMs, run: () => intake.checkSupervision() },
  ];
  const status = () => ({ ...listener.status(), ...intake.counters, rejected: { ...intake.counters.rejected } });
  return { api: { intake, accounts, listener } satisfies Dc09Api, jobs, plugin: routesOf(dc09Routes, { accounts, status }) };
}
