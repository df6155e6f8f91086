// The events watcher and its rules without a network: a fake ONVIF caller stands for cameras
// that refuse subscriptions, take no Renew, or die; a manual clock moves time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../platform/clock.ts';
import { OnvifError, type OnvifCaller } from '../../platform/onvif/index.ts';
import type { TechnicalEvent } from '../technical-events/index.ts';
import { technicalEventOf } from './onvif-events.rules.ts';
import { OnvifEventsWatcher } from './onvif-events.watcher.ts';

const camera = { id: 'cam-1', name: 'Parvis', communeInsee: '38999' };
const subscribed = { SubscriptionReference: { Address: 'http://127.0.0.1:1/onvif/subscription/1' } };

function setUp(answer: (action: string) => unknown) {
  const clock = new ManualClock('2026-12-03T10:00:00.000Z');
  const actions: string[] = [];
  const raised: TechnicalEvent[] = [];
  const caller: OnvifCaller = {
    call: async (_camera, _target, body) => {
      const action = /^<\w+:(\w+)/.exec(body)?.[1] ?? '';
      actions.push(action);
      const result = answer(action);
      if (result instanceof Error) throw result;
      return result as Record<string, unknown>;
    },
  };
  const cameras = {
    list: async () => [{ ...camera, onvifUrl: 'http://127.0.0.1:1/onvif/device_service', state: 'recording' as const }],
    streamCredentials: async () => null,
  };
  const watcher = new OnvifEventsWatcher(
    { cameras, onvif: caller, clock, raise: (event) => void raised.push(event) },
    { pullPoint: { terminationMs: 10_000, nowMs: () => clock.now().getTime() } },
  );
  return { clock, actions, raised, watcher };
}

describe('ONVIF events watcher', () => {
  it('a camera that refuses subscriptions is unavailable, retried with a growing wait, and raises nothing', async () => {
    const { clock, actions, raised, watcher } = setUp(() => new OnvifError('unsupported', 'the camera offers no ONVIF events service'));
    await watcher.tick();
    await watcher.tick();
    assert.deepEqual(actions, ['CreatePullPointSubscription']);
    clock.advance(1000);
    await watcher.tick();
    clock.advance(1000);
    await watcher.tick();
    assert.deepEqual(actions.length, 2, 'second wait is 2 s');
    assert.deepEqual(watcher.status()[0]?.state, 'unavailable');
    assert.match(watcher.status()[0]?.lastError ?? '', /no ONVIF events service/);
    assert.deepEqual(raised, []);
  });

  it('a camera that takes no Renew gets a new subscription before the old one ends', async () => {
    let pulls = 0;
    const { clock, actions, raised, watcher } = setUp((action) => {
      if (action === 'Renew') return new OnvifError('fault', 'not supported', 'ter:ActionNotSupported');
      if (action === 'PullMessages') pulls += 1;
      return action === 'CreatePullPointSubscription' ? subscribed : {};
    });
    await watcher.tick();
    await watcher.tick();
    clock.advance(6000);
    await watcher.tick();
    assert.deepEqual(actions, ['CreatePullPointSubscription', 'PullMessages', 'Renew', 'CreatePullPointSubscription', 'Unsubscribe', 'PullMessages']);
    clock.advance(6000);
    await watcher.tick();
    assert.deepEqual(actions.slice(6), ['CreatePullPointSubscription', 'Unsubscribe', 'PullMessages'], 'no Renew tried again');
    assert.equal(pulls, 3);
    assert.deepEqual(raised, []);
    assert.equal(watcher.status()[0]?.state, 'active');
  });
});

describe('ONVIF events rules', () => {
  const event = (extra: object) => ({
    kind: 'motion' as const,
    tamper: null,
    topic: 't',
    active: true,
    initial: false,
    utcTime: null,
    source: 'VideoSource_1',
    ...extra,
  });

  it('keeps changes, drops the ends of motion and inputs, and the initial states that are no alarm', () => {
    assert.equal(technicalEventOf(event({}), camera)?.code, 'camera_motion');
    assert.equal(technicalEventOf(event({ active: false }), camera), null);
    assert.equal(technicalEventOf(event({ initial: true }), camera), null, 'a motion under way when subscribing is no news');
    assert.equal(technicalEventOf(event({ kind: 'tamper', tamper: 'too_dark', initial: true }), camera)?.severity, 'warning', 'still covered after a reboot');
    assert.equal(technicalEventOf(event({ kind: 'tamper', tamper: 'too_dark', active: false }), camera)?.code, 'camera_tamper_cleared');
    assert.equal(technicalEventOf(event({ kind: 'input', source: 'DI_1', active: false }), camera), null);
    assert.match(technicalEventOf(event({ kind: 'input', source: 'DI_1' }), camera)?.message ?? '', /digital input DI_1 active/);
    assert.deepEqual(
      [technicalEventOf(event({ kind: 'video_loss' }), camera)?.severity, technicalEventOf(event({ kind: 'video_loss', active: false }), camera)?.code],
      ['critical', 'camera_video_restored'],
    );
  });
});
