// SOAP builders and readers of the ONVIF client, checked against hand-written envelopes and
// against the simulator's own (independent) request parser and token check.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { parseSoapRequest, verifyUsernameToken } from '../../../../simulator/src/onvif/soap.ts';
import {
  buildEnvelope,
  escapeXml,
  formatDuration,
  hasSubcode,
  parseDuration,
  parseSoapResponse,
  passwordDigest,
  usernameTokenHeader,
  wsseCreated,
} from './soap.ts';

const credentials = { username: 'admin', password: 'pass-cam-001' };
const nonce = Buffer.from('0123456789abcdef');

describe('ONVIF SOAP envelopes', () => {
  it('computes PasswordDigest = Base64(SHA-1(nonce + created + password))', () => {
    const created = '2026-12-01T10:00:00Z';
    const expected = createHash('sha1')
      .update(Buffer.concat([nonce, Buffer.from(`${created}pass-cam-001`)]))
      .digest('base64');
    assert.equal(passwordDigest(nonce, created, 'pass-cam-001'), expected);
  });

  it('writes Created in UTC at second precision', () => {
    assert.equal(wsseCreated(Date.parse('2026-12-01T10:00:00.789Z')), '2026-12-01T10:00:00Z');
  });

  it('builds an envelope the simulator reads, with a token it accepts and a wrong password it refuses', () => {
    const created = '2026-12-01T10:00:00Z';
    const xml = buildEnvelope('<tptz:GetStatus><tptz:ProfileToken>main</tptz:ProfileToken></tptz:GetStatus>', usernameTokenHeader(credentials, nonce, created));
    const parsed = parseSoapRequest(xml);
    assert.equal(parsed?.action, 'GetStatus');
    assert.equal(parsed?.body.ProfileToken, 'main');
    assert.equal(parsed?.token?.passwordType, 'digest');
    assert.equal(parsed?.token?.username, 'admin');
    const cameraNow = Date.parse(created) + 30_000;
    assert.equal(verifyUsernameToken(parsed!.token!, credentials, cameraNow), true);
    assert.equal(verifyUsernameToken(parsed!.token!, { ...credentials, password: 'other' }, cameraNow), false);
    assert.equal(verifyUsernameToken(parsed!.token!, credentials, cameraNow + 11 * 60_000), false, 'outside the replay window');
  });

  it('has no header without credentials and escapes what it embeds', () => {
    assert.ok(!buildEnvelope('<tds:GetSystemDateAndTime/>').includes('Header'));
    assert.equal(escapeXml(`a<b>&"c'`), 'a&lt;b&gt;&amp;&quot;c&apos;');
    const header = usernameTokenHeader({ username: 'op<1>', password: 'x' }, nonce, '2026-12-01T10:00:00Z');
    assert.ok(header.includes('<wsse:Username>op&lt;1&gt;</wsse:Username>'));
  });

  it('formats xs:duration timeouts', () => {
    assert.equal(formatDuration(1000), 'PT1S');
    assert.equal(formatDuration(1500), 'PT1.5S');
    assert.equal(formatDuration(-5), 'PT0S');
  });
});

describe('ONVIF SOAP answers', () => {
  const wrap = (body: string) =>
    `<?xml version="1.0"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:tptz="http://www.onvif.org/ver20/ptz/wsdl"><env:Body>${body}</env:Body></env:Envelope>`;

  it('returns the first body element whatever its prefix', () => {
    const parsed = parseSoapResponse(wrap('<tptz:SetPresetResponse><tptz:PresetToken>preset-3</tptz:PresetToken></tptz:SetPresetResponse>'));
    assert.equal(parsed.kind, 'body');
    assert.ok(parsed.kind === 'body' && parsed.action === 'SetPresetResponse' && parsed.body.PresetToken === 'preset-3');
    const empty = parseSoapResponse(wrap('<tptz:StopResponse/>'));
    assert.ok(empty.kind === 'body' && empty.action === 'StopResponse');
  });

  it('reads a SOAP 1.2 fault: code, ONVIF subcode and reason', () => {
    const parsed = parseSoapResponse(
      wrap(
        '<env:Fault><env:Code><env:Value>env:Sender</env:Value><env:Subcode><env:Value>ter:NoToken</env:Value></env:Subcode></env:Code>' +
          '<env:Reason><env:Text xml:lang="en">no such preset</env:Text></env:Reason></env:Fault>',
      ),
    );
    assert.deepEqual(parsed, { kind: 'fault', fault: { code: 'Sender', subcode: 'ter:NoToken', reason: 'no such preset' } });
  });

  it('reads a SOAP 1.1 style fault and a fault without subcode', () => {
    const legacy = parseSoapResponse(wrap('<env:Fault><faultcode>SOAP-ENV:Client</faultcode><faultstring>Bad request</faultstring></env:Fault>'));
    assert.deepEqual(legacy, { kind: 'fault', fault: { code: 'Client', subcode: null, reason: 'Bad request' } });
  });

  it('keeps every level of nested fault subcodes, and finds one by name', () => {
    const parsed = parseSoapResponse(
      wrap(
        '<env:Fault><env:Code><env:Value>env:Sender</env:Value><env:Subcode><env:Value>ter:InvalidArgVal</env:Value>' +
          '<env:Subcode><env:Value>ter:NoToken</env:Value></env:Subcode></env:Subcode></env:Code><env:Reason><env:Text>no such preset</env:Text></env:Reason></env:Fault>',
      ),
    );
    assert.ok(parsed.kind === 'fault');
    assert.equal(parsed.fault.subcode, 'ter:InvalidArgVal/ter:NoToken');
    assert.equal(hasSubcode(parsed.fault.subcode, 'NoToken'), true);
    assert.equal(hasSubcode('wsse:FailedAuthentication', 'failedauthentication'), true);
    assert.equal(hasSubcode(null, 'NoToken'), false);
  });

  it('refuses an answer cut at an element boundary (a well-formed prefix is not a whole document)', () => {
    const presets = Array.from({ length: 46 }, (_, index) => `<tptz:Preset token="p${index}"><tt:Name>n${index}</tt:Name></tptz:Preset>`).join('');
    const whole = wrap(`<tptz:GetPresetsResponse>${presets}</tptz:GetPresetsResponse>`);
    let cut = 0;
    for (let index = 0; index < 3; index++) cut = whole.indexOf('</tptz:Preset>', cut) + '</tptz:Preset>'.length;
    const parsed = parseSoapResponse(whole.slice(0, cut));
    assert.equal(parsed.kind, 'invalid');
    assert.ok(parsed.kind === 'invalid' && /not a whole XML document/.test(parsed.problem));
    const read = parseSoapResponse(whole);
    assert.ok(read.kind === 'body' && (read.body.Preset as unknown[]).length === 46);
  });

  it('reads xs:duration timeouts as cameras write them', () => {
    assert.equal(parseDuration('PT2S'), 2000);
    assert.equal(parseDuration('PT0.5S'), 500);
    assert.equal(parseDuration('PT1M'), 60_000);
    assert.equal(parseDuration('P0DT0H0M2S'), 2000);
    assert.equal(parseDuration('PT'), undefined);
    assert.equal(parseDuration('2 s'), undefined);
  });

  it('says what is wrong with an answer that is not an envelope', () => {
    assert.equal(parseSoapResponse('<html><body>Login</body></html>').kind, 'invalid');
    assert.equal(parseSoapResponse('').kind, 'invalid');
    assert.equal(parseSoapResponse(wrap('')).kind, 'invalid');
  });
});
