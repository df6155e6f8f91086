// Table types of the alarms module's CAP 1.2 intake (issue 14); schema.ts joins them into DatabaseSchema.

/** Every CAP message stored, named by its (sender, identifier, sent) triple: unique, which is the deduplication. */
export interface AlarmCapMessagesTable {
  id: string;
  /** The CAP source it came through first (push or feed). */
  source_id: string;
  sender: string;
  identifier: string;
  /** `sent` as the sender wrote it (part of the triple references name). */
  sent: string;
  /** Alert | Update | Cancel | Ack | Error */
  msg_type: string;
  /** Actual | Exercise | System | Test | Draft */
  status: string;
  /** created | updated | cancelled | reference_unmatched | no_area_match | ignored */
  outcome: string;
  /** JSON array of the alarm ids this message created or applied to (what its Update or Cancel reaches). */
  alarm_ids: string;
  /** push | feed */
  channel: string;
  received_at: string;
}

/** The Atom feed a CAP source polls (at most one per source), with its conditional-GET validators. */
export interface AlarmCapFeedsTable {
  source_id: string;
  url: string;
  etag: string | null;
  last_modified: string | null;
  last_polled_at: string | null;
  /** HTTP status of the last poll (304: unchanged), null before the first. */
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface AlarmsCapSchema {
  alarm_cap_messages: AlarmCapMessagesTable;
  alarm_cap_feeds: AlarmCapFeedsTable;
}
