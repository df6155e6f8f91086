// Table types of the oncall module (issue 14 item 5); schema.ts joins them into DatabaseSchema.

/** An astreinte service: élu d'astreinte, direction générale, services techniques. */
export interface OncallServicesTable {
  id: string;
  name: string;
  /** elected | management | technical | other */
  kind: string;
  /** null: centre-wide. */
  commune_insee: string | null;
  /** Overrides the configured escalation delay for this service (minutes). */
  escalation_minutes: number | null;
  /** The SMS gateway's webhook (https, or http on loopback), called for each notification. */
  webhook_url: string | null;
  /** The webhook's HMAC secret, sealed with the secret key. */
  webhook_secret_sealed: string | null;
  created_at: string;
  updated_at: string;
}

/** A person on call: minimal personal data (name, role, where to reach them). */
export interface OncallPeopleTable {
  id: string;
  name: string;
  role: string;
  email: string | null;
  phone: string | null;
  created_at: string;
  updated_at: string;
}

/** A recurring duty: each occurrence of the RRULE (Paris wall-clock, from starts_at) opens a shift of duration_minutes. */
export interface OncallRotasTable {
  id: string;
  service_id: string;
  person_id: string;
  /** 1: primary, 2: first backup, ... */
  level: number;
  /** Paris wall-clock DTSTART, YYYY-MM-DDTHH:mm. */
  starts_at: string;
  /** RFC 5545 RRULE value (FREQ=WEEKLY;BYDAY=MO...), no DTSTART nor TZID. */
  rrule: string;
  duration_minutes: number;
  created_at: string;
  updated_at: string;
}

/** A person replaces another on a service's duty for a period [from_at, to_at). */
export interface OncallOverridesTable {
  id: string;
  service_id: string;
  replaced_person_id: string;
  replacement_person_id: string;
  from_at: string;
  to_at: string;
  reason: string;
  created_at: string;
  updated_at: string;
}

/** One notification of one person; the people of its chain are fixed when the chain starts. */
export interface OncallNotificationsTable {
  id: string;
  chain_id: string;
  /** Index of person_id in chain_person_ids. */
  position: number;
  /** JSON array: the ordered escalation list at the time of the call. */
  chain_person_ids: string;
  service_id: string;
  person_id: string;
  alarm_id: string | null;
  commune_insee: string | null;
  subject: string;
  text: string;
  /** pending | sent | failed | acknowledged | escalated */
  state: string;
  /** JSON array of 'email' | 'webhook'. */
  channels: string;
  delivered_channels: string;
  attempts: number;
  /** When the next send attempt is due (null: nothing more to send). */
  next_attempt_at: string | null;
  last_error: string | null;
  escalation_ms: number;
  /** When an unacknowledged notification escalates to the next person (null: not yet sent, or no one next). */
  escalate_at: string | null;
  ack_expires_at: string;
  created_at: string;
  sent_at: string | null;
  acknowledged_at: string | null;
  escalated_at: string | null;
}

export interface OncallSchema {
  oncall_services: OncallServicesTable;
  oncall_people: OncallPeopleTable;
  oncall_rotas: OncallRotasTable;
  oncall_overrides: OncallOverridesTable;
  oncall_notifications: OncallNotificationsTable;
}
