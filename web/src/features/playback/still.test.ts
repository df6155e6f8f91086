import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { captionLayout, stillCaption, stillFileName } from './still.ts';

const at = Date.parse('2026-11-23T10:05:09.250Z');

describe('still image caption', () => {
  it('prints camera, commune and the Paris time to the millisecond', () => {
    assert.equal(
      stillCaption({ cameraName: 'Parvis Est', communeName: 'Vigie-les-Bains (38999)', wallMs: at, language: 'fr' }),
      'Parvis Est · Vigie-les-Bains (38999) · 23/11/2026 11:05:09,250 (heure de Paris)',
    );
    assert.equal(
      stillCaption({ cameraName: 'Parvis Est', communeName: '', wallMs: Date.parse('2026-07-14T20:00:00.007Z'), language: 'en' }),
      'Parvis Est · 14/07/2026, 22:00:00.007 (Paris time)',
    );
  });

  it('adds a band under the picture, readable at any size', () => {
    assert.deepEqual(captionLayout(320), { bandHeight: 27, fontPx: 14, paddingX: 8 });
    assert.equal(captionLayout(1920).fontPx, 42);
  });

  it('names the file after the camera and the Paris time', () => {
    assert.equal(stillFileName('Église — Parvis n°2', at), 'vigie_eglise-parvis-n-2_20261123-110509.png');
    assert.equal(stillFileName('***', at), 'vigie_camera_20261123-110509.png');
  });
});
