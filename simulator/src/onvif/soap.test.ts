import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { envelope, parseDurationMs, parseSoapRequest, passwordDigest, readVector, soapFault, verifyUsernameToken } from './soap.ts';

function request(body: string, security = ''): string {
  return `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header>${security}</s:Header><s:Body>${body}</s:Body></s:Envelope>`;
}

function usernameToken(username: string, password: string, created: string): string {
  const nonce = randomBytes(16).toString('base64');
  return (
    `<Security xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><UsernameToken><Username>${username}</Username>` +
    `<Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">${passwordDigest(nonce, created, password)}</Password>` +
    `<Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">${nonce}</Nonce>` +
    `<Created xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">${created}</Created></UsernameToken></Security>`
  );
}

test('the action is the first element of the body, whatever its namespace prefix', () => {
  const parsed = parseSoapRequest(
    request('<tds:GetStreamUri xmlns:tds="http://www.onvif.org/ver10/media/wsdl"><tds:ProfileToken>sub</tds:ProfileToken></tds:GetStreamUri>'),
  );
  assert.equal(parsed?.action, 'GetStreamUri');
  assert.equal(parsed?.body.ProfileToken, 'sub');
  assert.equal(parseSoapRequest('not xml <'), undefined);
});

test('a WS-Security UsernameToken digest is checked against the camera clock', () => {
  const credentials = { username: 'admin', password: 'secret' };
  const now = Date.parse('2026-01-01T10:00:00Z');
  const good = parseSoapRequest(request('<GetProfiles/>', usernameToken('admin', 'secret', '2026-01-01T10:00:02Z')))!;
  assert.equal(verifyUsernameToken(good.token!, credentials, now), true);
  const wrong = parseSoapRequest(request('<GetProfiles/>', usernameToken('admin', 'guess', '2026-01-01T10:00:02Z')))!;
  assert.equal(verifyUsernameToken(wrong.token!, credentials, now), false);
  const stale = parseSoapRequest(request('<GetProfiles/>', usernameToken('admin', 'secret', '2026-01-01T08:00:00Z')))!;
  assert.equal(verifyUsernameToken(stale.token!, credentials, now), false);
});

test('PTZ vectors and durations are read from their attributes and xs:duration', () => {
  const parsed = parseSoapRequest(
    request('<ContinuousMove><Velocity><PanTilt x="0.5" y="-0.25"/><Zoom x="0.1"/></Velocity><Timeout>PT1.5S</Timeout></ContinuousMove>'),
  )!;
  assert.deepEqual(readVector(parsed.body.Velocity), { pan: 0.5, tilt: -0.25, zoom: 0.1 });
  assert.equal(parseDurationMs('PT1.5S'), 1500);
  assert.equal(parseDurationMs('PT1M'), 60_000);
  assert.equal(parseDurationMs('soon'), undefined);
});

test('responses and faults are SOAP 1.2 envelopes', () => {
  assert.match(envelope('<tds:X/>'), /<s:Envelope [^>]*xmlns:s="http:\/\/www.w3.org\/2003\/05\/soap-envelope"[^>]*><s:Body><tds:X\/><\/s:Body><\/s:Envelope>$/);
  assert.match(soapFault('Sender', 'ter:NotAuthorized', 'Sender not authorized'), /<s:Subcode><s:Value>ter:NotAuthorized<\/s:Value>/);
});
