// Live viewing rules, no IO (fakes for the inventory, the audit and the sources): who may see a
// camera live (scope, policy, authorisation, reason, LEGAL 17 recipients) and that refusals are
// traced; which stream is chosen; the Origin check; sources shared and stopped after their last
// viewer; HLS sessions opened once and ended, audited, after their idle time.
import { EventBus } from '../../platform/events.ts';
import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { ManualClock } from '../../platform/clock.ts';
import { DomainError } from '../../platform/errors.ts';
import { FragmentedMp4Reader } from '../../platform/media/fmp4.ts';
import { h264Init, pictureFragment } from '../../platform/media/fmp4.fixtures.ts';
import type { Principal, Role } from '../access/index.ts';
import type { Recipient } from '../authorisations/index.ts';
import type { CameraView } from '../cameras/index.ts';
import { LiveHls } from './hls.ts';
import type { LiveSource } from './live-source.ts';
import { LiveSources } from './live-sources.ts';
import { sameOrigin } from '../../platform/http/websocket.ts';
import { chooseStream } from './live.rules.ts';
import { LiveService, type Acting } from './live.service.ts';

const HOME = '38999';

function principal(role: Role, overrides: Partial<Principal> = {}): Principal {
  return {
    kind: 'user',
    id: `u-${role}`,
    login: `${role}-1`,
    role,
    allCommunes: false,
    communes: [HOME],
    actionSubset: null,
    approvalReference: role === 'police' ? null : 'AGR-1',
    approvalExpiresOn: role === 'police' ? null : '2030-01-01',
    trainingDate: '2026-01-15',
    imageAccessConfirmed: true,
    ...overrides,
  };
}
const acting = (who: Principal): Acting => ({ actor: { type: 'user', id: who.id, login: who.login }, principal: who });

function camera(overrides: Partial<CameraView> = {}): CameraView {
  return {
    id: 'c-1',
    communeInsee: HOME,
    name: 'Gare',
    state: 'recording',
    subStreamUrl: 'rtsp://127.0.0.1/sub',
    mainStreamUrl: 'rtsp://127.0.0.1/main',
    ...overrides,
  } as CameraView;
}

function service(options: { camera?: CameraView; recipients?: Recipient[] } = {}) {
  const audited: Array<{ action: string; details?: Record<string, unknown> }> = [];
  const found = options.camera ?? camera();
  const live = new LiveService({
    clock: new ManualClock('2026-11-23T10:00:00.000Z'),
    audit: {
      recordAlone: async (_actor, entry) => {
        audited.push({ action: entry.action, details: entry.details });
        return audited.length;
      },
      recordImageAccess: async (_actor, access) => {
        audited.push({ action: `image.${access.kind}`, details: access.details });
        return audited.length;
      },
    },
    cameras: {
      get: async (id) => {
        if (id !== found.id) throw new DomainError('not_found');
        return found;
      },
      list: async () => [found],
      streamCredentials: async () => null,
    },
    recipientsOf: async () => options.recipients ?? [],
    masks: { recorderMasks: async () => new Map() },
    maskImages: { write: async () => '/tmp/mask.png' },
    events: new EventBus(),
    recorder: { current: () => null },
  });
  return { live, audited };
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return 'allowed';
}

describe('who may see a camera live', () => {
  it('an operator of the commune, with or without a reason', async () => {
    const { live } = service();
    assert.equal((await live.authorise('c-1', acting(principal('operator')), null)).reason, null);
    assert.equal((await live.authorise('c-1', acting(principal('operator')), '  ronde   de nuit ')).reason, 'ronde de nuit');
  });

  it('refuses another commune, an unknown or unauthorised camera, an expired approval, and traces each refusal', async () => {
    const { live, audited } = service();
    assert.equal(await refusal(live.authorise('c-1', acting(principal('operator', { communes: ['38998'] })), null)), 'commune_out_of_scope');
    assert.equal(await refusal(live.authorise('other', acting(principal('operator')), null)), 'not_found');
    assert.equal(await refusal(live.authorise('c-1', acting(principal('operator', { approvalExpiresOn: '2026-01-01' })), null)), 'approval_expired');
    assert.equal(
      await refusal(service({ camera: camera({ state: 'unauthorised' }) }).live.authorise('c-1', acting(principal('operator')), null)),
      'camera_unauthorised',
    );
    assert.equal(await refusal(live.authorise('c-1', acting(principal('auditor')), null)), 'forbidden', 'the policy still applies');
    assert.deepEqual(
      audited.map((entry) => [entry.action, entry.details?.code]),
      [
        ['access.denied', 'commune_out_of_scope'],
        ['access.denied', 'not_found'],
        ['access.denied', 'approval_expired'],
        ['access.denied', 'forbidden'],
      ],
    );
  });

  it('police and partners give a reason, and the authorisation must name their service (LEGAL 17)', async () => {
    const police = acting(principal('police'));
    const partner = acting(principal('partner'));
    assert.equal(await refusal(service({ recipients: ['national_police'] }).live.authorise('c-1', police, '   ')), 'reason_required');
    assert.equal(await refusal(service({ recipients: ['fire_rescue', 'partner'] }).live.authorise('c-1', police, 'PV 118')), 'recipient_not_authorised');
    for (const recipient of ['national_police', 'gendarmerie', 'municipal_police'] as const) {
      assert.equal(await refusal(service({ recipients: [recipient] }).live.authorise('c-1', police, 'PV 118')), 'allowed', recipient);
    }
    assert.equal(await refusal(service({ recipients: ['national_police'] }).live.authorise('c-1', partner, 'convention')), 'recipient_not_authorised');
    assert.equal(await refusal(service({ recipients: ['partner'] }).live.authorise('c-1', partner, null)), 'reason_required');
    assert.equal(await refusal(service({ recipients: ['partner'] }).live.authorise('c-1', partner, 'convention')), 'allowed');
  });

  it('no recorder in this process: live is unavailable, and nothing is audited as started', async () => {
    const { live, audited } = service();
    assert.equal(
      await refusal(live.openViewing({ cameraId: 'c-1', stream: 'auto', transport: 'websocket' }, acting(principal('operator')))),
      'live_unavailable',
    );
    assert.deepEqual(audited, []);
    await live.stop();
  });
});

describe('stream choice and origin', () => {
  it('auto and sub take the sub-stream when there is one, main otherwise', () => {
    assert.equal(chooseStream('auto', { subStreamUrl: 'rtsp://x/sub' }), 'sub');
    assert.equal(chooseStream('sub', { subStreamUrl: 'rtsp://x/sub' }), 'sub');
    assert.equal(chooseStream('main', { subStreamUrl: 'rtsp://x/sub' }), 'main');
    assert.equal(chooseStream('auto', { subStreamUrl: null }), 'main');
    assert.equal(chooseStream('sub', { subStreamUrl: null }), 'main');
  });

  it("a browser page of another origin cannot open the WebSocket with the user's cookie", () => {
    const request = (origin: string | undefined, host = 'csu.example:8080') => ({ headers: { origin, host }, host });
    assert.equal(sameOrigin(request('http://csu.example:8080')), true);
    assert.equal(sameOrigin(request('https://CSU.example:8080')), true);
    assert.equal(sameOrigin(request(undefined)), true, 'no Origin: not a browser');
    assert.equal(sameOrigin(request('http://evil.example')), false);
    assert.equal(sameOrigin(request('http://csu.example:9090')), false);
    assert.equal(sameOrigin(request('null')), false);
  });
});

function fakeSource(key: string, cameraId = 'c-1') {
  const calls: string[] = [];
  const source = {
    key,
    cameraId,
    start: () => calls.push('start'),
    stop: async () => {
      calls.push('stop');
    },
  } as unknown as LiveSource;
  return { source, calls };
}

describe('shared sources', () => {
  it('one source per key whatever the viewers; stopped a while after the last one left', async () => {
    mock.timers.enable({ apis: ['setTimeout'] }); // the idle delay runs on node:test's clock, not real time
    try {
      const sources = new LiveSources(50);
      const { source, calls } = fakeSource('c-1/main/copy');
      let created = 0;
      const create = async () => {
        created += 1;
        return { source, maskVersion: null };
      };
      const [first, second] = await Promise.all([sources.acquire('c-1/main/copy', create), sources.acquire('c-1/main/copy', create)]);
      assert.equal(created, 1);
      assert.equal(first.source, second.source);
      first.release();
      first.release();
      mock.timers.tick(80);
      assert.deepEqual(calls, ['start'], 'a viewer remains');
      second.release();
      mock.timers.tick(49);
      const third = await sources.acquire('c-1/main/copy', create);
      mock.timers.tick(80);
      assert.deepEqual(calls, ['start'], 'a viewer back within the delay finds it running');
      assert.equal(created, 1, 'the same source');
      third.release();
      mock.timers.tick(49);
      assert.deepEqual(calls, ['start'], 'not before the delay');
      mock.timers.tick(1);
      assert.deepEqual(calls, ['start', 'stop'], 'stopped once the delay has passed');
      assert.equal(sources.all().length, 0);
      await sources.stopAll();
      await assert.rejects(sources.acquire('x', create), /stopped/);
    } finally {
      mock.timers.reset();
    }
  });
});

describe('HLS sessions', () => {
  it('open one viewing per user session and stream, re-check access on reloads, end after the idle time', async () => {
    let now = 0;
    const opened: string[] = [];
    const closed: number[] = [];
    const rechecked: string[] = [];
    const fakeLive = {
      authorise: async (cameraId: string) => {
        rechecked.push(cameraId);
        return { camera: camera(), reason: null };
      },
      openViewing: async (request: { cameraId: string }) => {
        opened.push(request.cameraId);
        return {
          cameraId: request.cameraId,
          attach: (sink: { onInit(init: unknown): void; onFragment(fragment: unknown): void }) => {
            const { init, fragments } = hlsMedia();
            sink.onInit(init);
            for (const fragment of fragments) sink.onFragment(fragment);
          },
          close: async (stats: { bytesSent: number }) => {
            closed.push(stats.bytesSent);
          },
        };
      },
    } as unknown as ConstructorParameters<typeof LiveHls>[0];
    const hls = new LiveHls(fakeLive, { idleMs: 30_000, firstSegmentTimeoutMs: 100, now: () => now });
    const who = acting(principal('operator'));
    const playlist = await hls.playlist({ cameraId: 'c-1', stream: 'main' }, 'session-a', who);
    await hls.playlist({ cameraId: 'c-1', stream: 'main' }, 'session-a', who);
    await hls.playlist({ cameraId: 'c-1', stream: 'main' }, 'session-b', who);
    assert.deepEqual(opened, ['c-1', 'c-1'], 'one viewing per user session');
    assert.deepEqual(rechecked, ['c-1'], 'a reload checks access again');
    const id = /h=([0-9a-f-]+)/.exec(playlist)![1]!;
    assert.ok(hls.init('c-1', id, 'session-a').length > 0);
    assert.throws(() => hls.init('c-1', id, 'session-b'), /Unknown or ended HLS session/);
    assert.throws(() => hls.segment('c-2', id, 'session-a', 0), /Unknown or ended HLS session/);
    now = 20_000;
    assert.ok(hls.segment('c-1', id, 'session-a', 0).length > 0, 'a fetch keeps the session alive');
    now = 45_000;
    await hls.sweep();
    assert.equal(closed.length, 1, 'session b idle since 0: ended');
    assert.equal(hls.sessionCount, 1);
    now = 51_000;
    await hls.sweep();
    assert.equal(closed.length, 2);
    assert.ok(
      closed.some((bytes) => bytes > 0),
      'bytes served are reported',
    );
    await hls.stop();
  });
});

/** Two whole GOPs and the start of a third, for the HLS window. */
function hlsMedia() {
  const events = new FragmentedMp4Reader().push(
    Buffer.concat([
      h264Init,
      pictureFragment(1, true),
      pictureFragment(2, false),
      pictureFragment(3, true),
      pictureFragment(4, false),
      pictureFragment(5, true),
    ]),
  );
  const init = events.find((event) => event.kind === 'init');
  return { init: init?.kind === 'init' ? init.init : null, fragments: events.flatMap((event) => (event.kind === 'fragment' ? [event.fragment] : [])) };
}
