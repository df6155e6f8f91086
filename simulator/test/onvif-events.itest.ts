// The `onvif` client library (a third-party ONVIF client, as a VMS would use it) follows the
// simulated camera's events: a PullPoint subscription, the motion, tamper, input and video-loss
// messages raised through the simulator, Renew and Unsubscribe; a reboot drops the subscription.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import onvif from 'onvif';
import type { Simulator, SimCameraInfo } from '../src/index.ts';
import { startSmallSimulator } from './helpers.ts';

type CamInstance = Record<string, unknown>;
type Notification = {
  topic: { _: string };
  message: { message: { $: { PropertyOperation: string }; data: { simpleItem: { $: { Name: string; Value: unknown } } } } };
};

function connectCam(camera: SimCameraInfo): Promise<CamInstance> {
  return new Promise((resolve, reject) => {
    const cam = new onvif.Cam(
      { hostname: camera.host, port: camera.onvifPort, username: camera.credentials.username, password: camera.credentials.password, timeout: 5000 },
      (error: Error | null) => (error ? reject(error) : resolve(cam as unknown as CamInstance)),
    );
  });
}

function call<T>(cam: CamInstance, method: string, ...args: unknown[]): Promise<T> {
  return new Promise((resolve, reject) => {
    (cam[method] as (...rest: unknown[]) => void).call(cam, ...args, (error: Error | null, data?: unknown) => (error ? reject(error) : resolve(data as T)));
  });
}

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

describe('ONVIF events of a simulated camera, read by the onvif library', () => {
  let sim: Simulator;
  let camera: SimCameraInfo;
  before(async () => {
    sim = await startSmallSimulator({ count: 1 });
    camera = sim.cameras[0]!;
  });
  after(async () => sim?.stop());

  test('subscribes, pulls what the simulator raises, renews and unsubscribes; a reboot drops the subscription', async () => {
    const cam = await connectCam(camera);
    const subscription = await call<{ subscriptionReference: { address: { href: string } } }>(cam, 'createPullPointSubscription');
    assert.match(subscription.subscriptionReference.address.href, /\/onvif\/subscription\/\d+$/);
    await sim.sendEvent(camera.id, { kind: 'motion', active: true });
    await sim.sendEvent(camera.id, { kind: 'tamper', tamper: 'scene_change', active: true });
    await sim.sendEvent(camera.id, { kind: 'input', input: '1', active: true });
    await sim.sendEvent(camera.id, { kind: 'video_loss', active: true });
    const pulled = await call<{ notificationMessage?: Notification | Notification[] }>(cam, 'pullMessages', { messageLimit: 10 });
    const messages = list(pulled.notificationMessage);
    assert.deepEqual(
      messages.map((message) => [message.topic._, message.message.message.data.simpleItem.$.Name, String(message.message.message.data.simpleItem.$.Value)]),
      [
        ['tns1:VideoSource/MotionAlarm', 'State', 'true'],
        ['tns1:VideoSource/GlobalSceneChange/ImagingService', 'State', 'true'],
        ['tns1:Device/Trigger/DigitalInput', 'LogicalState', 'true'],
        ['tns1:VideoSource/SignalLoss', 'State', 'true'],
      ],
    );
    await call(cam, 'renew', {});
    await call(cam, 'unsubscribe');

    const again = await connectCam(camera);
    await call(again, 'createPullPointSubscription');
    await sim.sendEvent(camera.id, { kind: 'reboot', downSeconds: 0 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await sim.sendEvent(camera.id, { kind: 'motion', active: true });
    await assert.rejects(call(again, 'pullMessages', { messageLimit: 10 }), /subscription|ResourceUnknown/i);
  });
});
