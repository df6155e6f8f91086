// Input helpers shared by the inventory modules (sites, cameras): zod failures become
// `validation_failed` domain errors (the CLI and the import call services directly, without
// the HTTP layer's validation), and free text that a spreadsheet would run as a formula is
// refused so that CSV exports stay safe to open.
import { z } from 'zod';
import { DomainError } from '../../platform/errors.ts';

/** A cell starting with one of these is evaluated by Excel/LibreOffice (CSV injection). */
const formulaStart = /^[=+\-@\t\r]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
const controlCharacters = /[\u0000-\u001f\u007f]/;

export function plainText(maxLength: number) {
  return z
    .string()
    .trim()
    .min(1)
    .max(maxLength)
    .refine((value) => !formulaStart.test(value), 'must not start with = + - @ (spreadsheet formula)')
    .refine((value) => !controlCharacters.test(value), 'must not contain control characters');
}

export interface FieldProblem {
  field: string;
  problem: string;
}

export function problemsOf(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({ field: issue.path.map(String).join('.') || '(body)', problem: issue.message }));
}

export function parseInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details = problemsOf(result.error);
  const fields = [...new Set(details.map((detail) => detail.field))].join(', ');
  throw new DomainError('validation_failed', { fr: `Données invalides (${fields}).`, en: `Invalid data (${fields}).`, details });
}
