// Pure rules of procedures (docs/alarms.md "Procedures"): a procedure's steps checked and given
// their ids, the procedure an alarm runs (its site's wins over its type's), the steps an alarm
// copies from it, those that block its closing, and the level a step past its deadline is due.
import { DomainError } from '../../platform/errors.ts';
import { dueLevel } from './alarms.escalation.ts';
import type { AlarmStepView, ProcedureStep, StepInput } from './alarms.procedures.schemas.ts';

export function procedureInvalid(reasons: string[]): DomainError {
  return new DomainError('procedure_invalid', {
    fr: `Procédure refusée : ${reasons.join(' ; ')}.`,
    en: `Procedure refused: ${reasons.join('; ')}.`,
    details: { reasons },
  });
}

/** Which field each kind needs, and which it must not carry. */
function kindProblems(step: StepInput, at: string): string[] {
  const problems: string[] = [];
  if (step.kind === 'call' && !step.number) problems.push(`${at}: a call step needs the number to call`);
  if (step.kind !== 'call' && step.number) problems.push(`${at}: only a call step has a number`);
  if (step.kind === 'notify_oncall' && !step.service) problems.push(`${at}: a notify_oncall step needs the on-call service`);
  if (step.kind !== 'notify_oncall' && step.service) problems.push(`${at}: only a notify_oncall step has a service`);
  if (step.kind !== 'open_cameras' && step.cameraIds && step.cameraIds.length > 0) problems.push(`${at}: only an open_cameras step names cameras`);
  return problems;
}

/**
 * The steps as stored, in the order given: ids kept when sent (unique), new ones otherwise
 * (`s1`, `s2`, ... not yet taken). Refused with every reason at once.
 */
export function normaliseSteps(inputs: readonly StepInput[]): ProcedureStep[] {
  const problems: string[] = [];
  const taken = new Set<string>();
  for (const [index, step] of inputs.entries()) {
    problems.push(...kindProblems(step, `step ${index + 1}`));
    if (!step.id) continue;
    if (taken.has(step.id)) problems.push(`step ${index + 1}: id ${step.id} used twice`);
    taken.add(step.id);
  }
  if (problems.length > 0) throw procedureInvalid(problems);
  let next = 1;
  const freshId = (): string => {
    while (taken.has(`s${next}`)) next += 1;
    taken.add(`s${next}`);
    return `s${next}`;
  };
  return inputs.map((step) => ({
    id: step.id ?? freshId(),
    kind: step.kind,
    labelFr: step.labelFr,
    labelEn: step.labelEn ?? null,
    mandatory: step.mandatory,
    number: step.number ?? null,
    service: step.service ?? null,
    cameraIds: step.kind === 'open_cameras' ? [...new Set(step.cameraIds ?? [])] : [],
    deadlineSeconds: step.deadlineSeconds ?? null,
  }));
}

/** The procedure an alarm runs: its site's when there is one, else its type's centre-wide one. */
export function pickProcedure<T extends { siteId: string | null }>(candidates: readonly T[], siteId: string | null): T | null {
  return (
    (siteId ? candidates.find((candidate) => candidate.siteId === siteId) : undefined) ?? candidates.find((candidate) => candidate.siteId === null) ?? null
  );
}

/** When a step is due: the alarm's first receipt plus its deadline (null: none). */
export function dueAt(firstReceivedAt: string, deadlineSeconds: number | null): string | null {
  return deadlineSeconds === null ? null : new Date(Date.parse(firstReceivedAt) + deadlineSeconds * 1000).toISOString();
}

/** The mandatory steps not done: an alarm with any cannot be closed (but by a supervisor, with a reason). */
export function missingMandatory<T extends Pick<AlarmStepView, 'mandatory' | 'doneAt'>>(steps: readonly T[]): T[] {
  return steps.filter((step) => step.mandatory && step.doneAt === null);
}

/**
 * The level a mandatory step not done should be at now: 1 (supervisors) past its deadline, 2
 * (on-call) past twice the deadline, the same levels as an alarm left `new`.
 */
export function stepDueLevel(
  step: { mandatory: boolean; doneAt: string | null; deadlineSeconds: number | null },
  firstReceivedAt: string,
  nowMs: number,
): number {
  if (!step.mandatory || step.doneAt !== null || step.deadlineSeconds === null) return 0;
  return Math.max(0, dueLevel(step.deadlineSeconds * 1000, Date.parse(firstReceivedAt), nowMs));
}

/** The on-call service told when a step reaches level 2: the procedure's, else its first `notify_oncall` step's. */
export function escalationServiceOf(escalationService: string | null, steps: readonly Pick<ProcedureStep, 'kind' | 'service'>[]): string | null {
  return escalationService ?? steps.find((step) => step.kind === 'notify_oncall' && step.service)?.service ?? null;
}
