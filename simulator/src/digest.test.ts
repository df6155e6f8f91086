import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DigestAuthenticator, authorizationFor, digestResponse, parseAuthorizationFields } from './digest.ts';

const credentials = { username: 'admin', password: 'secret' };
const secret = Buffer.alloc(16, 7);

test('a client answering the challenge with the right password is accepted', () => {
  const auth = new DigestAuthenticator('cam', secret);
  const header = authorizationFor(auth.challenge(), credentials, 'DESCRIBE', 'rtsp://127.0.0.1/cam/x/main');
  assert.equal(auth.verify(header, 'DESCRIBE', credentials), true);
  assert.equal(auth.verify(header, 'SETUP', credentials), false, 'bound to the method');
  assert.equal(auth.verify(authorizationFor(auth.challenge(), { ...credentials, password: 'nope' }, 'DESCRIBE', 'rtsp://x'), 'DESCRIBE', credentials), false);
  assert.equal(auth.verify(undefined, 'DESCRIBE', credentials), false);
  assert.equal(auth.verify('Basic YWRtaW46c2VjcmV0', 'DESCRIBE', credentials), false);
});

test('qop=auth responses (RFC 2617 3.2.2.1) are accepted too', () => {
  const auth = new DigestAuthenticator('cam', secret);
  const nonce = auth.issueNonce();
  const response = digestResponse({ ...credentials, realm: 'cam', method: 'GET', uri: '/x', nonce, qop: 'auth', nc: '00000001', cnonce: 'abc' });
  const header = `Digest username="admin", realm="cam", nonce="${nonce}", uri="/x", qop=auth, nc=00000001, cnonce="abc", response="${response}"`;
  assert.equal(auth.verify(header, 'GET', credentials), true);
});

test('the RFC 2617 example digest is reproduced', () => {
  const response = digestResponse({
    username: 'Mufasa',
    password: 'Circle Of Life',
    realm: 'testrealm@host.com',
    method: 'GET',
    uri: '/dir/index.html',
    nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
    qop: 'auth',
    nc: '00000001',
    cnonce: '0a4f113b',
  });
  assert.equal(response, '6629fae49393a05397450978507c4ef1');
});

test('forged and expired nonces are refused', () => {
  let now = 1_000_000;
  const auth = new DigestAuthenticator('cam', secret, () => now);
  const nonce = auth.issueNonce();
  assert.equal(auth.isNonceValid(nonce), true);
  assert.equal(auth.isNonceValid(`${nonce.slice(0, -1)}0`), nonce.endsWith('0'));
  now += 61 * 60_000;
  assert.equal(auth.isNonceValid(nonce), false);
  const expired = authorizationFor(`Digest realm="cam", nonce="${nonce}"`, credentials, 'GET_PARAMETER', 'rtsp://x');
  assert.equal(auth.verify(expired, 'GET_PARAMETER', credentials), false);
  assert.match(auth.challenge(expired), /stale=TRUE$/);
  assert.doesNotMatch(auth.challenge(), /stale/);
  assert.deepEqual(parseAuthorizationFields('Digest a="1, 2", b=3'), { a: '1, 2', b: '3' });
});
