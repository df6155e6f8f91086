// The PTZ control lock rules: grant, renew, expiry, pre-emption by priority, police take-over,
// and the refusals (locked vs taken over) with what they say about the holder.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  countCommand,
  decideClaim,
  IDLE_EXPIRY_MS,
  isExpired,
  lockRefusalDetails,
  mayRelease,
  priorityOf,
  sessionSeconds,
  TAKEOVER_EXPIRY_MS,
  type ClaimDecision,
  type PtzClaim,
  type PtzLock,
} from './ptz.lock.ts';

const t0 = new Date('2026-12-01T10:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const camera = { cameraId: 'cam-1', communeInsee: '38999' };
const operator: PtzClaim = { ...camera, holderId: 'u-op', login: 'op', role: 'operator', takeover: false };
const otherOperator: PtzClaim = { ...camera, holderId: 'u-op2', login: 'op2', role: 'operator', takeover: false };
const supervisor: PtzClaim = { ...camera, holderId: 'u-sup', login: 'sup', role: 'supervisor', takeover: false };
const police: PtzClaim = { ...camera, holderId: 'u-pol', login: 'pol', role: 'police', takeover: false };
const patrol: PtzClaim = { ...camera, holderId: 'patrol:a', login: 'patrol', role: 'patrol', takeover: false, tourId: 'tour-1', idleMs: 90_000 };

function granted(decision: ClaimDecision): PtzLock {
  assert.equal(decision.kind, 'granted');
  return decision.lock;
}

describe('PTZ lock priorities', () => {
  it('orders patrol < operator, administrator, partner < supervisor < police take-over', () => {
    assert.deepEqual(
      [
        priorityOf('patrol', false),
        priorityOf('operator', false),
        priorityOf('administrator', false),
        priorityOf('partner', false),
        priorityOf('supervisor', false),
        priorityOf('police', false),
        priorityOf('police', true),
      ],
      [0, 1, 1, 1, 2, 1, 3],
    );
  });
});

describe('PTZ lock claims', () => {
  it('grants a free lock for 60 s of idleness, counting the command that took it', () => {
    const lock = granted(decideClaim(null, { ...operator, command: 'move' }, t0, 's1'));
    assert.equal(lock.sessionId, 's1');
    assert.equal(lock.priority, 1);
    assert.equal(lock.expiresAt, at(IDLE_EXPIRY_MS).toISOString());
    assert.deepEqual(lock.counts, { moves: 1, presetCalls: 0, presetsSaved: 0 });
    assert.equal(lock.preempted, null);
  });

  it('renews for the holder with each command, in the same session', () => {
    const lock = granted(decideClaim(null, operator, t0, 's1'));
    const renewed = decideClaim(lock, { ...operator, command: 'preset_call' }, at(30_000), 's2');
    assert.equal(renewed.kind, 'renewed');
    assert.equal(renewed.lock.sessionId, 's1');
    assert.equal(renewed.lock.expiresAt, at(30_000 + IDLE_EXPIRY_MS).toISOString());
    assert.equal(renewed.lock.acquiredAt, t0.toISOString());
    const again = decideClaim(renewed.lock, { ...operator, command: 'preset_save' }, at(31_000), 's3');
    assert.deepEqual(again.lock.counts, { moves: 0, presetCalls: 1, presetsSaved: 1 });
    assert.deepEqual(countCommand(again.lock.counts, 'stop'), again.lock.counts, 'a stop is not counted');
  });

  it('refuses an equal priority while the lock lasts, and grants it once expired', () => {
    const lock = granted(decideClaim(null, operator, t0, 's1'));
    const refused = decideClaim(lock, otherOperator, at(59_999), 's2');
    assert.equal(refused.kind, 'refused');
    assert.equal(refused.kind === 'refused' && refused.code, 'ptz_locked');
    assert.equal(isExpired(lock, at(IDLE_EXPIRY_MS)), true);
    const next = decideClaim(lock, otherOperator, at(IDLE_EXPIRY_MS), 's2');
    assert.equal(next.kind, 'granted');
    assert.deepEqual(next.kind === 'granted' && next.ended, { lock, cause: 'expired' });
    assert.equal(next.lock.preempted, null, 'an expired holder was not pre-empted');
  });

  it('lets a supervisor pre-empt an operator, never the reverse', () => {
    const operatorLock = granted(decideClaim(null, operator, t0, 's1'));
    const supervised = decideClaim(operatorLock, supervisor, at(1000), 's2');
    assert.equal(supervised.kind === 'granted' && supervised.ended?.cause, 'preempted');
    const supervisorLock = granted(supervised);
    assert.equal(supervisorLock.priority, 2);
    assert.equal(supervisorLock.preempted?.login, 'op');
    const back = decideClaim(supervisorLock, operator, at(2000), 's3');
    assert.equal(back.kind === 'refused' && back.code, 'ptz_taken_over', 'the pre-empted operator is told it was taken over');
    const other = decideClaim(supervisorLock, otherOperator, at(2000), 's3');
    assert.equal(other.kind === 'refused' && other.code, 'ptz_locked', 'anyone else is told it is locked');
  });

  it('lets a police take-over pre-empt a supervisor, for 10 minutes of idleness', () => {
    const supervisorLock = granted(decideClaim(null, supervisor, t0, 's1'));
    const takeover = decideClaim(supervisorLock, { ...police, takeover: true }, at(1000), 's2');
    const lock = granted(takeover);
    assert.equal(lock.priority, 3);
    assert.equal(lock.takeover, true);
    assert.equal(lock.expiresAt, at(1000 + TAKEOVER_EXPIRY_MS).toISOString());
    assert.equal(takeover.kind === 'granted' && takeover.ended?.cause, 'preempted');
    // Renewed by a plain command, the take-over keeps its priority and its 10 minutes.
    const renewed = decideClaim(lock, { ...police, command: 'move' }, at(5000), 's3');
    assert.equal(renewed.kind, 'renewed');
    assert.equal(renewed.lock.takeover, true);
    assert.equal(renewed.lock.expiresAt, at(5000 + TAKEOVER_EXPIRY_MS).toISOString());
    assert.equal(
      decideClaim(lock, { ...police, holderId: 'u-pol2', takeover: true }, at(6000), 's4').kind,
      'refused',
      'a second take-over does not pre-empt the first',
    );
  });

  it('starts a take-over session of its own when the holder asks for one', () => {
    const lock = granted(decideClaim(null, police, t0, 's1'));
    const upgraded = decideClaim(lock, { ...police, takeover: true }, at(1000), 's2');
    assert.equal(upgraded.kind === 'granted' && upgraded.ended?.cause, 'upgraded');
    assert.equal(upgraded.lock.sessionId, 's2');
    assert.equal(upgraded.lock.priority, 3);
  });

  it('lets anyone steering pre-empt a patrol, which then waits', () => {
    const patrolLock = granted(decideClaim(null, { ...patrol, command: 'preset_call' }, t0, 's1'));
    assert.equal(patrolLock.priority, 0);
    assert.equal(patrolLock.expiresAt, at(90_000).toISOString(), 'a patrol lock lasts its dwell and a margin');
    assert.equal(patrolLock.tourId, 'tour-1');
    const human = granted(decideClaim(patrolLock, { ...operator, command: 'move' }, at(1000), 's2'));
    const retry = decideClaim(human, patrol, at(2000), 's3');
    assert.equal(retry.kind === 'refused' && retry.code, 'ptz_taken_over');
    assert.equal(decideClaim(human, patrol, at(1000 + IDLE_EXPIRY_MS), 's3').kind, 'granted', 'the patrol resumes once the person is idle');
  });

  it('releases only for the holder, measures the session and describes the holder on refusal', () => {
    const lock = granted(decideClaim(null, supervisor, t0, 's1'));
    assert.equal(mayRelease(lock, 'u-sup'), true);
    assert.equal(mayRelease(lock, 'u-op'), false);
    assert.equal(mayRelease(null, 'u-sup'), false);
    assert.equal(sessionSeconds(lock, at(42_400)), 42);
    assert.deepEqual(lockRefusalDetails(lock), { holder: { login: 'sup', role: 'supervisor', priority: 2 }, takeover: false, expiresAt: lock.expiresAt });
  });
});
