// The views of the on-call tables, and their rows as the duty computation reads them.
import type { OverridePeriod, RotaRule } from './oncall.duty.ts';
import type { OverrideRow, PersonRow, RotaRow, ServiceRow } from './oncall.repository.ts';
import type { OverrideView, PersonView, RotaView, ServiceView } from './oncall.schemas.ts';

export const serviceView = (row: ServiceRow): ServiceView => ({
  id: row.id,
  name: row.name,
  kind: row.kind as ServiceView['kind'],
  communeInsee: row.commune_insee,
  escalationMinutes: row.escalation_minutes,
  webhookUrl: row.webhook_url,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});
export const personView = (row: PersonRow): PersonView => ({
  id: row.id,
  name: row.name,
  role: row.role,
  email: row.email,
  phone: row.phone,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});
export const rotaView = (row: RotaRow): RotaView => ({
  id: row.id,
  serviceId: row.service_id,
  personId: row.person_id,
  level: row.level,
  startsAt: row.starts_at,
  rrule: row.rrule,
  durationMinutes: row.duration_minutes,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});
export const overrideView = (row: OverrideRow): OverrideView => ({
  id: row.id,
  serviceId: row.service_id,
  replacedPersonId: row.replaced_person_id,
  replacementPersonId: row.replacement_person_id,
  from: row.from_at,
  to: row.to_at,
  reason: row.reason,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});
export const rotaRule = (row: RotaRow): RotaRule => ({
  id: row.id,
  personId: row.person_id,
  level: row.level,
  startsAt: row.starts_at,
  rrule: row.rrule,
  durationMinutes: row.duration_minutes,
});
export const overridePeriod = (row: OverrideRow): OverridePeriod => ({
  replacedPersonId: row.replaced_person_id,
  replacementPersonId: row.replacement_person_id,
  fromMs: Date.parse(row.from_at),
  toMs: Date.parse(row.to_at),
});
