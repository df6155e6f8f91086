import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aggregate, hoursOf, parisYear, serviceKey, totalsOf, yearsWindow, type RequisitionFact } from './statistics.rules.ts';

const transition = (requisitionId: string, toState: string, at: string, overrides: Partial<RequisitionFact> = {}): RequisitionFact => ({
  requisitionId,
  communeInsee: '38185',
  officerUnit: 'Commissariat  central ',
  legalFramework: 'flagrance',
  fromState: toState === 'received' ? null : 'in_review',
  toState,
  at,
  ...overrides,
});

describe('statistics rules', () => {
  it('the year is the Paris year: 31 December 23:30 UTC is already next year in Paris', () => {
    assert.equal(parisYear('2025-12-31T22:59:59.000Z'), 2025);
    assert.equal(parisYear('2025-12-31T23:00:00.000Z'), 2026);
    assert.deepEqual(yearsWindow(2025, 2026), { fromIso: '2024-12-31T23:00:00.000Z', toIso: '2026-12-31T23:00:00.000Z' });
  });

  it('services group on their trimmed, collapsed text; none given is ""', () => {
    assert.equal(serviceKey('  Commissariat   central '), 'Commissariat central');
    assert.equal(serviceKey(null), '');
  });

  it('counts requests by framework at intake, each result once, exports, offences and review hours', () => {
    const rows = aggregate({
      fromYear: 2026,
      toYear: 2026,
      requisitions: [
        transition('r1', 'received', '2026-02-01T10:00:00Z'),
        transition('r1', 'in_review', '2026-02-01T11:00:00Z', { fromState: 'received' }),
        transition('r1', 'positive', '2026-02-02T10:00:00Z'),
        transition('r1', 'exported', '2026-02-03T10:00:00Z', { fromState: 'positive' }),
        transition('r2', 'received', '2026-03-01T10:00:00Z', { legalFramework: 'preliminary', officerUnit: 'Gendarmerie' }),
        transition('r2', 'cancelled', '2026-03-01T12:00:00Z', { officerUnit: 'Gendarmerie', fromState: 'received' }),
        // received the year before: its result counts in 2026, its request in 2025 (outside the years asked)
        transition('r3', 'received', '2025-12-30T10:00:00Z'),
        transition('r3', 'negative', '2026-01-05T10:00:00Z'),
      ],
      offences: [
        { communeInsee: '38185', occurredAt: '2026-04-01T10:00:00Z', spottedByOperator: true, service: null },
        { communeInsee: '38185', occurredAt: '2026-04-02T10:00:00Z', spottedByOperator: false, service: null },
        { communeInsee: '38185', occurredAt: '2027-01-02T10:00:00Z', spottedByOperator: true, service: null },
      ],
      reviews: [
        { year: 2026, communeInsee: '38185', service: 'Commissariat central', seconds: 3600 },
        { year: 2026, communeInsee: '38185', service: ' Commissariat  central', seconds: 1800 },
        { year: 2026, communeInsee: '38421', service: '', seconds: 0 },
      ],
    });
    const figures = Object.fromEntries(rows.map((row) => [`${row.communeInsee}|${row.service}|${row.indicator}`, row.value]));
    assert.deepEqual(figures, {
      '38185||offences_seen': 2,
      '38185||offences_spotted_by_operators': 1,
      '38185|Commissariat central|requests': 1,
      '38185|Commissariat central|requests_flagrance': 1,
      '38185|Commissariat central|review_positive': 1,
      '38185|Commissariat central|review_negative': 1,
      '38185|Commissariat central|exports': 1,
      '38185|Commissariat central|review_hours': 1.5,
      '38185|Gendarmerie|requests': 1,
      '38185|Gendarmerie|requests_preliminary': 1,
      '38185|Gendarmerie|review_cancelled': 1,
    });
    assert.ok(rows.every((row) => row.origin === 'vigie' && row.year === 2026));
  });

  it('a requisition counts once per indicator even if a fact is repeated', () => {
    const rows = aggregate({
      fromYear: 2026,
      toYear: 2026,
      requisitions: [transition('r1', 'received', '2026-02-01T10:00:00Z'), transition('r1', 'received', '2026-02-01T10:00:00Z')],
      offences: [],
      reviews: [],
    });
    assert.deepEqual(
      rows.map((row) => [row.indicator, row.value]),
      [
        ['requests', 1],
        ['requests_flagrance', 1],
      ],
    );
  });

  it('totals add services and communes per origin, never Vigie’s and imported figures together', () => {
    const totals = totalsOf([
      { year: 2019, communeInsee: '38185', service: 'A', indicator: 'requests', value: 3, origin: 'vigie' },
      { year: 2019, communeInsee: '38421', service: 'B', indicator: 'requests', value: 4, origin: 'vigie' },
      { year: 2019, communeInsee: '38185', service: '', indicator: 'requests', value: 10, origin: 'imported' },
      { year: 2019, communeInsee: '38185', service: '', indicator: 'review_hours', value: 835.25, origin: 'imported' },
    ]);
    assert.deepEqual(totals, [
      { year: 2019, indicator: 'requests', origin: 'vigie', value: 7 },
      { year: 2019, indicator: 'requests', origin: 'imported', value: 10 },
      { year: 2019, indicator: 'review_hours', origin: 'imported', value: 835.25 },
    ]);
  });

  it('review seconds become hours to the hundredth', () => {
    assert.equal(hoursOf(3_640_000), 1011.11);
    assert.equal(hoursOf(0), 0);
  });
});
