// Table types of the alarms module (issue 14); schema.ts joins them into DatabaseSchema.

export interface AlarmSourcesTable {
  /** A short slug chosen by the administrator: it appears in the webhook URL and the MQTT topic. */
  id: string;
  /** webhook | mqtt | technical; later cap | dc09 */
  kind: string;
  /** Null only for the built-in `technical` source (centre-wide events). */
  commune_insee: string | null;
  name: string;
  /** SHA-256 (hex) of the webhook bearer token; null for other kinds. */
  token_hash: string | null;
  /** 1: accepted; 0: every intake refused. */
  enabled: number;
  created_at: string;
  updated_at: string;
}

export interface AlarmsTable {
  id: string;
  source_id: string;
  commune_insee: string | null;
  type: string;
  /** 1 (critical) to 4 (low): the queue sorts on it, then on age. */
  priority: number;
  /** new | taken | acknowledged | in_progress | closed */
  state: string;
  site_id: string | null;
  /** The sender's zone, detector or device (a PTI's agent, a panel's zone). */
  zone: string | null;
  /** What repeats fold on besides source and type: site and zone. */
  fold_key: string;
  title: string;
  latitude: number | null;
  longitude: number | null;
  /** JSON array of camera ids. */
  camera_ids: string;
  /** Receipts folded into this alarm (1 at creation). */
  count: number;
  /** Instant the sender says the event happened (first receipt). */
  occurred_at: string;
  first_received_at: string;
  last_received_at: string;
  restored_at: string | null;
  taken_at: string | null;
  taken_by: string | null;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  started_at: string | null;
  started_by: string | null;
  closed_at: string | null;
  closed_by: string | null;
  /** handled | false_alarm | test | technical */
  outcome: string | null;
  comment: string | null;
  updated_at: string;
  /** When it last escalated for staying `new` past its priority's deadline (null: never). */
  escalated_at: string | null;
  /** 0: not escalated; 1: supervisors; 2: the chief (the on-call chain comes later). */
  escalation_level: number;
}

/** Every accepted message, kept as received: (source, sender's event id) is unique, which is the deduplication. */
export interface AlarmReceiptsTable {
  id: string;
  source_id: string;
  sender_event_id: string;
  /** The alarm it created, folded into or restored; null for a restoral that matched no alarm. */
  alarm_id: string | null;
  /** alarm | restore */
  event: string;
  /** created | folded | restored | restore_unmatched */
  outcome: string;
  /** webhook | mqtt | technical */
  channel: string;
  received_at: string;
  /** The payload as received (bounded by the channel's limit). */
  raw_payload: string;
}

export interface AlarmsSchema {
  alarm_sources: AlarmSourcesTable;
  alarms: AlarmsTable;
  alarm_receipts: AlarmReceiptsTable;
}
