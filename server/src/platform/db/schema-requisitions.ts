// Table types of the requisitions module (issue 13); schema.ts joins them into DatabaseSchema.
import type { BigintColumn } from './schema-recording.ts';

export interface RequisitionsTable {
  id: string;
  commune_insee: string;
  /** received | in_review | positive | negative | live_viewing_only | cancelled | exported | delivered | closed */
  state: string;
  officer_name: string;
  officer_rank: string;
  officer_unit: string;
  officer_contact: string;
  procedure_number: string;
  /** flagrance | preliminary | investigation | direct_collection */
  legal_framework: string;
  /** ISO date-time the requisition was signed (or the officer asked, for a direct collection). */
  requisition_date: string;
  channel: string;
  free_text: string | null;
  received_at: string;
  due_at: string;
  answered_at: string | null;
  filed_by: string;
  filed_by_id: string | null;
  updated_at: string;
  updated_by: string;
  closed_at: string | null;
  holds_kept: number | null;
}

export interface RequisitionRangesTable {
  requisition_id: string;
  position: number;
  camera_id: string;
  from_ms: BigintColumn;
  to_ms: BigintColumn;
  /** held | partial | missing */
  footage: string;
  held_from_ms: BigintColumn | null;
  hold_id: string | null;
}

export interface RequisitionTransitionsTable {
  id: string;
  requisition_id: string;
  position: number;
  from_state: string | null;
  to_state: string;
  at: string;
  by_login: string;
  by_id: string | null;
  reason: string;
  /** JSON text. */
  details: string;
}

export interface RequisitionDocumentsTable {
  requisition_id: string;
  version: number;
  file_name: string;
  media_type: string;
  bytes: number;
  sha256: string;
  path: string;
  uploaded_at: string;
  uploaded_by: string;
  reason: string | null;
  superseded_at: string | null;
}

/** Review time (heures de relecture): automatic per playback session, or manual (never edited; a correction is a new entry). */
export interface RequisitionReviewEntriesTable {
  id: string;
  requisition_id: string;
  /** playback | manual */
  source: string;
  playback_id: string | null;
  camera_id: string | null;
  seconds: number;
  /** YYYY-MM-DD, Paris. */
  review_date: string;
  comment: string | null;
  corrects_id: string | null;
  by_login: string;
  by_id: string | null;
  created_at: string;
  updated_at: string;
}

/** A handover of footage to the requesting officer, its receipt and acknowledgement. */
export interface RequisitionHandoversTable {
  id: string;
  requisition_id: string;
  /** download | usb_key | disc | other */
  medium: string;
  recipient_name: string;
  recipient_rank: string;
  recipient_unit: string;
  handed_at: string;
  package_id: string | null;
  comment: string | null;
  created_at: string;
  created_by: string;
  /** console | scan; null while pending. */
  acknowledgement: string | null;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  acknowledged_by_id: string | null;
  scan_path: string | null;
  scan_media_type: string | null;
  scan_bytes: number | null;
  scan_sha256: string | null;
}

export interface RequisitionsSchema {
  requisitions: RequisitionsTable;
  requisition_review_entries: RequisitionReviewEntriesTable;
  requisition_handovers: RequisitionHandoversTable;
  requisition_ranges: RequisitionRangesTable;
  requisition_transitions: RequisitionTransitionsTable;
  requisition_documents: RequisitionDocumentsTable;
}
