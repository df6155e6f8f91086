import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { folded, parseStatisticsCsv } from './statistics.import.ts';

const header = 'année;commune;service;indicateur;valeur';

describe('statistics CSV import (parsing)', () => {
  it('reads codes and French labels, decimal commas, thousands spaces and a byte-order mark', () => {
    const text = `\uFEFF${header}\n2018;38185;;review_hours;650\n2019;38185;;Heures de relecture;835,5\n2020;38185;Commissariat;Réquisitions reçues;1 011\n\n`;
    const { figures, errors } = parseStatisticsCsv(text, 2026);
    assert.deepEqual(errors, []);
    assert.deepEqual(
      figures.map((figure) => [figure.line, figure.year, figure.communeInsee, figure.service, figure.indicator, figure.value]),
      [
        [2, 2018, '38185', '', 'review_hours', 650],
        [3, 2019, '38185', '', 'review_hours', 835.5],
        [4, 2020, '38185', 'Commissariat', 'requests', 1011],
      ],
    );
  });

  it('names every bad line and stores nothing', () => {
    const text = [
      header,
      '2019;38185;;offences_seen;12',
      '2030;38185;;offences_seen;12',
      '2019;3818;;offences_seen;12',
      '2019;38185;;unknown;12',
      '2019;38185;;offences_seen;12,5',
      '2019;38185;;offences_seen;-3',
      '2019;38185;;offences_seen',
      '2019;38185;;Faits constatés;13',
    ].join('\n');
    const { figures, errors } = parseStatisticsCsv(text, 2026);
    assert.deepEqual(figures, []);
    assert.deepEqual(
      errors.map((error) => [error.line, error.code, error.column ?? null]),
      [
        [3, 'invalid_value', 'année'],
        [4, 'invalid_value', 'commune'],
        [5, 'invalid_value', 'indicateur'],
        [6, 'invalid_value', 'valeur'],
        [7, 'invalid_value', 'valeur'],
        [8, 'column_count', null],
        [9, 'duplicate', null],
      ],
    );
    assert.match(errors[0]!.message_fr, /^Ligne 3, colonne « année »/);
    assert.match(errors[6]!.message_en, /same year, commune, service and indicator as line 2/);
  });

  it('refuses a wrong header, an empty file, a non-UTF-8 file and too many lines', () => {
    assert.equal(parseStatisticsCsv('year,commune,service,indicator,value\n2019,38185,,requests,1', 2026).errors[0]!.code, 'header');
    assert.equal(parseStatisticsCsv(`${header}\n`, 2026).errors[0]!.code, 'empty_file');
    assert.deepEqual(
      parseStatisticsCsv(`${header}\n2019;38185;Comm\uFFFDissariat;requests;1`, 2026).errors.map((error) => [error.line, error.code]),
      [[2, 'not_utf8']],
    );
    const many = [header, ...Array.from({ length: 10_001 }, (_, index) => `2019;38185;S${index};requests;1`)].join('\n');
    assert.equal(parseStatisticsCsv(many, 2026).errors[0]!.code, 'too_many_lines');
  });

  it('folds accents, apostrophes and case of labels', () => {
    assert.equal(folded('  Détections à l’initiative   des opérateurs '), "detections a l'initiative des operateurs");
  });
});
