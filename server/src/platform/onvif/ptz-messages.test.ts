// PTZ request builders and answer readers, each checked against the simulator's independent
// implementation of the camera side (its request parser and its response bodies).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as device from '../../../../simulator/src/onvif/device-service.ts';
import * as media from '../../../../simulator/src/onvif/media-service.ts';
import * as ptzService from '../../../../simulator/src/onvif/ptz-service.ts';
import { envelope, parseDurationMs, parseSoapRequest, readVector, text } from '../../../../simulator/src/onvif/soap.ts';
import { PtzHead } from '../../../../simulator/src/ptz.ts';
import { deviceRequests, readCapabilities, readServices, readSystemDateAndTime, soapAction } from './device-messages.ts';
import {
  ptzProfile,
  readPresetPositions,
  readPresets,
  readProfiles,
  readPtzConfigurationOptions,
  readPtzNode,
  readSetPreset,
  readStatus,
  requests,
} from './ptz-messages.ts';
import { fakeCameraView } from './onvif.fixtures.ts';
import { buildEnvelope, parseSoapResponse, type XmlNode } from './soap.ts';

/** What the camera would receive: action and body, read by the simulator's parser. */
function received(bodyXml: string) {
  const parsed = parseSoapRequest(buildEnvelope(bodyXml));
  assert.ok(parsed, 'the simulator reads the request');
  return parsed;
}

function answer(bodyXml: string): XmlNode {
  const parsed = parseSoapResponse(envelope(bodyXml));
  assert.equal(parsed.kind, 'body');
  return parsed.kind === 'body' ? parsed.body : {};
}

describe('PTZ requests', () => {
  it('ContinuousMove carries the velocity, clamped, and the timeout', () => {
    const request = received(requests.continuousMove('main', { pan: 0.25, tilt: -2, zoom: 0.1 }, { panTilt: true, zoom: true, timeoutMs: 1000 }));
    assert.equal(request.action, 'ContinuousMove');
    assert.equal(text(request.body.ProfileToken), 'main');
    assert.deepEqual(readVector(request.body.Velocity), { pan: 0.25, tilt: -1, zoom: 0.1 });
    assert.equal(parseDurationMs(text(request.body.Timeout)), 1000);
  });

  it('ContinuousMove leaves out what the head does not take: Zoom, Timeout', () => {
    const request = received(requests.continuousMove('main', { pan: 0.5, tilt: 0, zoom: 0.3 }, { panTilt: true, zoom: false, timeoutMs: null }));
    assert.deepEqual(readVector(request.body.Velocity), { pan: 0.5, tilt: 0 });
    assert.equal(request.body.Timeout, undefined);
    assert.equal(received(requests.stop('main', false)).body.Zoom, undefined);
  });

  it('Stop, GotoPreset, SetPreset and the reads name their profile and escape text', () => {
    assert.equal(received(requests.stop('main')).action, 'Stop');
    const goto = received(requests.gotoPreset('main', 'preset-2'));
    assert.equal(goto.action, 'GotoPreset');
    assert.equal(text(goto.body.PresetToken), 'preset-2');
    const save = received(requests.setPreset('main', 'Parvis & fontaine'));
    assert.equal(text(save.body.PresetName), 'Parvis & fontaine');
    for (const body of [requests.getStatus('sub'), requests.getPresets('sub')]) assert.equal(text(received(body).body.ProfileToken), 'sub');
  });

  it('names the SOAP action of each service', () => {
    assert.equal(soapAction(requests.getStatus('main')), 'http://www.onvif.org/ver20/ptz/wsdl/GetStatus');
    assert.equal(soapAction(requests.getProfiles()), 'http://www.onvif.org/ver10/media/wsdl/GetProfiles');
    assert.equal(soapAction(deviceRequests.getCapabilities()), 'http://www.onvif.org/ver10/device/wsdl/GetCapabilities');
  });
});

describe('ONVIF answers', () => {
  const head = new PtzHead(() => 0);

  it('reads the camera clock', () => {
    assert.equal(readSystemDateAndTime(answer(device.systemDateAndTime(fakeCameraView(head)))), Date.parse('2026-12-01T10:00:00Z'));
    assert.equal(readSystemDateAndTime({}), undefined);
  });

  it('finds the PTZ and media services by capabilities and by services; none on a fixed camera', () => {
    const view = fakeCameraView(head);
    const expected = {
      device: 'http://10.1.2.3:8080/onvif/device_service',
      ptz: 'http://10.1.2.3:8080/onvif/ptz_service',
      media: 'http://10.1.2.3:8080/onvif/media_service',
      events: 'http://10.1.2.3:8080/onvif/events_service',
    };
    assert.deepEqual(readCapabilities(answer(device.capabilities(view))), expected);
    assert.deepEqual(readServices(answer(device.services(view, false))), expected);
    assert.equal(readCapabilities(answer(device.capabilities(fakeCameraView(undefined)))).ptz, undefined);
    assert.equal(readServices(answer(device.services(fakeCameraView(undefined), true))).ptz, undefined);
  });

  it('picks the first profile bound to a PTZ configuration', () => {
    const profiles = readProfiles(answer(media.profiles(fakeCameraView(head))));
    assert.deepEqual(
      profiles.map((profile) => [profile.token, profile.hasPtz]),
      [
        ['main', true],
        ['sub', true],
      ],
    );
    assert.equal(ptzProfile(profiles)?.token, 'main');
    assert.equal(ptzProfile(profiles)?.ptzConfigurationToken, 'PTZConfig_1');
    assert.equal(ptzProfile(readProfiles(answer(media.profiles(fakeCameraView(undefined))))), null);
  });

  it('reads what the PTZ node and configuration options say the head supports', () => {
    assert.deepEqual(readPtzNode(answer(ptzService.nodes()), null), { panTilt: true, zoom: true, maxPresets: 64 });
    assert.deepEqual(readPtzNode(answer(ptzService.nodes({ zoom: false, maxPresets: 8 })), 'PTZNode_1'), { panTilt: true, zoom: false, maxPresets: 8 });
    assert.deepEqual(readPtzConfigurationOptions(answer(ptzService.configurationOptions({ minTimeoutMs: 2000 }))), {
      panTilt: true,
      zoom: true,
      minTimeoutMs: 2000,
      maxTimeoutMs: 60_000,
    });
    assert.deepEqual(readPtzNode({}, null), {});
  });

  it('reads the position, the motion, the presets and a saved preset token', () => {
    let now = 0;
    const moving = new PtzHead(() => now);
    moving.absoluteMove({ pan: 0.5, tilt: -0.25, zoom: 0.4 });
    now = 100;
    assert.equal(readStatus(answer(ptzService.status(moving, 0))).moving, true);
    now = 10_000;
    assert.deepEqual(readStatus(answer(ptzService.status(moving, 0))), { position: { pan: 0.5, tilt: -0.25, zoom: 0.4 }, moving: false });
    const saved = moving.setPreset('Parvis');
    moving.setPreset('Fontaine');
    assert.deepEqual(readPresets(answer(ptzService.presets(moving))), [
      { token: saved.token, name: 'Parvis' },
      { token: 'preset-2', name: 'Fontaine' },
    ]);
    assert.deepEqual(readPresets(answer(ptzService.presets(new PtzHead()))), []);
    assert.equal(readSetPreset(answer(`<tptz:SetPresetResponse><tptz:PresetToken>${saved.token}</tptz:PresetToken></tptz:SetPresetResponse>`)), saved.token);
    assert.deepEqual(readStatus({}), { position: null, moving: false });
  });

  it('reads each preset’s stored position (PTZPosition), null when the camera gives none', () => {
    let now = 0;
    const dome = new PtzHead(() => now);
    const home = dome.setPreset('Accueil');
    dome.absoluteMove({ pan: -0.3, tilt: 0.125, zoom: 0.5 });
    now = 10_000;
    const far = dome.setPreset('Parvis');
    assert.deepEqual(readPresetPositions(answer(ptzService.presets(dome))), [
      { token: home.token, name: 'Accueil', position: { pan: 0, tilt: 0, zoom: 0 } },
      { token: far.token, name: 'Parvis', position: { pan: -0.3, tilt: 0.125, zoom: 0.5 } },
    ]);
    const bare = answer(
      '<tptz:GetPresetsResponse><tptz:Preset token="p9"><tt:Name>Sans position</tt:Name></tptz:Preset>' +
        '<tptz:Preset token="p10"><tt:PTZPosition><tt:PanTilt x="0.5" y="-0.5"/></tt:PTZPosition></tptz:Preset></tptz:GetPresetsResponse>',
    );
    assert.deepEqual(readPresetPositions(bare), [
      { token: 'p9', name: 'Sans position', position: null },
      { token: 'p10', name: 'p10', position: { pan: 0.5, tilt: -0.5, zoom: 0 } },
    ]);
    assert.deepEqual(
      readPresets(bare),
      [
        { token: 'p9', name: 'Sans position' },
        { token: 'p10', name: 'p10' },
      ],
      'the plain list keeps its shape',
    );
  });
});
