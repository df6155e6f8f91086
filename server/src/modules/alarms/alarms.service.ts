// The operators' queue and the sources (docs/alarms.md): open alarms of the reader's communes by
// priority then age; take, acknowledge, start, close (with an outcome), each allowed from one
// state only, written with its author and time and audited in the same transaction; the intake
// sources, created and given a webhook token (shown once, stored as its SHA-256) by an
// administrator. An alarm or source outside the reader's communes is "not found"; centre-wide
// alarms (no commune) are shown to users with every commune only.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import { parisDate } from '../../platform/clock.ts';
import { isUniqueViolation } from '../../platform/db/database.ts';
import type { AnyHandle } from '../../platform/db/tables.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import type { EventBus } from '../../platform/events.ts';
import { assertAllowed, communeFilter, inScope, type Principal } from '../access/index.ts';
import type { Actor, AuditApi } from '../audit/index.ts';
import { transitionAllowed, transitions, type AlarmAction, type AlarmOutcome, type AlarmState, type AlarmType } from './alarms.catalogue.ts';
import { hashToken, type IntakeCounters } from './alarms.intake.ts';
import type { AlarmRow, AlarmsRepository, ReceiptRow, SourceRow } from './alarms.repository.ts';
import type { AlarmView, ReceiptView, SourceCreate, SourceView } from './alarms.schemas.ts';
import './alarms.events.ts';

export type Acting = { actor: Actor; principal: Principal | null };

/** Procedures' check in the closing transaction: throws to refuse, or returns what the audit row adds (alarms.procedures.service.ts). */
export type CloseCheck = (trx: AnyHandle, alarmId: string, overrideReason: string | undefined, principal: Principal | null) => Promise<Record<string, unknown>>;

/** Whether a reader sees an alarm or source of this commune (null: centre-wide, users with every commune only). */
export function visibleTo(principal: Principal | null, communeInsee: string | null): boolean {
  if (!principal) return true;
  return communeInsee === null ? principal.allCommunes : inScope(principal, communeInsee);
}

export function alarmView(row: AlarmRow): AlarmView {
  return {
    id: row.id,
    sourceId: row.source_id,
    communeInsee: row.commune_insee,
    type: row.type as AlarmType,
    priority: row.priority,
    state: row.state as AlarmState,
    siteId: row.site_id,
    zone: row.zone,
    title: row.title,
    position: row.latitude !== null && row.longitude !== null ? { latitude: row.latitude, longitude: row.longitude } : null,
    cameraIds: JSON.parse(row.camera_ids) as string[],
    count: row.count,
    occurredAt: row.occurred_at,
    firstReceivedAt: row.first_received_at,
    lastReceivedAt: row.last_received_at,
    restoredAt: row.restored_at,
    takenAt: row.taken_at,
    takenBy: row.taken_by,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
    startedAt: row.started_at,
    startedBy: row.started_by,
    closedAt: row.closed_at,
    closedBy: row.closed_by,
    outcome: row.outcome as AlarmOutcome | null,
    comment: row.comment,
    escalatedAt: row.escalated_at,
    escalationLevel: row.escalation_level,
  };
}

const receiptView = (row: ReceiptRow): ReceiptView => ({
  id: row.id,
  senderEventId: row.sender_event_id,
  event: row.event as ReceiptView['event'],
  outcome: row.outcome as ReceiptView['outcome'],
  channel: row.channel,
  receivedAt: row.received_at,
  rawPayload: row.raw_payload,
});

const sourceView = (row: SourceRow): SourceView => ({
  id: row.id,
  kind: row.kind,
  communeInsee: row.commune_insee,
  name: row.name,
  enabled: row.enabled === 1,
  hasToken: row.token_hash !== null,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** The columns an action writes besides the state: when and by whom. */
const stampColumns: Record<AlarmAction, { at: keyof AlarmRow; by: keyof AlarmRow }> = {
  take: { at: 'taken_at', by: 'taken_by' },
  acknowledge: { at: 'acknowledged_at', by: 'acknowledged_by' },
  start: { at: 'started_at', by: 'started_by' },
  close: { at: 'closed_at', by: 'closed_by' },
};

const newToken = (): string => `vga_${randomBytes(32).toString('base64url')}`;

export class AlarmsService {
  constructor(
    private readonly repository: AlarmsRepository,
    private readonly deps: { audit: AuditApi; clock: Clock; events: EventBus; counters: IntakeCounters; closeCheck?: CloseCheck },
  ) {}

  private today(): string {
    return parisDate(this.deps.clock.now());
  }

  private visible(principal: Principal | null, communeInsee: string | null): boolean {
    return visibleTo(principal, communeInsee);
  }

  /** Open alarms by priority (1 first) then age, or closed ones newest first, within the reader's communes. */
  async list(principal: Principal | null, filter: { state?: 'open' | 'closed'; communeInsee?: string; limit?: number } = {}): Promise<AlarmView[]> {
    const scope = principal ? communeFilter(principal) : null;
    let communes = scope;
    if (filter.communeInsee) communes = scope === null || scope.includes(filter.communeInsee) ? [filter.communeInsee] : [];
    const rows = await this.repository.list({ open: filter.state !== 'closed', communes, limit: filter.limit ?? 200 });
    return rows.map(alarmView);
  }

  async get(id: string, principal: Principal | null): Promise<AlarmView & { receipts: ReceiptView[] }> {
    const row = await this.repository.alarm(id);
    if (!row || !this.visible(principal, row.commune_insee)) throw notFound({ fr: 'Alarme', en: 'Alarm' });
    return { ...alarmView(row), receipts: (await this.repository.receiptsOf(id)).map(receiptView) };
  }

  /** One step of the workflow: refused (`alarm_transition_refused`) unless the alarm is in the step's state. */
  async act(id: string, action: AlarmAction, input: { outcome?: AlarmOutcome; comment?: string; overrideReason?: string }, acting: Acting): Promise<AlarmView> {
    const step = transitions[action];
    const view = await this.repository.transaction(async (trx) => {
      const current = await this.repository.alarm(id, trx);
      if (!current || !this.visible(acting.principal, current.commune_insee)) throw notFound({ fr: 'Alarme', en: 'Alarm' });
      if (acting.principal) assertAllowed(acting.principal, 'alarm.handle', current.commune_insee, this.today());
      if (action === 'close' && !input.outcome) throw new DomainError('validation_failed', { fr: 'Issue de l’alarme requise.', en: 'Outcome required.' });
      const refused = () =>
        new DomainError('alarm_transition_refused', {
          fr: `Action « ${action} » impossible : l’alarme est à l’état « ${current.state} » (attendu : « ${step.from} »).`,
          en: `Action "${action}" refused: the alarm is "${current.state}" (expected "${step.from}").`,
          details: { state: current.state, expected: step.from },
        });
      if (!transitionAllowed(action, current.state as AlarmState)) throw refused();
      const procedure = action === 'close' && this.deps.closeCheck ? await this.deps.closeCheck(trx, id, input.overrideReason, acting.principal) : {};
      const now = this.deps.clock.now().toISOString();
      const stamp = stampColumns[action];
      const who = acting.actor.login ?? acting.actor.type;
      const changes: Partial<AlarmRow> = { state: step.to, [stamp.at]: now, [stamp.by]: who, updated_at: now };
      if (action === 'close') Object.assign(changes, { outcome: input.outcome, comment: input.comment ?? current.comment });
      else if (input.comment) changes.comment = input.comment;
      if (!(await this.repository.moveAlarm(trx, id, step.from, changes))) throw refused();
      await this.deps.audit.record(trx, acting.actor, {
        action: `alarm.${action}`,
        communeInsee: current.commune_insee,
        targetType: 'alarm',
        targetId: id,
        details: {
          from: current.state,
          to: step.to,
          ...(input.outcome ? { outcome: input.outcome } : {}),
          ...(input.comment ? { comment: input.comment } : {}),
          ...procedure,
        },
      });
      return alarmView({ ...current, ...changes } as AlarmRow);
    });
    this.deps.events.emit('alarm.changed', { alarmId: id, communeInsee: view.communeInsee, state: view.state, change: action });
    return view;
  }

  // Sources

  async sources(principal: Principal | null): Promise<SourceView[]> {
    const rows = await this.repository.sources(null);
    return rows.filter((row) => this.visible(principal, row.commune_insee)).map(sourceView);
  }

  /** A new source; a webhook's token is returned here only. */
  async createSource(input: SourceCreate, acting: Acting): Promise<SourceView & { token: string | null }> {
    if (acting.principal) assertAllowed(acting.principal, 'alarm.source.write', input.communeInsee, this.today());
    const now = this.deps.clock.now().toISOString();
    const token = input.kind === 'webhook' || input.kind === 'cap' ? newToken() : null;
    const row: SourceRow = {
      id: input.id,
      kind: input.kind,
      commune_insee: input.communeInsee,
      name: input.name,
      token_hash: token ? hashToken(token) : null,
      enabled: 1,
      created_at: now,
      updated_at: now,
    };
    try {
      await this.repository.transaction(async (trx) => {
        await this.repository.insertSource(trx, row);
        await this.deps.audit.record(trx, acting.actor, {
          action: 'alarm.source.created',
          communeInsee: row.commune_insee,
          targetType: 'alarm_source',
          targetId: row.id,
          details: { after: sourceView(row) },
        });
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw new DomainError('conflict', { fr: `La source « ${input.id} » existe déjà.`, en: `Source "${input.id}" already exists.` });
      if ((error as { code?: string }).code === '23503' || (error as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY')
        throw new DomainError('validation_failed', { fr: `Commune inconnue : ${input.communeInsee}.`, en: `Unknown commune: ${input.communeInsee}.` });
      throw error;
    }
    return { ...sourceView(row), token };
  }

  /** A new webhook token (the previous one stops working at once), or enabling / disabling a source. */
  async changeSource(id: string, change: 'token' | 'enable' | 'disable', acting: Acting): Promise<SourceView & { token: string | null }> {
    let token: string | null = null;
    const view = await this.repository.transaction(async (trx) => {
      const current = await this.repository.source(id, trx);
      if (!current || current.kind === 'technical' || !this.visible(acting.principal, current.commune_insee))
        throw notFound({ fr: 'Source d’alarmes', en: 'Alarm source' });
      if (acting.principal) assertAllowed(acting.principal, 'alarm.source.write', current.commune_insee, this.today());
      if (change === 'token' && current.kind !== 'webhook' && current.kind !== 'cap')
        throw new DomainError('validation_failed', { fr: 'Seule une source webhook a un jeton.', en: 'Only a webhook source has a token.' });
      const now = this.deps.clock.now().toISOString();
      if (change === 'token') token = newToken();
      const next: SourceRow = {
        ...current,
        token_hash: token ? hashToken(token) : current.token_hash,
        enabled: change === 'token' ? current.enabled : change === 'enable' ? 1 : 0,
        updated_at: now,
      };
      await this.repository.updateSource(trx, id, { token_hash: next.token_hash, enabled: next.enabled, updated_at: now });
      await this.deps.audit.record(trx, acting.actor, {
        action: change === 'token' ? 'alarm.source.token' : `alarm.source.${change}d`,
        communeInsee: current.commune_insee,
        targetType: 'alarm_source',
        targetId: id,
      });
      return sourceView(next);
    });
    return { ...view, token };
  }

  /** Accepted, duplicate and refused messages since the process started, per channel and code. */
  intakeCounters(): IntakeCounters {
    return { accepted: this.deps.counters.accepted, duplicates: this.deps.counters.duplicates, rejected: { ...this.deps.counters.rejected } };
  }
}
