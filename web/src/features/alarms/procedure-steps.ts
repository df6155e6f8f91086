// Procedures in the browser (docs/alarms.md "Procedures"): a step's countdown to its deadline, the
// editor's reordering, a new step of a kind, and a step as the API takes it back. Pure, tested by
// procedure-steps.test.ts.

export const stepKinds = ['call', 'notify_oncall', 'open_cameras', 'comment', 'check'] as const;
export type StepKind = (typeof stepKinds)[number];

/** A procedure's step as the editor holds it (the API's view and input share these fields). */
export interface EditableStep {
  id?: string;
  kind: StepKind;
  labelFr: string;
  labelEn: string | null;
  mandatory: boolean;
  number: string | null;
  service: string | null;
  cameraIds: string[];
  deadlineSeconds: number | null;
}

/** Time left before `dueAt` (negative: past), as [-]m:ss, and whether it has passed. */
export function countdown(dueAt: string, nowMs: number): { text: string; overdue: boolean } {
  const leftMs = Date.parse(dueAt) - nowMs;
  const seconds = Math.ceil(Math.abs(leftMs) / 1000);
  const text = `${leftMs < 0 ? '-' : ''}${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  return { text, overdue: leftMs < 0 };
}

/** The list with the step at `index` moved by `delta` places (unchanged at the ends). */
export function moveStep<T>(steps: readonly T[], index: number, delta: -1 | 1): T[] {
  const target = index + delta;
  if (index < 0 || index >= steps.length || target < 0 || target >= steps.length) return [...steps];
  const next = [...steps];
  const [moved] = next.splice(index, 1);
  next.splice(target, 0, moved as T);
  return next;
}

export function newStep(kind: StepKind): EditableStep {
  return { kind, labelFr: '', labelEn: null, mandatory: true, number: null, service: null, cameraIds: [], deadlineSeconds: null };
}

/** A step as the API takes it: only the fields its kind has, empty texts as none. */
export function stepInput(step: EditableStep): EditableStep {
  const trimmed = (value: string | null) => (value?.trim() ? value.trim() : null);
  return {
    ...(step.id ? { id: step.id } : {}),
    kind: step.kind,
    labelFr: step.labelFr.trim(),
    labelEn: trimmed(step.labelEn),
    mandatory: step.mandatory,
    number: step.kind === 'call' ? trimmed(step.number) : null,
    service: step.kind === 'notify_oncall' ? trimmed(step.service) : null,
    cameraIds: step.kind === 'open_cameras' ? step.cameraIds : [],
    deadlineSeconds: step.deadlineSeconds,
  };
}
