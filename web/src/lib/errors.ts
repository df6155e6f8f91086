// API errors as the console shows them: always a sentence in the chosen language (the API's
// message_fr / message_en), never a bare code. Pure, tested by errors.test.ts.
import { serverText, translate, type Language } from '../i18n/translate.ts';
import { formatParisMinute } from './dates.ts';

export interface ApiErrorBody {
  code: string;
  message?: string;
  message_fr?: string;
  message_en?: string;
  details?: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly body: ApiErrorBody | null;

  constructor(status: number, body: ApiErrorBody | null) {
    super(body?.message_en ?? body?.message ?? `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = body?.code ?? (status === 0 ? 'network_error' : 'http_error');
    this.body = body;
  }
}

/** The error a failed fetch (no answer at all) becomes. */
export function networkError(): ApiError {
  return new ApiError(0, null);
}

/** Reads an error answer; anything that is not our JSON shape keeps only its status. */
export function parseErrorBody(text: string): ApiErrorBody | null {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object' && typeof (parsed as ApiErrorBody).code === 'string') return parsed as ApiErrorBody;
  } catch {
    // not JSON: a proxy's HTML page, for instance
  }
  return null;
}

function lockedUntilOf(details: unknown): string | null {
  if (details && typeof details === 'object' && typeof (details as { lockedUntil?: unknown }).lockedUntil === 'string') {
    return (details as { lockedUntil: string }).lockedUntil;
  }
  return null;
}

/** The sentence to show for an error, in `language`. */
export function errorMessage(error: unknown, language: Language): string {
  if (!(error instanceof ApiError)) return translate(language, 'error.unexpected', { status: '?' });
  if (error.status === 0) return translate(language, 'error.network');
  const body = error.body;
  if (body?.code === 'account_locked') {
    const until = lockedUntilOf(body.details);
    if (until) return translate(language, 'error.locked', { until: formatParisMinute(until, language) });
  }
  const message = serverText(language, body?.message_fr, body?.message_en);
  if (message) return message;
  if (body?.message) return body.message;
  return translate(language, 'error.unexpected', { status: error.status });
}

/** Codes meaning "this browser has no usable session any more". */
export function isSessionLost(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401 && (error.code === 'session_expired' || error.code === 'unauthenticated');
}

/** The line errors of a refused CSV import (`import_failed`), empty otherwise. */
export function importLineErrors(error: unknown): { line: number; column?: string; code: string; message_fr: string; message_en: string }[] {
  if (!(error instanceof ApiError) || error.code !== 'import_failed') return [];
  const details = error.body?.details as { errors?: unknown } | undefined;
  if (!details || !Array.isArray(details.errors)) return [];
  return details.errors.filter(
    (entry): entry is { line: number; column?: string; code: string; message_fr: string; message_en: string } =>
      Boolean(entry) && typeof entry === 'object' && typeof (entry as { line?: unknown }).line === 'number',
  );
}
