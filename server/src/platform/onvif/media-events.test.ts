// Media profiles, events and WS-Discovery messages, pure: what the simulator answers is read back
// as cameras mean it (ver10 profiles, PullMessages notifications, ProbeMatches), and answers in
// the shapes of other firmware (media2 profiles, cell-motion and tamper-detector topics, Axis
// reference parameters, SOAP 1.2 prefixes of every kind) are read the same way.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { probeMatches, readProbe } from '../../../../simulator/src/onvif/discovery.ts';
import { CameraEvents, pullMessagesResponse } from '../../../../simulator/src/onvif/events-service.ts';
import * as simMedia from '../../../../simulator/src/onvif/media-service.ts';
import { envelope } from '../../../../simulator/src/onvif/soap.ts';
import { probeMessage, readProbeMatches } from './discovery.ts';
import { addressingHeader, classifyNotification, eventRequests, normaliseTopic, readPullMessages, readSubscription } from './events.ts';
import { mediaRequests, onConfiguredHost, proposeStreams, readMediaProfiles, readMediaUri, type MediaProfile } from './media.ts';
import { fakeCameraView } from './onvif.fixtures.ts';
import { parseSoapResponse, type XmlNode } from './soap.ts';

function bodyOf(xml: string): XmlNode {
  const parsed = parseSoapResponse(xml);
  assert.equal(parsed.kind, 'body', JSON.stringify(parsed));
  return (parsed as { body: XmlNode }).body;
}

const profile = (token: string, width: number, height: number, extra: Partial<MediaProfile> = {}): MediaProfile => ({
  token,
  name: token,
  codec: 'H264',
  width,
  height,
  fps: 12,
  bitrateKbps: 1000,
  videoSourceToken: 'VS1',
  ...extra,
});

describe('ONVIF media profiles', () => {
  it('reads the simulator’s ver10 profiles with codec, size, frame rate and bit rate', () => {
    const view = fakeCameraView(undefined);
    view.profiles = {
      main: { width: 1280, height: 720, fps: 12, bitrateKbps: 2000, gopSeconds: 2 },
      sub: { width: 640, height: 360, fps: 6, bitrateKbps: 500, gopSeconds: 2 },
    };
    const profiles = readMediaProfiles('media', bodyOf(envelope(simMedia.profiles(view))));
    assert.deepEqual(
      profiles.map((item) => [item.token, item.codec, item.width, item.height, item.fps, item.bitrateKbps, item.videoSourceToken]),
      [
        ['main', 'H264', 1280, 720, 12, 2000, 'VideoSource_1'],
        ['sub', 'H264', 640, 360, 6, 500, 'VideoSource_1'],
      ],
    );
    assert.equal(readMediaUri(bodyOf(envelope(simMedia.streamUri(view, 'sub')))), 'rtsp://10.1.2.3/main');
  });

  it('reads media2 profiles and a bare Uri answer (Profile T)', () => {
    const xml =
      '<?xml version="1.0"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:tr2="http://www.onvif.org/ver20/media/wsdl" xmlns:tt="http://www.onvif.org/ver10/schema"><env:Body>' +
      '<tr2:GetProfilesResponse><tr2:Profiles token="Profile_1" fixed="true"><tr2:Name>mainStream</tr2:Name><tr2:Configurations>' +
      '<tr2:VideoSource token="VSC"><tt:SourceToken>VideoSource_1</tt:SourceToken></tr2:VideoSource>' +
      '<tr2:VideoEncoder token="VE1" GovLength="50" Profile="Main"><tt:Name>VE1</tt:Name><tt:Encoding>H265</tt:Encoding><tt:Resolution><tt:Width>2560</tt:Width><tt:Height>1440</tt:Height></tt:Resolution>' +
      '<tt:RateControl ConstantBitRate="false"><tt:FrameRateLimit>25</tt:FrameRateLimit><tt:BitrateLimit>4096</tt:BitrateLimit></tt:RateControl></tr2:VideoEncoder>' +
      '</tr2:Configurations></tr2:Profiles><tr2:Profiles token="Profile_3"><tr2:Name>metadata</tr2:Name><tr2:Configurations/></tr2:Profiles></tr2:GetProfilesResponse></env:Body></env:Envelope>';
    const profiles = readMediaProfiles('media2', bodyOf(xml));
    assert.deepEqual(profiles, [
      { token: 'Profile_1', name: 'mainStream', codec: 'H265', width: 2560, height: 1440, fps: 25, bitrateKbps: 4096, videoSourceToken: 'VideoSource_1' },
    ]);
    const uri = bodyOf(
      '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:tr2="http://www.onvif.org/ver20/media/wsdl"><s:Body><tr2:GetStreamUriResponse><tr2:Uri>rtsp://192.0.2.1:554/Streaming/101</tr2:Uri></tr2:GetStreamUriResponse></s:Body></s:Envelope>',
    );
    assert.equal(readMediaUri(uri), 'rtsp://192.0.2.1:554/Streaming/101');
    assert.match(mediaRequests.getStreamUri('media2', 'a<b'), /<tr2:ProfileToken>a&lt;b<\/tr2:ProfileToken>/);
  });

  it('proposes the largest profile as main and the smallest of the same source as sub', () => {
    const proposal = proposeStreams([
      profile('sub', 640, 360),
      profile('main', 1920, 1080),
      profile('third', 1280, 720),
      profile('other-source', 3840, 2160, { videoSourceToken: 'VS2' }),
      profile('jpeg', 3840, 2160, { codec: 'JPEG' }),
    ]);
    assert.equal(proposal.main?.token, 'main');
    assert.equal(proposal.sub?.token, 'sub');
    assert.deepEqual(proposeStreams([profile('only', 1280, 720)]), { main: profile('only', 1280, 720), sub: null });
    assert.deepEqual(proposeStreams([]), { main: null, sub: null });
  });

  it('moves a reported address onto the configured host, keeping scheme, port and path', () => {
    assert.deepEqual(onConfiguredHost('rtsp://192.168.1.64:554/Streaming/Channels/101?transportmode=unicast', 'http://203.0.113.7:8080/onvif/device_service'), {
      url: 'rtsp://203.0.113.7:554/Streaming/Channels/101?transportmode=unicast',
      rewritten: true,
    });
    assert.deepEqual(onConfiguredHost('rtsp://127.0.0.1:8554/cam/a/main', 'http://127.0.0.1:80/onvif/device_service'), {
      url: 'rtsp://127.0.0.1:8554/cam/a/main',
      rewritten: false,
    });
  });
});

describe('ONVIF events (PullPoint)', () => {
  it('reads what the simulator queues: motion, tamper, input and video loss, with Initialized states first', () => {
    let now = Date.parse('2026-12-03T10:00:00Z');
    const events = new CameraEvents(() => now);
    events.publish({ kind: 'tamper', tamper: 'too_dark', active: true });
    const subscription = events.create(60_000)!;
    now += 1000;
    events.publish({ kind: 'motion', active: true });
    events.publish({ kind: 'input', input: 'DI_2', active: true });
    events.publish({ kind: 'video_loss', active: true });
    events.publish({ kind: 'tamper', tamper: 'scene_change', active: false });
    const queued = subscription.queue.splice(0);
    const result = readPullMessages(bodyOf(envelope(pullMessagesResponse(queued, now, subscription.terminationMs))));
    assert.equal(result.received, 5);
    assert.deepEqual(
      result.events.map((event) => [event.kind, event.tamper, event.active, event.initial, event.source]),
      [
        ['tamper', 'too_dark', true, true, 'VideoSource_1'],
        ['motion', null, true, false, 'VideoSource_1'],
        ['input', null, true, false, 'DI_2'],
        ['video_loss', null, true, false, 'VideoSource_1'],
        ['tamper', 'scene_change', false, false, 'VideoSource_1'],
      ],
    );
    assert.equal(result.events[1]!.utcTime, '2026-12-03T10:00:01.000Z');
  });

  it('classifies the topics of other firmware, and ignores topics Vigie does not keep', () => {
    const notification = (topic: string, item: string, value: string) => ({
      Topic: { '#text': topic, '@Dialect': 'http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet' },
      Message: { Message: { '@UtcTime': '2026-12-03T10:00:00Z', '@PropertyOperation': 'Changed', Data: { SimpleItem: { '@Name': item, '@Value': value } } } },
    });
    assert.equal(classifyNotification(notification('tns1:RuleEngine/CellMotionDetector/Motion', 'IsMotion', 'true'))?.kind, 'motion');
    assert.deepEqual(
      [classifyNotification(notification('tns1:RuleEngine/TamperDetector/Tamper', 'IsTamper', 'false'))].map((event) => [event?.tamper, event?.active]),
      [['tamper', false]],
    );
    assert.equal(classifyNotification(notification('tnsaxis:VideoSource/ImageTooBlurry/AnalyticsService', 'State', '1'))?.tamper, 'too_blurry');
    assert.equal(classifyNotification(notification('tns1:Device/HardwareFailure/FanFailure', 'Failed', 'true')), null);
    assert.equal(normaliseTopic(' tns1:VideoSource/tnsvendor:MotionAlarm '), 'VideoSource/MotionAlarm');
  });

  it('keeps the subscription address and echoes its reference parameters with WS-Addressing', () => {
    const body = bodyOf(
      '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa5="http://www.w3.org/2005/08/addressing" xmlns:tev="http://www.onvif.org/ver10/events/wsdl" xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2" xmlns:dom0="http://www.axis.com/2009/event"><SOAP-ENV:Body>' +
        '<tev:CreatePullPointSubscriptionResponse><tev:SubscriptionReference><wsa5:Address>http://192.0.2.9/onvif/services</wsa5:Address>' +
        '<wsa5:ReferenceParameters><dom0:SubscriptionId>42</dom0:SubscriptionId></wsa5:ReferenceParameters></tev:SubscriptionReference>' +
        '<wsnt:CurrentTime>2026-12-03T10:00:00Z</wsnt:CurrentTime><wsnt:TerminationTime>2026-12-03T10:01:00Z</wsnt:TerminationTime></tev:CreatePullPointSubscriptionResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>',
    );
    const reference = readSubscription(body);
    assert.deepEqual(reference, {
      address: 'http://192.0.2.9/onvif/services',
      referenceParameters: '<SubscriptionId xmlns="http://www.axis.com/2009/event" wsa:IsReferenceParameter="true">42</SubscriptionId>',
      terminationTime: '2026-12-03T10:01:00Z',
    });
    const header = addressingHeader(eventRequests.pullMessages(1000, 10), reference!.address, reference!.referenceParameters);
    assert.match(
      header,
      /^<wsa:Action>http:\/\/www\.onvif\.org\/ver10\/events\/wsdl\/PullPointSubscription\/PullMessagesRequest<\/wsa:Action><wsa:To>http:\/\/192\.0\.2\.9\/onvif\/services<\/wsa:To><SubscriptionId /,
    );
    assert.equal(
      eventRequests.pullMessages(1500, 0),
      '<tev:PullMessages><tev:Timeout>PT1.5S</tev:Timeout><tev:MessageLimit>1</tev:MessageLimit></tev:PullMessages>',
    );
    assert.equal(readSubscription({}), null);
  });
});

describe('WS-Discovery messages', () => {
  const camera = {
    endpoint: 'urn:uuid:1',
    xaddr: 'http://127.0.0.1:8080/onvif/device_service',
    name: 'Place du Marché',
    hardware: 'VS-F2130',
    location: 'Nord',
    ptz: false,
  };

  it('the simulator answers our Probe, and its ProbeMatches read back with the scopes decoded', () => {
    assert.deepEqual(readProbe(probeMessage('abc')), { messageId: 'urn:uuid:abc' });
    const [device] = readProbeMatches(probeMatches('urn:uuid:abc', [camera]), 'abc', '127.0.0.1');
    assert.deepEqual(
      { ...device, scopes: device!.scopes.length },
      {
        endpoint: 'urn:uuid:1',
        xaddrs: ['http://127.0.0.1:8080/onvif/device_service'],
        types: ['dn:NetworkVideoTransmitter', 'tds:Device'],
        scopes: 6,
        name: 'Place du Marché',
        hardware: 'VS-F2130',
        location: 'Nord',
        profiles: ['Streaming'],
        from: '127.0.0.1',
      },
    );
  });

  it('drops answers to another probe, unreadable datagrams and non-HTTP addresses; ignores probes for other types', () => {
    assert.deepEqual(readProbeMatches(probeMatches('urn:uuid:other', [camera]), 'abc', '127.0.0.1'), []);
    assert.deepEqual(readProbeMatches('<not xml', 'abc', '127.0.0.1'), []);
    const ftp = probeMatches('urn:uuid:abc', [{ ...camera, xaddr: 'ftp://127.0.0.1/x' }]);
    assert.deepEqual(readProbeMatches(ftp, 'abc', '127.0.0.1')[0]?.xaddrs, []);
    assert.equal(readProbe(probeMessage('abc').replace('dn:NetworkVideoTransmitter', 'wsdp:Printer')), undefined);
  });
});
