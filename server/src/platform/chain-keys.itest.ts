// The chain and signing key files (issue 11), on a real file system: created once, 0600, with
// the legacy boundary asked only then; two starts racing end with one key; a
// damaged file stops start-up with a message naming the variable.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadOrCreateChainKeys } from './chain-keys.ts';

describe('chain key files', () => {
  const folder = mkdtempSync(join(tmpdir(), 'vigie-chain-keys-'));
  after(() => rmSync(folder, { recursive: true, force: true }));
  const paths = (name: string) => ({ chainKeyFile: join(folder, name, 'chain.key'), signingKeyFile: join(folder, name, 'signing.key') });

  it('creates both keys 0600 with the legacy boundary, then loads the same keys without asking again', async () => {
    let asked = 0;
    const boundary = async () => {
      asked++;
      return { auditThroughSeq: 41, segmentsThroughId: 7 };
    };
    const first = await loadOrCreateChainKeys(paths('a'), boundary);
    const again = await loadOrCreateChainKeys(paths('a'), boundary);
    assert.equal(asked, 1);
    assert.deepEqual([first.audit.legacyThrough, first.segments.legacyThrough], [41, 7]);
    assert.equal(again.audit.mac('x'), first.audit.mac('x'));
    assert.notEqual(first.audit.mac('x'), first.segments.mac('x'), 'a subkey per chain');
    assert.equal(again.signer.verify('m', first.signer.sign('m')), true);
    for (const file of Object.values(paths('a'))) assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(
      JSON.parse(readFileSync(paths('a').chainKeyFile, 'utf8')).legacy.auditThroughSeq,
      41,
      'the boundary lives in the key file, not in the database',
    );
  });

  it('a key file older than the register chain gets its register boundary once, the key unchanged', async () => {
    const first = await loadOrCreateChainKeys(paths('r'), async () => ({ auditThroughSeq: 3, segmentsThroughId: 2, registerThroughSeq: 5 }));
    assert.equal(first.register.legacyThrough, 5);
    assert.notEqual(first.register.mac('x'), first.audit.mac('x'), 'a subkey of its own');
    const file = JSON.parse(readFileSync(paths('r').chainKeyFile, 'utf8'));
    delete file.legacy.registerThroughSeq;
    writeFileSync(paths('r').chainKeyFile, JSON.stringify(file), { mode: 0o600 });
    let asked = 0;
    const boundary = async () => {
      asked++;
      return { auditThroughSeq: 99, segmentsThroughId: 99, registerThroughSeq: 12 };
    };
    const upgraded = await loadOrCreateChainKeys(paths('r'), boundary);
    const again = await loadOrCreateChainKeys(paths('r'), boundary);
    assert.equal(asked, 1);
    assert.deepEqual([upgraded.audit.legacyThrough, upgraded.segments.legacyThrough, upgraded.register.legacyThrough], [3, 2, 12]);
    assert.equal(again.register.legacyThrough, 12);
    assert.equal(upgraded.register.mac('x'), first.register.mac('x'));
    assert.equal(statSync(paths('r').chainKeyFile).mode & 0o777, 0o600);
  });

  it('two starts racing (both find no key) end with one key', async () => {
    const [one, two] = await Promise.all([
      loadOrCreateChainKeys(paths('b'), async () => ({ auditThroughSeq: 0, segmentsThroughId: 0 })),
      loadOrCreateChainKeys(paths('b'), async () => ({ auditThroughSeq: 0, segmentsThroughId: 0 })),
    ]);
    assert.equal(one.audit.keyId, two.audit.keyId);
    assert.equal(one.signer.keyId, two.signer.keyId);
  });

  it('refuses a damaged key file, naming the variable', async () => {
    await loadOrCreateChainKeys(paths('c'), async () => ({ auditThroughSeq: 0, segmentsThroughId: 0 }));
    writeFileSync(paths('c').chainKeyFile, '{"version":1,"key":"c2hvcnQ="}');
    await assert.rejects(
      loadOrCreateChainKeys(paths('c'), async () => ({ auditThroughSeq: 0, segmentsThroughId: 0 })),
      /VIGIE_CHAIN_KEY_FILE/,
    );
    writeFileSync(paths('c').signingKeyFile, 'not a key');
    rmSync(paths('c').chainKeyFile);
    await assert.rejects(
      loadOrCreateChainKeys(paths('c'), async () => ({ auditThroughSeq: 0, segmentsThroughId: 0 })),
      /VIGIE_SIGNING_KEY_FILE/,
    );
  });
});
