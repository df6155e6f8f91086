// Notifying the on-call chain (issue 14 item 5; docs/oncall.md). `notify` finds who is on duty
// and persists the first person's notification (pending) before anything is sent; the
// dispatcher (job `oncall.dispatch`) sends it by e-mail and/or webhook, retrying a failed send
// a bounded number of times (a crash leaves it pending: it is sent at the next run); the
// escalation (job `oncall.escalation`) notifies the next person of the chain when a sent one
// is not acknowledged in time. Each send, failure, acknowledgement and escalation is audited
// with `details.alarmId`. Every state change is guarded (still as read), so two processes
// running the jobs never send or escalate twice.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import { DomainError } from '../../platform/errors.ts';
import type { ProcessLog } from '../../platform/processes.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import { communeFilter, type Principal } from '../access/index.ts';
import { systemActor, type Actor, type AuditApi } from '../audit/index.ts';
import { ackToken, readAckToken, type Message, type Senders } from './oncall.delivery.ts';
import type { NotificationRow, OncallRepository, ServiceRow } from './oncall.repository.ts';
import type { NotificationState, NotificationView } from './oncall.schemas.ts';

export interface NotifyRequest {
  /** A service id, or a kind (elected, management, technical) resolved for the commune (else centre-wide). */
  service: string;
  alarmId?: string | null;
  communeInsee?: string | null;
  subject: string;
  text: string;
}

export interface NotifyResult {
  chainId: string | null;
  notificationId: string | null;
  personId: string | null;
  /** The escalation list was empty: nobody was notified (audited `oncall.nobody_on_duty`). */
  nobodyOnDuty: boolean;
}

export interface NotifierConfig {
  escalationMs: number;
  ackValidityMs: number;
  /** Base of the acknowledgement links (the address on-call people reach Vigie at). */
  baseUrl: string;
  maxAttempts: number;
  smtpConfigured: boolean;
  /** A claimed send is retried after this if its process died meanwhile. */
  leaseMs: number;
}

export interface NotifierDeps {
  repository: OncallRepository;
  audit: AuditApi;
  clock: Clock;
  secrets: SecretBox;
  senders: Senders;
  log?: ProcessLog;
  /** The ordered escalation list of a service at an instant (the service's rotas and overrides). */
  escalationList(serviceId: string, atMs: number): Promise<string[]>;
  resolveService(service: string, communeInsee: string | null): Promise<ServiceRow>;
}

export type AckOutcome = 'acknowledged' | 'already' | 'expired' | 'invalid';
const batch = 100;
const maxSubject = 200;
const maxText = 4000;

export class OncallNotifier {
  private running: Promise<number> | null = null;

  constructor(
    private readonly deps: NotifierDeps,
    private readonly config: NotifierConfig,
  ) {}

  /** The port of procedures and escalations: persisted before it returns; sending follows at once in the background. */
  async notify(request: NotifyRequest): Promise<NotifyResult> {
    const subject = request.subject.trim().slice(0, maxSubject);
    const text = request.text.trim().slice(0, maxText);
    if (!subject || !text) throw new DomainError('validation_failed', { fr: 'Objet et texte obligatoires.', en: 'Subject and text are required.' });
    const communeInsee = request.communeInsee ?? null;
    const alarmId = request.alarmId ?? null;
    const service = await this.deps.resolveService(request.service, communeInsee).catch(async (error: unknown) => {
      // Kept in the audit (the alarm's incident report shows it), then told to the caller.
      await this.deps.audit.recordAlone(systemActor, {
        action: 'oncall.service_unknown',
        communeInsee,
        targetType: 'oncall_service',
        targetId: request.service.slice(0, 100),
        details: { alarmId, service: request.service.slice(0, 100), subject },
      });
      throw error;
    });
    const now = this.deps.clock.now();
    const people = await this.deps.escalationList(service.id, now.getTime());
    const chainId = randomUUID();
    if (people.length === 0) {
      await this.deps.audit.recordAlone(systemActor, {
        action: 'oncall.nobody_on_duty',
        communeInsee: communeInsee ?? service.commune_insee,
        targetType: 'oncall_service',
        targetId: service.id,
        details: { alarmId, serviceId: service.id, subject },
      });
      return { chainId: null, notificationId: null, personId: null, nobodyOnDuty: true };
    }
    const notificationId = await this.deps.repository.transaction(async (trx) => {
      const created = await this.insert(trx, { chainId, people, position: 0, service, alarmId, communeInsee, subject, text, at: now });
      await this.deps.audit.record(trx, systemActor, {
        action: 'oncall.chain_started',
        communeInsee: communeInsee ?? service.commune_insee,
        targetType: 'oncall_notification',
        targetId: created,
        details: { alarmId, chainId, serviceId: service.id, people },
      });
      return created;
    });
    this.kick();
    return { chainId, notificationId, personId: people[0] ?? null, nobodyOnDuty: false };
  }

  /** Runs a dispatch pass now (after notify or an escalation), unless one is running. */
  kick(): void {
    void this.dispatch().catch((error) => this.deps.log?.warn({ error: String(error) }, 'oncall dispatch failed'));
  }

  /** One run of `oncall.dispatch`: every send due. Returns how many notifications were attempted. */
  dispatch(): Promise<number> {
    if (!this.running) {
      this.running = this.dispatchDue().finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  private async dispatchDue(): Promise<number> {
    let attempted = 0;
    for (const row of await this.deps.repository.dueForSending(this.deps.clock.now().toISOString(), batch)) {
      if (await this.sendOne(row)) attempted += 1;
    }
    return attempted;
  }

  private async sendOne(row: NotificationRow): Promise<boolean> {
    const { repository, clock } = this.deps;
    const claimedUntil = new Date(clock.now().getTime() + this.config.leaseMs).toISOString();
    const claimed = await repository.transaction((trx) => repository.updateNotificationIf(trx, row, { next_attempt_at: claimedUntil }));
    if (!claimed) return false;
    const service = await repository.find('oncall_services', row.service_id);
    const person = await repository.find('oncall_people', row.person_id);
    const channels = JSON.parse(row.channels) as string[];
    const delivered = new Set(JSON.parse(row.delivered_channels) as string[]);
    const errors: string[] = [];
    const message: Message = {
      notificationId: row.id,
      to: { name: person?.name ?? '?', email: person?.email ?? null, phone: person?.phone ?? null },
      serviceName: service?.name ?? row.service_id,
      alarmId: row.alarm_id,
      communeInsee: row.commune_insee,
      subject: row.subject,
      text: row.text,
      ackUrl: `${this.config.baseUrl.replace(/\/$/, '')}/api/oncall/ack/${ackToken(this.deps.secrets, row.id, Date.parse(row.ack_expires_at))}`,
      ackExpiresAt: row.ack_expires_at,
    };
    const newlyDelivered: string[] = [];
    for (const channel of channels.filter((name) => !delivered.has(name))) {
      try {
        if (channel === 'email') await this.deps.senders.email(message);
        else if (service?.webhook_url && service.webhook_secret_sealed)
          await this.deps.senders.webhook({ url: service.webhook_url, secret: this.deps.secrets.decrypt(service.webhook_secret_sealed) }, message);
        else throw new Error('the service has no webhook any more');
        delivered.add(channel);
        newlyDelivered.push(channel);
      } catch (error) {
        errors.push(`${channel}: ${error instanceof Error ? error.message : String(error)}`.slice(0, 500));
      }
    }
    await this.recordAttempt({ ...row, next_attempt_at: claimedUntil }, { channels, delivered: [...delivered], newlyDelivered, errors });
    return true;
  }

  private async recordAttempt(row: NotificationRow, result: { channels: string[]; delivered: string[]; newlyDelivered: string[]; errors: string[] }) {
    const now = this.deps.clock.now();
    const attempts = row.attempts + 1;
    const everDelivered = result.delivered.length > 0;
    const complete = result.delivered.length === result.channels.length;
    const retry = !complete && attempts < this.config.maxAttempts;
    const state: NotificationState = everDelivered ? 'sent' : 'failed';
    const firstSent = row.sent_at === null && everDelivered;
    const changes = {
      state,
      attempts,
      delivered_channels: JSON.stringify(result.delivered),
      last_error: result.errors.length > 0 ? result.errors.join('; ') : null,
      next_attempt_at: retry ? new Date(now.getTime() + backoffMs(attempts)).toISOString() : null,
      sent_at: firstSent ? now.toISOString() : row.sent_at,
      // The delay to acknowledge runs from the first delivery; never delivered and no retry left: the next person at once.
      escalate_at: firstSent ? new Date(now.getTime() + row.escalation_ms).toISOString() : !everDelivered && !retry ? now.toISOString() : row.escalate_at,
    };
    await this.deps.repository.transaction(async (trx) => {
      if (!(await this.deps.repository.updateNotificationIf(trx, row, changes))) return;
      const base = { communeInsee: row.commune_insee, targetType: 'oncall_notification', targetId: row.id };
      const details = { alarmId: row.alarm_id, chainId: row.chain_id, serviceId: row.service_id, personId: row.person_id, attempt: attempts };
      if (result.newlyDelivered.length > 0)
        await this.deps.audit.record(trx, systemActor, { action: 'oncall.notified', ...base, details: { ...details, channels: result.newlyDelivered } });
      if (result.errors.length > 0)
        await this.deps.audit.record(trx, systemActor, {
          action: 'oncall.notification_failed',
          ...base,
          details: { ...details, errors: result.errors, retryAt: changes.next_attempt_at },
        });
    });
  }

  /** One run of `oncall.escalation`: each sent (or undeliverable) notification left unacknowledged past its delay goes to the next person. */
  async escalate(): Promise<number> {
    const now = this.deps.clock.now();
    let escalated = 0;
    for (const row of await this.deps.repository.dueForEscalation(now.toISOString(), batch)) {
      if (await this.escalateOne(row, now)) escalated += 1;
    }
    if (escalated > 0) this.kick();
    return escalated;
  }

  private async escalateOne(row: NotificationRow, now: Date): Promise<boolean> {
    const { repository, audit } = this.deps;
    const people = JSON.parse(row.chain_person_ids) as string[];
    const nextPerson = people[row.position + 1];
    return repository.transaction(async (trx) => {
      const base = { communeInsee: row.commune_insee, targetType: 'oncall_notification', targetId: row.id };
      if (await repository.chainAcknowledged(row.chain_id, trx)) return repository.updateNotificationIf(trx, row, { escalate_at: null }).then(() => false);
      if (!nextPerson) {
        if (!(await repository.updateNotificationIf(trx, row, { escalate_at: null }))) return false;
        await audit.record(trx, systemActor, {
          action: 'oncall.chain_exhausted',
          ...base,
          details: { alarmId: row.alarm_id, chainId: row.chain_id, serviceId: row.service_id, people },
        });
        return false;
      }
      const changes = { state: 'escalated', escalate_at: null, escalated_at: now.toISOString(), next_attempt_at: null };
      if (!(await repository.updateNotificationIf(trx, row, changes))) return false;
      const service = await repository.find('oncall_services', row.service_id, trx);
      if (!service) return false;
      const created = await this.insert(trx, {
        chainId: row.chain_id,
        people,
        position: row.position + 1,
        service,
        alarmId: row.alarm_id,
        communeInsee: row.commune_insee,
        subject: row.subject,
        text: row.text,
        at: now,
      });
      await audit.record(trx, systemActor, {
        action: 'oncall.escalated',
        ...base,
        details: { alarmId: row.alarm_id, chainId: row.chain_id, serviceId: row.service_id, from: row.person_id, to: nextPerson, notificationId: created },
      });
      return true;
    });
  }

  /** The acknowledgement link: single use, until its expiry; audited. */
  async acknowledge(token: string, ip: string | null): Promise<AckOutcome> {
    const read = readAckToken(this.deps.secrets, token);
    if (!read) return 'invalid';
    const row = await this.deps.repository.notification(read.notificationId);
    if (!row || Date.parse(row.ack_expires_at) !== read.expiresMs) return 'invalid';
    const now = this.deps.clock.now();
    if (row.state === 'acknowledged') return 'already';
    if (now.getTime() >= read.expiresMs) return 'expired';
    const actor: Actor = { type: 'system', id: null, login: 'oncall-ack-link', ip };
    return this.deps.repository.transaction(async (trx) => {
      const changes = { state: 'acknowledged', acknowledged_at: now.toISOString(), escalate_at: null, next_attempt_at: null };
      if (!(await this.deps.repository.acknowledgeIf(trx, row.id, changes))) return 'already';
      await this.deps.audit.record(trx, actor, {
        action: 'oncall.acknowledged',
        communeInsee: row.commune_insee,
        targetType: 'oncall_notification',
        targetId: row.id,
        details: { alarmId: row.alarm_id, chainId: row.chain_id, serviceId: row.service_id, personId: row.person_id, position: row.position },
      });
      return 'acknowledged' as const;
    });
  }

  /** The notifications of an alarm, for readers whose communes include the notification's (centre-wide ones for all). */
  async notificationsOfAlarm(principal: Principal, alarmId: string): Promise<NotificationView[]> {
    const scope = communeFilter(principal);
    const rows = (await this.deps.repository.notificationsOfAlarm(alarmId)).filter(
      (row) => scope === null || row.commune_insee === null || scope.includes(row.commune_insee),
    );
    const names = new Map((await this.deps.repository.people()).map((person) => [person.id, person.name]));
    return rows.map((row) => notificationView(row, names.get(row.person_id) ?? null));
  }

  private async insert(
    trx: Parameters<OncallRepository['insertNotification']>[0],
    data: {
      chainId: string;
      people: string[];
      position: number;
      service: ServiceRow;
      alarmId: string | null;
      communeInsee: string | null;
      subject: string;
      text: string;
      at: Date;
    },
  ): Promise<string> {
    const id = randomUUID();
    const personId = data.people[data.position] as string;
    const person = await this.deps.repository.find('oncall_people', personId, trx);
    const channels = [...(person?.email && this.config.smtpConfigured ? ['email'] : []), ...(data.service.webhook_url ? ['webhook'] : [])];
    const at = data.at.toISOString();
    await this.deps.repository.insertNotification(trx, {
      id,
      chain_id: data.chainId,
      position: data.position,
      chain_person_ids: JSON.stringify(data.people),
      service_id: data.service.id,
      person_id: personId,
      alarm_id: data.alarmId,
      commune_insee: data.communeInsee,
      subject: data.subject,
      text: data.text,
      // No way to reach this person: failed at once, and the next one is notified by the escalation job.
      state: channels.length > 0 ? 'pending' : 'failed',
      channels: JSON.stringify(channels),
      delivered_channels: '[]',
      attempts: 0,
      next_attempt_at: channels.length > 0 ? at : null,
      last_error: channels.length > 0 ? null : 'no channel: no e-mail (or no SMTP server) and no webhook',
      escalation_ms: data.service.escalation_minutes ? data.service.escalation_minutes * 60_000 : this.config.escalationMs,
      escalate_at: channels.length > 0 ? null : at,
      ack_expires_at: new Date(data.at.getTime() + this.config.ackValidityMs).toISOString(),
      created_at: at,
      sent_at: null,
      acknowledged_at: null,
      escalated_at: null,
    });
    return id;
  }
}

/** 30 s, 1 min, 2 min, 4 min... at most 10 min between attempts. */
export function backoffMs(attempts: number): number {
  return Math.min(30_000 * 2 ** (attempts - 1), 600_000);
}

export function notificationView(row: NotificationRow, personName: string | null): NotificationView {
  return {
    id: row.id,
    chainId: row.chain_id,
    position: row.position,
    serviceId: row.service_id,
    personId: row.person_id,
    personName,
    alarmId: row.alarm_id,
    communeInsee: row.commune_insee,
    subject: row.subject,
    state: row.state as NotificationState,
    channels: JSON.parse(row.channels) as string[],
    deliveredChannels: JSON.parse(row.delivered_channels) as string[],
    attempts: row.attempts,
    lastError: row.last_error,
    createdAt: row.created_at,
    sentAt: row.sent_at,
    acknowledgedAt: row.acknowledged_at,
    escalatedAt: row.escalated_at,
  };
}
