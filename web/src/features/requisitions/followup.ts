// Pure logic of a requisition's review hours and handovers as the detail shows them: seconds as
// hours and minutes, what the manual-entry and handover forms send, and who sees which button.
// Unit-tested (followup.test.ts).
import { parisLocalToUtcIso } from '../../lib/dates.ts';

/** "12 h 05 min" style figures: whole hours and the minutes left (a correction may make them negative). */
export function hoursMinutes(seconds: number): { hours: number; minutes: number; negative: boolean } {
  const absolute = Math.abs(Math.round(seconds / 60));
  return { hours: Math.floor(absolute / 60), minutes: absolute % 60, negative: seconds < 0 };
}

export interface ManualDraft {
  minutes: string;
  /** YYYY-MM-DD, Paris. */
  date: string;
  comment: string;
  correctsEntryId: string;
}

export type ManualProblem = 'minutes' | 'date' | 'comment' | 'corrects';

export function manualBody(
  draft: ManualDraft,
): { body: { minutes: number; date: string; comment: string; correctsEntryId?: string } } | { problem: ManualProblem } {
  const minutes = Number(draft.minutes);
  if (!Number.isInteger(minutes) || minutes === 0 || Math.abs(minutes) > 600) return { problem: 'minutes' };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(draft.date)) return { problem: 'date' };
  if (draft.comment.trim().length < 3) return { problem: 'comment' };
  if (minutes < 0 && !draft.correctsEntryId) return { problem: 'corrects' };
  return {
    body: { minutes, date: draft.date, comment: draft.comment.trim(), ...(draft.correctsEntryId ? { correctsEntryId: draft.correctsEntryId } : {}) },
  };
}

export const handoverMedia = ['download', 'usb_key', 'disc', 'other'] as const;
export type HandoverMedium = (typeof handoverMedia)[number];

export interface HandoverDraft {
  medium: HandoverMedium;
  recipientName: string;
  recipientRank: string;
  recipientUnit: string;
  /** `datetime-local`, Paris time. */
  handedAt: string;
  packageId: string;
  comment: string;
}

export type HandoverProblem = 'required' | 'date' | 'package';

export function handoverBody(draft: HandoverDraft): { body: Record<string, string> } | { problem: HandoverProblem } {
  if ([draft.recipientName, draft.recipientRank, draft.recipientUnit].some((value) => value.trim() === '')) return { problem: 'required' };
  const handedAt = parisLocalToUtcIso(draft.handedAt);
  if (!handedAt) return { problem: 'date' };
  const packageId = draft.packageId.trim();
  if (packageId && !/^[A-Za-z0-9_-]{1,64}$/.test(packageId)) return { problem: 'package' };
  return {
    body: {
      medium: draft.medium,
      recipientName: draft.recipientName.trim(),
      recipientRank: draft.recipientRank.trim(),
      recipientUnit: draft.recipientUnit.trim(),
      handedAt,
      ...(packageId ? { packageId } : {}),
      ...(draft.comment.trim() ? { comment: draft.comment.trim() } : {}),
    },
  };
}

/** Police users acknowledge a pending handover in the console; supervisors and operators attach the signed scan. */
export function acknowledgementMode(role: string, actions: readonly string[]): 'console' | 'scan' | null {
  if (role === 'police' && actions.includes('requisition.read')) return 'console';
  if (actions.includes('requisition.handover')) return 'scan';
  return null;
}
