import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyRegisterFilter, registerDownloadUrl, registerQuery } from './register.ts';

describe('register screen filters', () => {
  it('turns Paris days into UTC instants, the last day included', () => {
    assert.deepEqual(registerQuery({ ...emptyRegisterFilter, fromDay: '2026-11-01', toDay: '2026-11-30', kind: 'handed_over', text: ' PV 12 ' }), {
      kind: 'handed_over',
      from: '2026-10-31T23:00:00.000Z',
      to: '2026-11-30T23:00:00.000Z',
      text: 'PV 12',
    });
    assert.deepEqual(registerQuery(emptyRegisterFilter), {});
  });

  it('gives the downloads the same filter', () => {
    assert.equal(registerDownloadUrl('pdf', { ...emptyRegisterFilter, communeInsee: '38185' }), '/api/register/export.pdf?communeInsee=38185');
    assert.equal(registerDownloadUrl('csv', emptyRegisterFilter), '/api/register/export.csv');
  });
});
