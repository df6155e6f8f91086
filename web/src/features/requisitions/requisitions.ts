// Pure logic of the requisitions screen: the due countdown as the screen shows it, the intake
// form's draft turned into the API body (Paris wall-clock times to UTC), and which state
// buttons a reader sees. Unit-tested (requisitions.test.ts).
import { parisLocalToUtcIso } from '../../lib/dates.ts';

export interface Countdown {
  /** Whole hours and minutes, always positive. */
  hours: number;
  minutes: number;
  late: boolean;
  answered: boolean;
}

export function countdownOf(due: { remainingMs: number; answeredAt: string | null }): Countdown {
  const absolute = Math.abs(due.remainingMs);
  return {
    hours: Math.floor(absolute / 3_600_000),
    minutes: Math.floor((absolute % 3_600_000) / 60_000),
    late: due.remainingMs < 0,
    answered: due.answeredAt !== null,
  };
}

export interface RangeDraft {
  cameraId: string;
  /** `datetime-local` values, Paris time. */
  from: string;
  to: string;
}

export interface IntakeDraft {
  communeInsee: string;
  officerName: string;
  officerRank: string;
  officerUnit: string;
  officerContact: string;
  procedureNumber: string;
  legalFramework: 'flagrance' | 'preliminary' | 'investigation' | 'direct_collection';
  requisitionDate: string;
  channel: 'email' | 'paper' | 'phone' | 'in_person' | 'other';
  freeText: string;
  ranges: RangeDraft[];
}

export const emptyRange: RangeDraft = { cameraId: '', from: '', to: '' };

export function emptyIntake(communeInsee: string): IntakeDraft {
  return {
    communeInsee,
    officerName: '',
    officerRank: '',
    officerUnit: '',
    officerContact: '',
    procedureNumber: '',
    legalFramework: 'flagrance',
    requisitionDate: '',
    channel: 'email',
    freeText: '',
    ranges: [{ ...emptyRange }],
  };
}

export type IntakeProblem = 'required' | 'date' | 'rangeOrder' | 'camera';

/** The API body, or the first problem the form shows (the server checks everything again). */
export function intakeBody(draft: IntakeDraft): { body: Record<string, unknown> } | { problem: IntakeProblem; index?: number } {
  const required = [draft.communeInsee, draft.officerName, draft.officerRank, draft.officerUnit, draft.officerContact, draft.procedureNumber];
  if (required.some((value) => value.trim() === '')) return { problem: 'required' };
  const requisitionDate = parisLocalToUtcIso(draft.requisitionDate);
  if (!requisitionDate) return { problem: 'date' };
  const ranges = [];
  for (const [index, range] of draft.ranges.entries()) {
    if (!range.cameraId) return { problem: 'camera', index };
    const from = parisLocalToUtcIso(range.from);
    const to = parisLocalToUtcIso(range.to);
    if (!from || !to) return { problem: 'date', index };
    if (from >= to) return { problem: 'rangeOrder', index };
    ranges.push({ cameraId: range.cameraId, from, to });
  }
  return {
    body: {
      communeInsee: draft.communeInsee,
      officerName: draft.officerName.trim(),
      officerRank: draft.officerRank.trim(),
      officerUnit: draft.officerUnit.trim(),
      officerContact: draft.officerContact.trim(),
      procedureNumber: draft.procedureNumber.trim(),
      legalFramework: draft.legalFramework,
      requisitionDate,
      channel: draft.channel,
      freeText: draft.freeText.trim() === '' ? null : draft.freeText.trim(),
      ranges,
    },
  };
}

/** The state buttons shown: those the state allows, for a reader who may change states. */
export function transitionButtons(allowed: readonly string[], actions: readonly string[]): string[] {
  return actions.includes('requisition.review') ? [...allowed] : [];
}
