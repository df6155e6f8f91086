// The ONVIF client against the simulator's real HTTP endpoint on loopback, one camera habit at
// a time (simulator/src/onvif/modes.ts): answers cut by a closed connection, answers naming
// another operation, nested fault subcodes, refused tokens after the camera clock moved
// (ter:NotAuthorized, wsse:FailedAuthentication), GetCapabilities failing with a bare HTTP 500,
// HTTP Digest only (MD5, SHA-256), heads that refuse Timeout or Zoom or a short timeout, a
// presets limit, an administrator's override, and the device facts.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DigestAuthenticator } from '../../../../simulator/src/digest.ts';
import { onvifModes, type OnvifModes } from '../../../../simulator/src/onvif/modes.ts';
import * as ptzService from '../../../../simulator/src/onvif/ptz-service.ts';
import { OnvifServer } from '../../../../simulator/src/onvif/server.ts';
import { envelope } from '../../../../simulator/src/onvif/soap.ts';
import type { OnvifCameraView } from '../../../../simulator/src/onvif/view.ts';
import { PtzHead } from '../../../../simulator/src/ptz.ts';
import type { OnvifCamera, OnvifQuirkStore } from './client.ts';
import { readDeviceFacts } from './device-facts.ts';
import { fakeCameraView } from './onvif.fixtures.ts';
import { OnvifPtzClient } from './ptz-client.ts';
import type { OnvifQuirks } from './quirks.ts';
import { fetchTransport, OnvifError, type OnvifTransport, type TransportRequest } from './transport.ts';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function rejectsWith(promise: Promise<unknown>, kind: OnvifError['kind'], reason: RegExp, subcode?: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof OnvifError, String(error));
    assert.equal(error.kind, kind, error.reason);
    assert.match(error.reason, reason);
    if (subcode !== undefined) assert.equal(error.subcode, subcode);
    return true;
  });
}

describe('ONVIF client against the simulator, camera habits', () => {
  let server: OnvifServer;
  let view: OnvifCameraView;
  let head: PtzHead;
  let skewMs = 0;
  let target: OnvifCamera;
  let sent: TransportRequest[] = [];
  let learned: OnvifQuirks[] = [];
  let override: OnvifQuirks = {};
  const spy: OnvifTransport = async (request) => {
    sent.push(request);
    return fetchTransport(request);
  };
  const store: OnvifQuirkStore = { overrides: async () => override, learned: (_cameraId, quirks) => void learned.push(quirks) };
  const client = () => new OnvifPtzClient({ transport: spy, quirks: store, timeoutMs: 2000 });
  const actions = () => sent.map((request) => /<s:Body><[\w-]+:(\w+)/.exec(request.body)?.[1]);
  const setModes = (modes: Partial<OnvifModes>) => Object.assign(view.modes, onvifModes(), modes);

  before(async () => {
    head = new PtzHead();
    view = fakeCameraView(head, () => Date.now() + skewMs);
    server = new OnvifServer(view, new DigestAuthenticator('Sim test'), '127.0.0.1', 0);
    const port = await server.listen();
    target = { cameraId: 'cam-q', deviceUrl: `http://127.0.0.1:${port}/onvif/device_service`, credentials: { username: 'admin', password: 'pw' } };
  });
  after(() => server.close());
  beforeEach(() => {
    setModes({});
    skewMs = 30 * 60_000;
    sent = [];
    learned = [];
    override = {};
    head.stop();
    for (const preset of head.listPresets()) head.removePreset(preset.token);
  });

  it('refuses an answer cut mid-way by a closed connection (46 presets, none read)', async () => {
    for (let index = 0; index < 46; index++) head.setPreset(`Préréglage ${index + 1}`);
    const onvif = client();
    assert.equal((await onvif.presets(target)).length, 46, 'whole answers are read');
    // Cut right after the third preset: what was read before the fix is a well-formed prefix.
    const whole = envelope(ptzService.presets(head));
    let cut = 0;
    for (let index = 0; index < 3; index++) cut = whole.indexOf('</tptz:Preset>', cut) + '</tptz:Preset>'.length;
    setModes({ cutAnswersAt: Buffer.byteLength(whole.slice(0, cut)) });
    await rejectsWith(onvif.presets(target), 'protocol', /not a whole XML document/);
    setModes({ cutAnswersAt: 100_000 });
    assert.equal((await onvif.presets(target)).length, 46, 'a whole answer delimited by the close still counts');
  });

  it('refuses an answer that names another operation than the one sent', async () => {
    const onvif = client();
    const preset = head.setPreset('Parvis');
    await onvif.status(target);
    setModes({ wrongOperation: true });
    await rejectsWith(
      onvif.continuousMove(target, { pan: 0.5, tilt: 0, zoom: 0 }, 1000),
      'protocol',
      /answered GetSystemDateAndTimeResponse to ContinuousMove/,
    );
    await rejectsWith(onvif.stop(target), 'protocol', /to Stop/);
    await rejectsWith(onvif.gotoPreset(target, preset.token), 'protocol', /to GotoPreset/);
  });

  it('keeps every level of a fault subcode', async () => {
    await rejectsWith(client().gotoPreset(target, 'nope'), 'fault', /no such preset/, 'ter:InvalidArgVal/ter:NoToken');
  });

  for (const authFault of ['ter:NotAuthorized', 'wsse:FailedAuthentication'] as const) {
    it(`learns the camera clock again after a ${authFault} fault, and the command goes through`, async () => {
      setModes({ authFault });
      const onvif = client();
      await onvif.status(target);
      skewMs = 90 * 60_000; // the camera's clock jumped an hour: its replay window no longer holds our Created
      sent = [];
      await onvif.continuousMove(target, { pan: 0.2, tilt: 0, zoom: 0 }, 1000);
      assert.deepEqual(actions(), ['ContinuousMove', 'GetSystemDateAndTime', 'ContinuousMove']);
      assert.ok(Math.abs(((await onvif.state(target)).clockOffsetMs ?? 0) - skewMs) < 2000);
    });
  }

  it('falls back to GetServices when GetCapabilities answers HTTP 500 without a body, and learns it', async () => {
    setModes({ capabilitiesError: true });
    const onvif = client();
    assert.ok((await onvif.status(target)).position);
    assert.deepEqual(actions().slice(0, 3), ['GetSystemDateAndTime', 'GetCapabilities', 'GetServices']);
    assert.equal(learned.at(-1)?.serviceDiscovery, 'services');
  });

  for (const digestAlgorithm of ['MD5', 'SHA-256'] as const) {
    it(`speaks HTTP Digest ${digestAlgorithm} to a camera in Digest mode, chosen from its 401`, async () => {
      setModes({ auth: 'digest', digestAlgorithm });
      const onvif = client();
      await onvif.continuousMove(target, { pan: 0.5, tilt: 0, zoom: 0 }, 1000);
      assert.equal(head.isMoving(), true);
      const state = await onvif.state(target);
      assert.equal(state.auth, 'digest');
      assert.equal(learned.at(-1)?.auth, 'digest');
      const last = sent.at(-1)!;
      assert.match(last.authorization ?? '', new RegExp(`^Digest .*algorithm=${digestAlgorithm}`));
      assert.ok(!last.body.includes('UsernameToken'), 'no token beside the Digest header');
      // The nonce is reused (nc counts up): one 401 per session, not per request.
      const before = sent.length;
      await onvif.stop(target);
      assert.equal(sent.length, before + 1);
    });
  }

  it('refuses wrong credentials in Digest mode without looping', async () => {
    setModes({ auth: 'digest' });
    await rejectsWith(client().status({ ...target, credentials: { username: 'admin', password: 'wrong' } }), 'unauthorized', /HTTP 401/);
    assert.ok(sent.length < 12, `${sent.length} requests`);
  });

  it('keeps to WS-Security when an administrator says so, even when the camera asks for Digest', async () => {
    setModes({ auth: 'digest' });
    override = { auth: 'ws-security' };
    await rejectsWith(client().status(target), 'unauthorized', /HTTP 401/);
    assert.ok(sent.every((request) => request.authorization === undefined));
  });

  it('moves a head that refuses Timeout without it, learns it, and stops the head itself', async () => {
    setModes({ noTimeout: true });
    const onvif = client();
    await onvif.continuousMove(target, { pan: 0.5, tilt: 0, zoom: 0 }, 300);
    assert.equal(head.isMoving(), true);
    assert.equal(learned.at(-1)?.moveTimeout, 'omit');
    sent = [];
    await onvif.continuousMove(target, { pan: 0.5, tilt: 0, zoom: 0 }, 300);
    assert.ok(!sent[0]!.body.includes('Timeout'), 'learnt: sent without Timeout at once');
    await wait(700);
    assert.equal(head.isMoving(), false, 'Vigie sent Stop at the wanted time');
    assert.equal(actions().at(-1), 'Stop');
  });

  it('sends no Zoom to a pan/tilt-only head, learnt from its PTZ node', async () => {
    setModes({ noZoom: true });
    const onvif = client();
    await onvif.continuousMove(target, { pan: 0.5, tilt: 0.1, zoom: 0.4 }, 1000);
    assert.equal(head.isMoving(), true);
    assert.equal(learned.at(-1)?.zoom, false);
    await onvif.stop(target);
    assert.ok(sent.filter((request) => /ContinuousMove|<tptz:Stop>/.test(request.body)).every((request) => !request.body.includes('Zoom')));
    await rejectsWith(onvif.continuousMove(target, { pan: 0, tilt: 0, zoom: 0.5 }, 1000), 'unsupported', /no zoom/);
  });

  it('sends at least the head’s minimum timeout and stops it at the wanted time', async () => {
    setModes({ minTimeoutMs: 2000 });
    const onvif = client();
    await onvif.continuousMove(target, { pan: 0.5, tilt: 0, zoom: 0 }, 400);
    assert.equal(learned.at(-1)?.minMoveTimeoutMs, 2000);
    assert.match(sent.find((request) => request.body.includes('ContinuousMove'))!.body, /<tptz:Timeout>PT2S<\/tptz:Timeout>/);
    assert.equal(head.isMoving(), true);
    await wait(800);
    assert.equal(head.isMoving(), false);
  });

  it('refuses a preset beyond the head’s limit before sending it', async () => {
    setModes({ maxPresets: 2 });
    const onvif = client();
    await onvif.setPreset(target, 'A');
    await onvif.setPreset(target, 'B');
    await rejectsWith(onvif.setPreset(target, 'C'), 'refused', /maximum of 2 presets/);
    assert.equal(head.listPresets().length, 2);
  });

  it('follows an administrator’s override of a learnt quirk', async () => {
    override = { moveTimeout: 'omit' };
    const onvif = client();
    await onvif.continuousMove(target, { pan: 0.5, tilt: 0, zoom: 0 }, 300);
    assert.ok(sent.filter((request) => request.body.includes('ContinuousMove')).every((request) => !request.body.includes('Timeout')));
    assert.equal((await onvif.state(target)).effective.moveTimeout, 'omit');
    await onvif.stop(target);
  });

  it('reads the device facts: identity, MAC, clock offset', async () => {
    const facts = await readDeviceFacts(client(), target);
    assert.equal(facts.manufacturer, 'Sim');
    assert.equal(facts.model, 'Dome');
    assert.equal(facts.firmwareVersion, '1');
    assert.equal(facts.serialNumber, 'S1');
    assert.deepEqual(facts.macAddresses, ['00:11:22:33:44:55']);
    assert.ok(Math.abs((facts.clockOffsetMs ?? 0) - 30 * 60_000) < 2000, String(facts.clockOffsetMs));
    assert.equal(facts.auth, 'ws-security');
  });
});
