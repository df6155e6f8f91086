import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Camera } from '../../api/types.ts';
import { buildTree, cameraMatches, moveInTree, visibleRows } from './tree.ts';

let counter = 0;
function camera(communeInsee: string, siteId: string, siteName: string, name: string, extra: Partial<Camera> = {}): Camera {
  return {
    id: `cam-${++counter}`,
    communeInsee,
    siteId,
    siteName,
    name,
    kind: 'fixed',
    fieldClass: 'wide',
    latitude: null,
    longitude: null,
    headingDeg: null,
    model: null,
    ipAddress: null,
    macAddress: null,
    purposes: [],
    authorisedPurposes: [],
    authorisation: { authorised: true, references: [] },
    commissioningDate: null,
    enabled: true,
    operationalState: 'unknown',
    state: 'unknown',
    vmsStatus: 'OK',
    retentionDays: null,
    recordingEngine: 'native',
    rtspTransport: 'tcp',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    hasCredentials: false,
    mainStreamUrl: 'rtsp://camera/main',
    subStreamUrl: null,
    onvifUrl: null,
    ...extra,
  };
}

const communes = [
  { insee: '38999', name: 'Vigie-les-Bains' },
  { insee: '38998', name: 'Saint-Guet' },
];
const cameras = [
  camera('38999', 's1', 'Place de l’Église', 'Église 2'),
  camera('38999', 's1', 'Place de l’Église', 'Église 10'),
  camera('38999', 's2', 'Gare', 'Quai A', { model: 'Axis Q6135', ipAddress: '10.0.0.7' }),
  camera('38998', 's3', 'Marché', 'Halle'),
];

describe('camera tree', () => {
  it('groups by commune then site, sorted by name (numbers in order)', () => {
    const tree = buildTree(cameras, communes);
    assert.deepEqual(
      tree.map((commune) => commune.name),
      ['Saint-Guet', 'Vigie-les-Bains'],
    );
    const vigie = tree[1]!;
    assert.equal(vigie.cameraCount, 3);
    assert.deepEqual(
      vigie.sites.map((site) => site.name),
      ['Gare', 'Place de l’Église'],
    );
    assert.deepEqual(
      vigie.sites[1]!.cameras.map((entry) => entry.name),
      ['Église 2', 'Église 10'],
    );
  });

  it('uses the INSEE code when the commune name is unknown', () => {
    assert.equal(buildTree([camera('2A004', 's9', 'Port', 'Quai')], [])[0]!.name, '2A004');
  });

  it('searches name, site, model and IP, without accents or case, every word', () => {
    assert.equal(cameraMatches(cameras[0]!, 'eglise'), true);
    assert.equal(cameraMatches(cameras[2]!, 'axis'), true);
    assert.equal(cameraMatches(cameras[2]!, '10.0.0.7'), true);
    assert.equal(cameraMatches(cameras[2]!, 'gare quai'), true);
    assert.equal(cameraMatches(cameras[2]!, 'gare halle'), false);
    const tree = buildTree(cameras, communes, 'HALLE');
    assert.equal(tree.length, 1);
    assert.equal(tree[0]!.insee, '38998');
  });

  it('shows only open branches, every branch while searching', () => {
    const tree = buildTree(cameras, communes);
    assert.deepEqual(
      visibleRows(tree, new Set(), false).map((row) => row.kind),
      ['commune', 'commune'],
    );
    const open = visibleRows(tree, new Set(['commune:38999', 'site:s2']), false);
    assert.deepEqual(
      open.map((row) => row.key),
      ['commune:38998', 'commune:38999', 'site:s2', `camera:${cameras[2]!.id}`, 'site:s1'],
    );
    assert.equal(visibleRows(tree, new Set(), true).length, 2 + 3 + 4);
  });

  it('moves with the arrow keys like a tree view', () => {
    const tree = buildTree(cameras, communes);
    const closed = visibleRows(tree, new Set(), false);
    assert.deepEqual(moveInTree(closed, 'commune:38998', 'ArrowDown'), { focus: 'commune:38999' });
    assert.deepEqual(moveInTree(closed, 'commune:38999', 'ArrowDown'), { focus: 'commune:38999' });
    assert.deepEqual(moveInTree(closed, 'commune:38998', 'ArrowUp'), { focus: 'commune:38998' });
    assert.deepEqual(moveInTree(closed, 'commune:38999', 'ArrowRight'), { focus: 'commune:38999', open: 'commune:38999' });
    const open = visibleRows(tree, new Set(['commune:38999', 'site:s2']), false);
    assert.deepEqual(moveInTree(open, 'commune:38999', 'ArrowRight'), { focus: 'site:s2' });
    assert.deepEqual(moveInTree(open, `camera:${cameras[2]!.id}`, 'ArrowLeft'), { focus: 'site:s2' });
    assert.deepEqual(moveInTree(open, 'site:s2', 'ArrowLeft'), { focus: 'site:s2', close: 'site:s2' });
    assert.deepEqual(moveInTree(open, 'site:s1', 'ArrowLeft'), { focus: 'commune:38999' });
    assert.deepEqual(moveInTree(open, null, 'End'), { focus: 'site:s1' });
    assert.deepEqual(moveInTree([], null, 'ArrowDown'), { focus: null });
  });
});
