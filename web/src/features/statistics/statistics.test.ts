import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasImported, offenceBody, seriesOf, tableOf, type StatisticsTotal } from './statistics.ts';

const totals: StatisticsTotal[] = [
  { year: 2019, indicator: 'review_hours', origin: 'imported', value: 835 },
  { year: 2026, indicator: 'review_hours', origin: 'vigie', value: 12.5 },
  { year: 2026, indicator: 'review_hours', origin: 'imported', value: 10 },
];

describe('statistics screen logic', () => {
  it('keeps Vigie’s and imported figures apart in a series, null where there is none', () => {
    const series = seriesOf(totals, 'review_hours', 2019, 2021);
    assert.deepEqual(series, { years: [2019, 2020, 2021], vigie: [null, null, null], imported: [835, null, null] });
    assert.deepEqual(seriesOf(totals, 'review_hours', 2026, 2026), { years: [2026], vigie: [12.5], imported: [10] });
  });

  it('builds a row per indicator and a cell per year', () => {
    const [row] = tableOf(totals, ['review_hours'], 2025, 2026);
    assert.deepEqual(row, {
      indicator: 'review_hours',
      cells: [
        { year: 2025, vigie: null, imported: null },
        { year: 2026, vigie: 12.5, imported: 10 },
      ],
    });
    assert.equal(hasImported(totals), true);
    assert.equal(hasImported([]), false);
  });

  it('turns the offence form into the API body, Paris time to UTC', () => {
    const draft = {
      communeInsee: '38185',
      occurredAtLocal: '2026-07-14T23:30',
      category: 'property',
      spottedByOperator: true,
      service: ' ',
      comment: ' Tags ',
    };
    assert.deepEqual(offenceBody(draft), {
      communeInsee: '38185',
      occurredAt: '2026-07-14T21:30:00.000Z',
      category: 'property',
      spottedByOperator: true,
      comment: 'Tags',
    });
    assert.equal(offenceBody({ ...draft, occurredAtLocal: 'hier' }), null);
  });
});
