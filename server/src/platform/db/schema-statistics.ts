// Table types of the statistics module (issue 13 item 8); schema.ts joins them into DatabaseSchema.

/** An offence seen on camera (fait constaté), recorded with the short form or, later, from a logbook entry. */
export interface OffencesTable {
  id: string;
  commune_insee: string;
  occurred_at: string;
  /** property | persons | drugs | traffic | incivility | other */
  category: string;
  /** 1: spotted by the operators themselves (détection à l'initiative des opérateurs). */
  spotted_by_operator: number;
  site_id: string | null;
  /** JSON array of camera ids. */
  camera_ids: string;
  /** The service that intervened (police municipale, commissariat...), when given. */
  service: string | null;
  comment: string;
  /** form (the short form) | logbook (an "offence seen" / "offence spotted" logbook entry, later). */
  source: string;
  /** The logbook entry's id when source is logbook: (source, source_ref) is unique. */
  source_ref: string | null;
  recorded_at: string;
  recorded_by: string;
  recorded_by_id: string | null;
}

/** A figure of a past year imported from a CSV: one per (year, commune, service, indicator). */
export interface StatisticsImportedTable {
  year: number;
  commune_insee: string;
  /** '' when the figure is for every service. */
  service: string;
  indicator: string;
  value: number;
  imported_at: string;
  imported_by: string;
  /** SHA-256 of the imported file. */
  file_sha256: string;
}

export interface StatisticsSchema {
  offences: OffencesTable;
  statistics_imported: StatisticsImportedTable;
}
