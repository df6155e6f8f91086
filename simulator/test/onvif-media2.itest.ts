// The simulated camera's media2 service (ONVIF Profile T, ver20/media/wsdl) over HTTP on
// loopback, as the camera's `media` mode selects it: listed in GetServices with its namespace,
// GetProfiles in the ver20 shape (configurations only of the types asked), GetStreamUri by
// protocol (RTSP served; RtspOverHttp and multicast refused), GetSnapshotUri; a media2-only camera
// refuses the ver10 media operations and leaves media out of GetCapabilities; a camera without
// media2 has no such path. Vigie's own reading of it is in modules/onvif-setup/onvif-media2.itest.ts.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { DigestAuthenticator } from '../src/digest.ts';
import { CameraEvents } from '../src/onvif/events-service.ts';
import { onvifModes, type OnvifModes } from '../src/onvif/modes.ts';
import { OnvifServer } from '../src/onvif/server.ts';
import type { OnvifCameraView } from '../src/onvif/view.ts';

type Node = Record<string, unknown>;
const parser = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, attributeNamePrefix: '@', parseTagValue: false });
const credentials = { username: 'admin', password: 'secret-t' };

function view(port: () => number, modes: OnvifModes): OnvifCameraView {
  return {
    id: 'cam-t',
    name: 'Profil T',
    host: '127.0.0.1',
    manufacturer: 'Vigie-Sim',
    model: 'VS-T2000',
    serialNumber: 'SN-T',
    firmwareVersion: '3.0.0',
    macAddress: '02:00:00:00:00:54',
    codec: 'h265',
    credentials,
    hasPtz: false,
    ptz: undefined,
    profiles: {
      main: { width: 1920, height: 1080, fps: 25, bitrateKbps: 4000, gopSeconds: 2 },
      sub: { width: 640, height: 360, fps: 12, bitrateKbps: 500, gopSeconds: 2 },
    },
    modes,
    events: new CameraEvents(Date.now),
    cameraTimeMs: Date.now,
    serviceUrl: (service) => `http://127.0.0.1:${port()}/onvif/${service}_service`,
    streamUrl: (name) => `rtsp://127.0.0.1:9/cam/cam-t/${name}`,
    snapshotUrl: (name) => `http://127.0.0.1:${port()}/onvif/snapshot/${name}.jpg`,
    snapshot: async () => Buffer.alloc(0),
  };
}

/** One SOAP request with a plain-text UsernameToken (the simulator accepts it, as the token profile allows). */
async function soap(port: number, path: string, body: string): Promise<{ status: number; body: Node }> {
  const security =
    '<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><wsse:UsernameToken>' +
    `<wsse:Username>${credentials.username}</wsse:Username><wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">${credentials.password}</wsse:Password>` +
    '</wsse:UsernameToken></wsse:Security>';
  const envelope =
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:trt="http://www.onvif.org/ver10/media/wsdl" xmlns:tr2="http://www.onvif.org/ver20/media/wsdl">' +
    `<s:Header>${security}</s:Header><s:Body>${body}</s:Body></s:Envelope>`;
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/soap+xml; charset=utf-8' },
    body: envelope,
    signal: AbortSignal.timeout(5000),
  });
  const text = await response.text();
  const document = text ? (parser.parse(text) as Node) : {};
  return { status: response.status, body: ((document.Envelope as Node | undefined)?.Body as Node | undefined) ?? {} };
}

const subcodeOf = (body: Node) => JSON.stringify((body.Fault as Node | undefined)?.Code ?? null);
const asList = (value: unknown): Node[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]) as Node[];

describe('simulated camera: the media2 service (Profile T)', () => {
  const servers: OnvifServer[] = [];
  after(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });
  async function start(media: OnvifModes['media']): Promise<number> {
    let port = 0;
    const server = new OnvifServer(
      view(() => port, onvifModes({ media })),
      new DigestAuthenticator('Vigie-Sim T'),
      '127.0.0.1',
      0,
    );
    port = await server.listen();
    servers.push(server);
    return port;
  }

  test('media2 only: GetServices lists ver20 media, GetCapabilities no media, the ver10 operations are refused', async () => {
    const port = await start('media2');
    const services = await soap(port, '/onvif/device_service', '<tds:GetServices><tds:IncludeCapability>false</tds:IncludeCapability></tds:GetServices>');
    const listed = asList((services.body.GetServicesResponse as Node).Service).map((service) => [service.Namespace, service.XAddr]);
    assert.ok(
      listed.some(([namespace, url]) => namespace === 'http://www.onvif.org/ver20/media/wsdl' && url === `http://127.0.0.1:${port}/onvif/media2_service`),
    );
    assert.ok(!listed.some(([namespace]) => namespace === 'http://www.onvif.org/ver10/media/wsdl'));
    const capabilities = await soap(port, '/onvif/device_service', '<tds:GetCapabilities><tds:Category>All</tds:Category></tds:GetCapabilities>');
    assert.equal(((capabilities.body.GetCapabilitiesResponse as Node).Capabilities as Node).Media, undefined);
    const ver10 = await soap(port, '/onvif/media_service', '<trt:GetProfiles/>');
    assert.equal(ver10.status, 400);
    assert.match(subcodeOf(ver10.body), /ter:ActionNotSupported/);
  });

  test('GetProfiles in the ver20 shape: configurations of the types asked, one profile by its token', async () => {
    const port = await start('media2');
    const all = await soap(port, '/onvif/media2_service', '<tr2:GetProfiles><tr2:Type>All</tr2:Type></tr2:GetProfiles>');
    const profiles = asList((all.body.GetProfilesResponse as Node).Profiles);
    assert.deepEqual(
      profiles.map((profile) => profile['@token']),
      ['main', 'sub'],
    );
    const encoder = (profiles[0]!.Configurations as Node).VideoEncoder as Node;
    assert.deepEqual(
      [
        encoder.Encoding,
        (encoder.Resolution as Node).Width,
        (encoder.RateControl as Node).FrameRateLimit,
        (encoder.RateControl as Node).BitrateLimit,
        encoder['@GovLength'],
      ],
      ['H265', '1920', '25', '4000', '50'],
    );
    assert.equal(((profiles[0]!.Configurations as Node).VideoSource as Node).SourceToken, 'VideoSource_1');
    const bare = await soap(port, '/onvif/media2_service', '<tr2:GetProfiles/>');
    assert.equal(asList((bare.body.GetProfilesResponse as Node).Profiles)[0]!.Configurations, undefined, 'no type asked: name and token only');
    const one = await soap(port, '/onvif/media2_service', '<tr2:GetProfiles><tr2:Token>sub</tr2:Token><tr2:Type>VideoEncoder</tr2:Type></tr2:GetProfiles>');
    const only = asList((one.body.GetProfilesResponse as Node).Profiles);
    assert.deepEqual([only.length, only[0]!['@token'], Object.keys(only[0]!.Configurations as Node)], [1, 'sub', ['VideoEncoder']]);
    const unknown = await soap(port, '/onvif/media2_service', '<tr2:GetProfiles><tr2:Token>nope</tr2:Token></tr2:GetProfiles>');
    assert.match(subcodeOf(unknown.body), /ter:NoProfile/);
  });

  test('GetStreamUri by protocol and GetSnapshotUri, as bare tr2:Uri', async () => {
    const port = await start('both');
    const stream = (protocol: string) =>
      soap(port, '/onvif/media2_service', `<tr2:GetStreamUri>${protocol}<tr2:ProfileToken>main</tr2:ProfileToken></tr2:GetStreamUri>`);
    const rtsp = await stream('<tr2:Protocol>RTSP</tr2:Protocol>');
    assert.equal((rtsp.body.GetStreamUriResponse as Node).Uri, 'rtsp://127.0.0.1:9/cam/cam-t/main');
    for (const refused of ['<tr2:Protocol>RtspOverHttp</tr2:Protocol>', '<tr2:Protocol>RtspMulticast</tr2:Protocol>', '']) {
      const answer = await stream(refused);
      assert.equal(answer.status, 400, refused);
      assert.match(subcodeOf(answer.body), /ter:InvalidStreamSetup/);
    }
    const snapshot = await soap(port, '/onvif/media2_service', '<tr2:GetSnapshotUri><tr2:ProfileToken>sub</tr2:ProfileToken></tr2:GetSnapshotUri>');
    assert.equal((snapshot.body.GetSnapshotUriResponse as Node).Uri, `http://127.0.0.1:${port}/onvif/snapshot/sub.jpg`);
    const ver10 = await soap(port, '/onvif/media_service', '<trt:GetProfiles/>');
    assert.equal(asList((ver10.body.GetProfilesResponse as Node).Profiles).length, 2, 'both: ver10 still answers');
  });

  test('media1 only (the default): no media2 path', async () => {
    const port = await start('media1');
    const answer = await soap(port, '/onvif/media2_service', '<tr2:GetProfiles><tr2:Type>All</tr2:Type></tr2:GetProfiles>');
    assert.equal(answer.status, 404);
  });
});
