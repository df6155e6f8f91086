// The inventory CSV, pure (no IO): parsing and line-by-line validation of an import, and the
// export. The import reports every faulty line with its physical number (header = line 1)
// and its column; checks that need the database (communes, sites, scope, authorisation
// bounds) are added by the importer with the same error shape.
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { z } from 'zod';
import { spreadsheetSafeRecord, withoutSpreadsheetGuard } from '../../platform/csv.ts';
import { redactText } from '../../platform/redact.ts';
import { inseeCode } from '../auth/index.ts';
import { maxRetentionDays, type Purpose } from '../authorisations/index.ts';
import { plainText } from '../sites/index.ts';
import { lineError, type ImportErrorCode, type ImportLineError } from './cameras.import-errors.ts';
import { stripUrlCredentials } from './cameras.rows.ts';
import {
  cameraFieldSchemas,
  type CameraKind,
  type CameraView,
  type FieldClass,
  type RecordingEngine,
  type RtspTransport,
  type StreamCredentials,
} from './cameras.schemas.ts';

export const requiredImportColumns = [
  'commune_insee',
  'site',
  'name',
  'kind',
  'field_class',
  'latitude',
  'longitude',
  'heading_deg',
  'model',
  'ip_address',
  'mac_address',
  'main_stream_url',
  'sub_stream_url',
  'onvif_url',
  'purposes',
  'commissioning_date',
  'enabled',
] as const;
export const optionalImportColumns = ['username', 'password', 'retention_days', 'recording_engine', 'rtsp_transport'] as const;
/** Columns of our own export that an import accepts and ignores, so that an export re-imports as is. */
export const exportOnlyColumns = ['status', 'state', 'authorisations', 'id'] as const;
/** The VMS status-list columns first (status, model, IP, MAC), then ours; never credentials. */
export const exportColumns = [
  'status',
  'model',
  'ip_address',
  'mac_address',
  'commune_insee',
  'site',
  'name',
  'kind',
  'field_class',
  'latitude',
  'longitude',
  'heading_deg',
  'main_stream_url',
  'sub_stream_url',
  'onvif_url',
  'purposes',
  'commissioning_date',
  'enabled',
  'retention_days',
  'recording_engine',
  'rtsp_transport',
  'state',
  'authorisations',
  'id',
] as const;

type ImportColumn = (typeof requiredImportColumns)[number] | (typeof optionalImportColumns)[number];
const knownColumns = new Set<string>([...requiredImportColumns, ...optionalImportColumns, ...exportOnlyColumns]);

/**
 * One valid line. `credentials` null, `retentionDays`, `recordingEngine` and `rtspTransport`
 * undefined mean "keep the current value" (for a new camera: none, the commune's retention,
 * `native`, `tcp`).
 */
export interface CameraImportRow {
  line: number;
  communeInsee: string;
  siteName: string;
  name: string;
  kind: CameraKind;
  fieldClass: FieldClass;
  latitude: number | null;
  longitude: number | null;
  headingDeg: number | null;
  model: string | null;
  ipAddress: string | null;
  macAddress: string | null;
  mainStreamUrl: string;
  subStreamUrl: string | null;
  onvifUrl: string | null;
  credentials: StreamCredentials | null;
  purposes: Purpose[];
  commissioningDate: string | null;
  enabled: boolean;
  retentionDays: number | null | undefined;
  recordingEngine: RecordingEngine | undefined;
  rtspTransport: RtspTransport | undefined;
}

export interface ParsedImport {
  rows: CameraImportRow[];
  errors: ImportLineError[];
}

/** `;` when the header line holds more semicolons than commas (French Excel), else `,`. */
export function detectDelimiter(text: string): ',' | ';' {
  const header = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const count = (character: string) => header.split(character).length - 1;
  return count(';') > count(',') ? ';' : ',';
}

type Cell<T> = { ok: true; value: T } | { ok: false; code: ImportErrorCode };

const cellOk = <T>(value: T): Cell<T> => ({ ok: true, value });
const invalid: Cell<never> = { ok: false, code: 'invalid_value' };

function viaSchema<T>(schema: z.ZodType<T>, value: unknown): Cell<T> {
  const result = schema.safeParse(value);
  return result.success ? cellOk(result.data) : invalid;
}

/** Decimal with a point, or a French decimal comma (45,1885). */
function decimal(raw: string): number | null {
  const text = /^[-+]?\d+,\d+$/.test(raw) ? raw.replace(',', '.') : raw;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text)) return null;
  return Number(text);
}

/** YYYY-MM-DD, or DD/MM/YYYY as French spreadsheets write dates; must be a real calendar day. */
function calendarDate(raw: string): string | null {
  const french = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(raw);
  const iso = french ? `${french[3]}-${french[2]}-${french[1]}` : raw;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return null;
  const date = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === iso ? iso : null;
}

const trueWords = new Set(['true', '1', 'oui', 'yes', 'vrai']);
const falseWords = new Set(['false', '0', 'non', 'no', 'faux']);

function numberCell(raw: string, schema: z.ZodType<number>): Cell<number> {
  const value = decimal(raw);
  return value === null ? invalid : viaSchema(schema, value);
}

const siteNameSchema = plainText(200);

/** Parsers of non-empty cells. Empty cells are null (or `missing_value` for required columns). */
const cellParsers: Record<ImportColumn, (raw: string) => Cell<unknown>> = {
  commune_insee: (raw) => viaSchema(inseeCode, raw),
  site: (raw) => viaSchema(siteNameSchema, raw),
  name: (raw) => viaSchema(cameraFieldSchemas.name, raw),
  kind: (raw) => viaSchema(cameraFieldSchemas.kind, raw.toLowerCase()),
  field_class: (raw) => viaSchema(cameraFieldSchemas.fieldClass, raw.toLowerCase()),
  latitude: (raw) => numberCell(raw, cameraFieldSchemas.latitude),
  longitude: (raw) => numberCell(raw, cameraFieldSchemas.longitude),
  heading_deg: (raw) => numberCell(raw, cameraFieldSchemas.headingDeg),
  model: (raw) => viaSchema(cameraFieldSchemas.model, raw),
  ip_address: (raw) => viaSchema(cameraFieldSchemas.ipAddress, raw),
  mac_address: (raw) => viaSchema(cameraFieldSchemas.macAddress, raw),
  main_stream_url: (raw) => viaSchema(cameraFieldSchemas.streamUrl, raw),
  sub_stream_url: (raw) => viaSchema(cameraFieldSchemas.streamUrl, raw),
  onvif_url: (raw) => viaSchema(cameraFieldSchemas.onvifUrl, raw),
  purposes: (raw) =>
    viaSchema(
      cameraFieldSchemas.purposes,
      raw
        .split('|')
        .map((item) => item.trim())
        .filter((item) => item.length > 0),
    ),
  commissioning_date: (raw) => {
    const date = calendarDate(raw);
    return date === null ? invalid : cellOk(date);
  },
  enabled: (raw) => {
    const word = raw.toLowerCase();
    return trueWords.has(word) ? cellOk(true) : falseWords.has(word) ? cellOk(false) : invalid;
  },
  username: (raw) => (raw.length <= 200 ? cellOk(raw) : invalid),
  password: (raw) => (raw.length <= 200 ? cellOk(raw) : invalid),
  retention_days: (raw) => {
    if (!/^\d+$/.test(raw)) return invalid;
    const days = Number(raw);
    return days >= 1 && days <= maxRetentionDays ? cellOk(days) : { ok: false, code: 'retention_out_of_bounds' };
  },
  recording_engine: (raw) => viaSchema(cameraFieldSchemas.recordingEngine, raw.toLowerCase()),
  rtsp_transport: (raw) => viaSchema(cameraFieldSchemas.rtspTransport, raw.toLowerCase()),
};

const requiredValues = new Set<ImportColumn>(['commune_insee', 'site', 'name', 'kind', 'field_class', 'main_stream_url', 'enabled']);
const secretColumns = new Set<string>(['username', 'password']);

/** The value as it may appear in an error message: URLs lose their credentials, secrets are never echoed. */
function shown(column: string, raw: string): string | null {
  if (secretColumns.has(column)) return null;
  // Cut before redacting: a 200,000-character cell costs no more than an 80-character one.
  const text = redactText(raw.length > 160 ? raw.slice(0, 160) : raw);
  return text.length > 80 || raw.length > 160 ? `${text.slice(0, 77)}...` : text;
}

function checkHeader(header: readonly string[]): ImportLineError[] {
  const errors: ImportLineError[] = [];
  const seen = new Set<string>();
  for (const column of header) {
    if (column === '') continue; // spreadsheets add unnamed columns after trailing separators
    if (seen.has(column)) errors.push(lineError(1, 'duplicate_column', { column }));
    seen.add(column);
    if (!knownColumns.has(column)) errors.push(lineError(1, 'unknown_column', { column }));
  }
  for (const column of requiredImportColumns) if (!seen.has(column)) errors.push(lineError(1, 'missing_column', { column }));
  return errors;
}

/** Moves user-info out of the stream and ONVIF URLs; explicit username/password columns win. */
function withCredentialsStripped(row: CameraImportRow, explicit: StreamCredentials | null): CameraImportRow {
  const { urls, found } = stripUrlCredentials({ mainStreamUrl: row.mainStreamUrl, subStreamUrl: row.subStreamUrl, onvifUrl: row.onvifUrl });
  return { ...row, ...urls, credentials: explicit ?? found };
}

function parseLine(line: number, header: readonly string[], record: readonly string[], errors: ImportLineError[]): CameraImportRow | null {
  if (record.length !== header.length) {
    errors.push(lineError(line, 'column_count', { found: record.length, expected: header.length }));
    return null;
  }
  const values = new Map<string, unknown>();
  let valid = true;
  header.forEach((column, index) => {
    if (!(column in cellParsers)) return; // export-only column, ignored
    const raw = withoutSpreadsheetGuard((record[index] ?? '').trim());
    if (raw === '') {
      if (requiredValues.has(column as ImportColumn)) {
        errors.push(lineError(line, 'missing_value', { column }));
        valid = false;
      }
      values.set(column, null);
      return;
    }
    const cell = cellParsers[column as ImportColumn](raw);
    if (cell.ok) values.set(column, cell.value);
    else {
      errors.push(lineError(line, cell.code, { column, value: shown(column, raw) }));
      valid = false;
    }
  });
  const username = values.get('username') as string | null | undefined;
  const password = values.get('password') as string | null | undefined;
  if (!username && password) {
    errors.push(lineError(line, 'credentials_incomplete', { column: 'username' }));
    valid = false;
  }
  const latitude = values.get('latitude') as number | null;
  const longitude = values.get('longitude') as number | null;
  if ((latitude === null) !== (longitude === null)) {
    errors.push(lineError(line, 'position_incomplete', { column: latitude === null ? 'latitude' : 'longitude' }));
    valid = false;
  }
  if (!valid) return null;
  const row: CameraImportRow = {
    line,
    communeInsee: values.get('commune_insee') as string,
    siteName: values.get('site') as string,
    name: values.get('name') as string,
    kind: values.get('kind') as CameraKind,
    fieldClass: values.get('field_class') as FieldClass,
    latitude,
    longitude,
    headingDeg: values.get('heading_deg') as number | null,
    model: values.get('model') as string | null,
    ipAddress: values.get('ip_address') as string | null,
    macAddress: values.get('mac_address') as string | null,
    mainStreamUrl: values.get('main_stream_url') as string,
    subStreamUrl: values.get('sub_stream_url') as string | null,
    onvifUrl: values.get('onvif_url') as string | null,
    credentials: null,
    purposes: (values.get('purposes') as Purpose[] | null) ?? [],
    commissioningDate: values.get('commissioning_date') as string | null,
    enabled: values.get('enabled') as boolean,
    retentionDays: values.has('retention_days') ? (values.get('retention_days') as number | null) : undefined,
    // An empty cell says nothing, like an absent column: the engine is never null.
    recordingEngine: (values.get('recording_engine') as RecordingEngine | null | undefined) ?? undefined,
    rtspTransport: (values.get('rtsp_transport') as RtspTransport | null | undefined) ?? undefined,
  };
  return withCredentialsStripped(row, username ? { username, password: password ?? '' } : null);
}

/** Lines checked between two progress reports of a long import. */
export const PROGRESS_EVERY_LINES = 1000;

/** Parses and validates the whole file; every error of every line is collected. */
export function parseCameraCsv(text: string, onProgress?: (linesDone: number, linesTotal: number) => void): ParsedImport {
  // Invalid UTF-8 (Excel's "CSV" is Windows-1252) was decoded as U+FFFD: accents would be lost.
  const unreadable = text.indexOf('\uFFFD');
  if (unreadable >= 0) return { rows: [], errors: [lineError(text.slice(0, unreadable).split('\n').length, 'not_utf8', {})] };
  const delimiter = detectDelimiter(text);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter,
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    return { rows: [], errors: [lineError(line, 'csv_syntax', { detail: (error as Error).message })] };
  }
  const [headerRecord, ...lines] = records;
  if (!headerRecord) return { rows: [], errors: [lineError(1, 'empty_file', {})] };
  const header = headerRecord.record.map((column) => column.trim().toLowerCase());
  const headerErrors = checkHeader(header);
  if (headerErrors.length > 0) return { rows: [], errors: headerErrors };
  if (lines.length === 0) return { rows: [], errors: [lineError(1, 'empty_file', {})] };

  const errors: ImportLineError[] = [];
  const rows: CameraImportRow[] = [];
  const firstLineOf = new Map<string, number>();
  for (const [index, { record, info }] of lines.entries()) {
    if (onProgress && index % PROGRESS_EVERY_LINES === 0) onProgress(index, lines.length);
    // csv-parse counts the line where a record ends; a quoted cell may span several lines.
    const line = info.lines - record.reduce((sum, cell) => sum + (cell.split('\n').length - 1), 0);
    const row = parseLine(line, header, record, errors);
    if (!row) continue;
    const key = `${row.communeInsee}\u0000${row.name}`;
    const first = firstLineOf.get(key);
    if (first !== undefined) {
      errors.push(lineError(line, 'duplicate_name', { column: 'name', value: row.name, firstLine: first }));
      continue;
    }
    firstLineOf.set(key, line);
    rows.push(row);
  }
  errors.sort((a, b) => a.line - b.line);
  onProgress?.(lines.length, lines.length);
  return { rows, errors };
}

/** What the export needs of a camera: its view (state, authorisation, site name). */
function exportRecord(camera: CameraView): Record<(typeof exportColumns)[number], string> {
  const text = (value: string | number | null) => (value === null ? '' : String(value));
  return {
    status: camera.vmsStatus,
    model: text(camera.model),
    ip_address: text(camera.ipAddress),
    mac_address: text(camera.macAddress),
    commune_insee: camera.communeInsee,
    site: camera.siteName,
    name: camera.name,
    kind: camera.kind,
    field_class: camera.fieldClass,
    latitude: text(camera.latitude),
    longitude: text(camera.longitude),
    heading_deg: text(camera.headingDeg),
    main_stream_url: camera.mainStreamUrl,
    sub_stream_url: text(camera.subStreamUrl),
    onvif_url: text(camera.onvifUrl),
    purposes: camera.purposes.join('|'),
    commissioning_date: text(camera.commissioningDate),
    enabled: camera.enabled ? 'true' : 'false',
    retention_days: text(camera.retentionDays),
    recording_engine: camera.recordingEngine,
    rtsp_transport: camera.rtspTransport,
    state: camera.state,
    authorisations: camera.authorisation.references.join('|'),
    id: camera.id,
  };
}

/** UTF-8 with a BOM so that Excel shows accents; `;` for French spreadsheets on request. */
export function camerasToCsv(cameras: readonly CameraView[], delimiter: ',' | ';' = ','): string {
  return stringify(
    cameras.map((camera) => spreadsheetSafeRecord(exportRecord(camera))),
    { header: true, columns: [...exportColumns], delimiter, bom: true, record_delimiter: 'unix' },
  );
}
