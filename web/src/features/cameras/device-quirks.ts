// Pure logic of the ONVIF quirks form (camera record, administrators): the fields of a quirk
// record, the form's text values from an override and back (an empty value gives the field back
// to what Vigie learns from the camera), the checks made before sending, and how a value reads.
import type { ApiAnswer } from '../../api/client.ts';
import type { MessageKey, Translate } from '../../i18n/translate.ts';

export type Quirks = ApiAnswer<'GET', '/api/cameras/{id}/device'>['quirks']['override'];
export type QuirkField = keyof Quirks;

type FieldSpec =
  | { field: QuirkField; kind: 'choice'; options: readonly string[] }
  | { field: QuirkField; kind: 'boolean' }
  | { field: QuirkField; kind: 'number'; min: number; max: number };

/** The fields in the order shown, with the values the server takes (devices.schemas.ts). */
export const QUIRK_FORM_FIELDS: readonly FieldSpec[] = [
  { field: 'auth', kind: 'choice', options: ['ws-security', 'digest'] },
  { field: 'serviceDiscovery', kind: 'choice', options: ['capabilities', 'services'] },
  { field: 'moveTimeout', kind: 'choice', options: ['send', 'omit'] },
  { field: 'minMoveTimeoutMs', kind: 'number', min: 0, max: 60_000 },
  { field: 'maxMoveTimeoutMs', kind: 'number', min: 100, max: 600_000 },
  { field: 'zoom', kind: 'boolean' },
  { field: 'panTilt', kind: 'boolean' },
  { field: 'maxPresets', kind: 'number', min: 1, max: 1000 },
];

/** The form: one text per field, '' where the administrator sets nothing. */
export type QuirkForm = Record<QuirkField, string>;

export type QuirkProblem =
  | { field: QuirkField; problem: 'not_integer' }
  | { field: QuirkField; problem: 'out_of_range'; min: number; max: number }
  | { field: QuirkField; problem: 'min_above_max' };

export function emptyQuirkForm(): QuirkForm {
  return Object.fromEntries(QUIRK_FORM_FIELDS.map(({ field }) => [field, ''])) as QuirkForm;
}

export function quirkFormFrom(override: Quirks): QuirkForm {
  const form = emptyQuirkForm();
  for (const { field } of QUIRK_FORM_FIELDS) {
    const value = override[field];
    if (value !== undefined) form[field] = String(value);
  }
  return form;
}

/** The override the form describes, or what is wrong with it (nothing is sent then). */
export function overrideFromForm(form: QuirkForm): { override: Quirks; problems: [] } | { override: null; problems: QuirkProblem[] } {
  const override: Record<string, unknown> = {};
  const problems: QuirkProblem[] = [];
  for (const spec of QUIRK_FORM_FIELDS) {
    const raw = form[spec.field].trim();
    if (raw === '') continue;
    if (spec.kind === 'boolean') override[spec.field] = raw === 'true';
    else if (spec.kind === 'choice') {
      if (spec.options.includes(raw)) override[spec.field] = raw;
    } else if (!/^\d+$/.test(raw)) problems.push({ field: spec.field, problem: 'not_integer' });
    else if (Number(raw) < spec.min || Number(raw) > spec.max) problems.push({ field: spec.field, problem: 'out_of_range', min: spec.min, max: spec.max });
    else override[spec.field] = Number(raw);
  }
  const { minMoveTimeoutMs: min, maxMoveTimeoutMs: max } = override as Quirks;
  if (min !== undefined && max !== undefined && min > max) problems.push({ field: 'minMoveTimeoutMs', problem: 'min_above_max' });
  return problems.length > 0 ? { override: null, problems } : { override: override as Quirks, problems: [] };
}

/** Whether two overrides set the same fields to the same values (nothing to save). */
export function sameOverride(a: Quirks, b: Quirks): boolean {
  return QUIRK_FORM_FIELDS.every(({ field }) => a[field] === b[field]);
}

const VALUE_KEYS: Record<string, MessageKey> = {
  'ws-security': 'cameras.device.authToken',
  digest: 'cameras.device.authDigest',
  capabilities: 'cameras.quirks.value.capabilities',
  services: 'cameras.quirks.value.services',
  send: 'cameras.quirks.value.send',
  omit: 'cameras.quirks.value.omit',
  true: 'common.yes',
  false: 'common.no',
};

/** How a value of the record reads: its name, a number in ms or as a count, or "unknown". */
export function quirkValueText(field: QuirkField, value: Quirks[QuirkField] | string | undefined, t: Translate): string {
  if (value === undefined || value === '') return t('cameras.quirks.unknown');
  const key = VALUE_KEYS[String(value)];
  if (key) return t(key);
  return field === 'minMoveTimeoutMs' || field === 'maxMoveTimeoutMs' ? `${value} ms` : String(value);
}

export function quirkProblemText(problem: QuirkProblem, t: Translate): string {
  if (problem.problem === 'not_integer') return t('cameras.quirks.notInteger');
  if (problem.problem === 'out_of_range') return t('cameras.quirks.outOfRange', { min: problem.min, max: problem.max });
  return t('cameras.quirks.minAboveMax');
}

export function quirkFieldLabel(field: QuirkField): MessageKey {
  return `cameras.quirks.field.${field}`;
}
