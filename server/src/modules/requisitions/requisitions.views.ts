// Rows to API views: the countdown, the ranges' flags (missing footage, footage close to its
// destruction date) and the transitions the current state allows. Pure.
import { destructionOf, dueCountdown, transitions } from './requisitions.rules.ts';
import type { DocumentView, RequisitionState, RequisitionView } from './requisitions.schemas.ts';
import type { DocumentRow, RangeRow, RequisitionRow } from './requisitions.repository.ts';

const iso = (ms: number) => new Date(ms).toISOString();

export function documentView(row: DocumentRow): DocumentView {
  return {
    version: Number(row.version),
    fileName: row.file_name,
    mediaType: row.media_type as DocumentView['mediaType'],
    bytes: Number(row.bytes),
    sha256: row.sha256,
    uploadedAt: row.uploaded_at,
    uploadedBy: row.uploaded_by,
    reason: row.reason,
    supersededAt: row.superseded_at,
  };
}

export function requisitionView(
  row: RequisitionRow,
  ranges: readonly RangeRow[],
  documents: readonly DocumentRow[],
  retentionDays: ReadonlyMap<string, number>,
  now: Date,
): RequisitionView {
  const state = row.state as RequisitionState;
  // Closed with its holds released: nothing is kept past retention any more, nothing to flag.
  const open = state !== 'closed';
  const rangeViews = ranges.map((range) => ({
    position: range.position,
    cameraId: range.cameraId,
    from: iso(range.fromMs),
    to: iso(range.toMs),
    footage: range.footage,
    heldFrom: range.heldFromMs === null ? null : iso(range.heldFromMs),
    holdId: range.holdId,
    ...destructionOf(range, retentionDays.get(range.cameraId), open, now),
  }));
  const countdown = dueCountdown(row.due_at, row.answered_at, now);
  const current = documents.find((document) => document.superseded_at === null);
  return {
    id: row.id,
    communeInsee: row.commune_insee,
    state,
    officerName: row.officer_name,
    officerRank: row.officer_rank,
    officerUnit: row.officer_unit,
    officerContact: row.officer_contact,
    procedureNumber: row.procedure_number,
    legalFramework: row.legal_framework as RequisitionView['legalFramework'],
    requisitionDate: row.requisition_date,
    channel: row.channel as RequisitionView['channel'],
    freeText: row.free_text,
    receivedAt: row.received_at,
    filedBy: row.filed_by,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
    closedAt: row.closed_at,
    holdsKept: row.holds_kept === null ? null : Number(row.holds_kept) === 1,
    due: { at: row.due_at, answeredAt: row.answered_at, ...countdown },
    flags: {
      missingFootage: ranges.some((range) => range.footage !== 'held'),
      nearDestruction: rangeViews.some((range) => range.nearDestruction),
      overdue: countdown.overdue && row.answered_at === null,
    },
    ranges: rangeViews,
    document: current ? documentView(current) : null,
    allowedTransitions: [...transitions[state]],
  };
}
