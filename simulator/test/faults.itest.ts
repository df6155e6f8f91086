// Each fault a simulated camera can be told to show is observable from a client.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { Simulator, SimCameraInfo } from '../src/index.ts';
import { RtspClient } from '../src/rtsp-client.ts';
import { decode, pictureStats, probe, sleep, startSmallSimulator, withCredentials } from './helpers.ts';

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function pull(camera: SimCameraInfo, profile: 'main' | 'sub', ms: number): Promise<RtspClient> {
  const client = new RtspClient(camera.rtspUrls[profile], camera.credentials);
  await client.connect();
  await client.play();
  await sleep(ms);
  client.close();
  return client;
}

describe('faults of simulated cameras', () => {
  let sim: Simulator;
  let network: SimCameraInfo;
  let picture: SimCameraInfo;
  let stream: SimCameraInfo;
  before(async () => {
    sim = await startSmallSimulator({ count: 3 });
    [network, picture, stream] = sim.cameras as [SimCameraInfo, SimCameraInfo, SimCameraInfo];
  });
  after(async () => {
    await sim?.stop();
  });

  test('offline refuses RTSP and ONVIF connections until cleared', async () => {
    await sim.setFault(network.id, { kind: 'offline' });
    assert.equal(await canConnect(network.host, network.rtspPort), false);
    assert.equal(await canConnect(network.host, network.onvifPort), false);
    assert.equal(sim.camera(network.id).online, false);
    await sim.clearFault(network.id, 'offline');
    assert.equal(await canConnect(network.host, network.rtspPort), true);
    const { stream: probed } = await probe(withCredentials(network.rtspUrls.sub, network));
    assert.equal(probed?.width, 160);
  });

  test('flapping alternates refused and accepted connections', async () => {
    await sim.setFault(network.id, { kind: 'flapping', periodSeconds: 0.6 });
    const seen = new Set<boolean>();
    for (let attempt = 0; attempt < 12 && seen.size < 2; attempt += 1) {
      seen.add(await canConnect(network.host, network.rtspPort));
      await sleep(100);
    }
    await sim.clearFault(network.id);
    assert.deepEqual([...seen].sort(), [false, true]);
    assert.equal(await canConnect(network.host, network.rtspPort), true);
  });

  test('a fault scheduled through the control API starts and ends on time', async () => {
    const response = await fetch(`${sim.controlUrl}/cameras/${network.id}/schedule`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify([{ atSeconds: 0.5, durationSeconds: 1.5, fault: { kind: 'offline' } }]),
    });
    assert.equal(response.status, 202);
    assert.equal(await canConnect(network.host, network.rtspPort), true);
    await sleep(1200);
    assert.equal(await canConnect(network.host, network.rtspPort), false);
    await sleep(1600);
    assert.equal(await canConnect(network.host, network.rtspPort), true);
  });

  test('the control API lists the cameras and rejects an unknown fault', async () => {
    const listed = (await (await fetch(`${sim.controlUrl}/cameras`)).json()) as Array<{ id: string; online: boolean }>;
    assert.deepEqual(
      listed.map((camera) => camera.id),
      sim.cameras.map((camera) => camera.id),
    );
    assert.equal((await fetch(`${sim.controlUrl}/cameras/nope`)).status, 404);
    const response = await fetch(`${sim.controlUrl}/cameras/${network.id}/faults`, { method: 'POST', body: JSON.stringify({ kind: 'melted' }) });
    assert.equal(response.status, 400);
  });

  test('stream stop: the session stays open but no packet arrives', async () => {
    const client = new RtspClient(stream.rtspUrls.sub, stream.credentials);
    await client.connect();
    await client.play();
    await sleep(500);
    assert.ok(client.stats.rtpPackets > 0);
    await sim.setFault(stream.id, { kind: 'stream_stop' });
    await sleep(200);
    const packetsAtStop = client.stats.rtpPackets;
    await sleep(1000);
    assert.equal(client.stats.rtpPackets, packetsAtStop);
    assert.equal(client.closed, false);
    await sim.clearFault(stream.id, 'stream_stop');
    await sleep(1500);
    assert.ok(client.stats.rtpPackets > packetsAtStop);
    client.close();
  });

  test('slow network caps the bitrate a client receives', async () => {
    const normal = await pull(stream, 'main', 2000);
    await sim.setFault(stream.id, { kind: 'slow_network', kbps: 40 });
    const slow = await pull(stream, 'main', 2000);
    await sim.clearFault(stream.id, 'slow_network');
    assert.ok(slow.stats.bytes < normal.stats.bytes / 2, `${slow.stats.bytes} vs ${normal.stats.bytes} bytes`);
  });

  test('clock skew shifts the ONVIF system time', async () => {
    await sim.setFault(stream.id, { kind: 'clock_skew', seconds: -3600 });
    const body =
      '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><GetSystemDateAndTime xmlns="http://www.onvif.org/ver10/device/wsdl"/></s:Body></s:Envelope>';
    const xml = await (await fetch(stream.onvifUrl, { method: 'POST', body, headers: { 'Content-Type': 'application/soap+xml' } })).text();
    await sim.clearFault(stream.id, 'clock_skew');
    const field = (name: string) => Number(new RegExp(`<tt:${name}>(\\d+)</tt:${name}>`).exec(xml)?.[1]);
    const cameraTime = Date.UTC(field('Year'), field('Month') - 1, field('Day'), field('Hour'), field('Minute'), field('Second'));
    assert.ok(Math.abs(cameraTime - (Date.now() - 3_600_000)) < 5000, xml);
  });

  test('black, covered and turned-away pictures differ from the normal one as a detector would see', async () => {
    const url = withCredentials(picture.rtspUrls.main, picture);
    const normal = await pictureStats(url);
    await sim.setFault(picture.id, { kind: 'black' });
    const black = await pictureStats(url);
    await sim.setFault(picture.id, { kind: 'covered' });
    const covered = await pictureStats(url);
    await sim.setFault(picture.id, { kind: 'turned_away' });
    const turned = await pictureStats(url);
    await sim.clearFault(picture.id);
    assert.ok(normal.frames >= 12 && black.frames >= 12, JSON.stringify({ normal, black }));
    assert.ok(black.luma < 20, `black luma ${black.luma}`);
    assert.ok(covered.luma < normal.luma * 0.7, `covered ${covered.luma} vs ${normal.luma}`);
    const colourShift = Math.abs(turned.luma - normal.luma) + Math.abs(turned.chromaU - normal.chromaU) + Math.abs(turned.chromaV - normal.chromaV);
    assert.ok(colourShift > 8, JSON.stringify({ normal, turned }));
  });

  test('a frozen picture is detected by ffmpeg freezedetect', async () => {
    await sim.setFault(picture.id, { kind: 'frozen' });
    const { stderr } = await decode(withCredentials(picture.rtspUrls.main, picture), 2.5, 'freezedetect=n=0.001:d=1');
    await sim.clearFault(picture.id);
    assert.match(stderr, /freeze_start/);
  });

  test('frame rate and resolution dropped below the legal floors', async () => {
    await sim.setFault(picture.id, { kind: 'low_fps', fps: 4 });
    const slow = await pull(picture, 'sub', 2600);
    const seconds = ((slow.stats.lastTimestamp! - slow.stats.firstTimestamp!) >>> 0) / 90000;
    const fps = (slow.stats.pictures - 1) / seconds;
    assert.ok(fps > 3 && fps < 5, `${fps} fps`);
    await sim.setFault(picture.id, { kind: 'low_resolution', width: 176, height: 144 });
    const { stream: probed } = await probe(withCredentials(picture.rtspUrls.main, picture));
    await sim.clearFault(picture.id);
    assert.equal(probed?.width, 176);
    assert.equal(probed?.height, 144);
  });
});
