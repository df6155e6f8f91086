// The CSV of past years (docs/statistics.md "Import"): `année;commune;service;indicateur;valeur`,
// `;` separated, UTF-8 with or without a byte-order mark, French decimal commas. Parsed and
// checked whole, every bad line reported with its number (header = line 1); nothing is stored
// unless the whole file is right. Pure: the commune scope is checked by the service.
import { parse } from 'csv-parse/sync';
import { withoutSpreadsheetGuard } from '../../platform/csv.ts';
import { DomainError } from '../../platform/errors.ts';
import { indicatorLabels, serviceKey } from './statistics.rules.ts';
import { FIRST_YEAR, indicators, type Indicator } from './statistics.schemas.ts';

export const importLimits = {
  /** 1 MiB: 10,000 lines of about 60 bytes fit ten times over. */
  bytes: 1024 * 1024,
  /** Figures per file: 19 years x 16 communes x 13 indicators x a few services. */
  lines: 10_000,
  /** Errors listed in the refusal (all are counted). */
  listedErrors: 200,
  /** The largest figure accepted (a count or hours). */
  maxValue: 10_000_000,
} as const;

export interface ImportedFigure {
  line: number;
  year: number;
  communeInsee: string;
  service: string;
  indicator: Indicator;
  value: number;
}

export interface ImportLineError {
  line: number;
  column?: string;
  code: string;
  message_fr: string;
  message_en: string;
}

const columns = ['annee', 'commune', 'service', 'indicateur', 'valeur'] as const;
const headerNames: Record<(typeof columns)[number], readonly string[]> = {
  annee: ['annee', 'year'],
  commune: ['commune', 'commune (insee)', 'insee', 'code insee', 'commune insee'],
  service: ['service'],
  indicateur: ['indicateur', 'indicator'],
  valeur: ['valeur', 'value'],
};

/** Lower case, accents and curly apostrophes folded, spaces collapsed: "Détections à l’initiative" -> "detections a l'initiative". */
export function folded(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[’‘]/g, "'")
    .replace(/[–—]/g, '-')
    .toLowerCase()
    .trim()
    .replace(/\s+/g, ' ');
}

/** An indicator cell: its code (`offences_seen`) or its French label ("Faits constatés"). */
const indicatorByName = new Map<string, Indicator>(
  indicators.flatMap((indicator) => [
    [indicator, indicator],
    [folded(indicatorLabels[indicator].fr), indicator],
  ]),
);

const inseePattern = /^(\d{5}|2[AB]\d{3})$/;
const valuePattern = /^\d{1,9}([.,]\d{1,2})?$/;

const lineError = (line: number, code: string, fr: string, en: string, column?: string): ImportLineError => ({
  line,
  ...(column ? { column } : {}),
  code,
  message_fr: `Ligne ${line}${column ? `, colonne « ${column} »` : ''} : ${fr}`,
  message_en: `Line ${line}${column ? `, column "${column}"` : ''}: ${en}`,
});

/** The refusal of a file: every error counted, the first ones listed; nothing was stored. */
export function importRefusal(errors: readonly ImportLineError[]): DomainError {
  const listed = errors.slice(0, importLimits.listedErrors);
  const first = errors[0]!;
  return new DomainError('import_failed', {
    fr: `Import refusé : ${errors.length} erreur(s), la première : ${first.message_fr} Aucune donnée n’a été enregistrée.`,
    en: `Import refused: ${errors.length} error(s), the first: ${first.message_en} Nothing was stored.`,
    details: { errors: listed, errorCount: errors.length },
  });
}

function checkLine(line: number, cells: readonly string[], currentYear: number, errors: ImportLineError[]): ImportedFigure | null {
  const before = errors.length;
  if (cells.length !== columns.length) {
    errors.push(lineError(line, 'column_count', `${cells.length} colonne(s) au lieu de 5.`, `${cells.length} column(s) instead of 5.`));
    return null;
  }
  const [yearCell, communeCell, serviceCell, indicatorCell, valueCell] = cells.map((cell) => withoutSpreadsheetGuard(cell.trim())) as [
    string,
    string,
    string,
    string,
    string,
  ];
  const year = /^\d{4}$/.test(yearCell) ? Number(yearCell) : Number.NaN;
  if (!(year >= FIRST_YEAR && year <= currentYear))
    errors.push(
      lineError(
        line,
        'invalid_value',
        `année « ${yearCell} » : attendu de ${FIRST_YEAR} à ${currentYear}.`,
        `year "${yearCell}": expected ${FIRST_YEAR} to ${currentYear}.`,
        'année',
      ),
    );
  const communeInsee = communeCell.toUpperCase();
  if (!inseePattern.test(communeInsee))
    errors.push(
      lineError(
        line,
        'invalid_value',
        `« ${communeCell} » n’est pas un code INSEE (5 caractères, par ex. 38185 ou 2A004).`,
        `"${communeCell}" is not an INSEE code (5 characters, e.g. 38185 or 2A004).`,
        'commune',
      ),
    );
  const service = serviceKey(serviceCell);
  if (service.length > 200) errors.push(lineError(line, 'invalid_value', '200 caractères au plus.', '200 characters at most.', 'service'));
  const indicator = indicatorByName.get(folded(indicatorCell));
  if (!indicator)
    errors.push(
      lineError(
        line,
        'invalid_value',
        `indicateur « ${indicatorCell} » inconnu (voir la liste des codes).`,
        `unknown indicator "${indicatorCell}" (see the list of codes).`,
        'indicateur',
      ),
    );
  const compact = valueCell.replace(/[\s\u00a0\u202f]/g, '');
  const value = valuePattern.test(compact) ? Number(compact.replace(',', '.')) : Number.NaN;
  if (!(value >= 0 && value <= importLimits.maxValue))
    errors.push(
      lineError(
        line,
        'invalid_value',
        `valeur « ${valueCell} » : nombre positif attendu (virgule décimale).`,
        `value "${valueCell}": a positive number expected (decimal comma).`,
        'valeur',
      ),
    );
  else if (indicator && indicator !== 'review_hours' && !Number.isInteger(value))
    errors.push(
      lineError(
        line,
        'invalid_value',
        `« ${valueCell} » : un nombre entier est attendu pour cet indicateur.`,
        `"${valueCell}": a whole number is expected for this indicator.`,
        'valeur',
      ),
    );
  if (errors.length > before || !indicator) return null;
  return { line, year, communeInsee, service, indicator, value };
}

/** Parses and checks the whole file; `currentYear` (Paris) bounds the years. */
export function parseStatisticsCsv(text: string, currentYear: number): { figures: ImportedFigure[]; errors: ImportLineError[] } {
  const fail = (error: ImportLineError) => ({ figures: [], errors: [error] });
  if (Buffer.byteLength(text, 'utf8') > importLimits.bytes)
    return fail(lineError(1, 'file_too_large', `fichier de plus de ${importLimits.bytes} octets.`, `file over ${importLimits.bytes} bytes.`));
  const unreadable = text.indexOf('\uFFFD');
  if (unreadable >= 0)
    return fail(
      lineError(
        text.slice(0, unreadable).split('\n').length,
        'not_utf8',
        'le fichier n’est pas en UTF-8 (enregistrez-le en « CSV UTF-8 »).',
        'the file is not UTF-8 (save it as "CSV UTF-8").',
      ),
    );
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter: ';',
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
    }) as unknown as {
      record: string[];
      info: { lines: number };
    }[];
  } catch (error) {
    return fail(lineError((error as { lines?: number }).lines ?? 1, 'csv_syntax', (error as Error).message, (error as Error).message));
  }
  const [header, ...lines] = records;
  if (!header || lines.length === 0) return fail(lineError(1, 'empty_file', 'aucune donnée après l’en-tête.', 'no data after the header.'));
  const names = header.record.map(folded);
  const expected = columns.every((column, index) => headerNames[column].includes(names[index] ?? '')) && names.length === columns.length;
  if (!expected)
    return fail(
      lineError(
        1,
        'header',
        `en-tête attendu « année;commune;service;indicateur;valeur », lu « ${header.record.join(';')} ».`,
        `expected header "année;commune;service;indicateur;valeur", read "${header.record.join(';')}".`,
      ),
    );
  if (lines.length > importLimits.lines)
    return fail(
      lineError(importLimits.lines + 2, 'too_many_lines', `plus de ${importLimits.lines} lignes de données.`, `more than ${importLimits.lines} data lines.`),
    );
  const errors: ImportLineError[] = [];
  const figures: ImportedFigure[] = [];
  const firstLineOf = new Map<string, number>();
  for (const { record, info } of lines) {
    // csv-parse counts the line where a record ends; a quoted cell may span several lines.
    const line = info.lines - record.reduce((sum, cell) => sum + (cell.split('\n').length - 1), 0);
    const figure = checkLine(line, record, currentYear, errors);
    if (!figure) continue;
    const key = JSON.stringify([figure.year, figure.communeInsee, figure.service, figure.indicator]);
    const first = firstLineOf.get(key);
    if (first !== undefined) {
      errors.push(
        lineError(
          line,
          'duplicate',
          `même année, commune, service et indicateur qu’à la ligne ${first}.`,
          `same year, commune, service and indicator as line ${first}.`,
        ),
      );
      continue;
    }
    firstLineOf.set(key, line);
    figures.push(figure);
  }
  return { figures: errors.length > 0 ? [] : figures, errors };
}
