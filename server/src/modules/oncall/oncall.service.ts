// The on-call chain's configuration (issue 14 item 5; docs/oncall.md): astreinte services,
// people, rotas (RFC 5545 rules, Paris time) and overrides; who is on duty now and next. Each
// change is audited in its transaction; reading the people (their contacts: personal data) is
// audited too. A commune's service is changed only within one's communes; centre-wide ones
// (no commune) by any holder of `oncall.write`.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import { assertAllowed, communeFilter, type Principal } from '../access/index.ts';
import { diffForAudit, type Actor, type AuditApi } from '../audit/index.ts';
import { webhookUrlProblem } from './oncall.delivery.ts';
import { escalationList, rotaProblem, shiftsBetween, type Shift } from './oncall.duty.ts';
import type { EditableTable, OncallRepository, OverrideRow, PersonRow, RotaRow, ServiceRow } from './oncall.repository.ts';
import {
  overrideInputSchema,
  overridePatchSchema,
  personInputSchema,
  personPatchSchema,
  rotaInputSchema,
  rotaPatchSchema,
  serviceInputSchema,
  servicePatchSchema,
  type OverrideView,
  type PersonView,
  type RotaView,
  type ServiceView,
  type ShiftView,
} from './oncall.schemas.ts';
import { overridePeriod, overrideView, personView, rotaRule, rotaView, serviceView } from './oncall.views.ts';

export type Acting = { actor: Actor; principal: Principal | null };
const maxOverrideDays = 92;
const today = (clock: Clock) => clock.now().toISOString().slice(0, 10);

export class OncallService {
  constructor(
    private readonly repository: OncallRepository,
    private readonly deps: { audit: AuditApi; clock: Clock; secrets: SecretBox },
  ) {}

  // Services.

  async listServices(principal: Principal | null): Promise<ServiceView[]> {
    const scope = principal ? communeFilter(principal) : null;
    return (await this.repository.services())
      .filter((row) => scope === null || row.commune_insee === null || scope.includes(row.commune_insee))
      .map(serviceView);
  }

  async createService(input: unknown, acting: Acting): Promise<ServiceView & { webhookSecret: string | null }> {
    const data = serviceInputSchema.parse(input);
    this.authorise(acting, data.communeInsee);
    checkWebhook(data.webhookUrl);
    const secret = data.webhookUrl ? randomBytes(32).toString('base64url') : null;
    const now = this.deps.clock.now().toISOString();
    const row: ServiceRow = {
      id: randomUUID(),
      name: data.name,
      kind: data.kind,
      commune_insee: data.communeInsee,
      escalation_minutes: data.escalationMinutes,
      webhook_url: data.webhookUrl,
      webhook_secret_sealed: secret ? this.deps.secrets.encrypt(secret) : null,
      created_at: now,
      updated_at: now,
    };
    await this.repository.transaction(async (trx) => {
      await this.repository.insert(trx, 'oncall_services', row);
      await this.audit(trx, acting, 'oncall.service_created', row.commune_insee, 'oncall_service', row.id, { after: serviceView(row) });
    });
    return { ...serviceView(row), webhookSecret: secret };
  }

  async updateService(id: string, input: unknown, acting: Acting): Promise<ServiceView> {
    const patch = servicePatchSchema.parse(input);
    const before = await this.existing('oncall_services', id, 'Service d’astreinte', 'On-call service');
    this.authorise(acting, before.commune_insee);
    if (patch.communeInsee !== undefined) this.authorise(acting, patch.communeInsee);
    if (patch.webhookUrl !== undefined) checkWebhook(patch.webhookUrl);
    // A first webhook address gets a secret (read with renewWebhookSecret); removing the address removes it.
    const newSecret = patch.webhookUrl && !before.webhook_secret_sealed ? randomBytes(32).toString('base64url') : null;
    const changes = defined({
      name: patch.name,
      kind: patch.kind,
      commune_insee: patch.communeInsee,
      escalation_minutes: patch.escalationMinutes,
      webhook_url: patch.webhookUrl,
      webhook_secret_sealed: patch.webhookUrl === null ? null : newSecret ? this.deps.secrets.encrypt(newSecret) : undefined,
      updated_at: this.deps.clock.now().toISOString(),
    });
    const after = { ...before, ...changes } as ServiceRow;
    await this.repository.transaction(async (trx) => {
      await this.repository.update(trx, 'oncall_services', id, changes);
      await this.audit(trx, acting, 'oncall.service_updated', after.commune_insee, 'oncall_service', id, {
        ...diffForAudit(serviceView(before), serviceView(after)),
        secretRenewed: Boolean(newSecret),
      });
    });
    return serviceView(after);
  }

  /** A new HMAC secret for the service's webhook, returned once (the gateway is given it). */
  async renewWebhookSecret(id: string, acting: Acting): Promise<{ webhookSecret: string }> {
    const row = await this.existing('oncall_services', id, 'Service d’astreinte', 'On-call service');
    this.authorise(acting, row.commune_insee);
    if (!row.webhook_url) throw new DomainError('oncall_webhook_invalid', { details: { problem: 'the service has no webhook' } });
    const secret = randomBytes(32).toString('base64url');
    await this.repository.transaction(async (trx) => {
      await this.repository.update(trx, 'oncall_services', id, {
        webhook_secret_sealed: this.deps.secrets.encrypt(secret),
        updated_at: this.deps.clock.now().toISOString(),
      });
      await this.audit(trx, acting, 'oncall.webhook_secret_renewed', row.commune_insee, 'oncall_service', id, {});
    });
    return { webhookSecret: secret };
  }

  async deleteService(id: string, acting: Acting): Promise<void> {
    const row = await this.existing('oncall_services', id, 'Service d’astreinte', 'On-call service');
    this.authorise(acting, row.commune_insee);
    await this.repository.transaction(async (trx) => {
      if (await this.repository.serviceInUse(id, trx)) throw new DomainError('oncall_in_use');
      await this.repository.remove(trx, 'oncall_services', id);
      await this.audit(trx, acting, 'oncall.service_deleted', row.commune_insee, 'oncall_service', id, { before: serviceView(row) });
    });
  }

  // People (personal data: minimal, read by `oncall.write` holders only, each reading audited).

  async listPeople(acting: Acting): Promise<PersonView[]> {
    const rows = await this.repository.people();
    await this.deps.audit.recordAlone(acting.actor, { action: 'oncall.people_read', targetType: 'oncall_person', details: { count: rows.length } });
    return rows.map(personView);
  }

  async createPerson(input: unknown, acting: Acting): Promise<PersonView> {
    const data = personInputSchema.parse(input);
    this.authorise(acting, null);
    const now = this.deps.clock.now().toISOString();
    const row: PersonRow = { id: randomUUID(), name: data.name, role: data.role, email: data.email, phone: data.phone, created_at: now, updated_at: now };
    await this.repository.transaction(async (trx) => {
      await this.repository.insert(trx, 'oncall_people', row);
      await this.audit(trx, acting, 'oncall.person_created', null, 'oncall_person', row.id, { after: personView(row) });
    });
    return personView(row);
  }

  async updatePerson(id: string, input: unknown, acting: Acting): Promise<PersonView> {
    const patch = personPatchSchema.parse(input);
    this.authorise(acting, null);
    const before = await this.existing('oncall_people', id, 'Personne d’astreinte', 'On-call person');
    const changes = defined({ name: patch.name, role: patch.role, email: patch.email, phone: patch.phone, updated_at: this.deps.clock.now().toISOString() });
    const after = { ...before, ...changes } as PersonRow;
    await this.repository.transaction(async (trx) => {
      await this.repository.update(trx, 'oncall_people', id, changes);
      await this.audit(trx, acting, 'oncall.person_updated', null, 'oncall_person', id, diffForAudit(personView(before), personView(after)));
    });
    return personView(after);
  }

  async deletePerson(id: string, acting: Acting): Promise<void> {
    this.authorise(acting, null);
    const row = await this.existing('oncall_people', id, 'Personne d’astreinte', 'On-call person');
    await this.repository.transaction(async (trx) => {
      if (await this.repository.isReferenced(id, trx)) throw new DomainError('oncall_in_use');
      await this.repository.remove(trx, 'oncall_people', id);
      await this.audit(trx, acting, 'oncall.person_deleted', null, 'oncall_person', id, { name: row.name });
    });
  }

  // Rotas.

  async listRotas(principal: Principal | null, serviceId?: string): Promise<RotaView[]> {
    const visible = new Set((await this.listServices(principal)).map((service) => service.id));
    return (await this.repository.rotas(serviceId)).filter((row) => visible.has(row.service_id)).map(rotaView);
  }

  async createRota(input: unknown, acting: Acting): Promise<RotaView> {
    const data = rotaInputSchema.parse(input);
    const service = await this.existing('oncall_services', data.serviceId, 'Service d’astreinte', 'On-call service');
    this.authorise(acting, service.commune_insee);
    await this.existing('oncall_people', data.personId, 'Personne d’astreinte', 'On-call person');
    checkRota(data);
    const now = this.deps.clock.now().toISOString();
    const row: RotaRow = {
      id: randomUUID(),
      service_id: data.serviceId,
      person_id: data.personId,
      level: data.level,
      starts_at: data.startsAt,
      rrule: data.rrule,
      duration_minutes: data.durationMinutes,
      created_at: now,
      updated_at: now,
    };
    await this.repository.transaction(async (trx) => {
      await this.repository.insert(trx, 'oncall_rotas', row);
      await this.audit(trx, acting, 'oncall.rota_created', service.commune_insee, 'oncall_rota', row.id, { after: rotaView(row) });
    });
    return rotaView(row);
  }

  async updateRota(id: string, input: unknown, acting: Acting): Promise<RotaView> {
    const patch = rotaPatchSchema.parse(input);
    const before = await this.existing('oncall_rotas', id, 'Tableau d’astreinte', 'On-call rota');
    const service = await this.existing('oncall_services', before.service_id, 'Service d’astreinte', 'On-call service');
    this.authorise(acting, service.commune_insee);
    if (patch.personId) await this.existing('oncall_people', patch.personId, 'Personne d’astreinte', 'On-call person');
    const changes = defined({
      person_id: patch.personId,
      level: patch.level,
      starts_at: patch.startsAt,
      rrule: patch.rrule,
      duration_minutes: patch.durationMinutes,
      updated_at: this.deps.clock.now().toISOString(),
    });
    const after = { ...before, ...changes } as RotaRow;
    checkRota({ startsAt: after.starts_at, rrule: after.rrule, durationMinutes: after.duration_minutes });
    await this.repository.transaction(async (trx) => {
      await this.repository.update(trx, 'oncall_rotas', id, changes);
      await this.audit(trx, acting, 'oncall.rota_updated', service.commune_insee, 'oncall_rota', id, diffForAudit(rotaView(before), rotaView(after)));
    });
    return rotaView(after);
  }

  async deleteRota(id: string, acting: Acting): Promise<void> {
    const row = await this.existing('oncall_rotas', id, 'Tableau d’astreinte', 'On-call rota');
    const service = await this.existing('oncall_services', row.service_id, 'Service d’astreinte', 'On-call service');
    this.authorise(acting, service.commune_insee);
    await this.repository.transaction(async (trx) => {
      await this.repository.remove(trx, 'oncall_rotas', id);
      await this.audit(trx, acting, 'oncall.rota_deleted', service.commune_insee, 'oncall_rota', id, { before: rotaView(row) });
    });
  }

  // Overrides.

  async listOverrides(principal: Principal | null): Promise<OverrideView[]> {
    const visible = new Set((await this.listServices(principal)).map((service) => service.id));
    return (await this.repository.overrides(this.deps.clock.now().toISOString())).filter((row) => visible.has(row.service_id)).map(overrideView);
  }

  async createOverride(input: unknown, acting: Acting): Promise<OverrideView> {
    const data = overrideInputSchema.parse(input);
    const service = await this.existing('oncall_services', data.serviceId, 'Service d’astreinte', 'On-call service');
    this.authorise(acting, service.commune_insee);
    const now = this.deps.clock.now().toISOString();
    const row: OverrideRow = {
      id: randomUUID(),
      service_id: data.serviceId,
      replaced_person_id: data.replacedPersonId,
      replacement_person_id: data.replacementPersonId,
      from_at: new Date(data.from).toISOString(),
      to_at: new Date(data.to).toISOString(),
      reason: data.reason,
      created_at: now,
      updated_at: now,
    };
    await this.checkOverride(row);
    await this.repository.transaction(async (trx) => {
      await this.repository.insert(trx, 'oncall_overrides', row);
      await this.audit(trx, acting, 'oncall.override_created', service.commune_insee, 'oncall_override', row.id, { after: overrideView(row) });
    });
    return overrideView(row);
  }

  async updateOverride(id: string, input: unknown, acting: Acting): Promise<OverrideView> {
    const patch = overridePatchSchema.parse(input);
    const before = await this.existing('oncall_overrides', id, 'Remplacement', 'Override');
    const service = await this.existing('oncall_services', before.service_id, 'Service d’astreinte', 'On-call service');
    this.authorise(acting, service.commune_insee);
    const changes = defined({
      replaced_person_id: patch.replacedPersonId,
      replacement_person_id: patch.replacementPersonId,
      from_at: patch.from === undefined ? undefined : new Date(patch.from).toISOString(),
      to_at: patch.to === undefined ? undefined : new Date(patch.to).toISOString(),
      reason: patch.reason,
      updated_at: this.deps.clock.now().toISOString(),
    });
    const after = { ...before, ...changes } as OverrideRow;
    await this.checkOverride(after);
    await this.repository.transaction(async (trx) => {
      await this.repository.update(trx, 'oncall_overrides', id, changes);
      await this.audit(
        trx,
        acting,
        'oncall.override_updated',
        service.commune_insee,
        'oncall_override',
        id,
        diffForAudit(overrideView(before), overrideView(after)),
      );
    });
    return overrideView(after);
  }

  async deleteOverride(id: string, acting: Acting): Promise<void> {
    const row = await this.existing('oncall_overrides', id, 'Remplacement', 'Override');
    const service = await this.existing('oncall_services', row.service_id, 'Service d’astreinte', 'On-call service');
    this.authorise(acting, service.commune_insee);
    await this.repository.transaction(async (trx) => {
      await this.repository.remove(trx, 'oncall_overrides', id);
      await this.audit(trx, acting, 'oncall.override_deleted', service.commune_insee, 'oncall_override', id, { before: overrideView(row) });
    });
  }

  // Who is on duty.

  /** The shifts of each visible service overlapping [fromMs, toMs), with the people's names. */
  async shifts(principal: Principal | null, fromMs: number, toMs: number): Promise<{ service: ServiceView; shifts: ShiftView[] }[]> {
    const [services, rotas, overrides, people] = await Promise.all([
      this.listServices(principal),
      this.repository.rotas(),
      this.repository.overrides(new Date(fromMs).toISOString()),
      this.repository.people(),
    ]);
    const names = new Map(people.map((person) => [person.id, person.name]));
    const view = (shift: Shift): ShiftView => ({
      rotaId: shift.rotaId,
      personId: shift.personId,
      personName: names.get(shift.personId) ?? '?',
      level: shift.level,
      from: new Date(shift.fromMs).toISOString(),
      to: new Date(shift.toMs).toISOString(),
      replacing: shift.replacing,
    });
    return services.map((service) => ({
      service,
      shifts: shiftsBetween(
        rotas.filter((row) => row.service_id === service.id).map(rotaRule),
        overrides.filter((row) => row.service_id === service.id).map(overridePeriod),
        fromMs,
        toMs,
      ).map(view),
    }));
  }

  /** Who is on duty now per service, and the next shift of each level that starts within a week. */
  async now(principal: Principal | null) {
    const nowMs = this.deps.clock.now().getTime();
    const week = await this.shifts(principal, nowMs, nowMs + 7 * 86_400_000);
    return {
      at: new Date(nowMs).toISOString(),
      services: week.map(({ service, shifts }) => {
        const onDuty = shifts.filter((shift) => Date.parse(shift.from) <= nowMs && nowMs < Date.parse(shift.to));
        const upcoming = shifts.filter((shift) => Date.parse(shift.from) > nowMs).sort((a, b) => a.from.localeCompare(b.from));
        const levels = [...new Set(upcoming.map((shift) => shift.level))];
        const next = levels.map((level) => upcoming.find((shift) => shift.level === level) as ShiftView).sort((a, b) => a.level - b.level);
        return { service, onDuty, next };
      }),
    };
  }

  /** The escalation list of a service at an instant (the notifier's port). */
  async escalationListOf(serviceId: string, atMs: number): Promise<string[]> {
    const rotas = (await this.repository.rotas(serviceId)).map(rotaRule);
    const overrides = (await this.repository.overrides(new Date(atMs).toISOString(), serviceId)).map(overridePeriod);
    return escalationList(rotas, overrides, atMs);
  }

  /** A service by id, or by kind or name for a commune (the commune's service, else the centre-wide one). */
  async resolveService(service: string, communeInsee: string | null): Promise<ServiceRow> {
    const rows = await this.repository.services();
    const named = (row: ServiceRow) => row.kind === service || row.name.toLocaleLowerCase('fr') === service.trim().toLocaleLowerCase('fr');
    const found =
      rows.find((row) => row.id === service) ??
      rows.find((row) => named(row) && communeInsee !== null && row.commune_insee === communeInsee) ??
      rows.find((row) => named(row) && row.commune_insee === null);
    if (!found) throw notFound({ fr: `Service d’astreinte ${service}`, en: `On-call service ${service}` });
    return found;
  }

  private authorise(acting: Acting, communeInsee: string | null): void {
    if (acting.principal) assertAllowed(acting.principal, 'oncall.write', communeInsee, today(this.deps.clock));
  }

  private async existing<T extends EditableTable>(table: T, id: string, fr: string, en: string) {
    const row = await this.repository.find(table, id);
    if (!row) throw notFound({ fr, en });
    return row;
  }

  private async checkOverride(row: OverrideRow): Promise<void> {
    const fromMs = Date.parse(row.from_at);
    const toMs = Date.parse(row.to_at);
    const problem =
      toMs <= fromMs
        ? 'to must be after from'
        : toMs - fromMs > maxOverrideDays * 86_400_000
          ? `at most ${maxOverrideDays} days`
          : row.replaced_person_id === row.replacement_person_id
            ? 'a person cannot replace themselves'
            : null;
    if (problem) throw new DomainError('oncall_override_invalid', { details: { problem } });
    for (const id of [row.replaced_person_id, row.replacement_person_id]) await this.existing('oncall_people', id, 'Personne d’astreinte', 'On-call person');
  }

  private audit(
    trx: Parameters<AuditApi['record']>[0],
    acting: Acting,
    action: string,
    communeInsee: string | null,
    targetType: string,
    targetId: string,
    details: Record<string, unknown>,
  ) {
    return this.deps.audit.record(trx, acting.actor, { action, communeInsee, targetType, targetId, details });
  }
}

function checkRota(rota: { startsAt: string; rrule: string; durationMinutes: number }): void {
  const problem = rotaProblem(rota);
  if (problem) throw new DomainError('oncall_rrule_invalid', { details: { problem } });
}

function checkWebhook(url: string | null | undefined): void {
  const problem = url ? webhookUrlProblem(url) : null;
  if (problem) throw new DomainError('oncall_webhook_invalid', { details: { problem } });
}

function defined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
