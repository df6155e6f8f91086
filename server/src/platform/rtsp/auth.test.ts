// Digest (RFC 2617, RFC 7616 example vectors) and Basic answers, challenge parsing and choice.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Authenticator, chooseChallenge, parseChallenges } from './auth.ts';

const field = (header: string, name: string): string | undefined => {
  const match = new RegExp(`(?:^|[ ,])${name}=("([^"]*)"|[^,\\s]+)`).exec(header.replace(/^Digest /, ' '));
  return match ? (match[2] ?? match[1]) : undefined;
};

describe('Digest', () => {
  it('answers the RFC 2617 section 3.5 example', () => {
    const [challenge] = parseChallenges([
      'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    ]);
    const authenticator = new Authenticator({ username: 'Mufasa', password: 'Circle Of Life' }, challenge!, () => '0a4f113b');
    const header = authenticator.header('GET', '/dir/index.html');
    assert.equal(field(header, 'response'), '6629fae49393a05397450978507c4ef1');
    assert.equal(field(header, 'nc'), '00000001');
    assert.equal(field(header, 'qop'), 'auth');
    assert.equal(field(header, 'opaque'), '5ccc069c403ebaf9f0171e9517f40e41');
    assert.equal(field(header, 'uri'), '/dir/index.html');
  });

  const rfc7616 = [
    'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
    'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
  ];
  const cnonce = () => 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ';
  const mufasa = { username: 'Mufasa', password: 'Circle of Life' };

  it('answers the RFC 7616 section 3.9.1 examples, SHA-256 and MD5', () => {
    const [sha256, md5] = parseChallenges(rfc7616);
    const sha = new Authenticator(mufasa, sha256!, cnonce).header('GET', '/dir/index.html');
    assert.equal(field(sha, 'response'), '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
    assert.equal(field(sha, 'algorithm'), 'SHA-256');
    const plain = new Authenticator(mufasa, md5!, cnonce).header('GET', '/dir/index.html');
    assert.equal(field(plain, 'response'), '8ca523f5e9506fed4657c9700eebdbec');
  });

  it('prefers Digest SHA-256, then Digest MD5, then Basic', () => {
    assert.equal(chooseChallenge(parseChallenges([...rfc7616].reverse()))?.params.algorithm, 'SHA-256');
    const both = parseChallenges(['Basic realm="cam"', 'Digest realm="cam", nonce="abc"']);
    assert.equal(chooseChallenge(both)?.scheme, 'digest');
    assert.equal(chooseChallenge(parseChallenges(['Basic realm="cam"']))?.scheme, 'basic');
    assert.equal(chooseChallenge(parseChallenges(['Digest realm="cam", nonce="abc", algorithm=SHA-512-256'])), undefined);
    assert.equal(chooseChallenge(parseChallenges(['Negotiate'])), undefined);
  });

  it('reads several challenges in one header value, quoted commas and escapes included', () => {
    const challenges = parseChallenges(['Digest realm="a, \\"b\\"", nonce="n1", stale=TRUE, Basic realm="c"']);
    assert.deepEqual(challenges, [
      { scheme: 'digest', params: { realm: 'a, "b"', nonce: 'n1', stale: 'TRUE' } },
      { scheme: 'basic', params: { realm: 'c' } },
    ]);
    assert.equal(new Authenticator(mufasa, challenges[0]!).stale, true);
  });

  it('counts nonce uses and draws a fresh cnonce per request', () => {
    const [challenge] = parseChallenges(['Digest realm="cam", nonce="n", qop=auth']);
    let count = 0;
    const authenticator = new Authenticator(mufasa, challenge!, () => `c${++count}`);
    const first = authenticator.header('DESCRIBE', 'rtsp://cam/stream');
    const second = authenticator.header('SETUP', 'rtsp://cam/stream/trackID=0');
    assert.equal(field(first, 'nc'), '00000001');
    assert.equal(field(second, 'nc'), '00000002');
    assert.notEqual(field(first, 'cnonce'), field(second, 'cnonce'));
  });

  it('answers without qop as RFC 2069 does (what many cameras ask)', () => {
    const [challenge] = parseChallenges(['Digest realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093"']);
    const header = new Authenticator({ username: 'Mufasa', password: 'Circle Of Life' }, challenge!).header('GET', '/dir/index.html');
    // MD5(MD5(Mufasa:testrealm@host.com:Circle Of Life):nonce:MD5(GET:/dir/index.html))
    assert.equal(field(header, 'response'), '670fd8c2df070c60b045671b8b24ff02');
    assert.equal(field(header, 'nc'), undefined);
    assert.equal(field(header, 'cnonce'), undefined);
  });

  it('answers Basic with base64 of user:password', () => {
    const [challenge] = parseChallenges(['Basic realm="cam"']);
    assert.equal(
      new Authenticator({ username: 'Aladdin', password: 'open sesame' }, challenge!).header('DESCRIBE', 'rtsp://x'),
      'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==',
    );
  });
});
