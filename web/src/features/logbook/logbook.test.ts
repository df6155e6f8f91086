import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allowedScreens } from '../../app/screens.ts';
import { emptyEntry, emptyLogbookFilter, entryBody, formatSeconds, logbookDownloadUrl, logbookQuery } from './logbook.ts';

describe('logbook screen logic', () => {
  it('turns Paris days into UTC instants, `to` exclusive, and keeps only the criteria given', () => {
    assert.deepEqual(logbookQuery({ ...emptyLogbookFilter, communeInsee: '38185', fromDay: '2026-07-01', toDay: '2026-07-01', text: ' gare ' }), {
      communeInsee: '38185',
      from: '2026-06-30T22:00:00.000Z',
      to: '2026-07-01T22:00:00.000Z',
      text: 'gare',
    });
    assert.deepEqual(logbookQuery(emptyLogbookFilter), {});
    assert.equal(logbookDownloadUrl('csv', { ...emptyLogbookFilter, type: 'offence_seen' }), '/api/logbook/export.csv?type=offence_seen');
  });

  it('builds the entry body: Paris time to UTC (winter), cameras split, a category only for offences', () => {
    const body = entryBody({
      ...emptyEntry('38185'),
      type: 'intervention',
      occurredLocal: '2026-12-01T08:30',
      text: ' Police sur place ',
      cameraIds: 'cam-1, cam-2',
      offenceCategory: 'property',
    });
    assert.deepEqual(body, {
      type: 'intervention',
      communeInsee: '38185',
      text: 'Police sur place',
      occurredAt: '2026-12-01T07:30:00.000Z',
      cameraIds: ['cam-1', 'cam-2'],
    });
    assert.equal(entryBody({ ...emptyEntry('38185'), type: 'offence_seen', text: 'x', offenceCategory: 'drugs' }).offenceCategory, 'drugs');
  });

  it('opens the logbook screen to its readers only', () => {
    assert.ok(allowedScreens(['logbook.read']).some((entry) => entry.screen === 'logbook'));
    assert.ok(!allowedScreens(['alarm.read', 'alarm.figures']).some((entry) => entry.screen === 'logbook'));
  });

  it('formats durations', () => {
    assert.deepEqual([formatSeconds(null), formatSeconds(45), formatSeconds(125), formatSeconds(3780)], ['—', '45 s', '2 min 05 s', '1 h 03 min']);
  });
});
