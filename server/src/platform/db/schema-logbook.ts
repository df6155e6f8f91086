// Table types of the logbook module (issue 14 item 6); schema.ts joins them into DatabaseSchema.

export interface LogbookEntriesTable {
  id: string;
  /** Position in the hash chain (1, 2, ...): every entry is chained, none is ever edited. */
  seq: number;
  /** When Vigie wrote the entry (UTC). */
  recorded_at: string;
  /** When what it reports happened (UTC); the operator may give an earlier time. */
  occurred_at: string;
  /** Null only for automatic entries of centre-wide alarms (technical ones). */
  commune_insee: string | null;
  /** offence_seen | offence_spotted | intervention | information | alarm | technical | other */
  type: string;
  /** manual | alarm */
  origin: string;
  text: string;
  /** The statistics' offence category (offence entries only). */
  offence_category: string | null;
  alarm_id: string | null;
  site_id: string | null;
  /** JSON array of camera ids. */
  camera_ids: string;
  /** Login of the author (`system` for automatic entries). */
  author: string;
  author_id: string | null;
  /** The entry this one corrects. */
  corrects_id: string | null;
  /** `alarmId|change|time` of an automatic entry (unique); null for manual ones. */
  auto_key: string | null;
  prev_hash: string;
  hash: string;
}

export interface LogbookHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export interface LogbookSchema {
  logbook_entries: LogbookEntriesTable;
  logbook_head: LogbookHeadTable;
}
