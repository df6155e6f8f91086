// Table types of the alarms module's SIA DC-09 intake (issue 14); schema.ts joins them into DatabaseSchema.

export interface AlarmDc09AccountsTable {
  id: string;
  /** A source of kind `dc09`: its commune is the alarms'. */
  source_id: string;
  /** The line (account) prefix after `L`, hex. */
  line: string;
  /** The account number after `#`, 3 to 16 hex digits; (line, account) is unique. */
  account: string;
  site_id: string | null;
  /** The AES key (hex), sealed with the secret key (secrets.ts); null: plain messages only. */
  key_sealed: string | null;
  /** Null: not supervised. */
  supervision_seconds: number | null;
  last_seen_at: string | null;
  /** Set while a `supervision_lost` alarm is raised for this account. */
  supervision_lost_at: string | null;
  created_at: string;
  updated_at: string;
}

/** Every accepted DC-09 message (NULL link tests aside). */
export interface AlarmDc09MessagesTable {
  id: string;
  account_id: string;
  sequence: string;
  /** The sender's timestamp (ISO), or `none:<10-minute slot>` when it sent none. */
  sent_at: string;
  token: string;
  /** JSON array of the events read: { kind, code, zone, partition, type }. */
  events: string;
  received_at: string;
  /** The frame as received (LF and CR removed). */
  raw: string;
}

export interface AlarmsDc09Schema {
  alarm_dc09_accounts: AlarmDc09AccountsTable;
  alarm_dc09_messages: AlarmDc09MessagesTable;
}
