import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { volumeRootProblem, type VolumeRootPolicy } from './storage.roots.ts';

const policy: VolumeRootPolicy = {
  allowedParents: ['/srv/vigie', '/var/lib/vigie'],
  protectedPaths: ['/var/lib/vigie', '/var/lib/vigie/secret.key', '/var/lib/vigie/vigie.sqlite'],
  forbiddenParents: ['/opt/vigie/web/dist'],
};
const refused = (root: string) => volumeRootProblem(root, policy)?.en ?? null;

describe('storage volume roots', () => {
  it('accepts a folder strictly inside an allowed parent', () => {
    assert.equal(refused('/srv/vigie/disk1'), null);
    assert.equal(refused('/var/lib/vigie/recordings'), null);
  });

  it('refuses system folders, the data folder and what holds it, the web root, and anything outside the parents', () => {
    assert.match(refused('/')!, /system folder/);
    assert.match(refused('/etc/vigie')!, /system folder/);
    assert.match(refused('/tmp')!, /system folder/);
    assert.match(refused('/var/lib/vigie')!, /holds \/var\/lib\/vigie/);
    assert.match(refused('/var/lib')!, /holds/);
    assert.match(refused('/srv/vigie')!, /no allowed folder/, 'the parent itself is not a volume');
    assert.match(refused('/srv/vigie/../../home/x')!, /no allowed folder/);
    assert.match(refused('/opt/vigie/web/dist/segments')!, /served without sign-in/);
    assert.match(refused('/mnt/elsewhere')!, /no allowed folder/);
  });
});
