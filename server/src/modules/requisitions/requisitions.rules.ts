// Pure rules of requisitions: the state machine, the due date and its countdown, the flags of
// a requisition's ranges, and the scanned document's type by its first bytes. No IO.
import type { RequisitionState } from './requisitions.schemas.ts';

/**
 * Allowed transitions. A result (positive, negative, live viewing only, cancelled) follows the
 * review; a positive result is exported then delivered (later issue 13 items drive these two);
 * every other result is closed directly. A requisition withdrawn before review is cancelled.
 */
export const transitions: Readonly<Record<RequisitionState, readonly RequisitionState[]>> = {
  received: ['in_review', 'cancelled'],
  in_review: ['positive', 'negative', 'live_viewing_only', 'cancelled'],
  positive: ['exported'],
  negative: ['closed'],
  live_viewing_only: ['closed'],
  cancelled: ['closed'],
  exported: ['delivered'],
  delivered: ['closed'],
  closed: [],
};

export const resultStates: ReadonlySet<RequisitionState> = new Set(['positive', 'negative', 'live_viewing_only', 'cancelled']);

/** The requisition's own fields may be corrected until a result is given. */
export function isEditable(state: RequisitionState): boolean {
  return state === 'received' || state === 'in_review';
}

export function mayTransition(from: RequisitionState, to: RequisitionState): boolean {
  return transitions[from].includes(to);
}

/** Footage within this of its destruction date is flagged. */
export const NEAR_DESTRUCTION_MS = 24 * 3_600_000;
const DAY_MS = 86_400_000;

export function dueAt(receivedAt: string, targetHours: number): string {
  return new Date(Date.parse(receivedAt) + targetHours * 3_600_000).toISOString();
}

/** Time left until the due date, frozen at the first result; negative when late. */
export function dueCountdown(due: string, answeredAt: string | null, now: Date): { remainingMs: number; overdue: boolean } {
  const remainingMs = Date.parse(due) - (answeredAt ? Date.parse(answeredAt) : now.getTime());
  return { remainingMs, overdue: remainingMs < 0 };
}

/**
 * When a held range's oldest footage reaches its camera's retention (it is kept past that only
 * while held), and whether that is within NEAR_DESTRUCTION_MS (or past) while the requisition is open.
 */
export function destructionOf(
  range: { heldFromMs: number | null },
  retentionDays: number | undefined,
  open: boolean,
  now: Date,
): { destructionAt: string | null; nearDestruction: boolean } {
  if (range.heldFromMs === null || retentionDays === undefined) return { destructionAt: null, nearDestruction: false };
  const atMs = range.heldFromMs + retentionDays * DAY_MS;
  return { destructionAt: new Date(atMs).toISOString(), nearDestruction: open && atMs - now.getTime() < NEAR_DESTRUCTION_MS };
}

export type DocumentType = 'application/pdf' | 'image/png' | 'image/jpeg';

/** The document's type from its magic bytes (never from its name or a declared type), or null. */
export function documentTypeOf(bytes: Uint8Array): DocumentType | null {
  const starts = (...prefix: number[]) => prefix.every((byte, index) => bytes[index] === byte);
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return 'application/pdf'; // %PDF-
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  return null;
}

export const documentExtensions: Record<DocumentType, string> = { 'application/pdf': 'pdf', 'image/png': 'png', 'image/jpeg': 'jpg' };
