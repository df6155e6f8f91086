import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scrubSecrets } from './audit.service.ts';
import { ChainVerifier, GENESIS_HASH, canonicalJson, chainHash, storableText, type ChainedRow } from './audit.chain.ts';

function buildChain(count: number): ChainedRow[] {
  const rows: ChainedRow[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq++) {
    const fields = {
      seq,
      at: `2026-11-23T10:00:0${seq % 10}.000Z`,
      actor_type: 'user',
      actor_id: 'u1',
      actor_login: 'alice',
      commune_insee: '38999',
      action: 'camera.updated',
      target_type: 'camera',
      target_id: `c${seq}`,
      reason: null,
      details: canonicalJson({ n: seq }),
      ip: '127.0.0.1',
    };
    const hash = chainHash(prev, fields);
    rows.push({ ...fields, prev_hash: prev, hash });
    prev = hash;
  }
  return rows;
}

function verify(rows: ChainedRow[], head = { seq: 5, hash: buildChain(5)[4]!.hash }) {
  const verifier = new ChainVerifier();
  for (const row of rows) verifier.add(row);
  return verifier.finish(head);
}

function allProblems(rows: ChainedRow[], head = { seq: 5, hash: buildChain(5)[4]!.hash }) {
  const verifier = new ChainVerifier();
  for (const row of rows) verifier.add(row);
  verifier.finish(head);
  return verifier.problems.map((problem) => [problem.kind, problem.seq]);
}

describe('audit chain verifier', () => {
  it('accepts an intact chain', () => {
    assert.equal(verify(buildChain(5)), null);
  });

  it('canonical JSON sorts keys at every depth', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: 2, c: [{ f: 1, e: 2 }] } }), '{"a":{"c":[{"e":2,"f":1}],"d":2},"b":1}');
  });

  it('names an edited row', () => {
    const rows = buildChain(5);
    rows[2] = { ...rows[2]!, actor_login: 'mallory' };
    assert.deepEqual([verify(rows)?.kind, verify(rows)?.seq], ['edited', 3]);
  });

  it('reports every bad row, not only the first', () => {
    const rows = buildChain(5);
    rows[1] = { ...rows[1]!, actor_login: 'mallory' };
    rows[3] = { ...rows[3]!, reason: 'rewritten' };
    assert.deepEqual(allProblems(rows), [
      ['edited', 2],
      ['edited', 4],
    ]);
    const gap = buildChain(5);
    gap.splice(1, 1);
    gap[2] = { ...gap[2]!, action: 'forged' };
    assert.deepEqual(allProblems(gap), [
      ['deleted', 2],
      ['edited', 4],
    ]);
  });

  it('a lone surrogate or a NUL in any field is stored and hashed as a database returns it', () => {
    assert.equal(storableText('\ud800x'), '\ufffdx');
    assert.equal(storableText('a\u0000b'), 'a\ufffdb');
    assert.equal(storableText('Saint-Étienne 🎥'), 'Saint-Étienne 🎥');
    assert.equal(canonicalJson({ login: '\udc00' }), '{"login":"\ufffd"}');
  });

  it('the scrubber drops secret keys by name and keeps preset tokens and chain hashes', () => {
    assert.deepEqual(
      scrubSecrets({
        password: 'x',
        new_password: 'y',
        credentials: { username: 'u' },
        presetToken: 'p-1',
        prevHash: 'ab',
        lastChainHash: 'cd',
        hash: 'ef',
        nested: [{ totpSecret: 's', tokenHash: 't', name: 'n' }],
        streamLogin: 'set',
      }),
      {
        password: '[redacted]',
        new_password: '[redacted]',
        credentials: '[redacted]',
        presetToken: 'p-1',
        prevHash: 'ab',
        lastChainHash: 'cd',
        hash: 'ef',
        nested: [{ totpSecret: '[redacted]', tokenHash: '[redacted]', name: 'n' }],
        streamLogin: 'set',
      },
    );
  });

  it('names a deleted row', () => {
    const rows = buildChain(5);
    rows.splice(1, 1);
    assert.deepEqual([verify(rows)?.kind, verify(rows)?.seq], ['deleted', 2]);
  });

  it('names reordered rows (content swapped, seq kept)', () => {
    const rows = buildChain(5);
    const second = rows[1]!;
    const third = rows[2]!;
    rows[1] = { ...third, seq: 2 };
    rows[2] = { ...second, seq: 3 };
    const problem = verify(rows);
    assert.equal(problem?.seq, 2);
    assert.ok(problem && ['edited', 'reordered'].includes(problem.kind));
  });

  it('names rows removed from the end, thanks to the head', () => {
    const rows = buildChain(5).slice(0, 3);
    assert.deepEqual([verify(rows)?.kind, verify(rows)?.seq], ['tail_removed', 4]);
  });

  it('starts from an anchor after a retention purge', () => {
    const rows = buildChain(5);
    const verifier = new ChainVerifier(3, rows[1]!.hash);
    for (const row of rows.slice(2)) assert.ok(verifier.add(row));
    assert.equal(verifier.finish({ seq: 5, hash: rows[4]!.hash }), null);
  });
});
