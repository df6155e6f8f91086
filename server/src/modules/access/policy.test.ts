import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actions, decide, imageActions, roleGrants, roles, type Principal, type Role } from './policy.ts';

const today = '2026-11-23';

function principal(role: Role, overrides: Partial<Principal> = {}): Principal {
  return {
    kind: 'user',
    id: 'u',
    login: 'u',
    role,
    allCommunes: false,
    communes: ['38999'],
    actionSubset: null,
    approvalReference: 'AGR-1',
    approvalExpiresOn: '2028-01-01',
    trainingDate: '2025-06-01',
    imageAccessConfirmed: true,
    ...overrides,
  };
}

describe('central policy', () => {
  it('every role x action follows the grant table, on the own commune', () => {
    for (const role of roles) {
      for (const action of actions) {
        const decision = decide(principal(role), action, '38999', today);
        assert.equal(decision.allowed, roleGrants(role, action), `${role} ${action}`);
      }
    }
  });

  it('a foreign commune is refused for every action, whatever the role', () => {
    for (const role of roles) {
      for (const action of actions.filter((candidate) => roleGrants(role, candidate))) {
        const decision = decide(principal(role), action, '38998', today);
        assert.equal(decision.allowed, false);
        if (!decision.allowed) assert.equal(decision.error.code, 'commune_out_of_scope');
      }
    }
  });

  it('centre-wide principals reach every commune', () => {
    assert.equal(decide(principal('supervisor', { allCommunes: true, communes: [] }), 'image.playback', '38998', today).allowed, true);
  });

  it('expired approval blocks image access with its reference and date', () => {
    const decision = decide(principal('operator', { approvalExpiresOn: '2026-11-22' }), 'image.live', '38999', today);
    assert.equal(decision.allowed, false);
    if (!decision.allowed) {
      assert.equal(decision.error.code, 'approval_expired');
      assert.match(decision.error.messageFr, /AGR-1.*2026-11-22/);
    }
    // the same user still reads the inventory
    assert.equal(decide(principal('operator', { approvalExpiresOn: '2026-11-22' }), 'camera.read', '38999', today).allowed, true);
  });

  it('approval expiring today still allows today', () => {
    assert.equal(decide(principal('operator', { approvalExpiresOn: today }), 'image.live', '38999', today).allowed, true);
  });

  it('missing or stale training blocks image access, for police too', () => {
    const missing = decide(principal('police', { approvalReference: null, approvalExpiresOn: null, trainingDate: null }), 'image.live', '38999', today);
    assert.equal(!missing.allowed && missing.error.code, 'training_missing');
    const stale = decide(principal('operator', { trainingDate: '2021-11-22' }), 'image.playback', '38999', today);
    assert.equal(!stale.allowed && stale.error.code, 'training_expired');
  });

  it('police need no prefectoral approval, operators do', () => {
    assert.equal(decide(principal('police', { approvalReference: null, approvalExpiresOn: null }), 'image.live', '38999', today).allowed, true);
    const operator = decide(principal('operator', { approvalReference: null, approvalExpiresOn: null }), 'image.live', '38999', today);
    assert.equal(!operator.allowed && operator.error.code, 'approval_missing');
  });

  it('tokens never see images and are limited to their action subset', () => {
    for (const action of imageActions) {
      assert.equal(decide(principal('supervisor', { kind: 'token' }), action, '38999', today).allowed, false);
    }
    const limited = principal('supervisor', { kind: 'token', actionSubset: ['camera.read'] });
    assert.equal(decide(limited, 'camera.read', '38999', today).allowed, true);
    assert.equal(decide(limited, 'audit.read', '38999', today).allowed, false);
  });

  it('auditors and technicians never see images', () => {
    for (const role of ['auditor', 'technician'] as const) {
      for (const action of imageActions) assert.equal(roleGrants(role, action), false);
    }
  });
});
