// The on-call module (issue 14 item 5; docs/oncall.md): astreinte services, people, rotas
// (RFC 5545 rules in Paris time) and overrides; `notify` (the port of procedures and
// escalations) with e-mail and webhook delivery, signed acknowledgement links, and the
// escalation of unacknowledged notifications. Other modules import only from here.
import type { Clock } from '../../platform/clock.ts';
import type { DatabaseHandle } from '../../platform/db/database.ts';
import type { OncallSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';
import type { Job } from '../../platform/jobs.ts';
import { routesOf, type VigieModule } from '../../platform/modules.ts';
import type { ProcessLog } from '../../platform/processes.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import type { AuditApi } from '../audit/index.ts';
import { createSenders, type Senders, type SmtpConfig } from './oncall.delivery.ts';
import { OncallNotifier, type NotifyRequest, type NotifyResult } from './oncall.notify.ts';
import { OncallRepository } from './oncall.repository.ts';
import { oncallRoutes } from './oncall.routes.ts';
import { OncallService } from './oncall.service.ts';

export type { NotifyRequest, NotifyResult } from './oncall.notify.ts';

export interface OncallConfig {
  smtp: SmtpConfig | null;
  escalationMs: number;
  ackValidityMs: number;
  baseUrl: string;
  sendTimeoutMs: number;
  maxAttempts: number;
}

export interface OncallModuleDeps {
  database: DatabaseHandle;
  audit: AuditApi;
  clock: Clock;
  secrets: SecretBox;
  log?: ProcessLog;
  config: OncallConfig;
  /** Tests may replace the senders; by default SMTP (nodemailer) and fetch. */
  senders?: Senders;
}

export interface OncallApi {
  service: OncallService;
  /** The port procedures and escalations call: `notify({ service, alarmId, communeInsee, subject, text })`. */
  notify(request: NotifyRequest): Promise<NotifyResult>;
  notifier: OncallNotifier;
}

export function createOncallModule(deps: OncallModuleDeps): VigieModule<OncallApi> {
  const repository = new OncallRepository(tablesOf<OncallSchema>(deps.database.db));
  const service = new OncallService(repository, deps);
  const senders = deps.senders ?? createSenders(deps.config.smtp, { timeoutMs: deps.config.sendTimeoutMs });
  const notifier = new OncallNotifier(
    {
      repository,
      audit: deps.audit,
      clock: deps.clock,
      secrets: deps.secrets,
      senders,
      log: deps.log,
      escalationList: (serviceId, atMs) => service.escalationListOf(serviceId, atMs),
      resolveService: (name, communeInsee) => service.resolveService(name, communeInsee),
    },
    {
      escalationMs: deps.config.escalationMs,
      ackValidityMs: deps.config.ackValidityMs,
      baseUrl: deps.config.baseUrl,
      maxAttempts: deps.config.maxAttempts,
      smtpConfigured: deps.config.smtp !== null,
      leaseMs: Math.max(60_000, 3 * deps.config.sendTimeoutMs),
    },
  );
  const jobs: Job[] = [
    { name: 'oncall.dispatch', role: 'worker', intervalMs: 5000, run: async () => void (await notifier.dispatch()) },
    { name: 'oncall.escalation', role: 'worker', intervalMs: 10_000, run: async () => void (await notifier.escalate()) },
  ];
  return {
    name: 'oncall',
    api: { service, notifier, notify: (request) => notifier.notify(request) },
    routes: routesOf(oncallRoutes, { service, notifier }),
    jobs,
  };
}
